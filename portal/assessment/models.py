"""The Anchor Progression Framework (versioned, loaded from YAML) and organisations' assessments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.choices import one_of
from ..core.locking import VersionedMixin
from ..core.models import utcnow
from ..extensions import Model

VARIANT_ANCHOR = "anchor"
VARIANT_BUSINESS = "business"
VARIANT_COMMUNITY = "community"
VARIANTS = {
    VARIANT_ANCHOR: "Anchor (public sector)",
    VARIANT_BUSINESS: "Business Anchors",
    VARIANT_COMMUNITY: "Community Anchors",
}

LEVELS = {1: "Getting started", 2: "Developing", 3: "Embedding", 4: "Leading"}

STATUS_DRAFT = "draft"
STATUS_SUBMITTED = "submitted"
ASSESSMENT_STATUSES = (STATUS_DRAFT, STATUS_SUBMITTED)

ACTION_NOT_STARTED = "not_started"
ACTION_IN_PROGRESS = "in_progress"
ACTION_DONE = "done"
ACTION_STATUSES = {
    ACTION_NOT_STARTED: "Not started",
    ACTION_IN_PROGRESS: "In progress",
    ACTION_DONE: "Done",
}


class Framework(Model):
    """One published version of one variant of the framework; never edited once loaded."""

    __tablename__ = "assessment_frameworks"
    __table_args__ = (UniqueConstraint("variant", "version"), one_of("variant", VARIANTS))

    id: Mapped[int] = mapped_column(primary_key=True)
    variant: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(160))
    introduction: Mapped[str] = mapped_column(Text, default="")
    source_file: Mapped[str] = mapped_column(String(120), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    dimensions: Mapped[list[Dimension]] = relationship(
        back_populates="framework",
        order_by="Dimension.position",
        lazy="selectin",
        cascade="all, delete-orphan",
    )

    @property
    def variant_label(self) -> str:
        return VARIANTS.get(self.variant, self.variant)

    @property
    def criteria(self) -> list[Criterion]:
        return [c for d in self.dimensions for c in d.criteria]

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class Dimension(Model):
    __tablename__ = "assessment_dimensions"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessment_frameworks.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship(back_populates="dimensions")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="dimension",
        order_by="Criterion.position",
        lazy="selectin",
        cascade="all, delete-orphan",
    )


class Criterion(Model):
    __tablename__ = "assessment_criteria"
    __table_args__ = (UniqueConstraint("dimension_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("assessment_dimensions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(160))
    question: Mapped[str] = mapped_column(Text, default="")
    level_1: Mapped[str] = mapped_column(Text)
    level_2: Mapped[str] = mapped_column(Text)
    level_3: Mapped[str] = mapped_column(Text)
    level_4: Mapped[str] = mapped_column(Text)
    guide_slug: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    dimension: Mapped[Dimension] = relationship(back_populates="criteria")

    def descriptor(self, level: int | None) -> str:
        return getattr(self, f"level_{level}", "") if level in LEVELS else ""


class Assessment(Model):
    """One organisation's self-assessment for one year: a draft until submitted, then fixed."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year"),
        one_of("status", ASSESSMENT_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessment_frameworks.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_DRAFT, index=True)
    # Optimistic locking: every save must name the version it started from.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))

    framework: Mapped[Framework] = relationship(lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    submitted_by = relationship("User", lazy="joined")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == STATUS_DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == STATUS_SUBMITTED

    def answers_by_criterion(self) -> dict[int, Answer]:
        return {a.criterion_id: a for a in self.answers}


class Answer(Model):
    __tablename__ = "assessment_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("assessment_criteria.id"), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    target_level: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")  # one URL a line

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    criterion: Mapped[Criterion] = relationship(lazy="joined")

    @property
    def link_list(self) -> list[str]:
        return [line for line in self.links.splitlines() if line.strip()]


class EvidenceFile(Model):
    """An uploaded file, stored under UPLOAD_FOLDER by a random name, never under static/."""

    __tablename__ = "assessment_evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("assessment_criteria.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessment: Mapped[Assessment] = relationship(lazy="joined")
    criterion: Mapped[Criterion] = relationship(lazy="joined")


class Action(VersionedMixin, Model):
    """The organisation's plan to move one criterion towards its target level."""

    __tablename__ = "assessment_actions"
    __table_args__ = (
        UniqueConstraint("assessment_id", "criterion_id"),
        one_of("status", ACTION_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("assessment_criteria.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=ACTION_NOT_STARTED)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when admins were emailed that the action is overdue; cleared when the due date moves.
    reminded_at: Mapped[datetime | None]

    assessment: Mapped[Assessment] = relationship(lazy="joined")
    criterion: Mapped[Criterion] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)

    def is_overdue(self, today: date) -> bool:
        return self.due_date is not None and self.due_date < today and self.status != ACTION_DONE
