"""Drill-down with the dashboard's filters: a figure filtered by network or organisation kind
links to the list behind it with the same filters, and that list counts the same."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

import pytest

from portal.exchange.models import LISTING_MATCHED, MATCH_DELIVERED, SIDE_OFFER, SIDE_REQUEST
from portal.extensions import db
from portal.insights.jobs import refresh_insights
from portal.orgs.models import (
    KIND_PUBLIC_ANCHOR,
    KIND_VCSE,
    REQUEST_ACCEPTED,
    Network,
    NetworkMembership,
)
from tests.activities.factories import ActivityFactory
from tests.factories import OrganisationFactory, convenor
from tests.insights.test_pages import html_table, page_text
from tests.insights.world import listing, match


@pytest.fixture
def network() -> Network:
    """In the network: five VCSE groups and one public anchor; outside it: five VCSE groups
    and two public anchors. Each leads one HEALTHY activity starting in April 2026, and one
    VCSE group outside another from December 2025 into 2026 (14 in all, 13 started in 2026;
    6 by the network's members; 11 by VCSE groups, 10 started in 2026). The network's five
    VCSE groups and one VCSE group outside it each deliver an offer against the outside
    anchor's HEALTHY request in May 2026 (6 delivered; 5 offered by the network's members;
    6 by VCSE groups)."""
    chosen = Network(code="drill-down", name="Drill-down network")
    db.session.add(chosen)
    db.session.flush()
    members = [OrganisationFactory(kind=KIND_VCSE) for _ in range(5)]
    members.append(OrganisationFactory(kind=KIND_PUBLIC_ANCHOR))
    outside = [OrganisationFactory(kind=KIND_VCSE) for _ in range(5)]
    outside += [OrganisationFactory(kind=KIND_PUBLIC_ANCHOR) for _ in range(2)]
    for member in members:
        db.session.add(
            NetworkMembership(
                organisation_id=member.id, network_id=chosen.id, status=REQUEST_ACCEPTED
            )
        )
    for lead in members + outside:
        ActivityFactory(lead_organisation=lead)
    ActivityFactory(
        lead_organisation=outside[0], start_date=date(2025, 12, 1), end_date=date(2026, 2, 1)
    )
    needing = listing(outside[-1], SIDE_REQUEST, "food", ambitions=["HEALTHY"])
    for giver in [*members[:5], outside[0]]:
        offer = listing(giver, SIDE_OFFER, "food", LISTING_MATCHED)
        match(offer, needing, MATCH_DELIVERED, 2).delivered_at = datetime(2026, 5, 10, 12)
    db.session.commit()
    refresh_insights()
    return chosen


def _links(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return {
        label: unescape(href)
        for href, label in re.findall(
            r'<a class="govuk-link" href="([^"]+)">([^<]+)</a></th>', html
        )
    }


def _healthy_delivered(response) -> str:
    """The delivered-exchange count of the HEALTHY section of the impact page."""
    html = response.get_data(as_text=True)
    section = html.split('id="ambition-HEALTHY"', 1)[1].split("<h2", 1)[0]
    found = re.search(r"([\d,]+) delivered exchanges?", page_text_of(section))
    assert found, section
    return found.group(1)


def page_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize(
    ("filters", "activities", "delivered"),
    [
        ("", "14", "6"),
        ("network={network}", "6", "5"),
        ("org_kind=vcse", "11", "6"),
        # A period counts activities by their start: the one from 2025 is not in 2026.
        ("period=2026&org_kind=vcse", "10", "6"),
        ("period=2026-Q2&network={network}", "6", "5"),
    ],
)
def test_a_filtered_figure_drills_down_to_a_list_with_the_same_total(
    client, login, network, filters, activities, delivered
) -> None:
    login(convenor("HEALTHY"))
    query = filters.format(network=network.id)
    dashboard = client.get(f"/insights/HEALTHY?{query}")
    headline = dict(html_table(dashboard, "headline"))
    assert headline["Activities"] == activities
    assert headline["Exchanges delivered"] == delivered
    links = _links(dashboard)
    for name, value in (pair.split("=") for pair in query.split("&") if pair):
        listed_as = "started" if name == "period" else name
        assert f"{listed_as}={value}" in links["Activities"]
        assert f"{name}={value}" in links["Exchanges delivered"]
    listed = client.get(links["Activities"])
    assert f"{activities} activities" in page_text(listed)
    impact = client.get(links["Exchanges delivered"])
    assert impact.status_code == 200
    assert _healthy_delivered(impact) == delivered


def test_the_lists_offer_the_network_and_kind_filters(client, login, network) -> None:
    login(convenor("HEALTHY"))
    activities = client.get(f"/activities?network={network.id}&org_kind=public_anchor")
    # One public anchor in the network leads one activity.
    assert "1 activity" in page_text(activities)
    html = activities.get_data(as_text=True)
    assert f'<option value="{network.id}" selected>' in html
    assert '<option value="public_anchor" selected>' in html
    impact = client.get(f"/exchange/impact?network={network.id}&org_kind=public_anchor")
    assert _healthy_delivered(impact) == "0"
    # A value that is not offered is ignored, not an error page.
    assert client.get("/activities?org_kind=nonsense&network=x").status_code == 200
    assert client.get("/exchange/impact?org_kind=nonsense&period=1999-Q9").status_code == 200
