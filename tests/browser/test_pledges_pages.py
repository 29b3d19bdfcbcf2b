"""WCAG 2.2 AA checks (axe-core in headless Chromium) over the pledge pages, and one journey."""

from __future__ import annotations

from datetime import datetime, timedelta

from selenium.webdriver.common.by import By

from portal.core.models import utcnow
from portal.extensions import db
from portal.pledges.catalogue import load_catalogue
from portal.pledges.links import link_exchange
from portal.pledges.models import PledgeExport
from tests.browser.axe import assert_accessible, axe_violations, browser_login, submit_form
from tests.factories import PASSWORD, OrganisationFactory, admin_of, platform_admin
from tests.pledges.factories import make_pledge, report
from tests.pledges.test_exchange_links import delivered_match


def _pledges_with_progress():
    load_catalogue()
    db.session.commit()
    organisation = OrganisationFactory(name="Aire Valley Test Trust")
    today = utcnow().date()
    pledge = make_pledge(
        organisation,
        title="Two thousand volunteering hours",
        target=2000,
        start=today - timedelta(days=300),
        end=today + timedelta(days=200),
    )
    report(pledge, 400, period_end=today - timedelta(days=200))
    report(pledge, 300, period_end=today - timedelta(days=100))
    make_pledge(
        organisation,
        title="Private pledge",
        public=False,
        measure_code="JOBS-2",
        target=12,
        principles=("LOCAL_JOBS",),
        ambitions=("GROWING",),
    )
    return organisation, pledge


def test_public_pledge_pages_pass_axe(browser, live_server):
    _organisation, pledge = _pledges_with_progress()
    for path, heading in (
        ("/pledges", "Social Value Charter pledges"),
        ("/pledges?kind=vcse", "Social Value Charter pledges"),  # the empty state
        (f"/pledges/{pledge.id}", "Two thousand volunteering hours"),
        ("/pledges/how-we-calculate", "How we calculate pledge status and social value"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_large_export_pages_pass_axe(app, browser, live_server, monkeypatch):
    _pledges_with_progress()
    monkeypatch.setitem(app.config, "PLEDGE_EXPORT_STREAM_MAX", 0)
    preparing = PledgeExport(filters="{}")
    ready = PledgeExport(filters='{"kind": "vcse"}', status="ready", rows=1)
    db.session.add_all([preparing, ready])
    db.session.commit()
    for path, heading in (
        ("/pledges/export.csv", "Download pledges (CSV)"),
        (f"/pledges/export/{preparing.id}", "Your CSV file is being prepared"),
        (f"/pledges/export/{ready.id}", "Your CSV file is ready"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_member_pledge_pages_pass_axe(browser, live_server):
    organisation, pledge = _pledges_with_progress()
    user = admin_of(organisation, email="axe-pledges@example.org")
    link_exchange(pledge, delivered_match(organisation, on=datetime.now()), 10, None)
    delivered_match(organisation, on=datetime.now())
    db.session.commit()
    browser_login(browser, live_server, user.email, PASSWORD)
    base = f"/orgs/{organisation.id}/pledges"
    for path, heading in (
        (base, "Your Social Value Charter pledges"),
        (f"{base}/new", "Make a pledge"),
        (f"{base}/{pledge.id}/edit", "Edit pledge"),
        (f"{base}/{pledge.id}/progress", "Report progress"),
        (f"{base}/{pledge.id}/exchanges", "Count delivered exchanges towards this pledge"),
        (f"/pledges/{pledge.id}", "Two thousand volunteering hours"),
        (f"/orgs/{organisation.id}", "Aire Valley Test Trust"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_admin_pledge_pages_pass_axe(browser, live_server):
    _organisation, _pledge = _pledges_with_progress()
    admin = platform_admin(email="axe-pledge-admin@example.org")
    browser_login(browser, live_server, admin.email, PASSWORD)
    from portal.pledges.services import all_measures

    measure_id = all_measures()[0].id
    for path, heading in (
        ("/pledges/admin/overdue", "Pledges with an overdue progress report"),
        ("/pledges/admin/measures", "Social value measures and proxy values"),
        (f"/pledges/admin/measures/{measure_id}/proxy", "Set a proxy value"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_member_makes_a_pledge_fixing_an_error_on_the_way(browser, live_server):
    load_catalogue()
    db.session.commit()
    organisation = OrganisationFactory()
    user = admin_of(organisation, email="journey-pledges@example.org")
    browser_login(browser, live_server, user.email, PASSWORD)
    browser.get(f"{live_server}/orgs/{organisation.id}/pledges/new")
    browser.find_element(By.ID, "title").send_keys("Sixty apprenticeship weeks")
    browser.find_element(By.ID, "description").send_keys("Apprentices from Seacroft.")
    browser.find_element(By.CSS_SELECTOR, "#measure option:nth-child(4)").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=principles]").click()
    browser.find_element(By.ID, "baseline").send_keys("0")
    browser.find_element(By.ID, "target").send_keys("60")
    for field, (day, month, year) in (("start_date", (1, 4, 2026)), ("end_date", (1, 3, 2026))):
        browser.find_element(By.ID, f"{field}-day").send_keys(str(day))
        browser.find_element(By.ID, f"{field}-month").send_keys(str(month))
        browser.find_element(By.ID, f"{field}-year").send_keys(str(year))
    browser.find_element(By.ID, "citywide").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=ambitions]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=visibility][value=public]").click()
    submit_form(browser)
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "End date must be after the start date" in summary.text
    # Check the error page as it stands (reloading it would drop what was typed).
    assert axe_violations(browser) == []
    assert (
        browser.find_element(By.ID, "title").get_attribute("value") == "Sixty apprenticeship weeks"
    )
    year = browser.find_element(By.ID, "end_date-year")
    year.clear()
    year.send_keys("2027")
    submit_form(browser)
    errors = browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary")
    assert not errors, errors[0].text
    assert "Sixty apprenticeship weeks" in browser.find_element(By.TAG_NAME, "h1").text
    assert "has been saved" in browser.page_source
