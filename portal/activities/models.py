"""Activities: what organisations do together, tagged to the Ambitions' goals and to places."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    func,
    literal,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement, Grouping

from ..core.areas import AreaMixin
from ..core.choices import one_of
from ..core.csv_import import CsvImportMixin
from ..core.locking import VersionedMixin
from ..core.models import Ambition, Goal, Ward, utcnow
from ..extensions import Model, db
from ..orgs.models import STATUS_APPROVED, Organisation

PARTNER_PENDING = "pending"
PARTNER_ACCEPTED = "accepted"
PARTNER_STATUSES = {PARTNER_PENDING: "Waiting for them to accept", PARTNER_ACCEPTED: "Accepted"}


class PartnerTag(Model):
    """An organisation named as a partner on an activity. It is pending until a member of the
    named organisation accepts it: only accepted tags show publicly or count for the partner.
    Declining or removing a tag deletes it (the audit log keeps the history)."""

    __tablename__ = "activity_partners"
    __table_args__ = (
        # An organisation's accepted (or pending) tags: its activities page and the list filter.
        Index("ix_activity_partners_organisation_status", "organisation_id", "status"),
        one_of("status", PARTNER_STATUSES),
    )

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=PARTNER_PENDING, index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    activity: Mapped[Activity] = relationship(back_populates="partner_tags")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_accepted(self) -> bool:
        return self.status == PARTNER_ACCEPTED

    @property
    def status_label(self) -> str:
        return PARTNER_STATUSES.get(self.status, self.status)

    def __str__(self) -> str:
        return f"{self.organisation.name} ({self.status})"


activity_partners: Table = PartnerTag.__table__  # type: ignore[assignment]
# (goal_id, activity_id) and (ward_id, activity_id): a goal's or a ward's activities straight
# from the index (index-only), for the list's filters.
activity_goals = Table(
    "activity_goals",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("goals.id"), primary_key=True),
    Index("ix_activity_goals_goal_activity", "goal_id", "activity_id"),
)
activity_wards = Table(
    "activity_wards",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
    Index("ix_activity_wards_ward_activity", "ward_id", "activity_id"),
)

# Links to the lead organisation's own pledges and to exchange matches it took part in.
activity_pledges = Table(
    "activity_pledges",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("pledge_id", ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True, index=True),
)
activity_exchange_matches = Table(
    "activity_exchange_matches",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "match_id",
        ForeignKey("exchange_matches.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Activity(VersionedMixin, AreaMixin, Model):
    """One piece of work led by an organisation, with partners, tagged to goals and wards."""

    __tablename__ = "activities"
    __table_args__ = (
        # The lists' order (newest first, id to break ties), read backwards with no sort.
        Index("ix_activities_start_date_id", "start_date", "id"),
        # The few citywide activities, which every ward's list includes.
        Index(
            "ix_activities_citywide",
            "citywide",
            postgresql_where=text("citywide"),
            sqlite_where=text("citywide"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    people_reached: Mapped[int] = mapped_column(Integer, default=0)
    volunteer_hours: Mapped[Decimal] = mapped_column(Numeric(12, 1), default=0)
    spend: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    outcomes: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    # Set when the activity arrived in a CSV import, so an import can be traced.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("activity_imports.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lead_organisation: Mapped[Organisation] = relationship(
        foreign_keys=[lead_organisation_id], lazy="joined"
    )
    # Every tag, pending or accepted: the lead manages these through the form.
    partner_tags: Mapped[list[PartnerTag]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", passive_deletes=True
    )
    # Partners who accepted their tag and are not suspended: the only ones shown.
    partners: Mapped[list[Organisation]] = relationship(
        secondary=activity_partners,
        primaryjoin=lambda: Activity.id == activity_partners.c.activity_id,
        secondaryjoin=lambda: (
            (Organisation.id == activity_partners.c.organisation_id)
            & (activity_partners.c.status == PARTNER_ACCEPTED)
            & (Organisation.status == STATUS_APPROVED)
        ),
        order_by="Organisation.name",
        viewonly=True,
    )
    goals: Mapped[list[Goal]] = relationship(
        secondary=activity_goals, order_by=(Goal.ambition_id, Goal.position)
    )
    wards: Mapped[list[Ward]] = relationship(secondary=activity_wards, order_by="Ward.name")

    @property
    def ambitions(self) -> list[Ambition]:
        """The Ambitions the activity serves: those of its goals, in the Ambitions' order."""
        seen: dict[int, Ambition] = {}
        for goal in self.goals:
            seen.setdefault(goal.ambition_id, goal.ambition)
        return sorted(seen.values(), key=lambda a: a.position)

    @property
    def visibility_label(self) -> str:
        return "Public" if self.is_public else "Private"

    def involves(self, organisation_id: int) -> bool:
        """The lead, or an organisation named as a partner (a pending one too: it needs to see
        the activity to decide)."""
        return organisation_id == self.lead_organisation_id or any(
            t.organisation_id == organisation_id for t in self.partner_tags
        )

    def __str__(self) -> str:
        return self.title


def search_document(
    title: ColumnElement[str] | InstrumentedAttribute[str],
    description: ColumnElement[str] | InstrumentedAttribute[str],
) -> ColumnElement[Any]:
    """The tsvector the list's search matches: title, a space, description (English stemming).

    The GIN index below and every search use this one expression, so the planner can use the
    index. The parentheses match how PostgreSQL prints the index back, so Alembic sees no change.
    """
    return func.to_tsvector(
        text("'english'::regconfig"),
        Grouping(title.op("||")(literal(" ", Text))).op("||")(description),
    )


# PostgreSQL only; SQLite searches with LIKE (see search.py).
Index(
    "ix_activities_search",
    search_document(Activity.__table__.c.title, Activity.__table__.c.description),
    postgresql_using="gin",
).ddl_if(dialect="postgresql")


class ActivityImport(CsvImportMixin, Model):
    """A CSV file of activities, checked and applied by a background job, all or nothing."""

    __tablename__ = "activity_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
