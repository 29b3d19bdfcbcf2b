"""The initiative pages as partners use them: who may see the page, posting updates (newest
first, paginated), recording and correcting contributions with messages for bad input, the
cross-organisation refusals, the link from the activity and the organisation home's figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.activities.models import PARTNER_PENDING, PartnerTag
from portal.core.models import utcnow
from portal.extensions import db
from portal.initiatives.models import CONTRIBUTION_SUPERSEDED, Contribution, InitiativeUpdate
from portal.orgs.models import STATUS_SUSPENDED
from tests.activities.factories import ActivityFactory
from tests.factories import OrganisationFactory, member_of, platform_admin
from tests.initiatives.factories import contribute, make_initiative
from tests.insights.test_pages import page_text

GOOD = {
    "period_start": ["1", "4", "2026"],
    "period_end": ["30", "6", "2026"],
    "volunteer_hours": "12.5",
    "money": "£1,250.50",
    "people_reached": "40",
    "note": "Room hire",
}


def _contribution_url(org_id: int, activity_id: int) -> str:
    return f"/orgs/{org_id}/initiatives/{activity_id}/contributions/new"


# ---------------------------------------------------------------- who sees the page


def test_partners_see_a_private_initiative_and_nobody_else_does(client, login) -> None:
    initiative = make_initiative(partners=1, is_public=False)
    url = f"/initiatives/{initiative.activity.id}"
    assert client.get(url).status_code == 404
    login(member_of(OrganisationFactory()))
    assert client.get(url).status_code == 404
    client.post("/sign-out")
    login(member_of(initiative.partners[0]))
    text = page_text(client.get(url))
    assert "This initiative is private" in text
    assert "Partners: Lead Trust (lead), Partner 1." in text
    client.post("/sign-out")
    login(platform_admin())
    assert client.get(url).status_code == 200


def test_a_public_initiative_is_open_to_everyone_without_the_forms(client) -> None:
    initiative = make_initiative(partners=1)
    text = page_text(client.get(f"/initiatives/{initiative.activity.id}"))
    assert "Joint initiative led by Lead Trust" in text
    assert "No contributions yet" in text and "No progress updates yet" in text
    assert "record a contribution" not in text


def test_an_activity_without_an_accepted_partner_has_no_initiative_page(client, login) -> None:
    lead = OrganisationFactory()
    pending = OrganisationFactory()
    activity = ActivityFactory(lead_organisation=lead, pending_partners=[pending])
    assert client.get(f"/initiatives/{activity.id}").status_code == 404
    assert "See the joint initiative" not in page_text(client.get(f"/activities/{activity.id}"))
    # A pending partner is not a partner: it cannot post either.
    login(member_of(pending))
    response = client.get(f"/orgs/{pending.id}/initiatives/{activity.id}/updates/new")
    assert response.status_code == 404


def test_the_activity_page_links_to_its_initiative(client) -> None:
    initiative = make_initiative(partners=1)
    html = client.get(f"/activities/{initiative.activity.id}").get_data(as_text=True)
    assert f'href="/initiatives/{initiative.activity.id}"' in html


# ---------------------------------------------------------------- progress updates


def test_a_partner_posts_an_update_shown_newest_first_and_escaped(client, login) -> None:
    initiative = make_initiative(partners=1)
    partner = initiative.partners[0]
    login(member_of(partner, name="Asha Patel"))
    url = f"/orgs/{partner.id}/initiatives/{initiative.activity.id}/updates/new"
    response = client.post(url, data={"body": ""})
    assert "Enter your progress update" in page_text(response)
    response = client.post(url, data={"body": "x" * 3001})
    assert "Enter an update of 3,000 characters or fewer" in page_text(response)
    client.post(url, data={"body": "First sessions ran"})
    response = client.post(url, data={"body": "<script>alert(1)</script> going well"},
                           follow_redirects=True)  # fmt: skip
    html = response.get_data(as_text=True)
    assert "Your update on" in page_text(response)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    text = page_text(response)
    assert text.index("going well") < text.index("First sessions ran")
    assert "2 updates, newest first" in text and "by Asha Patel" in text


def test_updates_are_paginated(client) -> None:
    initiative = make_initiative(partners=1)
    now = utcnow()
    for number in range(12):
        db.session.add(
            InitiativeUpdate(
                activity_id=initiative.activity.id,
                organisation_id=initiative.lead.id,
                body=f"Update number {number:02d}",
                created_at=now - timedelta(days=number),
            )
        )
    db.session.commit()
    first = page_text(client.get(f"/initiatives/{initiative.activity.id}"))
    assert "12 updates" in first and "Update number 00" in first
    assert "Update number 10" not in first and "Page 1 of 2" in first
    second = page_text(client.get(f"/initiatives/{initiative.activity.id}?page=2"))
    assert "Update number 11" in second and "Update number 00" not in second


# ---------------------------------------------------------------- contributions


def test_a_partner_records_its_contribution_in_pounds_and_pence(client, login) -> None:
    initiative = make_initiative(partners=1)
    partner = initiative.partners[0]
    login(member_of(partner))
    response = client.post(
        _contribution_url(partner.id, initiative.activity.id), data={**GOOD}, follow_redirects=True
    )
    text = page_text(response)
    assert "Partner 1's contribution to" in text
    assert "Initiative total 12.5 £1,250.50 40" in text
    row = db.session.scalar(select(Contribution))
    assert row.organisation_id == partner.id and str(row.money) == "1250.50"


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"period_start": ["31", "4", "2026"]}, "The start of the period must be a real date"),
        ({"period_start": ["", "", ""]}, "Enter the date the period starts"),
        ({"period_end": ["30", "13", "2026"]}, "The end of the period must be a real date"),
        ({"period_end": ["1", "3", "2026"]},
         "The end of the period must be on or after its start"),
        ({"period_end": ["1", "1", "2099"]},
         "The end of the period must be within a year from today"),
        ({"volunteer_hours": "-3"}, "Volunteer hours cannot be negative"),
        ({"volunteer_hours": "lots"}, "Volunteer hours must be a number, for example 12.5"),
        ({"volunteer_hours": "1.25"}, "at most 1 decimal place"),
        ({"volunteer_hours": "1000001"}, "Volunteer hours must be 1,000,000 or fewer"),
        ({"money": "-5"}, "Money cannot be negative"),
        ({"money": "12.345"}, "Money can have at most 2 decimal places"),
        ({"money": "100000001"}, "Money must be £100,000,000 or less"),
        ({"money": "1e400"}, "Money must be"),
        ({"people_reached": "2.5"}, "Enter people reached as a whole number, like 40"),
        ({"people_reached": "-1"}, "Enter people reached as a whole number, like 40"),
        ({"people_reached": "99999999"}, "People reached must be 10,000,000 or fewer"),
        ({"volunteer_hours": "", "money": "0", "people_reached": "0"},
         "Enter at least one of volunteer hours, money or people reached"),
        ({"note": "n" * 1001}, "Enter 1,000 characters or fewer"),
    ],
)  # fmt: skip
def test_bad_contributions_get_a_message_and_save_nothing(
    client, login, changed: dict, message: str
) -> None:
    initiative = make_initiative(partners=1)
    partner = initiative.partners[0]
    login(member_of(partner))
    response = client.post(
        _contribution_url(partner.id, initiative.activity.id), data={**GOOD, **changed}
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert "There is a problem" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 0


def test_an_oversized_field_is_a_message_not_an_error(client, login) -> None:
    initiative = make_initiative(partners=1)
    login(member_of(initiative.lead))
    response = client.post(
        _contribution_url(initiative.lead.id, initiative.activity.id),
        data={**GOOD, "volunteer_hours": "9" * 5000, "period_start": ["1", "1", "9" * 5000]},
    )
    assert response.status_code == 200 and "There is a problem" in page_text(response)


def test_correcting_keeps_the_original_and_shows_the_history(client, login) -> None:
    initiative = make_initiative(partners=1)
    partner = initiative.partners[0]
    original = contribute(initiative, partner, hours="10", money="100", people=40)
    login(member_of(partner))
    url = (
        f"/orgs/{partner.id}/initiatives/{initiative.activity.id}"
        f"/contributions/{original.id}/correct"
    )
    page = page_text(client.get(url))
    assert "You are correcting Partner 1's contribution" in page and "40 people reached" in page
    response = client.post(url, data={**GOOD, "people_reached": "4", "reason": ""})
    assert "Enter why you are correcting the contribution" in page_text(response)
    response = client.post(
        url, data={**GOOD, "people_reached": "4", "reason": "Typed 40 for 4"}, follow_redirects=True
    )
    text = page_text(response)
    assert "The original is kept in the history" in text
    assert "Corrected contributions (1)" in text and "Typed 40 for 4" in text
    assert "Initiative total 12.5 £1,250.50 4" in text
    db.session.expire_all()
    assert db.session.get(Contribution, original.id).status == CONTRIBUTION_SUPERSEDED
    # The superseded row cannot be corrected again.
    response = client.post(url, data={**GOOD, "reason": "Again"}, follow_redirects=True)
    assert "already been corrected" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 2


def test_an_organisation_cannot_record_or_correct_for_another(client, login) -> None:
    initiative = make_initiative(partners=2)
    one, two = initiative.partners
    theirs = contribute(initiative, two, people=5)
    outsider = OrganisationFactory()
    activity_id = initiative.activity.id
    login(member_of(one))
    # Partner 1 through its own URL, naming Partner 2's contribution: not there.
    assert (
        client.get(
            f"/orgs/{one.id}/initiatives/{activity_id}/contributions/{theirs.id}/correct"
        ).status_code
        == 404
    )
    # Partner 1 in Partner 2's URL: not a member.
    assert client.get(_contribution_url(two.id, activity_id)).status_code == 403
    assert (
        client.post(
            f"/orgs/{two.id}/initiatives/{activity_id}/contributions/{theirs.id}/correct",
            data={**GOOD, "reason": "Mine now"},
        ).status_code
        == 403
    )
    client.post("/sign-out")
    # A member of an organisation that is not a partner: its own URL is a 404.
    login(member_of(outsider))
    assert client.get(_contribution_url(outsider.id, activity_id)).status_code == 404
    assert (
        client.post(
            f"/orgs/{outsider.id}/initiatives/{activity_id}/updates/new", data={"body": "Hi"}
        ).status_code
        == 404
    )
    assert db.session.scalar(select(func.count()).select_from(InitiativeUpdate)) == 0
    assert db.session.get(Contribution, theirs.id).people_reached == 5


def test_a_suspended_partner_cannot_post(client, login) -> None:
    initiative = make_initiative(partners=2)
    partner = initiative.partners[0]
    person = member_of(partner)
    partner.status = STATUS_SUSPENDED
    db.session.commit()
    login(person)
    response = client.post(_contribution_url(partner.id, initiative.activity.id), data={**GOOD})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 0


def test_a_contribution_without_a_csrf_token_changes_nothing(client, login) -> None:
    initiative = make_initiative(partners=1)
    login(member_of(initiative.lead))
    client.post(_contribution_url(initiative.lead.id, initiative.activity.id), data={**GOOD},
                csrf=False)  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 0


# ---------------------------------------------------------------- the organisation home


def test_the_organisation_home_shows_figures_with_its_contributions(client, login) -> None:
    initiative = make_initiative(partners=1)  # headline 100 people, 12.5 hours, £1,500
    partner = initiative.partners[0]
    login(member_of(initiative.lead))
    text = page_text(client.get(f"/orgs/{initiative.lead.id}"))
    assert "100 people reached, 12.5 volunteer hours and £1,500" in text
    assert initiative.activity.title in text
    contribute(initiative, initiative.lead, hours="1", money="10", people=1)
    contribute(initiative, partner, hours="5", money="50", people=30)
    text = page_text(client.get(f"/orgs/{initiative.lead.id}"))
    assert "1 person reached, 1 volunteer hour and £10" in text
    client.post("/sign-out")
    login(member_of(partner))
    assert "30 people reached, 5 volunteer hours and £50" in page_text(
        client.get(f"/orgs/{partner.id}")
    )


def test_an_organisation_in_no_initiative_is_told_so(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    text = page_text(client.get(f"/orgs/{organisation.id}"))
    assert "You are not part of a joint initiative yet" in text
    assert "0 people reached, 0 volunteer hours and £0" in text


def test_pending_tags_do_not_make_an_initiative_for_the_home_page(client, login) -> None:
    lead = OrganisationFactory()
    activity = ActivityFactory(lead_organisation=lead)
    db.session.add(PartnerTag(activity_id=activity.id, organisation_id=OrganisationFactory().id,
                              status=PARTNER_PENDING))  # fmt: skip
    db.session.commit()
    login(member_of(lead))
    assert "You are not part of a joint initiative yet" in page_text(client.get(f"/orgs/{lead.id}"))


def test_a_bad_correction_gets_a_message_and_keeps_the_contribution(client, login) -> None:
    initiative = make_initiative(partners=1)
    original = contribute(initiative, initiative.lead, people=40)
    login(member_of(initiative.lead))
    url = (
        f"/orgs/{initiative.lead.id}/initiatives/{initiative.activity.id}"
        f"/contributions/{original.id}/correct"
    )
    response = client.post(url, data={**GOOD, "money": "-1", "reason": "r" * 501})
    text = page_text(response)
    assert "Money cannot be negative" in text
    assert "Enter a reason of 500 characters or fewer" in text
    db.session.expire_all()
    assert db.session.get(Contribution, original.id).is_current
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 1
