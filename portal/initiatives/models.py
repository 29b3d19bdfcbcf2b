"""Joint initiatives: an activity with accepted partners, where the partners post progress and
each organisation records what it put in. Contributions are never overwritten: a correction
is a new row that supersedes the old one, which stays in the history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.choices import one_of
from ..core.models import utcnow
from ..extensions import Model

CONTRIBUTION_CURRENT = "current"
CONTRIBUTION_SUPERSEDED = "superseded"
CONTRIBUTION_STATUSES = (CONTRIBUTION_CURRENT, CONTRIBUTION_SUPERSEDED)


class InitiativeUpdate(Model):
    """A progress update one partner organisation posted on an initiative."""

    __tablename__ = "initiative_updates"
    __table_args__ = (
        # The initiative page lists them newest first.
        Index("ix_initiative_updates_activity_created", "activity_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation = relationship("Organisation", lazy="joined")
    author = relationship("User", lazy="joined")


class Contribution(Model):
    """What one partner organisation put into an initiative over a period: volunteer hours,
    money (GBP) and people reached. Only current rows count; a correction supersedes."""

    __tablename__ = "initiative_contributions"
    __table_args__ = (
        one_of("status", CONTRIBUTION_STATUSES),
        Index("ix_initiative_contributions_activity_status", "activity_id", "status"),
        Index("ix_initiative_contributions_organisation_status", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    volunteer_hours: Mapped[Decimal] = mapped_column(Numeric(12, 1), default=0)
    money: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    people_reached: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=CONTRIBUTION_CURRENT)
    # A correction names the row it supersedes (its prior); `reason` on the old row says why.
    prior_id: Mapped[int | None] = mapped_column(ForeignKey("initiative_contributions.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]

    organisation = relationship("Organisation", lazy="joined")
    created_by = relationship("User")
    prior: Mapped[Contribution | None] = relationship(remote_side="Contribution.id")

    @property
    def is_current(self) -> bool:
        return self.status == CONTRIBUTION_CURRENT
