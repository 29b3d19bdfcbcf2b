"""Events partners meet at, and who signed up: places are confirmed in sign-up order up to
the capacity, the rest wait; a cancellation promotes the first person waiting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.choices import one_of
from ..core.models import Ambition, utcnow
from ..extensions import Model

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
EVENT_STATUSES = (SCHEDULED, CANCELLED)

CONFIRMED = "confirmed"
WAITING = "waiting"
WITHDRAWN = "withdrawn"
SIGNUP_STATUSES = (CONFIRMED, WAITING, WITHDRAWN)
SIGNUP_LABELS = {
    CONFIRMED: "Place confirmed",
    WAITING: "On the waiting list",
    WITHDRAWN: "Cancelled",
}

event_ambitions = Table(
    "event_ambitions",
    Model.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("ambition_id", ForeignKey("ambitions.id"), primary_key=True),
)


class Event(Model):
    """A meeting in a ward (with an address) or online, organised by one organisation."""

    __tablename__ = "events"
    __table_args__ = (
        one_of("status", EVENT_STATUSES),
        Index("ix_events_starts_at", "starts_at", "id"),
        Index("ix_events_organiser_starts_at", "organiser_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]  # UTC, naive, like every timestamp in the portal
    ends_at: Mapped[datetime]
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    online_url: Mapped[str] = mapped_column(String(500), default="")
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    address: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=SCHEDULED)
    revision: Mapped[int] = mapped_column(Integer, default=0)  # +1 per edit: iCalendar SEQUENCE
    reminder_sent_for: Mapped[datetime | None]  # the start the day-before reminders went for
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ambitions: Mapped[list[Ambition]] = relationship(
        secondary=event_ambitions, order_by="Ambition.position"
    )
    organiser = relationship("Organisation")
    ward = relationship("Ward")


class EventSignup(Model):
    """One person's place (or wait) at an event; a withdrawn row is kept, not deleted."""

    __tablename__ = "event_signups"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        one_of("status", SIGNUP_STATUSES),
        Index("ix_event_signups_queue", "event_id", "status", "signed_up_at", "id"),
        Index("ix_event_signups_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12))
    signed_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    attended: Mapped[bool | None] = mapped_column(Boolean)  # None: not recorded yet

    event: Mapped[Event] = relationship()
    user = relationship("User")

    @property
    def status_label(self) -> str:
        return SIGNUP_LABELS[self.status]
