"""Edits to records that feed totals keep old and new values in the audit log (issue 10)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select

from portal.accounts import services as accounts
from portal.accounts.models import ROLE_ADMIN, ROLE_MEMBER
from portal.activities import services as activities
from portal.activities.rules import ActivityValues
from portal.assessment import services as assessment_services
from portal.assessment.frameworks import load_frameworks
from portal.core.models import AuditLog
from portal.exchange import listings, matches, moderation
from portal.exchange.models import (
    LISTING_OPEN,
    LISTING_PAUSED,
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
)
from portal.extensions import db
from portal.orgs import services as orgs
from portal.orgs.models import STATUS_APPROVED, STATUS_SUSPENDED
from portal.pledges import links as pledge_links
from portal.pledges.catalogue import load_catalogue
from portal.scorecard import services as scorecard
from portal.scorecard.breakdowns import CITYWIDE
from portal.scorecard.periods import Period
from tests.activities.factories import ActivityFactory
from tests.assessment.factories import make_assessment
from tests.exchange.factories import MatchFactory, ambition, offer
from tests.factories import OrganisationFactory, admin_of, member_of, platform_admin
from tests.pledges.factories import make_pledge
from tests.pledges.test_exchange_links import delivered_match
from tests.scorecard.factories import indicator, load_scorecard


def _entry(action: str) -> AuditLog:
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id.desc())
    ).first()
    assert entry is not None, action
    return entry


def test_an_activity_edit_keeps_the_old_figures():
    activity = ActivityFactory(people_reached=100, spend=Decimal("1500.00"))
    db.session.commit()
    values = ActivityValues(
        title=activity.title,
        description=activity.description,
        start_date=activity.start_date,
        end_date=activity.end_date,
        goal_ids=[goal.id for goal in activity.goals],
        citywide=True,
        people_reached=1000,
        volunteer_hours=activity.volunteer_hours,
        spend=Decimal("1500.00"),
    )
    activities.update_activity(activity, values)
    db.session.commit()
    changes = _entry("activity.updated").changes
    assert changes == {"people_reached": ["100", "1000"]}  # unchanged fields are not listed
    activities.update_activity(activity, replace(values, title="Renamed"))
    db.session.commit()
    assert _entry("activity.updated").changes == {"title": [values.title, "Renamed"]}


def test_a_listing_edit_keeps_what_it_offered_before():
    listing = offer(title="Two freezers", quantity=Decimal(2), unit="freezers", citywide=True)
    user = member_of(listing.organisation)
    db.session.commit()
    data = {
        "resource_type": listing.resource_type,
        "title": "Grant towards kitchen equipment",
        "description": listing.description,
        "quantity": Decimal(1),
        "unit": "grant",
        "citywide": True,
        "wards": [],
        "available_from": listing.available_from,
        "available_until": listing.available_until,
    }
    listings.update_listing(listing, data, user)
    db.session.commit()
    changes = _entry("exchange.listing_updated").changes
    assert changes["title"] == ["Two freezers", "Grant towards kitchen equipment"]
    assert changes["quantity"] == ["2", "1"] and changes["unit"] == ["freezers", "grant"]


def test_a_profile_edit_keeps_the_old_name_and_numbers():
    user = member_of()
    organisation = user.memberships[0].organisation
    old_name = organisation.name
    db.session.commit()
    orgs.update_organisation(
        organisation,
        {
            "name": "Renamed Trust",
            "kind": organisation.kind,
            "charity_number": "1234567",
            "company_number": organisation.company_number,
            "website": organisation.website,
            "description": organisation.description,
            "size_band": organisation.size_band,
            "citywide": organisation.citywide,
            "wards": [ward.id for ward in organisation.wards],
        },
    )
    db.session.commit()
    changes = _entry("organisation.updated").changes
    assert changes["name"] == [old_name, "Renamed Trust"]
    assert changes["charity_number"][1] == "1234567"
    assert set(changes) == {"name", "charity_number"}


# ---------------------------------------------------------------- status and value changes


def test_a_role_change_and_a_removal_keep_the_old_role():
    organisation = OrganisationFactory()
    admin_of(organisation)
    colleague = member_of(organisation, role=ROLE_MEMBER)
    db.session.commit()
    membership = colleague.membership_of(organisation.id)
    accounts.change_member_role(membership, ROLE_ADMIN)
    db.session.commit()
    assert _entry("member.role_changed").changes == {"role": [ROLE_MEMBER, ROLE_ADMIN]}
    accounts.remove_member(membership)
    db.session.commit()
    assert _entry("member.removed").changes == {
        "member": [colleague.email, ""],
        "role": [ROLE_ADMIN, ""],
    }


def test_deactivating_an_account_and_granting_admin_keep_before_and_after():
    user = member_of()
    db.session.commit()
    accounts.set_user_active(user, False)
    accounts.set_platform_roles(user, is_admin=True, ambition_ids=[ambition("HEALTHY").id])
    db.session.commit()
    assert _entry("user.deactivated").changes == {"active": ["True", "False"]}
    assert _entry("user.roles_changed").changes == {
        "platform_admin": ["False", "True"],
        "convenor_ambitions": ["", "HEALTHY"],
    }


def test_suspending_an_organisation_keeps_its_old_status():
    organisation = OrganisationFactory()
    db.session.commit()
    orgs.set_organisation_status(organisation, STATUS_SUSPENDED)
    db.session.commit()
    assert _entry("organisation.suspended").changes == {
        "status": [STATUS_APPROVED, STATUS_SUSPENDED]
    }


def test_correcting_a_scorecard_value_keeps_the_old_value():
    load_scorecard()
    rule = indicator("children-low-income-families")
    period = Period(2024)
    scorecard.record_value(rule, period, CITYWIDE, "", 21.5, source="DWP")
    db.session.commit()
    assert _entry("scorecard.value_recorded").changes == {
        "value": ["", "21.5"],
        "source": ["", "DWP"],
    }
    scorecard.record_value(rule, period, CITYWIDE, "", 19.0, source="DWP")
    db.session.commit()
    assert _entry("scorecard.value_recorded").changes == {"value": ["21.5", "19.0"]}


def test_changing_a_self_assessment_level_keeps_the_old_level():
    load_frameworks()
    organisation = OrganisationFactory()
    assessment = make_assessment(organisation, 2026, level=2, submitted=False)
    criterion = assessment.framework.criteria[0]
    assessment_services.save_answers(
        assessment, assessment.version, {criterion.id: {"level": 4, "target_level": None}}
    )
    db.session.commit()
    assert _entry("assessment.answers_saved").changes == {f"{criterion.code} level": ["2", "4"]}


def test_pausing_and_hiding_a_listing_keep_the_old_status():
    listing = offer(title="Two freezers")
    user = member_of(listing.organisation)
    admin = platform_admin()
    db.session.commit()
    listings.change_listing_status(listing, "pause", user)
    db.session.commit()
    assert _entry("exchange.listing_paused").changes["status"] == [LISTING_OPEN, LISTING_PAUSED]
    moderation.hide_listing(listing, admin, "Not a real offer")
    db.session.commit()
    changes = _entry("exchange.listing_hidden").changes
    assert changes["hidden_at"][0] == "" and changes["hidden_at"][1]
    assert changes["hidden_reason"] == ["", "Not a real offer"]


def test_delivering_a_match_keeps_what_was_delivered_and_the_old_status():
    match = MatchFactory(status=MATCH_ACCEPTED, committed_quantity=Decimal(20))
    user = member_of(match.offer.organisation)
    db.session.commit()
    matches.deliver_match(match, Decimal(18), "hours", user, match.offer.organisation_id)
    db.session.commit()
    changes = _entry("exchange.delivered").changes
    assert changes["status"] == [MATCH_ACCEPTED, MATCH_DELIVERED]
    assert changes["delivered_quantity"] == ["", "18"]
    assert changes["delivered_unit"] == ["", "hours"]
    assert changes["delivered_title"] == ["", match.offer.title]


def test_counting_an_exchange_towards_a_pledge_keeps_the_amount(client):
    load_catalogue()
    pledge = make_pledge(measure_code="SOC-1")
    match = delivered_match(pledge.organisation, hours="20")
    link = pledge_links.link_exchange(pledge, match, Decimal(12), None)
    db.session.commit()
    key = f"exchange {match.id} counted"
    assert _entry("pledge.exchange_linked").changes == {key: ["", "12"]}
    pledge_links.unlink_exchange(link)
    db.session.commit()
    assert _entry("pledge.exchange_unlinked").changes == {key: ["12", ""]}


def test_the_audit_log_shows_old_and_new_values_escaped(client, login):
    listing = offer(title="<b>Two</b> freezers")
    db.session.commit()
    data = {
        "resource_type": listing.resource_type,
        "title": "<script>alert(1)</script>",
        "description": listing.description,
        "quantity": listing.quantity,
        "unit": listing.unit,
        "citywide": listing.citywide,
        "wards": list(listing.wards),
        "available_from": listing.available_from,
        "available_until": listing.available_until,
    }
    listings.update_listing(listing, data, member_of(listing.organisation))
    db.session.commit()
    login(platform_admin())
    page = client.get("/admin/audit-log").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;b&gt;Two&lt;/b&gt; freezers → &lt;script&gt;alert(1)&lt;/script&gt;" in page
