"""Stories organisations publish and what listening exercises heard.

A story is seen by the public only when `visibility.shown_stories` says so: published, and no
featured person's consent withdrawn or short of the use the page makes of it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.choices import one_of
from ..core.models import Ambition, Ward, utcnow
from ..extensions import Model

DRAFT = "draft"
PUBLISHED = "published"
UNPUBLISHED = "unpublished"
STORY_STATUSES = (DRAFT, PUBLISHED, UNPUBLISHED)
STORY_LABELS = {DRAFT: "Draft", PUBLISHED: "Published", UNPUBLISHED: "Unpublished"}

# How a featured person gave consent, and what they allowed their story to be used for.
CONSENT_METHODS = {"written": "In writing", "verbal": "Verbally", "online": "Online form"}
USE_PORTAL = "portal"
USE_REPORT = "report"
CONSENT_USES = {
    USE_PORTAL: "On the portal's public pages and convenor dashboards",
    USE_REPORT: "In the State of the City report",
}

# What a story may be linked to (one at most): the kind and the story column holding its id.
LINK_KINDS = {
    "pledge": "pledge_id",
    "match": "match_id",
    "activity": "activity_id",
    "event": "event_id",
}

story_ambitions = Table(
    "story_ambitions",
    Model.metadata,
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("ambition_id", ForeignKey("ambitions.id"), primary_key=True),
)
story_wards = Table(
    "story_wards",
    Model.metadata,
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
)
listening_ambitions = Table(
    "listening_ambitions",
    Model.metadata,
    Column("record_id", ForeignKey("listening_records.id", ondelete="CASCADE"), primary_key=True),
    Column("ambition_id", ForeignKey("ambitions.id"), primary_key=True),
)
listening_wards = Table(
    "listening_wards",
    Model.metadata,
    Column("record_id", ForeignKey("listening_records.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
)


class Story(Model):
    """A short impact story by one organisation, with an optional image and one link."""

    __tablename__ = "stories"
    __table_args__ = (
        one_of("status", STORY_STATUSES),
        Index("ix_stories_status_published_at", "status", "published_at"),
        Index("ix_stories_organisation_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    features_people: Mapped[bool] = mapped_column(Boolean, default=False)
    image_name: Mapped[str] = mapped_column(String(40), default="")  # stored file, random hex
    image_type: Mapped[str] = mapped_column(String(40), default="")
    image_alt: Mapped[str] = mapped_column(String(300), default="")
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"))
    match_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_matches.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    published_at: Mapped[datetime | None]
    unpublished_at: Mapped[datetime | None]
    unpublished_reason: Mapped[str] = mapped_column(Text, default="")
    # Set when a platform admin unpublished it: the organisation cannot publish it again.
    unpublished_by_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ambitions: Mapped[list[Ambition]] = relationship(
        secondary=story_ambitions, order_by="Ambition.position"
    )
    wards: Mapped[list[Ward]] = relationship(secondary=story_wards, order_by="Ward.name")
    organisation = relationship("Organisation")
    pledge = relationship("Pledge")
    match = relationship("ExchangeMatch")
    activity = relationship("Activity")
    event = relationship("Event")
    consents: Mapped[list[StoryConsent]] = relationship(
        back_populates="story", order_by="StoryConsent.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return STORY_LABELS[self.status]

    @property
    def link_kind(self) -> str | None:
        return next((kind for kind, column in LINK_KINDS.items() if getattr(self, column)), None)


class StoryConsent(Model):
    """One featured person's consent: who, when, how and for what; withdrawn, it is kept."""

    __tablename__ = "story_consents"
    __table_args__ = (
        one_of("method", tuple(CONSENT_METHODS)),
        Index("ix_story_consents_story_id", "story_id", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    person: Mapped[str] = mapped_column(String(200))  # a name or a description
    given_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(12))
    # Allowed uses as ",portal,report," so one LIKE finds a use in SQLite and PostgreSQL.
    uses: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_note: Mapped[str] = mapped_column(Text, default="")

    story: Mapped[Story] = relationship(back_populates="consents")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    @property
    def use_list(self) -> list[str]:
        return [use for use in self.uses.split(",") if use]

    @property
    def method_label(self) -> str:
        return CONSENT_METHODS[self.method]


class ListeningRecord(Model):
    """What a listening exercise heard: themes, the people heard, the wards and Ambitions."""

    __tablename__ = "listening_records"
    __table_args__ = (Index("ix_listening_records_organisation_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    people_heard: Mapped[int] = mapped_column(Integer)
    themes: Mapped[str] = mapped_column(Text, default="")  # one theme a line
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ambitions: Mapped[list[Ambition]] = relationship(
        secondary=listening_ambitions, order_by="Ambition.position"
    )
    wards: Mapped[list[Ward]] = relationship(secondary=listening_wards, order_by="Ward.name")
    organisation = relationship("Organisation")
    quotes: Mapped[list[ListeningQuote]] = relationship(
        back_populates="record", order_by="ListeningQuote.id", cascade="all, delete-orphan"
    )

    @property
    def theme_list(self) -> list[str]:
        return [line.strip() for line in self.themes.splitlines() if line.strip()]

    @property
    def shown_quotes(self) -> list[ListeningQuote]:
        """Only quotes whose speaker consented are ever shown."""
        return [quote for quote in self.quotes if quote.consented]


class ListeningQuote(Model):
    """Something a person said; shown only while `consented`."""

    __tablename__ = "listening_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("listening_records.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    consented: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    record: Mapped[ListeningRecord] = relationship(back_populates="quotes")
