"""Demo data: stories across Ambitions and wards (one unpublished because the person in it
withdrew consent) and listening records with consented and private quotes."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import Membership, User
from ..core.models import Ambition, Ward, utcnow
from ..demo.people import demo_organisations
from ..events.models import Event
from ..extensions import db
from ..pledges.models import Pledge
from .models import DRAFT, PUBLISHED, ListeningQuote, ListeningRecord, Story
from .services import record_consent, withdraw_consent

# (title, body, Ambition codes, wards, status, features a person, consent withdrawn, link)
STORIES = [
    (
        "From volunteering to an apprenticeship",
        "Aisha first came to the hospital as a volunteer on the children's ward. Through the "
        "anchor network's inclusive recruitment work she started an apprenticeship in "
        "medical engineering this autumn.",
        ("GROWING", "THRIVING"),
        ("Gipton & Harehills",),
        PUBLISHED,
        True,
        False,
        "pledge",
    ),
    (
        "Local suppliers win a share of the catering contract",
        "Three small food businesses from Hunslet now supply the university's cafés, after "
        "a meet-the-buyer day showed how to bid for the contract in lots.",
        ("GROWING",),
        ("Hunslet & Riverside",),
        PUBLISHED,
        False,
        False,
        "event",
    ),
    (
        "Warm spaces in Armley libraries",
        "Twelve libraries stayed open late through the winter. Families told us it was the "
        "only warm place they could sit together after school.",
        ("HEALTHY", "RESILIENT"),
        ("Armley",),
        PUBLISHED,
        False,
        False,
        "",
    ),
    (
        "Back to work after a long illness",
        "A resident tells how a supported placement helped him back into work.",
        ("HEALTHY", "THRIVING"),
        ("Burmantofts & Richmond Hill",),
        PUBLISHED,
        True,
        True,  # he asked for it to be taken down: unpublished everywhere
        "",
    ),
    (
        "Planting trees with Year 5",
        "Pupils planted 200 trees on the estate with the council's parks team.",
        ("RESILIENT",),
        ("Little London & Woodhouse",),
        DRAFT,
        False,
        False,
        "",
    ),
]

# (title, ward names, Ambition codes, people heard, themes, quotes with consent)
LISTENING = [
    (
        "Harehills listening: what matters to you?",
        ("Gipton & Harehills",),
        ("HEALTHY", "THRIVING"),
        146,
        "Buses to the hospital stop too early in the evening\nYoung people want paid work "
        "experience\nGP appointments are hard to get in community languages",
        [
            ("I would take a job at the hospital if I could get there for the early shift.", True),
            ("My son has applied for forty jobs and heard back from two.", True),
            ("Nobody asked us before they closed the centre.", False),
        ],
    ),
    (
        "Armley and Bramley winter conversations",
        ("Armley", "Bramley & Stanningley"),
        ("HEALTHY", "RESILIENT"),
        88,
        "Heating costs are the first worry\nWarm spaces are welcome but need to be "
        "advertised\nOlder people feel cut off after dark",
        [("The library was the only warm place we could go as a family.", True)],
    ),
    (
        "Hunslet small business listening",
        ("Hunslet & Riverside",),
        ("GROWING",),
        34,
        "Tendering is too complicated for small firms\nPaying suppliers within 30 days "
        "matters more than price",
        [("We could supply them, but the forms take a week.", True)],
    ),
]


def _ward(wards: dict[str, Ward], name: str) -> Ward | None:
    return wards.get(name)


def seed_demo() -> None:
    if db.session.scalar(select(Story.id).limit(1)) is not None:
        return
    organisations = demo_organisations()
    person = db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id).order_by(User.id).limit(1)
    )
    if not organisations or person is None:
        return
    ambitions = {a.code: a for a in db.session.scalars(select(Ambition))}
    wards = {w.name: w for w in db.session.scalars(select(Ward))}
    now = utcnow()
    for index, (title, body, codes, ward_names, status, featured, withdrawn, link) in enumerate(
        STORIES
    ):
        organisation = organisations[index % len(organisations)]
        story = Story(
            organisation_id=organisation.id,
            title=title,
            body=body,
            features_people=featured,
            ambitions=[ambitions[c] for c in codes if c in ambitions],
            wards=[w for w in (_ward(wards, n) for n in ward_names) if w is not None],
            status=status,
            published_at=now - timedelta(days=10 * (index + 1)) if status == PUBLISHED else None,
            created_by_id=person.id,
        )
        if link == "pledge":
            story.pledge_id = db.session.scalar(
                select(Pledge.id).where(Pledge.organisation_id == organisation.id).limit(1)
            )
        elif link == "event":
            story.event_id = db.session.scalar(select(Event.id).order_by(Event.id).limit(1))
        db.session.add(story)
        db.session.flush()
        if featured:
            consent = record_consent(
                story,
                person="The apprentice in the story" if not withdrawn else "The resident quoted",
                given_on=date.today() - timedelta(days=30),
                method="written",
                uses=["portal", "report"],
                user=person,
            )
            if withdrawn:
                withdraw_consent(consent, "Asked by phone for the story to come down.", person)
    for index, (title, places, areas, heard, themes, quotes) in enumerate(LISTENING):
        ends = date.today() - timedelta(days=20 + 30 * index)
        record = ListeningRecord(
            organisation_id=organisations[(index + 1) % len(organisations)].id,
            title=title,
            summary=f"{title}: conversations in community venues, run by a community anchor.",
            starts_on=ends - timedelta(days=42),
            ends_on=ends,
            people_heard=heard,
            themes=themes,
            ambitions=[ambitions[c] for c in areas if c in ambitions],
            wards=[w for w in (_ward(wards, n) for n in places) if w is not None],
            created_by_id=person.id,
        )
        db.session.add(record)
        for text, consented in quotes:
            db.session.add(ListeningQuote(record=record, text=text, consented=consented))
    db.session.commit()
