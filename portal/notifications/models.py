"""Each person's choice per kind (a row only when it is not the default), and the items kept
for their weekly digest: written before anything else, so a dead worker or Redis loses none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.choices import one_of
from ..core.models import utcnow
from ..extensions import Model
from .kinds import CHOICES, KIND_CODES


class NotificationPreference(Model):
    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        one_of("kind", KIND_CODES),
        one_of("choice", CHOICES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DigestItem(Model):
    """One email's worth of news held for the weekly digest; `sent_at` is set in the same
    transaction that queues the digest email, which `digest_email_id` names."""

    __tablename__ = "digest_items"
    __table_args__ = (
        one_of("kind", KIND_CODES),
        Index("ix_digest_items_pending", "sent_at", "user_id"),
        Index("ix_digest_items_user_id", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    digest_email_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_emails.id"))
