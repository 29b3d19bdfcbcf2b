"""Organisations, the networks they belong to, and the wards they serve."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.areas import AreaMixin
from ..core.choices import one_of
from ..core.locking import VersionedMixin
from ..core.models import Ward, utcnow
from ..extensions import Model, db
from .names import normalised_name

KIND_PUBLIC_ANCHOR = "public_anchor"
KIND_BUSINESS_ANCHOR = "business_anchor"
KIND_COMMUNITY_ANCHOR = "community_anchor"
KIND_VCSE = "vcse"
KIND_OTHER = "other"
ORGANISATION_KINDS = {
    KIND_PUBLIC_ANCHOR: "Public-sector anchor",
    KIND_BUSINESS_ANCHOR: "Business anchor",
    KIND_COMMUNITY_ANCHOR: "Community anchor",
    KIND_VCSE: "VCSE group",
    KIND_OTHER: "Other organisation",
}
SIZE_BANDS = {
    "micro": "Fewer than 10 staff",
    "small": "10 to 49 staff",
    "medium": "50 to 249 staff",
    "large": "250 to 4,999 staff",
    "very_large": "5,000 staff or more",
}

STATUS_PENDING = "pending"
STATUS_APPROVED = "approved"
STATUS_SUSPENDED = "suspended"
ORGANISATION_STATUSES = (STATUS_PENDING, STATUS_APPROVED, STATUS_SUSPENDED)

REQUEST_PENDING = "requested"
REQUEST_ACCEPTED = "accepted"
REQUEST_DECLINED = "declined"
REQUEST_STATUSES = (REQUEST_PENDING, REQUEST_ACCEPTED, REQUEST_DECLINED)
# The self-assessment framework variants a network can use (assessment.models.VARIANTS).
ASSESSMENT_VARIANTS = ("anchor", "business", "community")

organisation_wards = Table(
    "organisation_wards",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
    # The directory's ward filter looks organisations up by ward.
    Index("ix_organisation_wards_ward_id", "ward_id"),
)


class Network(Model):
    __tablename__ = "networks"
    __table_args__ = (one_of("assessment_variant", ASSESSMENT_VARIANTS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Which Anchor Progression Framework variant members of this network self-assess against.
    assessment_variant: Mapped[str] = mapped_column(String(40), default="anchor")

    def __str__(self) -> str:
        return self.name


class Organisation(VersionedMixin, AreaMixin, Model):
    __tablename__ = "organisations"
    __table_args__ = (
        one_of("kind", ORGANISATION_KINDS),
        one_of("size_band", SIZE_BANDS, nullable=True),
        one_of("status", ORGANISATION_STATUSES),
        # The admin list (newest first per status) and the directory (by name, approved only).
        Index("ix_organisations_status_created_at", "status", "created_at", "id"),
        Index("ix_organisations_status_name", "status", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    charity_number: Mapped[str | None] = mapped_column(String(12), index=True)
    company_number: Mapped[str | None] = mapped_column(String(8), index=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    size_band: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=STATUS_PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # normalised_name(name), kept with the name so duplicates are found by an index lookup.
    name_key: Mapped[str] = mapped_column(String(160), default="", server_default="", index=True)

    wards: Mapped[list[Ward]] = relationship(
        secondary=organisation_wards, order_by="Ward.name", lazy="selectin"
    )
    network_memberships: Mapped[list[NetworkMembership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships = relationship(
        "Membership", back_populates="organisation", cascade="all, delete-orphan"
    )

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = normalised_name(name)
        return name

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    @property
    def size_label(self) -> str:
        return SIZE_BANDS.get(self.size_band or "", "Not given")

    @property
    def is_approved(self) -> bool:
        return self.status == STATUS_APPROVED

    @property
    def can_publish(self) -> bool:
        """Only approved organisations publish pledges, listings, activities or join networks."""
        return self.status == STATUS_APPROVED

    @property
    def identifiers(self) -> list[str]:
        """org-id.guide identifiers, as used by 360Giving."""
        ids = []
        if self.charity_number:
            ids.append(f"GB-CHC-{self.charity_number}")
        if self.company_number:
            ids.append(f"GB-COH-{self.company_number}")
        return ids

    @property
    def networks(self) -> list[Network]:
        return [m.network for m in self.network_memberships if m.status == REQUEST_ACCEPTED]

    def __str__(self) -> str:
        return self.name


class NetworkMembership(Model):
    __tablename__ = "network_memberships"
    __table_args__ = (
        UniqueConstraint("organisation_id", "network_id"),
        one_of("status", REQUEST_STATUSES),
        # The admin's queue of pending requests, oldest first.
        Index("ix_network_memberships_status_requested_at", "status", "requested_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=REQUEST_PENDING)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship(back_populates="network_memberships")
    network: Mapped[Network] = relationship(lazy="joined")
