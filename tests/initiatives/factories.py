"""Initiatives for tests: an activity with a lead and accepted partners, and contributions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from portal.activities.models import Activity
from portal.initiatives import services
from portal.initiatives.models import Contribution
from portal.orgs.models import Organisation
from tests.activities.factories import ActivityFactory
from tests.factories import OrganisationFactory


@dataclass
class Initiative:
    activity: Activity
    lead: Organisation
    partners: list[Organisation]

    @property
    def everyone(self) -> list[Organisation]:
        return [self.lead, *self.partners]


def make_initiative(partners: int = 2, **fields: Any) -> Initiative:
    lead = fields.pop("lead_organisation", None) or OrganisationFactory(name="Lead Trust")
    others = [OrganisationFactory(name=f"Partner {n}") for n in range(1, partners + 1)]
    activity = ActivityFactory(lead_organisation=lead, partners=others, **fields)
    return Initiative(activity, lead, others)


def values(
    hours: str = "10", money: str = "100.50", people: int = 20, **more: Any
) -> services.ContributionValues:
    start = more.get("start", date(2026, 4, 1))
    return services.ContributionValues(
        period_start=start,
        period_end=more.get("end", max(start, date(2026, 6, 30))),
        volunteer_hours=Decimal(hours),
        money=Decimal(money),
        people_reached=people,
        note=more.get("note", ""),
    )


def contribute(initiative: Initiative, organisation: Organisation, **figures: Any) -> Contribution:
    from portal.extensions import db

    made = services.record_contribution(
        initiative.activity, organisation, values(**figures), user=None
    )
    db.session.commit()
    return made
