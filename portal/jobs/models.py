"""When each periodic job last started, kept in the database so restarts and cron ticks see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import Model


class PeriodicJobRun(Model):
    __tablename__ = "periodic_job_runs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(DateTime)


class PendingJob(Model):
    """A job `enqueue` could not hand to Redis, kept until a flush pushes it to RQ.

    `unique_key` is a hash of the job and its arguments, so the same job recorded twice while
    Redis is down (a sweep re-enqueueing it every 20 seconds) waits here once."""

    __tablename__ = "pending_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_path: Mapped[str] = mapped_column(String(200))
    args_json: Mapped[str] = mapped_column(Text, default="[]")
    kwargs_json: Mapped[str] = mapped_column(Text, default="{}")
    unique_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
