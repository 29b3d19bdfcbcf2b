"""Emails are rows first, so a lost job or a dead Redis never loses a message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import Model


class OutboundEmail(Model):
    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The person (or role's mailbox) who answers a reply, since the sender is a no-reply address.
    reply_to: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # The delivery attempt talking to SMTP now: committed before the send, cleared on failure.
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # An attempt died after claiming and before recording the send: it may have been delivered,
    # so it is not sent again automatically; an admin checks it (see `mail.delivery`).
    possibly_sent_at: Mapped[datetime | None] = mapped_column(index=True)
