"""WCAG 2.2 AA checks (axe-core in headless Chromium) over the voices pages."""

from __future__ import annotations

from tests.browser.axe import assert_accessible, browser_login
from tests.factories import PASSWORD, OrganisationFactory, member_of
from tests.voices.factories import make_record, make_story


def test_voices_pages_pass_axe(browser, live_server):
    organisation = OrganisationFactory()
    story = make_story(title="Warm spaces in Armley", organisation_id=organisation.id)
    draft = make_story(
        title="Back to work", organisation_id=organisation.id, person="A resident", published=False
    )
    record = make_record(
        title="Harehills listening", organisation_id=organisation.id, quotes=(("Buses.", True),)
    )
    for path, heading in (
        ("/stories", "Stories"),
        (f"/stories/{story.id}", "Warm spaces in Armley"),
        ("/listening", "What communities told us"),
        (f"/listening/{record.id}", "Harehills listening"),
    ):
        assert_accessible(browser, live_server + path, heading)
    member = member_of(organisation, email="axe-voices@example.org")
    browser_login(browser, live_server, member.email, PASSWORD)
    base = f"/orgs/{organisation.id}"
    consent = draft.consents[0]
    for path, heading in (
        (f"{base}/voices", "Stories and listening"),
        (f"{base}/stories/new", "Write a story"),
        (f"{base}/stories/{draft.id}", "Back to work"),
        (f"{base}/stories/{draft.id}/edit", "Change the story"),
        (f"{base}/stories/{draft.id}/consents/new", "Record a person's consent"),
        (f"{base}/stories/{draft.id}/consents/{consent.id}/withdraw", "Withdraw"),
        (f"{base}/listening/new", "Record a listening exercise"),
        (f"{base}/listening/{record.id}", "Harehills listening"),
        (f"{base}/listening/{record.id}/people", "Correct the number of people heard"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_voices_on_admin_dashboard_and_report_pages_pass_axe(browser, live_server):
    from datetime import datetime

    from portal.extensions import db
    from tests.factories import platform_admin
    from tests.report.test_report import YEAR, published

    story = make_story(title="Warm spaces in Armley", person="A resident")
    story.published_at = datetime(YEAR, 6, 1)
    db.session.commit()
    make_record(title="Harehills listening", quotes=(("Buses stop at six.", True),))
    published()
    admin = platform_admin(email="axe-voices-admin@example.org")
    browser_login(browser, live_server, admin.email, PASSWORD)
    for path, heading in (
        ("/admin/stories", "Published stories"),
        (f"/admin/stories/{story.id}/unpublish", "Unpublish Warm spaces in Armley"),
        ("/insights/HEALTHY", "Health and Wellbeing dashboard"),
        (f"/state-of-the-city/{YEAR}", "Leeds anchor partnership"),
    ):
        assert_accessible(browser, live_server + path, heading)
    assert "Buses stop at six." in browser.page_source
