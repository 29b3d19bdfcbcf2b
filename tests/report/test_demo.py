"""The demo seeder publishes the demo year's report with a narrative per Ambition."""

from __future__ import annotations

from portal.extensions import db
from portal.report import demo, services
from portal.report.models import NARRATIVE_PUBLISHED, PUBLISHED
from tests.factories import platform_admin
from tests.insights.test_pages import page_text
from tests.report.test_report import AMBITIONS, snapshot, year_figures


def test_demo_publishes_the_demo_year_with_narratives(client) -> None:
    snapshot(year_figures())
    platform_admin()
    db.session.commit()
    demo.seed_demo()
    demo.seed_demo()  # a second run adds nothing
    [report] = services.versions_of(demo.DEMO_YEAR)
    assert report.status == PUBLISHED
    content = services.content_of(report)
    assert all(a["narrative"] for a in content["ambitions"])
    assert all(
        services.narrative(demo.DEMO_YEAR, a["code"]).status == NARRATIVE_PUBLISHED
        for a in content["ambitions"]
    )
    text = page_text(client.get(f"/state-of-the-city/{demo.DEMO_YEAR}"))
    for name in AMBITIONS:
        assert name in text
