"""Stories and listening records: saving, publishing, consent and its withdrawal, admin
unpublishing, and the queries other pages read. Views call these; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..activities.models import PARTNER_ACCEPTED, Activity, activity_partners
from ..core import audit
from ..core.models import Ambition, Ward, utcnow
from ..events.models import Event
from ..exchange.models import ExchangeMatch, Listing
from ..extensions import db
from ..pledges.models import Pledge
from . import images
from .models import (
    DRAFT,
    LINK_KINDS,
    PUBLISHED,
    UNPUBLISHED,
    USE_PORTAL,
    USE_REPORT,
    ListeningQuote,
    ListeningRecord,
    Story,
    StoryConsent,
    listening_ambitions,
    listening_wards,
    story_ambitions,
    story_wards,
)
from .visibility import shown_ids, shown_stories

WITHDRAWN_REASON = "A person featured in the story withdrew their consent."
DASHBOARD_STORIES = 5
DASHBOARD_RECORDS = 5


class VoicesError(Exception):
    """Why a change cannot happen, in words for the page."""


def _ambitions(ids: set[int]) -> list[Ambition]:
    return list(db.session.scalars(select(Ambition).where(Ambition.id.in_(ids)))) if ids else []


def _wards(ids: set[int]) -> list[Ward]:
    return list(db.session.scalars(select(Ward).where(Ward.id.in_(ids)))) if ids else []


# ------------------------------------------------------------------ links


def link_choices(organisation_id: int) -> list[tuple[str, str]]:
    """What the organisation's story may link to: its pledges, exchange matches it is party
    to, activities it leads or joins, and events it organises (newest first, 50 of each)."""
    pledges = db.session.execute(
        select(Pledge.id, Pledge.title)
        .where(Pledge.organisation_id == organisation_id)
        .order_by(Pledge.id.desc())
        .limit(50)
    ).all()
    activities = db.session.execute(
        select(Activity.id, Activity.title)
        .where(
            or_(
                Activity.lead_organisation_id == organisation_id,
                # a partner in a joint initiative may tell its story too
                Activity.id.in_(
                    select(activity_partners.c.activity_id).where(
                        activity_partners.c.organisation_id == organisation_id,
                        activity_partners.c.status == PARTNER_ACCEPTED,
                    )
                ),
            )
        )
        .order_by(Activity.id.desc())
        .limit(50)
    ).all()
    events = db.session.execute(
        select(Event.id, Event.title)
        .where(Event.organiser_id == organisation_id)
        .order_by(Event.starts_at.desc())
        .limit(50)
    ).all()
    ours = select(Listing.id).where(Listing.organisation_id == organisation_id)
    matches = db.session.execute(
        select(ExchangeMatch.id, Listing.title)
        .join(Listing, Listing.id == ExchangeMatch.offer_id)
        .where(or_(ExchangeMatch.offer_id.in_(ours), ExchangeMatch.request_id.in_(ours)))
        .order_by(ExchangeMatch.id.desc())
        .limit(50)
    ).all()
    return [
        *((f"pledge:{i}", f"Pledge: {t}") for i, t in pledges),
        *((f"match:{i}", f"Exchange match: {t}") for i, t in matches),
        *((f"activity:{i}", f"Activity or joint initiative: {t}") for i, t in activities),
        *((f"event:{i}", f"Event: {t}") for i, t in events),
    ]


def link_value(story: Story) -> str:
    kind = story.link_kind
    return f"{kind}:{getattr(story, LINK_KINDS[kind])}" if kind else ""


# ------------------------------------------------------------------ stories


@dataclass
class Image:
    content: bytes
    content_type: str


def save_story(
    story: Story,
    *,
    title: str,
    body: str,
    features_people: bool,
    ambition_ids: set[int],
    ward_ids: set[int],
    link: str,
    image: Image | None,
    image_alt: str,
    remove_image: bool = False,
) -> Story:
    """Create or change a story; `link` is "kind:id" from `link_choices` or ""."""
    story.title, story.body, story.features_people = title, body, features_people
    story.ambitions, story.wards = _ambitions(ambition_ids), _wards(ward_ids)
    for column in LINK_KINDS.values():
        setattr(story, column, None)
    if link:
        kind, _, found = link.partition(":")
        setattr(story, LINK_KINDS[kind], int(found))
    if image is not None or remove_image:
        images.remove(story.image_name)
        story.image_name = story.image_type = ""
    if image is not None:
        story.image_name, story.image_type = images.store(image.content), image.content_type
    story.image_alt = image_alt if story.image_name else ""
    db.session.add(story)
    db.session.flush()
    return story


def active_consents(story: Story) -> list[StoryConsent]:
    return [c for c in story.consents if c.withdrawn_at is None]


def publish(story: Story, user: User, now: datetime | None = None) -> None:
    """Publish a draft (or republish what the organisation itself took down)."""
    if story.status == PUBLISHED:
        raise VoicesError("This story is already published.")
    if story.unpublished_by_admin:
        raise VoicesError("An administrator unpublished this story: it cannot be published again.")
    if any(c.withdrawn_at is not None for c in story.consents):
        raise VoicesError(
            "Someone featured in this story withdrew their consent: it cannot be published again."
        )
    if story.features_people and not active_consents(story):
        raise VoicesError(
            "This story features people: record each person's consent before publishing it."
        )
    if story.image_name and not story.image_alt:
        raise VoicesError("Describe the image (its alt text) before publishing the story.")
    story.status, story.published_at = PUBLISHED, now or utcnow()
    story.unpublished_at, story.unpublished_reason = None, ""
    audit.record(
        "story.published",
        story,
        summary=story.title,
        organisation_id=story.organisation_id,
        user_id=user.id,
    )
    db.session.flush()


def unpublish(story: Story, user: User, now: datetime | None = None) -> None:
    """The organisation takes its own story down; it may publish it again later."""
    if story.status != PUBLISHED:
        raise VoicesError("This story is not published.")
    story.status, story.unpublished_at = UNPUBLISHED, now or utcnow()
    story.unpublished_reason = "Unpublished by the organisation."
    audit.record(
        "story.unpublished",
        story,
        summary=story.title,
        organisation_id=story.organisation_id,
        user_id=user.id,
    )
    db.session.flush()


def admin_unpublish(story: Story, reason: str, user: User, now: datetime | None = None) -> None:
    """A platform admin takes a story down, with a reason, in the audit log."""
    if story.status == UNPUBLISHED and story.unpublished_by_admin:
        raise VoicesError("An administrator has already unpublished this story.")
    previous = story.status
    story.status, story.unpublished_at = UNPUBLISHED, now or utcnow()
    story.unpublished_reason, story.unpublished_by_admin = reason, True
    audit.record(
        "story.unpublished_by_admin",
        story,
        summary=f"{story.title}: {reason}",
        organisation_id=story.organisation_id,
        user_id=user.id,
        details={"reason": reason},
        changes={"status": (previous, UNPUBLISHED)},
    )
    db.session.flush()


def record_consent(
    story: Story, *, person: str, given_on: date, method: str, uses: list[str], user: User
) -> StoryConsent:
    consent = StoryConsent(
        story=story,
        person=person,
        given_on=given_on,
        method=method,
        uses="," + ",".join(sorted(set(uses))) + ",",
        recorded_by_id=user.id,
    )
    db.session.add(consent)
    audit.record(
        "story.consent_recorded",
        story,
        summary=f"{story.title}: consent of {person}",
        organisation_id=story.organisation_id,
        user_id=user.id,
    )
    db.session.flush()
    return consent


def withdraw_consent(
    consent: StoryConsent, note: str, user: User, now: datetime | None = None
) -> None:
    """Record a withdrawal: the story is unpublished and can never be published again."""
    if consent.withdrawn_at is not None:
        raise VoicesError("This consent is already withdrawn.")
    now = now or utcnow()
    consent.withdrawn_at, consent.withdrawn_by_id, consent.withdrawal_note = now, user.id, note
    story = consent.story
    if story.status != UNPUBLISHED:
        story.status, story.unpublished_at = UNPUBLISHED, now
    story.unpublished_reason = WITHDRAWN_REASON
    audit.record(
        "story.consent_withdrawn",
        story,
        summary=f"{story.title}: {consent.person} withdrew consent",
        organisation_id=story.organisation_id,
        user_id=user.id,
    )
    db.session.flush()


def stories_query(
    ambition_id: int | None = None, ward_id: int | None = None, *, use: str = USE_PORTAL
) -> Any:
    """The stories shown for `use` (the public list), optionally for one Ambition and ward."""
    query = shown_stories(use).options(
        selectinload(Story.organisation), selectinload(Story.ambitions), selectinload(Story.wards)
    )
    if ambition_id is not None:
        query = query.where(
            Story.id.in_(
                select(story_ambitions.c.story_id).where(
                    story_ambitions.c.ambition_id == ambition_id
                )
            )
        )
    if ward_id is not None:
        query = query.where(
            Story.id.in_(select(story_wards.c.story_id).where(story_wards.c.ward_id == ward_id))
        )
    return query


def organisation_stories(organisation_id: int, *, shown_only: bool) -> list[Story]:
    query = (
        shown_stories(USE_PORTAL)
        if shown_only
        else select(Story).order_by(Story.created_at.desc(), Story.id.desc())
    )
    return list(db.session.scalars(query.where(Story.organisation_id == organisation_id)))


# ------------------------------------------------------------------ listening


def create_listening(
    organisation_id: int,
    *,
    title: str,
    summary: str,
    starts_on: date,
    ends_on: date,
    people_heard: int,
    themes: str,
    ambition_ids: set[int],
    ward_ids: set[int],
    user: User,
) -> ListeningRecord:
    record = ListeningRecord(
        organisation_id=organisation_id,
        title=title,
        summary=summary,
        starts_on=starts_on,
        ends_on=ends_on,
        people_heard=people_heard,
        themes=themes,
        ambitions=_ambitions(ambition_ids),
        wards=_wards(ward_ids),
        created_by_id=user.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "listening.recorded",
        record,
        summary=f"{title}: {people_heard} people heard",
        organisation_id=organisation_id,
        user_id=user.id,
    )
    return record


def correct_people_heard(record: ListeningRecord, value: int, reason: str, user: User) -> None:
    """The number heard feeds totals: it changes only through this audited correction, which
    keeps the original in the audit log."""
    if value == record.people_heard:
        raise VoicesError("The number is the same as before: nothing to correct.")
    previous, record.people_heard = record.people_heard, value
    audit.record(
        "listening.people_heard_corrected",
        record,
        summary=f"{record.title}: {previous} to {value} ({reason})",
        organisation_id=record.organisation_id,
        user_id=user.id,
        details={"reason": reason},
        changes={"people_heard": (previous, value)},
    )
    db.session.flush()


def add_quote(record: ListeningRecord, text: str, consented: bool) -> ListeningQuote:
    quote = ListeningQuote(record=record, text=text, consented=consented)
    db.session.add(quote)
    db.session.flush()
    return quote


def set_quote_consent(quote: ListeningQuote, consented: bool, user: User) -> None:
    previous, quote.consented = quote.consented, consented
    audit.record(
        "listening.quote_consent",
        quote,
        summary=f"{quote.record.title}: quote {'consented' if consented else 'not consented'}",
        organisation_id=quote.record.organisation_id,
        user_id=user.id,
        changes={"consented": (previous, consented)},
    )
    db.session.flush()


def _listening_where(ambition_id: int | None, ward_id: int | None) -> list[Any]:
    where: list[Any] = []
    if ambition_id is not None:
        where.append(
            ListeningRecord.id.in_(
                select(listening_ambitions.c.record_id).where(
                    listening_ambitions.c.ambition_id == ambition_id
                )
            )
        )
    if ward_id is not None:
        where.append(
            ListeningRecord.id.in_(
                select(listening_wards.c.record_id).where(listening_wards.c.ward_id == ward_id)
            )
        )
    return where


def listening_query(ambition_id: int | None = None, ward_id: int | None = None) -> Any:
    """Listening records, newest first, optionally for one Ambition and one ward."""
    return (
        select(ListeningRecord)
        .where(*_listening_where(ambition_id, ward_id))
        .options(
            selectinload(ListeningRecord.organisation),
            selectinload(ListeningRecord.ambitions),
            selectinload(ListeningRecord.wards),
            selectinload(ListeningRecord.quotes),
        )
        .order_by(ListeningRecord.ends_on.desc(), ListeningRecord.id.desc())
    )


def people_heard_total(ambition_id: int | None = None, ward_id: int | None = None) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(ListeningRecord.people_heard), 0)).where(
            *_listening_where(ambition_id, ward_id)
        )
    )
    return int(total or 0)


# ------------------------------------------------------------------ dashboards and the report


@dataclass
class Voices:
    """What people told us about one Ambition (and ward): shown stories, listening records."""

    stories: list[Story]
    records: list[ListeningRecord]
    people_heard: int

    @property
    def empty(self) -> bool:
        return not self.stories and not self.records


def voices_for(ambition_id: int, ward_code: str | None = None) -> Voices:
    """For a convenor dashboard: the newest shown stories and listening records."""
    ward_id = (
        db.session.scalar(select(Ward.id).where(Ward.ons_code == ward_code)) if ward_code else None
    )
    if ward_code and ward_id is None:
        return Voices([], [], 0)
    return Voices(
        list(db.session.scalars(stories_query(ambition_id, ward_id).limit(DASHBOARD_STORIES))),
        list(db.session.scalars(listening_query(ambition_id, ward_id).limit(DASHBOARD_RECORDS))),
        people_heard_total(ambition_id, ward_id),
    )


def report_voices(ambition_id: int, year: int) -> dict[str, Any]:
    """The voices frozen into a report version: stories allowed in the report and published
    in the year, and the year's listening records with consented quotes only."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    stories = db.session.scalars(
        stories_query(ambition_id, use=USE_REPORT)
        .where(Story.published_at >= start, Story.published_at < end)
        .limit(20)
    )
    records = db.session.scalars(
        listening_query(ambition_id)
        .where(ListeningRecord.ends_on >= date(year, 1, 1))
        .where(ListeningRecord.starts_on <= date(year, 12, 31))
        .limit(20)
    )
    return {
        "stories": [
            {
                "id": s.id,
                "title": s.title,
                "body": s.body,
                "organisation": s.organisation.name,
                "wards": [w.name for w in s.wards],
            }
            for s in stories
        ],
        "listening": [
            {
                "id": r.id,
                "title": r.title,
                "organisation": r.organisation.name,
                "people_heard": r.people_heard,
                "wards": [w.name for w in r.wards],
                "themes": r.theme_list,
                "quotes": [{"id": q.id, "text": q.text} for q in r.shown_quotes],
            }
            for r in records
        ],
    }


