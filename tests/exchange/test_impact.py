"""Delivered quantities feed the convenors' view, by Ambition."""

from __future__ import annotations

from decimal import Decimal

from portal.exchange.models import MATCH_DELIVERED
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import convenor, member_of, platform_admin


def delivered(codes: list[str], amount: str, unit: str, kind: str = "volunteer_time"):
    return MatchFactory(
        offer=offer(resource_type=kind),
        request=request(resource_type=kind, ambition_codes=codes),
        status=MATCH_DELIVERED,
        delivered_quantity=Decimal(amount),
        delivered_unit=unit,
    )


def test_convenors_see_delivered_totals_for_their_ambitions(client, login):
    delivered(["HEALTHY"], "12", "hours")
    delivered(["HEALTHY", "THRIVING"], "8.5", "hours")
    delivered(["RESILIENT"], "1500", "£", kind="funding")
    request(ambition_codes=["HEALTHY"])  # open, nothing delivered
    login(convenor("HEALTHY"))
    page = client.get("/exchange/impact").data.decode()
    assert "Health and Wellbeing" in page
    assert "Sustainable City" not in page.split("All exchanges")[0]
    assert "20.50 hours" in page
    assert "3 open requests," in page  # delivered requests stay open until closed
    assert "2 delivered exchanges." in page
    assert "£1,500" in page.split("All exchanges")[1]


def test_only_convenors_and_admins_see_impact(client, login):
    login(member_of())
    assert client.get("/exchange/impact").status_code == 403
    client.post("/sign-out")
    login(platform_admin())
    page = client.get("/exchange/impact")
    assert page.status_code == 200 and b"Sustainable City" in page.data
