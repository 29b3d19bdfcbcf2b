"""Stories' states and consent: the one visibility rule, withdrawal, admin unpublishing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.models import AuditLog
from portal.extensions import db
from portal.voices import services
from portal.voices.models import DRAFT, PUBLISHED, UNPUBLISHED
from portal.voices.visibility import is_shown, shown_ids, shown_stories
from tests.factories import UserFactory, platform_admin
from tests.voices.factories import make_record, make_story


def shown_titles(use: str = "portal") -> list[str]:
    return [s.title for s in db.session.scalars(shown_stories(use))]


def test_only_published_stories_are_shown() -> None:
    make_story(title="Draft", published=False)
    make_story(title="Out")
    assert shown_titles() == ["Out"]


def test_withdrawing_consent_unpublishes_and_the_story_cannot_come_back() -> None:
    story = make_story(title="Aisha's apprenticeship", person="Aisha")
    assert is_shown(story)
    user = UserFactory()
    services.withdraw_consent(story.consents[0], "Phoned us", user)
    db.session.commit()
    assert story.status == UNPUBLISHED
    assert story.unpublished_reason == services.WITHDRAWN_REASON
    assert story.consents[0].withdrawn_by_id == user.id
    assert shown_titles() == [] and shown_titles("report") == []
    with pytest.raises(services.VoicesError, match="withdrew their consent"):
        services.publish(story, user)
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.entity_id == story.id))
    assert "story.consent_withdrawn" in set(actions)


def test_a_withdrawn_consent_hides_the_story_even_if_its_status_says_published() -> None:
    """The predicate, not the status column, decides: a stray status cannot show it."""
    story = make_story(person="A resident")
    services.withdraw_consent(story.consents[0], "", UserFactory())
    story.status = PUBLISHED
    db.session.commit()
    assert not is_shown(story)
    assert shown_ids([story.id], "portal") == set()


def test_consent_for_the_portal_only_keeps_the_story_out_of_the_report() -> None:
    story = make_story(person="A resident", uses=("portal",))
    assert is_shown(story, "portal") and not is_shown(story, "report")


def test_a_story_featuring_people_needs_consent_before_publishing() -> None:
    story = make_story(published=False)
    story.features_people = True
    with pytest.raises(services.VoicesError, match="record each person's consent"):
        services.publish(story, UserFactory())
    assert story.status == DRAFT


def test_admin_unpublish_is_audited_with_the_reason_and_is_final() -> None:
    story = make_story()
    admin = platform_admin()
    services.admin_unpublish(story, "Names a child", admin)
    db.session.commit()
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "story.unpublished_by_admin")
    ).one()
    assert entry.user_id == admin.id and entry.entity_id == story.id
    assert "Names a child" in entry.details and entry.organisation_id == story.organisation_id
    assert not is_shown(story)
    with pytest.raises(services.VoicesError, match="administrator"):
        services.publish(story, UserFactory())


def test_correcting_people_heard_keeps_the_original_in_the_audit_log() -> None:
    record = make_record(people_heard=120)
    services.correct_people_heard(record, 112, "Double-counted one session", UserFactory())
    db.session.commit()
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "listening.people_heard_corrected")
    ).one()
    assert record.people_heard == 112
    assert entry.changes == {"people_heard": ["120", "112"]} and "Double-counted" in entry.details
    with pytest.raises(services.VoicesError):
        services.correct_people_heard(record, 112, "again", UserFactory())


def test_only_consented_quotes_are_shown() -> None:
    record = make_record(quotes=(("Shown", True), ("Private", False)))
    assert [q.text for q in record.shown_quotes] == ["Shown"]


def test_frozen_report_voices_drop_withdrawn_stories_and_quotes() -> None:
    story = make_story(title="Kept", person="A", codes=("HEALTHY",))
    gone = make_story(title="Gone", person="B", codes=("HEALTHY",))
    record = make_record(quotes=(("Keep", True), ("Take back", True)))
    ambition_id = story.ambitions[0].id
    frozen = services.report_voices(ambition_id, story.published_at.year)
    assert {s["title"] for s in frozen["stories"]} == {"Kept", "Gone"}
    services.withdraw_consent(gone.consents[0], "", UserFactory())
    services.set_quote_consent(record.quotes[1], False, UserFactory())
    db.session.commit()
    content = services.still_shown({"ambitions": [{"voices": frozen}]})
    voices = content["ambitions"][0]["voices"]
    assert [s["title"] for s in voices["stories"]] == ["Kept"]
    assert [q["text"] for q in voices["listening"][0]["quotes"]] == ["Keep"]


def test_a_story_may_link_to_what_the_organisation_took_part_in() -> None:
    from tests.activities.factories import ActivityFactory
    from tests.events.factories import make_event
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    led = ActivityFactory(lead_organisation=organisation, title="Our activity")
    ActivityFactory(title="Someone else's activity")
    event = make_event(organiser_id=organisation.id, title="Our event")
    choices = dict(services.link_choices(organisation.id))
    assert choices[f"activity:{led.id}"] == "Activity or joint initiative: Our activity"
    assert choices[f"event:{event.id}"] == "Event: Our event"
    assert "Someone else's activity" not in " ".join(choices.values())
