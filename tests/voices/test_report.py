"""The State of the City report freezes each Ambition's voices, and a later consent withdrawal
takes the story out of what the report shows: frozen figures stay, withdrawn voices go."""

from __future__ import annotations

import json
from datetime import datetime

from portal.extensions import db
from portal.report import jobs
from portal.voices import services
from portal.voices.models import Story
from tests.factories import UserFactory
from tests.insights.test_pages import page_text
from tests.report.test_report import YEAR, published
from tests.voices.factories import make_record, make_story


def in_the_year(*stories: Story) -> None:
    """Published in the report's year, whatever year the tests run in."""
    for story in stories:
        story.published_at = datetime(YEAR, 6, 1)
    db.session.commit()


def test_the_published_report_shows_voices_until_consent_is_withdrawn(client) -> None:
    story = make_story(title="Aisha's apprenticeship", person="Aisha", codes=("HEALTHY",))
    other = make_story(title="Portal only", person="Ben", uses=("portal",), codes=("HEALTHY",))
    in_the_year(story, other)
    make_record(
        title="Harehills listening",
        quotes=(("Buses stop at six.", True), ("Private words.", False)),
    )
    report = published()
    frozen = json.loads(report.content)
    healthy = next(a for a in frozen["ambitions"] if a["code"] == "HEALTHY")
    assert [s["title"] for s in healthy["voices"]["stories"]] == ["Aisha's apprenticeship"]

    html = client.get(f"/state-of-the-city/{YEAR}").get_data(as_text=True)
    text = page_text(client.get(f"/state-of-the-city/{YEAR}"))
    assert 'id="ambition-HEALTHY-voices"' in html
    assert "Aisha's apprenticeship" in text and "Portal only" not in text
    assert "Harehills listening" in text and "Buses stop at six." in text
    assert "Private words." not in text

    services.withdraw_consent(story.consents[0], "", UserFactory())
    db.session.commit()
    text = page_text(client.get(f"/state-of-the-city/{YEAR}"))
    assert "Aisha's apprenticeship" not in text
    assert "Harehills listening" in text  # the rest of the frozen version is unchanged
    assert json.loads(report.content) == frozen  # the stored version itself is not rewritten


def test_the_printed_report_leaves_out_stories_and_quotes(client) -> None:
    in_the_year(make_story(title="Aisha's apprenticeship", person="Aisha", codes=("HEALTHY",)))
    make_record(title="Harehills listening", quotes=(("Buses stop at six.", True),))
    report = published()
    printed = page_text_of(jobs.render_html(report))
    assert "Harehills listening" in printed
    assert "Aisha's apprenticeship" not in printed and "Buses stop at six." not in printed
    assert "1 story about this Ambition is in the online report" in printed


def page_text_of(html: str) -> str:
    class Page:
        def get_data(self, as_text: bool = True) -> str:
            return html

    return page_text(Page())
