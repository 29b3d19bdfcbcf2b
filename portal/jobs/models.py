"""When each periodic job last started, kept in the database so restarts and cron ticks see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class PeriodicJobRun(db.Model):  # type: ignore[name-defined]
    __tablename__ = "periodic_job_runs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(DateTime)
