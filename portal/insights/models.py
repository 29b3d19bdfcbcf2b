"""Snapshots of the convenor insights: every figure precomputed, read only from the current one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.choices import one_of
from ..core.models import utcnow
from ..extensions import Model

BUILDING = "building"
CURRENT = "current"
SUPERSEDED = "superseded"
FAILED = "failed"
SNAPSHOT_STATUSES = (BUILDING, CURRENT, SUPERSEDED, FAILED)


class InsightSnapshot(Model):
    """One full computation of every figure. At most one is `current`; readers read only it."""

    __tablename__ = "insight_snapshots"
    __table_args__ = (one_of("status", SNAPSHOT_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default=BUILDING, index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    computed_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")


class InsightFigure(Model):
    """One figure: a measure's value for one period, Ambition and combination of breakdowns.

    A NULL breakdown column is the total over it ("all wards", "all Ambitions")."""

    __tablename__ = "insight_figures"
    __table_args__ = (
        # Every page reads figures by equality on all of these, but a trend reads a measure's
        # periods (`period != 'all'`): with the Ambition before the period and the breakdowns
        # after it, that read is one index range instead of every figure of the measure.
        Index(
            "ix_insight_figures_read",
            "snapshot_id",
            "measure",
            "ambition",
            "period",
            "ward_code",
            "decile",
            "goal_id",
            "org_kind",
            "network_id",
            "dimension",
        ),
        # The snapshot's periods for every page's filter, by a skip along the index.
        Index("ix_insight_figures_snapshot_period", "snapshot_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("insight_snapshots.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(10))  # "all", "2026" or "2026-Q2"
    ambition: Mapped[str | None] = mapped_column(String(16))
    goal_id: Mapped[int | None] = mapped_column(Integer)
    ward_code: Mapped[str | None] = mapped_column(String(9))
    decile: Mapped[int | None] = mapped_column(Integer)
    org_kind: Mapped[str | None] = mapped_column(String(32))
    network_id: Mapped[int | None] = mapped_column(Integer)
    dimension: Mapped[str | None] = mapped_column(String(120))
    value: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    # Distinct organisations behind the figure, for small-number suppression.
    org_count: Mapped[int] = mapped_column(Integer, default=0)


class InsightState(Model):
    """One row: whether data changed since the last run started (the coalescing flag)."""

    __tablename__ = "insight_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    dirty: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime | None]
    # When the latest run started: in-process, edits soon after leave the next run to the sweep.
    started_at: Mapped[datetime | None]


class InsightFact(Model):
    """One counted thing as the current snapshot counted it: a family's base row (an activity, a
    pledge, a match...) with its organisation, date, value columns and dimension.

    The incremental run subtracts an organisation's figures computed from these rows, rebuilds
    its rows from the data and adds its figures again, so the facts are what makes "before the
    edit" known after it. The value columns are the family's, in the order it names them."""

    __tablename__ = "insight_facts"
    __table_args__ = (Index("ix_insight_facts_family_org", "family", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    eid: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date | None]
    year: Mapped[int | None] = mapped_column(Integer)
    dimension: Mapped[str | None] = mapped_column(String(120))
    v1: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    v2: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    v3: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    v4: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))


class InsightFactLink(Model):
    """A counted thing's ward, goal or Ambition (`kind`), kept per organisation like its row."""

    __tablename__ = "insight_fact_links"
    __table_args__ = (
        Index("ix_insight_fact_links_family_org", "family", "org_id"),
        Index("ix_insight_fact_links_family_eid", "family", "kind", "eid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))  # "ward", "goal" or "ambition"
    eid: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[int] = mapped_column(Integer)
    ref_id: Mapped[int] = mapped_column(Integer)


class InsightFigureDelta(Model):
    """Scratch rows of one incremental run (emptied at its start): the change to each figure."""

    __tablename__ = "insight_figure_deltas"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(10))
    ambition: Mapped[str | None] = mapped_column(String(16))
    goal_id: Mapped[int | None] = mapped_column(Integer)
    ward_code: Mapped[str | None] = mapped_column(String(9))
    decile: Mapped[int | None] = mapped_column(Integer)
    org_kind: Mapped[str | None] = mapped_column(String(32))
    network_id: Mapped[int | None] = mapped_column(Integer)
    dimension: Mapped[str | None] = mapped_column(String(120))
    value: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    org_count: Mapped[int] = mapped_column(Integer, default=0)


# What an InsightChange names: a row whose change moves some organisations' figures.
CHANGE_KINDS = (
    "activity",
    "pledge",
    "listing",
    "assessment",
    "organisation",
    "event",
    "scorecard",
    "all",
)


class InsightChange(Model):
    """A change not yet in the figures, written after the edit commits; a run takes them all.

    `ref_id` is the activity, pledge, listing, assessment, organisation or event id; "scorecard"
    recomputes the scorecard figures, "all" (reference data, networks, a kind or status
    change) a full run."""

    __tablename__ = "insight_changes"
    __table_args__ = (one_of("kind", CHANGE_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int | None] = mapped_column(Integer)
