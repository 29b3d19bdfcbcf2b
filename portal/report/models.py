"""The State of the City report: one row per generated version of a year, its narratives and
highlights. A published version is never changed: regenerating a year adds a new version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.choices import one_of
from ..core.models import utcnow
from ..extensions import Model

GENERATING = "generating"
READY = "ready"
PUBLISHED = "published"
FAILED = "failed"
SUPERSEDED = "superseded"  # an earlier published version of a year, still readable
REPORT_STATUSES = ("draft", GENERATING, READY, PUBLISHED, FAILED, SUPERSEDED)
STATUS_LABELS = {
    "draft": "Draft",
    GENERATING: "Being generated",
    READY: "Ready to publish",
    PUBLISHED: "Published",
    FAILED: "Generation failed",
    SUPERSEDED: "Earlier published version",
}

NARRATIVE_DRAFT = "draft"
NARRATIVE_IN_REVIEW = "in_review"
NARRATIVE_APPROVED = "approved"
NARRATIVE_PUBLISHED = "published"
NARRATIVE_STATUSES = (NARRATIVE_DRAFT, NARRATIVE_IN_REVIEW, NARRATIVE_APPROVED, NARRATIVE_PUBLISHED)
NARRATIVE_LABELS = {
    NARRATIVE_DRAFT: "Draft",
    NARRATIVE_IN_REVIEW: "In review",
    NARRATIVE_APPROVED: "Approved",
    NARRATIVE_PUBLISHED: "Published",
}


class StateOfCityReport(Model):
    """One version of a year's report: the content frozen at generation, and its PDF."""

    __tablename__ = "soc_reports"
    __table_args__ = (
        UniqueConstraint("year", "version"),
        one_of("status", REPORT_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(12), default=GENERATING)
    # JSON text, frozen at generation: what the HTML page and the PDF show.
    content: Mapped[str] = mapped_column(Text, default="")
    snapshot_id: Mapped[int | None] = mapped_column(Integer)
    snapshot_computed_at: Mapped[datetime | None]
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")  # why a published year was regenerated
    error: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_public(self) -> bool:
        return self.status in (PUBLISHED, SUPERSEDED)


class ReportNarrative(Model):
    """A convenor's narrative for their Ambition's section of a year's report."""

    __tablename__ = "soc_narratives"
    __table_args__ = (
        UniqueConstraint("year", "ambition_code"),
        one_of("status", NARRATIVE_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    ambition_code: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=NARRATIVE_DRAFT)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]

    @property
    def status_label(self) -> str:
        return NARRATIVE_LABELS[self.status]


class ReportHighlight(Model):
    """A highlight a convenor chose for their Ambition's section: a line, with a link."""

    __tablename__ = "soc_highlights"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    ambition_code: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
