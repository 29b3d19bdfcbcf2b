"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the self-assessment pages."""

from __future__ import annotations

from datetime import timedelta

from portal.assessment.frameworks import load_frameworks
from portal.assessment.models import Action
from portal.assessment.services import current_year
from portal.core.models import utcnow
from portal.extensions import db
from tests.assessment.factories import join_network, make_assessment, network_peers
from tests.browser.axe import assert_accessible, browser_login, click_and_wait
from tests.factories import PASSWORD, admin_of

YEAR = current_year()


def _setup():
    load_frameworks()
    db.session.commit()
    user = admin_of(email="axe-assessment@example.org")
    organisation = user.memberships[0].organisation
    join_network(organisation, "anchor")
    make_assessment(organisation, YEAR - 2, level=1, target=3)
    last = make_assessment(organisation, YEAR - 1, level=2, target=3, evidence="Board paper")
    network_peers(5, YEAR - 1, level=2)
    make_assessment(organisation, YEAR, level=None, submitted=False)
    criterion = last.framework.criteria[0]
    db.session.add(
        Action(
            assessment_id=last.id,
            criterion_id=criterion.id,
            description="Pilot guaranteed interviews",
            owner="Head of HR",
            due_date=utcnow().date() - timedelta(days=5),
            status="in_progress",
        )
    )
    db.session.commit()
    return user, organisation, criterion


def test_assessment_pages_pass_axe(browser, live_server):
    user, organisation, criterion = _setup()
    browser_login(browser, live_server, user.email, PASSWORD)
    base = f"/orgs/{organisation.id}/assessment"
    for path, heading in (
        (f"/orgs/{organisation.id}", organisation.name),
        (base, "Anchor self-assessment"),
        (f"{base}/{YEAR}", "2026 self-assessment"),
        (f"{base}/{YEAR}/employment", "Employment"),
        (f"{base}/{YEAR}/submit", "Check your answers before you submit"),
        (f"{base}/{YEAR}/evidence/{criterion.id}", "Evidence for Inclusive recruitment"),
        (f"{base}/{YEAR - 1}/results", "2025 self-assessment results"),
        (f"{base}/{YEAR - 1}/actions", "2025 action plan"),
        (f"{base}/{YEAR - 1}/actions/{criterion.id}", "Inclusive recruitment"),
        (f"{base}/{YEAR - 1}/print", "2025 anchor self-assessment"),
        (f"{base}/{YEAR - 1}/employment", "Employment"),
        ("/guides", "Good-practice guides"),
        ("/guides/inclusive-recruitment", "Inclusive recruitment"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_admin_framework_page_passes_axe(browser, live_server):
    from tests.factories import platform_admin

    _setup()
    admin = platform_admin(email="axe-assessment-admin@example.org")
    browser_login(browser, live_server, admin.email, PASSWORD)
    for path, heading in (
        ("/admin/assessment/frameworks", "Assessment framework versions"),
        ("/admin/", "Administration"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_dimension_errors_pass_axe(browser, live_server):
    from selenium.webdriver.common.by import By

    user, organisation, criterion = _setup()
    browser_login(browser, live_server, user.email, PASSWORD)
    browser.get(f"{live_server}/orgs/{organisation.id}/assessment/{YEAR}/employment")
    links = browser.find_element(By.ID, f"links_{criterion.id}")
    links.send_keys("not a web address")
    click_and_wait(browser, browser.find_element(By.ID, "save_continue"))
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "Enter each link on its own line" in summary.text
    assert_accessible(browser, browser.current_url, "Employment")


def test_autosave_saves_while_typing(browser, live_server):
    import time

    from selenium.webdriver.common.by import By

    user, organisation, criterion = _setup()
    browser_login(browser, live_server, user.email, PASSWORD)
    browser.get(f"{live_server}/orgs/{organisation.id}/assessment/{YEAR}/employment")
    browser.find_element(By.ID, f"evidence_{criterion.id}").send_keys("Typed, never submitted")
    status = browser.find_element(By.CSS_SELECTOR, "[data-autosave-status]")
    for _ in range(50):
        if status.text:
            break
        time.sleep(0.1)
    assert status.text == "Saved"
    assert browser.find_element(By.NAME, "version").get_attribute("value") == "2"
    browser.get(f"{live_server}/orgs/{organisation.id}/assessment/{YEAR}/employment")
    assert "Typed, never submitted" in browser.page_source
