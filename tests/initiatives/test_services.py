"""Contributions: recorded audited, corrected only by a new row that keeps the original, and
each organisation's figures by the roll-up rule."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.activities.services import delete_activity
from portal.core.models import AuditLog
from portal.extensions import db
from portal.initiatives import services
from portal.initiatives.models import CONTRIBUTION_SUPERSEDED, Contribution
from portal.initiatives.rollup import Figures
from tests.activities.factories import ActivityFactory
from tests.initiatives.factories import contribute, make_initiative, values


def test_the_initiative_total_is_the_sum_of_current_contributions() -> None:
    initiative = make_initiative(partners=2)
    lead, one, two = initiative.everyone
    contribute(initiative, lead, hours="10", money="100.50", people=20)
    contribute(initiative, one, hours="2.5", money="0.25", people=5)
    contribute(initiative, one, hours="1", money="0", people=0)
    contribute(initiative, two, hours="0", money="1000", people=30)
    totals = services.totals_of(services.contributions_of(initiative.activity.id))
    assert totals.total == Figures(55, Decimal("13.5"), Decimal("1100.75"))
    assert [(o.name, f) for o, f in totals.by_organisation] == [
        ("Lead Trust", Figures(20, Decimal("10"), Decimal("100.50"))),
        ("Partner 1", Figures(5, Decimal("3.5"), Decimal("0.25"))),
        ("Partner 2", Figures(30, Decimal("0"), Decimal("1000"))),
    ]


def test_a_correction_supersedes_the_original_which_is_kept_and_audited() -> None:
    initiative = make_initiative(partners=1)
    partner = initiative.partners[0]
    original = contribute(initiative, partner, hours="10", people=40)
    correction = services.correct_contribution(
        original, values(hours="10", people=4), "Typed 40 for 4", user=None
    )
    db.session.commit()
    rows = db.session.scalars(select(Contribution).order_by(Contribution.id)).all()
    assert [(r.status, r.people_reached) for r in rows] == [
        (CONTRIBUTION_SUPERSEDED, 40),
        ("current", 4),
    ]
    assert correction.prior_id == original.id and original.reason == "Typed 40 for 4"
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "initiative.contribution_corrected")
    )
    assert entry is not None and entry.organisation_id == partner.id
    assert entry.changes == {"people_reached": ["40", "4"]}
    assert json.loads(entry.details)["original"] == original.id
    totals = services.totals_of(services.contributions_of(initiative.activity.id))
    assert totals.total.people == 4
    with pytest.raises(services.ContributionError, match="already been corrected"):
        services.correct_contribution(original, values(), "Again", user=None)


def test_recording_is_audited_with_the_figures() -> None:
    initiative = make_initiative(partners=1)
    contribute(initiative, initiative.lead, hours="3", money="12.34", people=2)
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "initiative.contribution_recorded")
    )
    assert entry is not None and entry.organisation_id == initiative.lead.id
    assert entry.changes["money"] == ["", "12.34"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"hours": "-1"}, "Volunteer hours"),
        ({"money": "-0.01"}, "Money"),
        ({"people": -3}, "People reached"),
        ({"people": 10_000_001}, "People reached"),
        ({"money": "100000000.01"}, "Money"),
    ],
)
def test_the_service_refuses_negative_or_absurd_figures(bad: dict, message: str) -> None:
    initiative = make_initiative(partners=1)
    with pytest.raises(services.ContributionError, match=message):
        services.record_contribution(initiative.activity, initiative.lead, values(**bad), None)


def test_an_organisations_figures_count_its_contributions_not_the_headlines_they_replace() -> None:
    initiative = make_initiative(partners=2)  # headline: 100 people, 12.5 hours, £1,500
    lead, one, two = initiative.everyone
    solo = ActivityFactory(lead_organisation=lead, people_reached=7, volunteer_hours=1, spend=5)
    assert services.organisation_figures(lead.id) == Figures(107, Decimal("13.5"), Decimal("1505"))
    contribute(initiative, lead, hours="4", money="40", people=10)
    contribute(initiative, one, hours="6", money="60.50", people=15)
    # The lead: its solo activity's headline plus its own contribution; not the initiative's.
    assert services.organisation_figures(lead.id) == Figures(17, Decimal("5"), Decimal("45"))
    assert services.organisation_figures(one.id) == Figures(15, Decimal("6"), Decimal("60.50"))
    assert services.organisation_figures(two.id) == Figures()
    assert solo.id


def test_a_deleted_initiatives_contributions_count_no_more() -> None:
    initiative = make_initiative(partners=1)
    partner = initiative.partners[0]
    contribute(initiative, partner, hours="6", money="60.50", people=15)
    assert services.organisation_figures(partner.id).people == 15
    delete_activity(initiative.activity)
    db.session.commit()
    assert services.organisation_figures(partner.id) == Figures()