def still_shown(content: dict[str, Any]) -> dict[str, Any]:
    """A frozen report's content with what may no longer be shown taken out.

    A report version is frozen, but consent is not: a story whose consent was withdrawn (or
    that was unpublished) since, and a quote whose consent was taken back, are dropped when
    the report is read or printed. Everything else stays exactly as frozen."""
    ambitions = content.get("ambitions") or []
    voices = [a.get("voices") for a in ambitions if a.get("voices")]
    if not voices:
        return content
    story_ids = {s["id"] for v in voices for s in v.get("stories", [])}
    quote_ids = {q["id"] for v in voices for r in v.get("listening", []) for q in r["quotes"]}
    stories = shown_ids(story_ids, USE_REPORT)
    quotes = (
        set(
            db.session.scalars(
                select(ListeningQuote.id).where(
                    ListeningQuote.id.in_(quote_ids), ListeningQuote.consented.is_(True)
                )
            )
        )
        if quote_ids
        else set()
    )
    for v in voices:
        v["stories"] = [s for s in v.get("stories", []) if s["id"] in stories]
        for record in v.get("listening", []):
            record["quotes"] = [q for q in record["quotes"] if q["id"] in quotes]
    return content


@dataclass
class OrganisationSummary:
    drafts: int
    published: int
    records: int


def organisation_summary(organisation_id: int) -> OrganisationSummary:
    counts = dict(
        db.session.execute(
            select(Story.status, func.count())
            .where(Story.organisation_id == organisation_id)
            .group_by(Story.status)
        ).all()
    )
    records = db.session.scalar(
        select(func.count(ListeningRecord.id)).where(
            ListeningRecord.organisation_id == organisation_id
        )
    )
    return OrganisationSummary(counts.get(DRAFT, 0), counts.get(PUBLISHED, 0), records or 0)
