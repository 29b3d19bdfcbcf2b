"""The demo seeder adds stories (one unpublished by a withdrawn consent) and listening records."""

from __future__ import annotations

from portal.extensions import db
from portal.voices import demo
from portal.voices.models import ListeningRecord, Story
from portal.voices.visibility import is_shown
from tests.factories import OrganisationFactory, member_of
from tests.insights.test_pages import page_text


def test_demo_stories_and_listening_records(client) -> None:
    for _ in range(4):
        member_of(OrganisationFactory())
    demo.seed_demo()
    demo.seed_demo()  # a second run adds nothing
    stories = db.session.query(Story).all()
    assert len(stories) == len(demo.STORIES)
    withdrawn = next(s for s in stories if any(c.withdrawn_at for c in s.consents))
    assert not is_shown(withdrawn) and withdrawn.status == "unpublished"
    assert sum(is_shown(s) for s in stories) == 3
    assert db.session.query(ListeningRecord).count() == len(demo.LISTENING)
    text = page_text(client.get("/stories"))
    assert "3 stories" in text and withdrawn.title not in text
    listening = page_text(client.get("/listening"))
    assert "Harehills listening" in listening
    assert "Nobody asked us" not in page_text(
        client.get(f"/listening/{db.session.query(ListeningRecord).first().id}")
    )
