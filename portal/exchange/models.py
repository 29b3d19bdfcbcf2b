"""The resource exchange: listings (offers and requests), suggested and agreed matches.

One `Listing` table holds both sides (`side` is "offer" or "request"): they share every field
except urgency and the needed-by date, and one table keeps search and moderation in one place.
An `ExchangeMatch` pairs one offer with one request and walks interest -> accepted -> delivered
(or declined, lapsed, withdrawn). `ExchangeSuggestion` rows are the matching job's ranked output.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement, Grouping

from ..core.areas import AreaMixin
from ..core.choices import one_of
from ..core.locking import VersionedMixin
from ..core.models import Ambition, Ward, utcnow
from ..extensions import Model, db

SIDE_OFFER = "offer"
SIDE_REQUEST = "request"
SIDES = {SIDE_OFFER: "Offer", SIDE_REQUEST: "Request"}

RESOURCE_TYPES = {
    "volunteer_time": "Volunteer time",
    "skills": "Skills and pro bono expertise",
    "mentoring": "Mentoring",
    "space": "Space or venue",
    "equipment": "Equipment or goods",
    "food": "Surplus food",
    "digital": "IT and digital",
    "funding": "Funding",
}

URGENCY_LOW = "low"
URGENCY_MEDIUM = "medium"
URGENCY_HIGH = "high"
URGENCIES = {
    URGENCY_HIGH: "Urgent",
    URGENCY_MEDIUM: "Soon",
    URGENCY_LOW: "Not urgent",
}

LISTING_OPEN = "open"
LISTING_PAUSED = "paused"
LISTING_MATCHED = "matched"
LISTING_CLOSED = "closed"
LISTING_STATUSES = {
    LISTING_OPEN: "Open",
    LISTING_PAUSED: "Paused",
    LISTING_MATCHED: "Matched",
    LISTING_CLOSED: "Closed",
}
# Why a closed listing closed.
CLOSED_BY_OWNER = "closed_by_owner"
CLOSED_EXPIRED = "expired"

MATCH_INTERESTED = "interested"  # one side expressed interest; the other must answer
MATCH_ACCEPTED = "accepted"
MATCH_DECLINED = "declined"
MATCH_LAPSED = "lapsed"  # no answer by the response deadline
MATCH_WITHDRAWN = "withdrawn"
MATCH_DELIVERED = "delivered"
MATCH_STATUSES = {
    MATCH_INTERESTED: "Waiting for an answer",
    MATCH_ACCEPTED: "Agreed",
    MATCH_DECLINED: "Declined",
    MATCH_LAPSED: "Lapsed",
    MATCH_WITHDRAWN: "Withdrawn",
    MATCH_DELIVERED: "Delivered",
}
MATCH_ACTIVE_STATUSES = (MATCH_INTERESTED, MATCH_ACCEPTED)
# Accepted and delivered matches count towards a request's committed quantity.
MATCH_COMMITTED_STATUSES = (MATCH_ACCEPTED, MATCH_DELIVERED)


def number_label(quantity: Decimal) -> str:
    """'40', '12.5', '1,000': at most two decimal places, no trailing zeros."""
    return f"{float(quantity):,.2f}".rstrip("0").rstrip(".")


def amount_label(quantity: Decimal, unit: str) -> str:
    """A number without its unit ('2'), except pounds, whose sign goes with it ('£2')."""
    return quantity_label(quantity, "£") if unit.strip() == "£" else number_label(quantity)


def unit_for(quantity: Decimal | None, unit: str) -> str:
    """The unit as it reads after `quantity`: one of them is singular ('1 freezer', '1 hour')."""
    unit = unit.strip()
    if quantity is None or quantity != 1 or " " in unit or len(unit) < 3:
        return unit
    lower = unit.lower()
    if lower == "people":
        return unit[:-6] + ("Person" if unit[0].isupper() else "person")
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return unit[:-2]
    if lower.endswith("ies") and len(unit) > 4:
        return unit[:-3] + "y"
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return unit[:-1]
    return unit


def quantity_label(quantity: Decimal | None, unit: str) -> str:
    """'40 hours', '12.5 hours', '1 freezer', '£500' (an amount in pounds puts the sign first)."""
    if quantity is None:
        return ""
    amount = number_label(quantity)
    if unit.strip() == "£":
        return f"£{amount}"
    return f"{amount} {unit_for(quantity, unit)}".strip()


# The primary keys lead with the listing; the reverse indexes serve the ward and Ambition filters
# and the per-Ambition impact figures ("which listings are tagged with this one").
exchange_listing_wards = Table(
    "exchange_listing_wards",
    db.metadata,
    Column("listing_id", ForeignKey("exchange_listings.id"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
    Index("ix_exchange_listing_wards_ward_listing", "ward_id", "listing_id"),
)

exchange_listing_ambitions = Table(
    "exchange_listing_ambitions",
    db.metadata,
    Column("listing_id", ForeignKey("exchange_listings.id"), primary_key=True),
    Column("ambition_id", ForeignKey("ambitions.id"), primary_key=True),
    Index("ix_exchange_listing_ambitions_ambition_listing", "ambition_id", "listing_id"),
)

# What the exchange lists (search.listed): open and not hidden. The same condition written once
# for the partial indexes below, on both databases.
LISTED_SQL = "status = 'open' AND hidden_at IS NULL"


class Listing(VersionedMixin, AreaMixin, Model):
    """An offer of, or a request for, a resource."""

    __tablename__ = "exchange_listings"
    __table_args__ = (
        one_of("side", SIDES),
        one_of("resource_type", RESOURCE_TYPES),
        one_of("urgency", URGENCIES, nullable=True),
        one_of("status", LISTING_STATUSES),
        # Browse's default order over listed listings only, carrying the columns its count and
        # commonest filters read, so the page and its capped count scan the index alone.
        Index(
            "ix_exchange_listings_listed_newest",
            "created_at",
            "id",
            postgresql_include=["organisation_id", "side", "resource_type"],
            postgresql_where=text(LISTED_SQL),
            sqlite_where=text(LISTED_SQL),
        ),
        # Browse's other two sorts over listed listings (the closing sort uses expires_on's).
        Index(
            "ix_exchange_listings_listed_title",
            "title",
            "id",
            postgresql_where=text(LISTED_SQL),
            sqlite_where=text(LISTED_SQL),
        ),
        Index(
            "ix_exchange_listings_listed_needed_by",
            "needed_by",
            postgresql_where=text(LISTED_SQL),
            sqlite_where=text(LISTED_SQL),
        ),
        # Moderation's hidden listings, most recently hidden first.
        Index(
            "ix_exchange_listings_hidden_at",
            "hidden_at",
            postgresql_where=text("hidden_at IS NOT NULL"),
            sqlite_where=text("hidden_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    side: Mapped[str] = mapped_column(String(8), index=True)
    resource_type: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    unit: Mapped[str] = mapped_column(String(40), default="")
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    needed_by: Mapped[date | None] = mapped_column(Date)
    urgency: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default=LISTING_OPEN, index=True)
    closed_reason: Mapped[str] = mapped_column(String(20), default="")
    # Stale listings close themselves on this date (see jobs.expire_stale_listings).
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation = relationship("Organisation", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    wards: Mapped[list[Ward]] = relationship(
        secondary=exchange_listing_wards, order_by="Ward.name", lazy="selectin"
    )
    ambitions: Mapped[list[Ambition]] = relationship(
        secondary=exchange_listing_ambitions, order_by="Ambition.position", lazy="selectin"
    )

    @property
    def is_offer(self) -> bool:
        return self.side == SIDE_OFFER

    @property
    def is_request(self) -> bool:
        return self.side == SIDE_REQUEST

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_open(self) -> bool:
        return self.status == LISTING_OPEN and not self.is_hidden

    @property
    def side_label(self) -> str:
        return SIDES.get(self.side, self.side)

    @property
    def type_label(self) -> str:
        return RESOURCE_TYPES.get(self.resource_type, self.resource_type)

    @property
    def status_label(self) -> str:
        if self.is_hidden:
            return "Hidden"
        if self.status == LISTING_CLOSED and self.closed_reason == CLOSED_EXPIRED:
            return "Expired"
        return LISTING_STATUSES.get(self.status, self.status)

    @property
    def urgency_label(self) -> str:
        return URGENCIES.get(self.urgency or "", "")

    @property
    def quantity_label(self) -> str:
        return quantity_label(self.quantity, self.unit)

    def __str__(self) -> str:
        return self.title


def search_document(
    title: ColumnElement[str] | InstrumentedAttribute[str],
    description: ColumnElement[str] | InstrumentedAttribute[str],
) -> ColumnElement[Any]:
    """The tsvector PostgreSQL full-text search matches: title, a space, description.

    The GIN index below and every search use this one expression, so the planner can use the
    index. The parentheses match how PostgreSQL prints the index back, so Alembic sees no change.
    """
    return func.to_tsvector(
        text("'english'::regconfig"),
        Grouping(title.op("||")(literal(" ", Text))).op("||")(description),
    )


# PostgreSQL only; SQLite searches with LIKE over words (see search.py).
Index(
    "ix_exchange_listings_search",
    search_document(Listing.__table__.c.title, Listing.__table__.c.description),
    postgresql_using="gin",
).ddl_if(dialect="postgresql")


class ExchangeMatch(Model):
    """An offer and a request brought together, from first interest to delivery."""

    __tablename__ = "exchange_matches"
    __table_args__ = (
        Index("ix_exchange_matches_offer_request", "offer_id", "request_id"),
        one_of("status", MATCH_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("exchange_listings.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("exchange_listings.id"), index=True)
    # The organisation that expressed interest; the other side answers.
    initiated_by_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    initiated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=MATCH_INTERESTED, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # What the offering side commits to the request (hours, items, £), in the request's unit.
    committed_quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    respond_by: Mapped[datetime | None] = mapped_column(index=True)
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_by_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    delivered_quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    delivered_unit: Mapped[str] = mapped_column(String(40), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(index=True)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What was delivered as the offer stood at delivery, so later edits to the listing do not
    # rewrite history, impact or the pledges that count it.
    delivered_resource_type: Mapped[str | None] = mapped_column(String(20))
    delivered_title: Mapped[str | None] = mapped_column(String(120))
    # Each side chooses to show its contact details; until then the two talk in the thread.
    offer_contact_shared_at: Mapped[datetime | None]
    request_contact_shared_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    offer: Mapped[Listing] = relationship(foreign_keys=[offer_id], lazy="joined")
    request: Mapped[Listing] = relationship(foreign_keys=[request_id], lazy="joined")
    messages: Mapped[list[ExchangeMessage]] = relationship(
        back_populates="match", order_by="ExchangeMessage.created_at", cascade="all"
    )

    @property
    def offer_organisation_id(self) -> int:
        return self.offer.organisation_id

    @property
    def request_organisation_id(self) -> int:
        return self.request.organisation_id

    @property
    def offer_organisation(self):
        return self.offer.organisation

    @property
    def request_organisation(self):
        return self.request.organisation

    @property
    def party_organisation_ids(self) -> tuple[int, int]:
        return (self.offer_organisation_id, self.request_organisation_id)

    @property
    def responder_organisation_id(self) -> int:
        """The side that must accept or decline: whichever did not express interest."""
        if self.initiated_by_organisation_id == self.offer_organisation_id:
            return self.request_organisation_id
        return self.offer_organisation_id

    def other_organisation_id(self, organisation_id: int) -> int:
        if organisation_id == self.offer_organisation_id:
            return self.request_organisation_id
        return self.offer_organisation_id

    @property
    def status_label(self) -> str:
        return MATCH_STATUSES.get(self.status, self.status)

    @property
    def is_delivered(self) -> bool:
        return self.status == MATCH_DELIVERED

    @property
    def can_share_contact(self) -> bool:
        """Sharing contact details is offered once the other side has accepted."""
        return self.status in MATCH_COMMITTED_STATUSES

    def contact_shared_by(self, organisation_id: int) -> bool:
        if organisation_id == self.offer_organisation_id:
            return self.offer_contact_shared_at is not None
        return self.request_contact_shared_at is not None

    @property
    def title(self) -> str:
        """The offer's title, as it was at delivery once delivered."""
        if self.is_delivered and self.delivered_title:
            return self.delivered_title
        return self.offer.title

    @property
    def resource_type(self) -> str:
        if self.is_delivered and self.delivered_resource_type:
            return self.delivered_resource_type
        return self.offer.resource_type

    @property
    def type_label(self) -> str:
        return RESOURCE_TYPES.get(self.resource_type, self.resource_type)

    def snapshot_delivery(self) -> None:
        """Keep the offer's type and title as they are now, at delivery."""
        self.delivered_resource_type = self.offer.resource_type
        self.delivered_title = self.offer.title

    @property
    def delivered_label(self) -> str:
        return quantity_label(self.delivered_quantity, self.delivered_unit)

    @property
    def over_delivered(self) -> Decimal | None:
        """How much more was delivered than agreed, when an amount was agreed and exceeded."""
        if self.delivered_quantity is None or self.committed_quantity is None:
            return None
        extra = self.delivered_quantity - self.committed_quantity
        return extra if extra > 0 else None

    @property
    def delivery_summary(self) -> str:
        """'4 freezers delivered' or '4 freezers delivered, 2 more than the 2 agreed'."""
        summary = f"{self.delivered_label} delivered"
        extra = self.over_delivered
        if extra is None or self.committed_quantity is None:
            return summary
        return (
            f"{summary}, {amount_label(extra, self.delivered_unit)} more than the "
            f"{amount_label(self.committed_quantity, self.delivered_unit)} agreed"
        )


