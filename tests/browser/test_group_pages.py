"""WCAG 2.2 AA checks (axe-core in headless Chromium) over the working group pages, and a
lead starting a group after fixing an error."""

from __future__ import annotations

from datetime import date

from selenium.webdriver.common.by import By

from portal.extensions import db
from portal.groups import services
from tests.browser.axe import assert_accessible, axe_violations, browser_login, submit_form
from tests.factories import PASSWORD, OrganisationFactory, admin_of
from tests.groups.factories import PDF, make_group


def test_group_pages_pass_axe(browser, live_server):
    other = OrganisationFactory(name="Leeds Beckett University")
    group, lead = make_group(name="Social value in purchasing", members=(other,))
    stored = services.add_file(group, "toolkit.pdf", PDF, lead)
    services.post_update(group, lead, "Meet the buyer day is booked", stored)
    services.add_resource(group, lead, "Toolkit", url="https://example.org/toolkit")
    action = services.add_action(
        group,
        lead,
        title="List next year's tenders",
        owner_organisation_id=other.id,
        due_on=date(2027, 6, 1),
    )
    joining = OrganisationFactory(name="Leeds Building Society")
    services.request_to_join(group, joining, admin_of(joining))
    db.session.commit()
    lead.email = "axe-groups@example.org"
    db.session.commit()
    browser_login(browser, live_server, lead.email, PASSWORD)
    org_id = lead.memberships[0].organisation_id
    for path, heading in (
        ("/groups", "Working groups"),
        ("/groups?q=nothing-matches", "Working groups"),
        (f"/groups/{group.id}", "Social value in purchasing"),
        (f"/groups/{group.id}/members", "Members and leads"),
        (f"/groups/{group.id}/updates/new", "Post an update"),
        (f"/groups/{group.id}/resources/new", "Add a resource"),
        (f"/groups/{group.id}/actions/new", "Add an action"),
        (f"/groups/{group.id}/actions/{action.id}/edit", "Change the action"),
        (f"/groups/{group.id}/leave", "Leave the group"),
        (f"/orgs/{org_id}/groups/new", "New working group"),
        (f"/orgs/{org_id}", ""),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_an_admin_starts_a_group_fixing_an_error_on_the_way(browser, live_server):
    organisation = OrganisationFactory()
    admin = admin_of(organisation, email="journey-groups@example.org")
    browser_login(browser, live_server, admin.email, PASSWORD)
    browser.get(f"{live_server}/orgs/{organisation.id}/groups/new")
    browser.find_element(By.ID, "name").send_keys("Scope 3 emissions")
    submit_form(browser)
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "Enter what the group is for" in summary.text
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "purpose").send_keys("Cutting supply chain emissions.")
    submit_form(browser)
    assert "Scope 3 emissions" in browser.find_element(By.TAG_NAME, "h1").text
    assert "is created" in browser.page_source
