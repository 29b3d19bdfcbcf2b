"""Reference data every feature shares (Ambitions, goals, wards) and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model


def utcnow() -> datetime:
    """Timezone-naive UTC now; every timestamp column stores UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Ambition(Model):
    __tablename__ = "ambitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    strapline: Mapped[str] = mapped_column(String(200), default="")
    convenor_body: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    goals: Mapped[list[Goal]] = relationship(
        back_populates="ambition", order_by="Goal.position", lazy="selectin"
    )

    def __str__(self) -> str:
        return self.name


class Goal(Model):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    ambition_id: Mapped[int] = mapped_column(ForeignKey("ambitions.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    ambition: Mapped[Ambition] = relationship(back_populates="goals")

    def __str__(self) -> str:
        return self.title


class Ward(Model):
    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    ons_code: Mapped[str] = mapped_column(String(9), unique=True)
    code_source: Mapped[str] = mapped_column(String(16), default="inferred")
    later_code: Mapped[str | None] = mapped_column(String(9))

    def __str__(self) -> str:
        return self.name


class AuditLog(Model):
    """Who changed what and when. Written by `core.audit.record` inside the same transaction."""

    __tablename__ = "audit_log"
    __table_args__ = (
        # The admin audit log pages newest first, over everything or one action.
        Index("ix_audit_log_at_id", "at", "id"),
        Index("ix_audit_log_action_at_id", "action", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    # What the change did, as {field: [old, new]} in plain text, so the log shows before and after.
    changes: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)

    user = relationship("User", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
