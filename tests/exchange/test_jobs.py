"""Scheduled work: stale listings expire, unanswered interests lapse, suggestions re-rank."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.core.models import utcnow
from portal.exchange import jobs
from portal.exchange.matches import express_interest
from portal.exchange.models import (
    CLOSED_EXPIRED,
    LISTING_CLOSED,
    LISTING_OPEN,
    LISTING_PAUSED,
    MATCH_ACCEPTED,
    MATCH_INTERESTED,
    MATCH_LAPSED,
    ExchangeSuggestion,
)
from portal.exchange.rules import BANK_HOLIDAYS
from portal.exchange.suggestions import (
    recompute_all_suggestions,
    recompute_suggestions_for,
    rerank_listing,
    suggestions_for,
)
from portal.extensions import db
from portal.jobs.schedule import periodic_job_definitions
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import admin_of, member_of


def test_exchange_periodic_jobs_are_scheduled_and_resolve():
    paths = {job.func_path: job for job in periodic_job_definitions()}
    for path in (
        "portal.exchange.jobs.lapse_overdue_interests",
        "portal.exchange.jobs.expire_stale_listings",
        "portal.exchange.jobs.recompute_all_suggestions",
    ):
        assert callable(paths[path].func)


def test_stale_listings_expire_and_their_owners_are_told(client, login, outbox):
    yesterday = (utcnow() - timedelta(days=1)).date()
    stale = offer(expires_on=yesterday, title="Old laptops")
    admin_of(stale.organisation, email="owner@example.org")
    paused = request(expires_on=yesterday, status=LISTING_PAUSED)
    fresh = offer(expires_on=(utcnow() + timedelta(days=1)).date())
    jobs.expire_stale_listings()
    db.session.expire_all()
    assert (stale.status, stale.closed_reason) == (LISTING_CLOSED, CLOSED_EXPIRED)
    assert stale.status_label == "Expired"
    assert paused.status == LISTING_CLOSED
    assert fresh.status == LISTING_OPEN
    [email] = outbox.to("owner@example.org")
    assert email["Subject"] == "Your offer has expired"
    assert f"/exchange/listings/{stale.id}/edit" in outbox.body(email)
    # Running it again changes nothing and sends nothing more.
    jobs.expire_stale_listings()
    assert len(outbox.to("owner@example.org")) == 1

    # Editing an expired listing renews it.
    login(member_of(stale.organisation))
    client.post(
        f"/orgs/{stale.organisation_id}/exchange/listings/{stale.id}/edit",
        data={
            "resource_type": "digital",
            "title": "Old laptops, still here",
            "description": "Five working laptops.",
            "citywide": "y",
        },
    )
    db.session.expire_all()
    assert stale.status == LISTING_OPEN and stale.expires_on > utcnow().date()


def test_unanswered_interest_lapses_after_the_deadline_and_the_asker_is_told(outbox):
    overdue = MatchFactory(respond_by=utcnow() - timedelta(minutes=1))
    admin_of(overdue.offer.organisation, email="asker@example.org")
    admin_of(overdue.request.organisation, email="asked@example.org")
    in_time = MatchFactory(respond_by=utcnow() + timedelta(days=2))
    answered = MatchFactory(respond_by=utcnow() - timedelta(days=1), status=MATCH_ACCEPTED)
    jobs.lapse_overdue_interests()
    db.session.expire_all()
    assert overdue.status == MATCH_LAPSED
    assert in_time.status == MATCH_INTERESTED
    assert answered.status == MATCH_ACCEPTED
    [email] = outbox.to("asker@example.org")
    assert "lapsed" in email["Subject"]
    assert outbox.to("asked@example.org") == []
    jobs.lapse_overdue_interests()
    assert len(outbox.to("asker@example.org")) == 1


def test_interest_deadline_is_five_working_days(client, login):
    need = request(resource_type="food")
    give = offer(resource_type="food")
    match = express_interest(give, need, member_of(give.organisation), note="Hi")
    db.session.commit()
    waited = match.respond_by - match.created_at
    # Five working days: a week from a weekday, less from a weekend, more over bank holidays
    # (the deadline is set a moment before the row's created_at, hence the minute of slack).
    assert timedelta(days=5) - timedelta(minutes=1) <= waited <= timedelta(days=11)
    asked_on, due_on = match.created_at.date(), match.respond_by.date()
    days_after = [asked_on + timedelta(days=n) for n in range(1, (due_on - asked_on).days + 1)]
    working = [d for d in days_after if d.weekday() < 5 and d not in BANK_HOLIDAYS]
    assert len(working) == 5 and working[-1] == due_on


def test_recompute_replaces_old_suggestions_and_drops_closed_listings():
    need = request(resource_type="space", ward_names=["Gipton & Harehills"])
    venue = offer(resource_type="space", ward_names=["Gipton & Harehills"])
    recompute_all_suggestions()
    db.session.commit()
    [suggestion] = db.session.scalars(select(ExchangeSuggestion)).all()
    assert (suggestion.request_id, suggestion.offer_id) == (need.id, venue.id)
    # Running it again does not duplicate anything.
    jobs.recompute_all_suggestions()
    assert len(db.session.scalars(select(ExchangeSuggestion)).all()) == 1
    venue.status = LISTING_CLOSED
    db.session.commit()
    assert rerank_listing(venue.id) == 0
    db.session.commit()
    assert db.session.scalars(select(ExchangeSuggestion)).all() == []
    assert rerank_listing(999999) == 0  # a deleted listing is not an error


def test_hidden_listings_are_not_suggested():
    need = request(resource_type="space", ward_names=["Gipton & Harehills"])
    venue = offer(resource_type="space", ward_names=["Gipton & Harehills"])
    from datetime import datetime

    venue.hidden_at = datetime(2027, 1, 1)
    db.session.commit()
    recompute_suggestions_for(need)
    db.session.commit()
    assert suggestions_for(need) == []


def test_editing_a_listing_re_ranks_its_suggestions(client, login, run_jobs):
    need = request(resource_type="space", ward_names=["Gipton & Harehills"])
    venue = offer(resource_type="space", ward_names=["Otley & Yeadon"], title="Our venue")
    assert need.is_open
    recompute_all_suggestions()
    db.session.commit()
    before = db.session.scalar(select(ExchangeSuggestion)).score
    login(member_of(venue.organisation))
    from tests.exchange.factories import ward

    response = client.post(
        f"/orgs/{venue.organisation_id}/exchange/listings/{venue.id}/edit",
        data={
            "resource_type": "space",
            "title": "Our venue, now in Harehills",
            "description": "We moved.",
            "wards": [str(ward("Gipton & Harehills").id)],
        },
    )
    assert response.status_code == 302
    run_jobs()
    db.session.expire_all()
    suggestion = db.session.scalar(select(ExchangeSuggestion))
    assert suggestion.score > before
    assert "Serves Gipton & Harehills, where it is needed" in suggestion.reasons
