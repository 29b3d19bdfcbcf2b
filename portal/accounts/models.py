"""People, their memberships of organisations, platform roles and invitations."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    DDL,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.choices import one_of
from ..core.models import Ambition, utcnow
from ..extensions import Model

ROLE_MEMBER = "member"
ROLE_ADMIN = "admin"
ORG_ROLES = (ROLE_MEMBER, ROLE_ADMIN)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)  # the admin list's order
    password_hash: Mapped[str] = mapped_column(String(255))
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of every session's user id: raising it signs the account out everywhere at once.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    convenor_ambitions: Mapped[list[Ambition]] = relationship(
        secondary="convenor_assignments", order_by="Ambition.position", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and remember cookie: "<id>:<version>"."""
        return f"{self.id}:{self.session_version}"

    def end_all_sessions(self) -> None:
        """Every session and remember cookie issued so far stops working (see `load_user`)."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def is_convenor(self) -> bool:
        return bool(self.convenor_ambitions)

    def convenes(self, ambition_id: int) -> bool:
        return self.is_platform_admin or any(a.id == ambition_id for a in self.convenor_ambitions)

    def membership_of(self, organisation_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.organisation_id == organisation_id), None)

    def __str__(self) -> str:
        return self.name


# The admin's people search matches anywhere in a name or email (LIKE '%…%'), which only a
# trigram index serves: PostgreSQL only (migration 0021 gives SQLite plain indexes of the same
# names, so the schemas compare).
for _column in ("name", "email"):
    Index(
        f"ix_users_{_column}_trigram",
        func.lower(User.__table__.c[_column]).label(f"lower_{_column}"),
        postgresql_using="gin",
        postgresql_ops={f"lower_{_column}": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")
# `create_all` (the tests) needs the operator class the migration's CREATE EXTENSION provides.
event.listen(
    User.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


class Membership(Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"), one_of("role", ORG_ROLES))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation = relationship("Organisation", back_populates="memberships", lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


class ConvenorAssignment(Model):
    """A convenor's scope: the Ambitions whose aggregated data they see and steward."""

    __tablename__ = "convenor_assignments"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    ambition_id: Mapped[int] = mapped_column(ForeignKey("ambitions.id"), primary_key=True)


class Invitation(Model):
    __tablename__ = "invitations"
    __table_args__ = (one_of("role", ORG_ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]

    organisation = relationship("Organisation", lazy="joined")
    invited_by = relationship("User", foreign_keys=[invited_by_id])
