"""Working groups: organisations working together on an Ambition, with leads, join requests,
updates, shared resources and actions. A members-only group is invisible to everyone else."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
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

OPEN = "open"
MEMBERS_ONLY = "members"
VISIBILITIES = {OPEN: "Open to everyone signed in", MEMBERS_ONLY: "Members only"}

REQUESTED = "requested"
MEMBER = "member"
DECLINED = "declined"
LEFT = "left"
MEMBERSHIP_STATUSES = (REQUESTED, MEMBER, DECLINED, LEFT)

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
ACTION_STATUSES = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", DONE: "Done"}

group_ambitions = Table(
    "working_group_ambitions",
    Model.metadata,
    Column("group_id", ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("ambition_id", ForeignKey("ambitions.id"), primary_key=True),
)
group_dimensions = Table(
    "working_group_dimensions",
    Model.metadata,
    Column("group_id", ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("dimension_id", ForeignKey("assessment_dimensions.id"), primary_key=True),
)


class WorkingGroup(Model):
    __tablename__ = "working_groups"
    __table_args__ = (one_of("visibility", VISIBILITIES), Index("ix_working_groups_name", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(12), default=OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ambitions: Mapped[list[Ambition]] = relationship(
        secondary=group_ambitions, order_by="Ambition.position"
    )
    dimensions = relationship(
        "Dimension", secondary=group_dimensions, order_by="Dimension.position"
    )

    @property
    def members_only(self) -> bool:
        return self.visibility == MEMBERS_ONLY


class GroupMembership(Model):
    """An organisation's place in a group: asked, member, declined or left (rows are kept)."""

    __tablename__ = "working_group_memberships"
    __table_args__ = (
        UniqueConstraint("group_id", "organisation_id"),
        one_of("status", MEMBERSHIP_STATUSES),
        Index("ix_working_group_memberships_organisation", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(12))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    group: Mapped[WorkingGroup] = relationship()
    organisation = relationship("Organisation")


class GroupLead(Model):
    """A person of a member organisation who leads the group."""

    __tablename__ = "working_group_leads"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class GroupFile(Model):
    """An uploaded file of a group, stored under UPLOAD_FOLDER by a random name."""

    __tablename__ = "working_group_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupUpdate(Model):
    """A post to the group, with an optional attachment."""

    __tablename__ = "working_group_updates"
    __table_args__ = (Index("ix_working_group_updates_group", "group_id", "posted_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("working_group_files.id"))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[WorkingGroup] = relationship()
    author = relationship("User")
    file: Mapped[GroupFile | None] = relationship()


class GroupResource(Model):
    """A shared link or file."""

    __tablename__ = "working_group_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500), default="")
    file_id: Mapped[int | None] = mapped_column(ForeignKey("working_group_files.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    file: Mapped[GroupFile | None] = relationship()


class GroupAction(Model):
    """Something a member organisation has taken on, with a due date and a status."""

    __tablename__ = "working_group_actions"
    __table_args__ = (
        one_of("status", ACTION_STATUSES),
        Index("ix_working_group_actions_group", "group_id", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=NOT_STARTED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner = relationship("Organisation")

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES[self.status]
