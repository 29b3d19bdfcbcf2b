"""Reporting listings; platform admins hide and restore them, and every step is audited."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.models import AuditLog
from portal.exchange.models import ListingReport
from portal.extensions import db
from tests.exchange.factories import offer
from tests.factories import OrganisationFactory, member_of, platform_admin


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_report_hide_and_restore(client, login):
    listing = offer(title="Suspicious giveaway")
    reporter = member_of(OrganisationFactory())
    login(reporter)
    assert b"Report this listing" in client.get(f"/exchange/listings/{listing.id}").data
    response = client.post(f"/exchange/listings/{listing.id}/report", data={"reason": ""})
    assert b"Tell us what is wrong" in response.data
    response = client.post(
        f"/exchange/listings/{listing.id}/report", data={"reason": "Looks like a scam"}
    )
    assert response.status_code == 302
    report = db.session.scalar(select(ListingReport))
    assert report.reason == "Looks like a scam" and report.reporter_id == reporter.id
    # Only platform admins reach moderation.
    assert client.get("/exchange/admin/moderation").status_code == 403
    assert (
        client.post(f"/exchange/admin/listings/{listing.id}/hide", data={"reason": "x"}).status_code
        == 403
    )

    client.post("/sign-out")
    login(platform_admin())
    page = client.get("/exchange/admin/moderation")
    assert b"Looks like a scam" in page.data
    assert b"Exchange moderation" in client.get("/admin/").data
    response = client.post(f"/exchange/admin/listings/{listing.id}/hide", data={"reason": ""})
    assert b"Enter why the listing is being hidden" in response.data
    response = client.post(
        f"/exchange/admin/listings/{listing.id}/hide", data={"reason": "Reported as a scam"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert listing.is_hidden and listing.hidden_reason == "Reported as a scam"
    assert report.resolved_at is not None

    client.post("/sign-out")
    assert client.get(f"/exchange/listings/{listing.id}").status_code == 404
    assert b"Suspicious giveaway" not in client.get("/exchange").data
    # The owner still sees it, with the reason.
    login(member_of(listing.organisation))
    page = client.get(f"/exchange/listings/{listing.id}")
    assert page.status_code == 200 and b"Reported as a scam" in page.data

    client.post("/sign-out")
    login(platform_admin())
    assert client.post(f"/exchange/admin/listings/{listing.id}/restore").status_code == 302
    db.session.expire_all()
    assert not listing.is_hidden
    assert client.get(f"/exchange/listings/{listing.id}").status_code == 200
    assert actions()[-3:] == [
        "exchange.listing_reported",
        "exchange.listing_hidden",
        "exchange.listing_restored",
    ]


def test_dismissing_reports_keeps_the_listing(client, login):
    listing = offer()
    db.session.add(ListingReport(listing_id=listing.id, reason="Not sure about this"))
    db.session.commit()
    login(platform_admin())
    assert client.post(f"/exchange/admin/listings/{listing.id}/dismiss").status_code == 302
    db.session.expire_all()
    assert not listing.is_hidden
    assert db.session.scalar(select(ListingReport)).resolved_at is not None
    assert b"No reports to review" in client.get("/exchange/admin/moderation").data


def test_reporting_needs_sign_in_and_a_visible_listing(client, login):
    listing = offer()
    assert (
        client.post(f"/exchange/listings/{listing.id}/report", data={"reason": "x"}).status_code
        == 302
    )
    assert db.session.scalar(select(ListingReport)) is None
    login(member_of(OrganisationFactory()))
    assert client.get("/exchange/listings/999999/report").status_code == 404
    response = client.post(f"/exchange/listings/{listing.id}/report", data={"reason": "z" * 1001})
    assert b"1,000 characters or fewer" in response.data
