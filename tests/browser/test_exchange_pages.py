"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the exchange's pages."""

from __future__ import annotations

from decimal import Decimal

from portal.exchange.models import MATCH_ACCEPTED
from portal.exchange.suggestions import recompute_all_suggestions
from portal.extensions import db
from tests.browser.axe import assert_accessible, browser_login, submit_form
from tests.exchange.factories import ListingReportFactory, MatchFactory, offer, request
from tests.factories import PASSWORD, OrganisationFactory, admin_of, platform_admin, vcse


def test_exchange_pages_pass_axe(browser, live_server):
    group = vcse(name="Axe Food Share")
    user = admin_of(group, email="axe-exchange@example.org")
    need = request(
        organisation=group,
        created_by=user,
        resource_type="space",
        title="Meeting space in Harehills",
        quantity=Decimal(40),
        unit="hours",
        ward_names=["Gipton & Harehills"],
        ambition_codes=["HEALTHY"],
    )
    venue = offer(
        organisation=OrganisationFactory(name="Axe Anchor"),
        resource_type="space",
        title="Hall for hire",
        ward_names=["Gipton & Harehills"],
    )
    recompute_all_suggestions()
    db.session.commit()
    match = MatchFactory(offer=venue, request=need, status=MATCH_ACCEPTED)
    browser_login(browser, live_server, user.email, PASSWORD)
    for path, heading in (
        ("/exchange", "Resource exchange"),
        ("/exchange?q=hall&side=offer", "Resource exchange"),
        ("/exchange?q=nothing-matches-this", "Resource exchange"),
        (f"/exchange/listings/{need.id}", "Meeting space in Harehills"),
        (f"/exchange/listings/{venue.id}", "Hall for hire"),
        (f"/orgs/{group.id}/exchange", "Your exchange"),
        (f"/orgs/{group.id}/exchange/request/new", "Ask for something"),
        (f"/orgs/{group.id}/exchange/offer/new", "Offer something"),
        (f"/orgs/{group.id}/exchange/listings/{need.id}/edit", "Edit your request"),
        (f"/orgs/{group.id}/exchange/listings/{venue.id}/interest", "Ask for this"),
        (f"/exchange/matches/{match.id}", "Hall for hire"),
        (f"/exchange/matches/{match.id}/deliver", "Mark as delivered"),
        (f"/exchange/listings/{venue.id}/report", "Report this listing"),
        (f"/orgs/{group.id}", "Axe Food Share"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_listing_form_errors_pass_axe(browser, live_server):
    from selenium.webdriver.common.by import By

    group = vcse()
    user = admin_of(group, email="axe-exchange-errors@example.org")
    browser_login(browser, live_server, user.email, PASSWORD)
    browser.get(f"{live_server}/orgs/{group.id}/exchange/request/new")
    submit_form(browser)
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "Enter a title" in summary.text
    assert_accessible(browser, browser.current_url, "Ask for something")


def test_moderation_pages_pass_axe(browser, live_server):
    admin = platform_admin(email="axe-exchange-admin@example.org")
    listing = offer(title="Reported listing")
    ListingReportFactory(listing=listing)
    hidden = offer(title="Hidden listing")
    from portal.core.models import utcnow

    hidden.hidden_at = utcnow()
    hidden.hidden_reason = "Spam"
    db.session.commit()
    browser_login(browser, live_server, admin.email, PASSWORD)
    for path, heading in (
        ("/exchange/admin/moderation", "Exchange moderation"),
        ("/exchange/impact", "Exchange impact by Ambition"),
        (f"/exchange/admin/listings/{listing.id}/hide", "Hide this listing"),
        (f"/exchange/listings/{hidden.id}", "Hidden listing"),
    ):
        assert_accessible(browser, live_server + path, heading)
