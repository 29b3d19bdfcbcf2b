"""Social Value Charter principles, the measure catalogue with yearly proxy values, pledges and
their progress updates."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.areas import AreaMixin
from ..core.choices import one_of
from ..core.locking import VersionedMixin
from ..core.models import Ambition, Goal, Ward, utcnow
from ..extensions import Model, db

DIRECTION_INCREASE = "increase"
DIRECTION_DECREASE = "decrease"
DIRECTIONS = (DIRECTION_INCREASE, DIRECTION_DECREASE)
THEMES = {
    "jobs": "Jobs",
    "growth": "Growth",
    "social": "Social",
    "environment": "Environment",
    "innovation": "Innovation",
}

# A progress report is current until a correction supersedes it or it is withdrawn; only current
# reports count, and the others stay as the pledge's history.
REPORT_CURRENT = "current"
REPORT_SUPERSEDED = "superseded"
REPORT_WITHDRAWN = "withdrawn"
REPORT_STATUSES = (REPORT_CURRENT, REPORT_SUPERSEDED, REPORT_WITHDRAWN)
# The promise's fields that change only through a revision once progress is reported.
REVISABLE_FIELDS = {
    "baseline": "Baseline",
    "target": "Target",
    "start_date": "Start date",
    "end_date": "End date",
}

# Money and quantities: 14 digits, 2 decimal places, so a huge entry is refused by the form
# before it could overflow the column.
Quantity = Numeric(14, 2)

measure_principles = Table(
    "measure_principles",
    db.metadata,
    Column("measure_id", ForeignKey("social_value_measures.id"), primary_key=True),
    Column("principle_id", ForeignKey("charter_principles.id"), primary_key=True),
)
measure_goals = Table(
    "measure_goals",
    db.metadata,
    Column("measure_id", ForeignKey("social_value_measures.id"), primary_key=True),
    Column("goal_id", ForeignKey("goals.id"), primary_key=True),
)
pledge_principles = Table(
    "pledge_principles",
    db.metadata,
    Column("pledge_id", ForeignKey("pledges.id"), primary_key=True),
    Column("principle_id", ForeignKey("charter_principles.id"), primary_key=True),
    # The wall's filter: the pledges with this principle.
    Index("ix_pledge_principles_principle_id", "principle_id", "pledge_id"),
)
pledge_wards = Table(
    "pledge_wards",
    db.metadata,
    Column("pledge_id", ForeignKey("pledges.id"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
    # The wall's filter: the pledges with this ward.
    Index("ix_pledge_wards_ward_id", "ward_id", "pledge_id"),
)
pledge_ambitions = Table(
    "pledge_ambitions",
    db.metadata,
    Column("pledge_id", ForeignKey("pledges.id"), primary_key=True),
    Column("ambition_id", ForeignKey("ambitions.id"), primary_key=True),
    # The wall's filter: the pledges with this ambition.
    Index("ix_pledge_ambitions_ambition_id", "ambition_id", "pledge_id"),
)
pledge_goals = Table(
    "pledge_goals",
    db.metadata,
    Column("pledge_id", ForeignKey("pledges.id"), primary_key=True),
    Column("goal_id", ForeignKey("goals.id"), primary_key=True),
)


class CharterPrinciple(Model):
    __tablename__ = "charter_principles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return self.name


class SocialValueMeasure(Model):
    __tablename__ = "social_value_measures"
    __table_args__ = (one_of("theme", THEMES), one_of("direction", DIRECTIONS))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20))
    unit_label: Mapped[str] = mapped_column(String(40))
    whole_number: Mapped[bool] = mapped_column(Boolean, default=False)
    direction: Mapped[str] = mapped_column(String(10), default=DIRECTION_INCREASE)
    counting_rule: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    principles: Mapped[list[CharterPrinciple]] = relationship(
        secondary=measure_principles, order_by="CharterPrinciple.position", lazy="selectin"
    )
    goals: Mapped[list[Goal]] = relationship(
        secondary=measure_goals, order_by="Goal.code", lazy="selectin"
    )
    proxies: Mapped[list[ProxyValue]] = relationship(
        back_populates="measure", order_by="ProxyValue.year", cascade="all, delete-orphan"
    )

    @property
    def theme_label(self) -> str:
        return THEMES.get(self.theme, self.theme)

    @property
    def decreases(self) -> bool:
        return self.direction == DIRECTION_DECREASE

    def __str__(self) -> str:
        return self.name


class ProxyValue(Model):
    """£ of social value per unit of a measure, from `year` until a later year's row replaces it."""

    __tablename__ = "proxy_values"
    __table_args__ = (UniqueConstraint("measure_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("social_value_measures.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Quantity)
    source: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    measure: Mapped[SocialValueMeasure] = relationship(back_populates="proxies")


class Pledge(VersionedMixin, AreaMixin, Model):
    __tablename__ = "pledges"
    # The wall and its export list newest first.
    __table_args__ = (Index("ix_pledges_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("social_value_measures.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    baseline: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    target: Mapped[Decimal] = mapped_column(Quantity)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the overdue-update reminder last went out, so the job sends it once, not every run.
    last_reminded_at: Mapped[datetime | None]

    organisation = relationship("Organisation", lazy="joined")
    measure: Mapped[SocialValueMeasure] = relationship(lazy="joined")
    principles: Mapped[list[CharterPrinciple]] = relationship(
        secondary=pledge_principles, order_by="CharterPrinciple.position", lazy="selectin"
    )
    wards: Mapped[list[Ward]] = relationship(
        secondary=pledge_wards, order_by="Ward.name", lazy="selectin"
    )
    ambitions: Mapped[list[Ambition]] = relationship(
        secondary=pledge_ambitions, order_by="Ambition.position", lazy="selectin"
    )
    goals: Mapped[list[Goal]] = relationship(
        secondary=pledge_goals, order_by="Goal.code", lazy="selectin"
    )
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="pledge",
        order_by="ProgressUpdate.period_end",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    revisions: Mapped[list[PledgeRevision]] = relationship(
        back_populates="pledge",
        order_by="(PledgeRevision.created_at, PledgeRevision.id)",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def current_updates(self) -> list[ProgressUpdate]:
        return [u for u in self.updates if u.status == REPORT_CURRENT]

    def original(self, name: str) -> Any:
        """The value `name` had when the pledge was made, before any revision."""
        for revision in self.revisions:
            if revision.field == name:
                return revision.old_value_typed
        return getattr(self, name)

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(VersionedMixin, Model):
    """Units delivered towards a pledge in one period (for a decrease, the reduction achieved)."""

    __tablename__ = "pledge_updates"
    __table_args__ = (one_of("status", REPORT_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Quantity)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=REPORT_CURRENT)
    # A correction names the report it supersedes; `reason` says why it was corrected or withdrawn.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("pledge_updates.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]

    pledge: Mapped[Pledge] = relationship(back_populates="updates")
    replaces: Mapped[ProgressUpdate | None] = relationship(remote_side="ProgressUpdate.id")

    @property
    def is_current(self) -> bool:
        return self.status == REPORT_CURRENT


class PledgeRevision(Model):
    """One change to a reported pledge's promise (target, baseline or a date), with its reason."""

    __tablename__ = "pledge_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str] = mapped_column(String(40))
    new_value: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    pledge: Mapped[Pledge] = relationship(back_populates="revisions")
    created_by = relationship("User", lazy="joined")

    @property
    def field_label(self) -> str:
        return REVISABLE_FIELDS.get(self.field, self.field)

    def _typed(self, text: str) -> Any:
        return date.fromisoformat(text) if self.field.endswith("_date") else Decimal(text)

    @property
    def old_value_typed(self) -> Any:
        return self._typed(self.old_value)

    @property
    def new_value_typed(self) -> Any:
        return self._typed(self.new_value)


class PledgeExchangeLink(Model):
    """A delivered exchange the offering organisation counts towards one of its pledges.

    `match_id` is unique: a delivery counts towards one pledge, once.
    """

    __tablename__ = "pledge_exchange_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("exchange_matches.id"), unique=True)
    # In the pledge measure's unit, which may differ from the unit the exchange used.
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    pledge: Mapped[Pledge] = relationship()
    match = relationship("ExchangeMatch", lazy="joined")


class PledgeStanding(Model):
    """Where a pledge stands, derived from its reports, revisions, linked deliveries and the
    proxies: a cache the wall's totals and the overdue list read instead of every report.

    Never the source of truth: `standing.refresh_standing` recomputes a row from those facts in
    the flush that changes them, and `flask pledges refresh-standing` rebuilds every row. A table
    of its own, not columns on `pledges`, so refreshing it never bumps the pledge's edit version
    (an edit form open elsewhere would otherwise be refused) nor shows up in its audit trail.
    """

    __tablename__ = "pledge_standing"
    # The overdue list: next report due before today, oldest first.
    __table_args__ = (Index("ix_pledge_standing_next_due", "next_due", "pledge_id"),)

    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True
    )
    # Current reports plus linked deliveries, each link counting at most what was delivered.
    delivered_units: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    achieved: Mapped[bool] = mapped_column(Boolean)
    last_reported_on: Mapped[date | None] = mapped_column(Date)
    last_period_end: Mapped[date | None] = mapped_column(Date)
    # 3 and 12 months after the last report (or the start): report due, and lapsed.
    next_due: Mapped[date] = mapped_column(Date)
    lapses_on: Mapped[date] = mapped_column(Date)
    promised_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    # The promise as first made, before any revision.
    original_units: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    original_year: Mapped[int] = mapped_column(Integer)
    original_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    # £ the wall's totals count: current reports, and linked deliveries at their linked quantity.
    counted_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))


EXPORT_PREPARING = "preparing"
EXPORT_READY = "ready"
EXPORT_STATUSES = (EXPORT_PREPARING, EXPORT_READY)


class PledgeExport(Model):
    """A large CSV of the public wall, written to the instance folder by a job.

    `filters` is the wall's filters as sorted JSON: a second request for the same filters reuses
    the file while it is under a day old."""

    __tablename__ = "pledge_exports"
    __table_args__ = (
        one_of("status", EXPORT_STATUSES),
        Index("ix_pledge_exports_filters_created_at", "filters", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filters: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default=EXPORT_PREPARING)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]

    @property
    def filename(self) -> str:
        return f"pledges-{self.id}.csv"

    @property
    def is_ready(self) -> bool:
        return self.status == EXPORT_READY