class ExchangeMessage(Model):
    """One message in a match's private thread between the two organisations."""

    __tablename__ = "exchange_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("exchange_matches.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[ExchangeMatch] = relationship(back_populates="messages")
    organisation = relationship("Organisation", lazy="joined")
    author = relationship("User", lazy="joined")


class ExchangeSuggestion(Model):
    """A ranked pairing the matching job proposes, with the reasons it gave."""

    __tablename__ = "exchange_suggestions"
    __table_args__ = (UniqueConstraint("request_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("exchange_listings.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("exchange_listings.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons_json: Mapped[str] = mapped_column(Text, default="[]")
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[Listing] = relationship(foreign_keys=[request_id])
    offer: Mapped[Listing] = relationship(foreign_keys=[offer_id])

    @property
    def reasons(self) -> list[str]:
        return json.loads(self.reasons_json or "[]")


class ListingReport(Model):
    """Someone's report that a listing is inappropriate, for a platform admin to review."""

    __tablename__ = "exchange_listing_reports"
    __table_args__ = (
        # Moderation's open reports, oldest first.
        Index(
            "ix_exchange_listing_reports_open",
            "created_at",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("exchange_listings.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    listing: Mapped[Listing] = relationship(lazy="joined")
    reporter = relationship("User", foreign_keys=[reporter_id], lazy="joined")


# `ExchangeImpactFigure.ambition_id` of the figures over every delivered exchange, whatever its
# Ambitions (the impact page's "All exchanges").
EVERY_AMBITION = 0
# `ExchangeImpactFigure.figure`: open listings of one side (`SIDE_OFFER`, `SIDE_REQUEST`), or
# delivered exchanges of one type and unit.
FIGURE_DELIVERED = "delivered"


class ExchangeImpactFigure(Model):
    """The unfiltered impact page's figures, stored so the page reads a few rows whatever the
    size of the exchange: per Ambition, its open offers and requests and its delivered exchanges
    by type and unit, plus the delivered totals over every exchange (`EVERY_AMBITION`).

    Derived, never edited: `impact_summary` recomputes an Ambition's rows from the listings and
    matches in the flush that changes them (`flask exchange refresh-impact` recomputes them all).
    A figure that is zero has no row. No foreign key: `EVERY_AMBITION` is no Ambition.
    """

    __tablename__ = "exchange_impact_figures"

    ambition_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    figure: Mapped[str] = mapped_column(String(12), primary_key=True)
    # The type as it was at delivery and the delivered unit; "" for open listings.
    resource_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    # Open listings, or delivered exchanges, counted.
    count: Mapped[int] = mapped_column(Integer)
    # The delivered quantity summed (0 for open listings).
    quantity: Mapped[Decimal] = mapped_column(Numeric(16, 2))
