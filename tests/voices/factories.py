"""Stories and listening records for tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.accounts.models import User
from portal.core.models import Ambition, Ward
from portal.extensions import db
from portal.voices import services
from portal.voices.models import ListeningQuote, ListeningRecord, Story
from tests.factories import OrganisationFactory, UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def ambition(code: str = "HEALTHY") -> Ambition:
    return db.session.query(Ambition).filter_by(code=code).one()


def ward(index: int = 0) -> Ward:
    return db.session.query(Ward).order_by(Ward.name).all()[index]


def make_story(
    *,
    published: bool = True,
    person: str | None = None,
    uses: tuple[str, ...] = ("portal", "report"),
    codes: tuple[str, ...] = ("HEALTHY",),
    wards: tuple[Ward, ...] = (),
    by: User | None = None,
    **fields: Any,
) -> Story:
    values: dict[str, Any] = {"title": "Back to work", "body": "A placement helped.", **fields}
    if "organisation_id" not in values:
        values["organisation_id"] = OrganisationFactory().id
    story = Story(
        features_people=person is not None,
        ambitions=[ambition(c) for c in codes],
        wards=list(wards),
        **values,
    )
    db.session.add(story)
    db.session.flush()
    user = by or UserFactory()
    if person is not None:
        services.record_consent(
            story,
            person=person,
            given_on=date(2026, 9, 1),
            method="written",
            uses=list(uses),
            user=user,
        )
    if published:
        services.publish(story, user)
    db.session.commit()
    return story


def make_record(
    *,
    codes: tuple[str, ...] = ("HEALTHY",),
    wards: tuple[Ward, ...] = (),
    quotes: tuple[tuple[str, bool], ...] = (),
    people_heard: int = 120,
    **fields: Any,
) -> ListeningRecord:
    values: dict[str, Any] = {
        "title": "Harehills listening",
        "starts_on": date(2026, 9, 1),
        "ends_on": date(2026, 10, 30),
        "themes": "Buses stop too early\nPaid work experience",
        **fields,
    }
    if "organisation_id" not in values:
        values["organisation_id"] = OrganisationFactory().id
    record = ListeningRecord(
        people_heard=people_heard,
        ambitions=[ambition(c) for c in codes],
        wards=list(wards) or [ward()],
        **values,
    )
    db.session.add(record)
    for text, consented in quotes:
        db.session.add(ListeningQuote(record=record, text=text, consented=consented))
    db.session.commit()
    return record
