"""The open data API: public records only, the pages' filters and suppression, JSON errors,
ETags, CORS and the rate limit. Every response is validated against /api/v1/openapi.json."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.core.models import Ward, utcnow
from portal.exchange.models import LISTING_CLOSED, LISTING_PAUSED, SIDE_REQUEST
from portal.extensions import db
from portal.insights import tables
from portal.orgs.models import (
    KIND_VCSE,
    REQUEST_ACCEPTED,
    STATUS_PENDING,
    STATUS_SUSPENDED,
    Network,
    NetworkMembership,
)
from tests.activities.factories import ActivityFactory
from tests.api.helpers import field_names, get, personal_fields
from tests.exchange.factories import ListingFactory
from tests.factories import OrganisationFactory, admin_of
from tests.insights.test_pages import fig, healthy_fixture, page_text, snapshot
from tests.pledges.factories import make_pledge, report
from tests.scorecard.factories import add_value, load_scorecard


def ward_codes() -> list[str]:
    return list(db.session.scalars(select(Ward.ons_code).order_by(Ward.name)))


def ids(response) -> list[int]:
    return [item["id"] for item in response.json["items"]]


# ---------------------------------------------------------------- organisations


def test_the_directory_lists_approved_organisations_only(client) -> None:
    shown = OrganisationFactory(
        name="Aire Trust", charity_number="1234567", website="https://a.example"
    )
    admin_of(shown, email="someone@example.org")
    pending = OrganisationFactory(name="Pending Trust", status=STATUS_PENDING)
    suspended = OrganisationFactory(name="Suspended Trust", status=STATUS_SUSPENDED)
    body = get(client, "/api/v1/organisations").json
    assert ids_of(body) == [shown.id]
    [record] = body["items"]
    assert record["charity_number"] == "1234567"
    assert record["identifiers"] == ["GB-CHC-1234567"]
    assert record["url"].endswith(f"/organisations/{shown.id}")
    assert "someone@example.org" not in str(body)
    for hidden in (pending, suspended):
        get(client, f"/api/v1/organisations/{hidden.id}", status=404)
    assert get(client, f"/api/v1/organisations/{shown.id}").json["name"] == "Aire Trust"
    get(client, "/api/v1/organisations/999999", status=404)


def ids_of(body: dict) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_the_directory_filters_as_the_page_does(client) -> None:
    network = db.session.scalars(select(Network).order_by(Network.code)).first()
    first_ward = db.session.scalars(select(Ward).order_by(Ward.name)).first()
    member = OrganisationFactory(name="In the network", citywide=False)
    member.wards = [first_ward]
    db.session.add(NetworkMembership(organisation=member, network=network, status=REQUEST_ACCEPTED))
    other = OrganisationFactory(name="Food share", kind=KIND_VCSE, citywide=False)
    db.session.commit()
    assert ids(get(client, f"/api/v1/organisations?network={network.code}")) == [member.id]
    assert ids(get(client, f"/api/v1/organisations?kind={KIND_VCSE}")) == [other.id]
    assert ids(get(client, "/api/v1/organisations?q=food")) == [other.id]
    assert ids(get(client, f"/api/v1/organisations?ward={first_ward.ons_code}")) == [member.id]
    record = get(client, f"/api/v1/organisations/{member.id}").json
    assert record["networks"] == [{"code": network.code, "name": network.name}]
    assert record["wards"] == [{"name": first_ward.name, "ons_code": first_ward.ons_code}]


# ---------------------------------------------------------------- pledges


def test_pledges_are_public_ones_with_progress(client) -> None:
    shown = make_pledge(title="Volunteer hours", target=1000)
    report(shown, 250, period_end=date(2026, 3, 31))
    private = make_pledge(title="Private pledge", public=False)
    of_suspended = make_pledge(
        OrganisationFactory(status=STATUS_SUSPENDED), title="Suspended organisation's"
    )
    body = get(client, "/api/v1/pledges").json
    assert ids_of(body) == [shown.id]
    [record] = body["items"]
    assert Decimal(record["promised_units"]) == 1000
    assert Decimal(record["delivered_units"]) == 250
    assert record["ambitions"] == ["THRIVING"]
    # Filters cannot reach them either.
    for query in ("ambition=THRIVING", "principle=COMMUNITY_VCSE", "kind=public_anchor"):
        found = ids(get(client, f"/api/v1/pledges?{query}"))
        assert private.id not in found and of_suspended.id not in found
    assert ids(get(client, "/api/v1/pledges?ambition=HEALTHY")) == []


def test_the_pledges_list_matches_the_wall_json(client) -> None:
    for number in range(3):
        make_pledge(title=f"Pledge {number}")
    wall = client.get("/pledges.json").json
    api = get(client, "/api/v1/pledges?per_page=100").json
    assert [p["id"] for p in wall["pledges"]] == ids_of(api)
    assert [p["delivered_value_gbp"] for p in wall["pledges"]] == [
        p["delivered_value_gbp"] for p in api["items"]
    ]


# ---------------------------------------------------------------- listings


def test_listings_are_open_approved_ones_without_contact_details(client) -> None:
    owner = OrganisationFactory()
    admin_of(owner, email="owner@example.org", name="Olive Owner")
    shown = ListingFactory(organisation=owner, ward_names=[], ambition_codes=["HEALTHY"])
    hidden = [
        ListingFactory(organisation=owner, status=LISTING_PAUSED),
        ListingFactory(organisation=owner, status=LISTING_CLOSED),
        ListingFactory(organisation=owner, hidden_at=utcnow()),
        ListingFactory(organisation=OrganisationFactory(status=STATUS_SUSPENDED)),
        ListingFactory(organisation=OrganisationFactory(status=STATUS_PENDING)),
    ]
    body = get(client, "/api/v1/listings").json
    assert ids_of(body) == [shown.id]
    assert body["items"][0]["ambitions"] == ["HEALTHY"]
    text = str(body)
    assert "owner@example.org" not in text and "Olive Owner" not in text
    for query in ("side=offer", "resource_type=volunteer_time", "sort=title", "q=Listing"):
        found = ids(get(client, f"/api/v1/listings?{query}"))
        assert not {h.id for h in hidden} & set(found)
    assert ids(get(client, f"/api/v1/listings?side={SIDE_REQUEST}")) == []


# ---------------------------------------------------------------- activities


def test_activities_are_public_ones_of_approved_leads(client) -> None:
    lead = OrganisationFactory()
    partner = OrganisationFactory(name="Accepted partner")
    asked = OrganisationFactory(name="Not yet accepted")
    shown = ActivityFactory(lead_organisation=lead, partners=[partner], pending_partners=[asked])
    private = ActivityFactory(lead_organisation=lead, is_public=False)
    of_suspended = ActivityFactory(lead_organisation=OrganisationFactory(status=STATUS_SUSPENDED))
    body = get(client, "/api/v1/activities").json
    assert ids_of(body) == [shown.id]
    [record] = body["items"]
    assert [p["name"] for p in record["partners"]] == ["Accepted partner"]
    assert record["goals"] == ["HEALTHY-1"] and record["ambitions"] == ["HEALTHY"]
    for query in (
        f"organisation={lead.id}",
        "ambition=HEALTHY",
        "goal=HEALTHY-1",
        "period=2026",
        "started=2026-Q2",
        "org_kind=public_anchor",
        f"ward={ward_codes()[0]}",
    ):
        found = ids(get(client, f"/api/v1/activities?{query}"))
        assert found == [shown.id], query
        assert private.id not in found and of_suspended.id not in found
    assert ids(get(client, "/api/v1/activities?started=2025")) == []


def test_the_activities_list_matches_the_public_page(client) -> None:
    ActivityFactory(title="Shown on both")
    ActivityFactory(title="Members only", is_public=False)
    page = page_text(client.get("/activities"))
    titles = [item["title"] for item in get(client, "/api/v1/activities").json["items"]]
    assert titles == ["Shown on both"]
    assert "Shown on both" in page and "Members only" not in page


# ---------------------------------------------------------------- scorecard


def test_indicators_with_values_and_breakdowns(client) -> None:
    load_scorecard()
    found = indicator_with("ward")
    wards = ward_codes()
    add_value(found.code, 2024, 50.0)
    add_value(found.code, 2025, 55.0)
    names = list(db.session.scalars(select(Ward.name).order_by(Ward.name)))
    add_value(found.code, 2025, 40.0, breakdown="ward", category=names[0])
    listed = get(client, "/api/v1/scorecard/indicators").json["items"]
    assert found.code in [item["code"] for item in listed]
    body = get(client, f"/api/v1/scorecard/indicators/{found.code}").json
    assert [(p["period"], p["value"]) for p in body["series"]] == [("2024", 50.0), ("2025", 55.0)]
    assert body["latest"]["latest_value"] == 55.0
    assert body["breakdown_periods"] == ["2025"]
    ward_view = next(b for b in body["breakdown_values"] if b["breakdown"] == "ward")
    assert ward_view["values"] == [{"category": names[0], "label": names[0], "value": 40.0}]
    assert wards  # the reference wards are loaded
    get(client, f"/api/v1/scorecard/indicators/{found.code}?period=2019", status=400)
    get(client, "/api/v1/scorecard/indicators/NOPE", status=404)


def indicator_with(breakdown: str):
    from portal.scorecard.models import Indicator

    return next(
        i
        for i in db.session.scalars(select(Indicator).order_by(Indicator.code))
        if breakdown in i.breakdowns
    )


# ---------------------------------------------------------------- aggregates


def test_aggregates_are_suppressed_exactly_as_on_the_home_page(client) -> None:
    assert get(client, "/api/v1/aggregates").json["tables"] == []
    snapshot(healthy_fixture() + [fig("activities.count", 3, 2, ambition="GROWING")])
    body = get(client, "/api/v1/aggregates").json
    figures, by_ambition = body["tables"]
    values = {row["label"]: row["values"][0] for row in figures["rows"]}
    assert values == {
        "Social value promised (£)": "9000",
        "Social value delivered (£)": "4000",
        "Exchanges delivered": "11",
    }
    home = page_text(client.get("/"))
    assert "Social value promised (£) 9,000" in home
    # The same tables the home page draws, null where it says "fewer than 5".
    expected_figures, expected_ambitions = tables.home_headline()
    for table, expected in ((figures, expected_figures), (by_ambition, expected_ambitions)):
        assert [row["values"] for row in table["rows"]] == [
            [None if v is None else str(v) for v in row.values] for row in expected.rows
        ]
    growing = next(row for row in by_ambition["rows"] if row["label"] == "Inclusive Growth")
    assert growing["values"] == [None]  # 3 activities from 2 organisations
    assert f"{tables.FEWER}" in body["suppression"]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=abc", "page"),
        ("kind=spaceship", "kind"),
        ("ward=nowhere", "ward"),
        ("ward=E99999999", "ward"),
        ("ambition=NOPE", "ambition"),
        ("principle=NOPE", "principle"),
    ],
)
def test_bad_parameters_are_400_json_naming_the_field(client, query, field) -> None:
    body = get(client, f"/api/v1/pledges?{query}", status=400).json
    assert body["errors"] and {e["field"] for e in body["errors"]} == {field}
    assert all(e["status"] == 400 and e["detail"] for e in body["errors"])


def test_unknown_paths_and_methods_are_json(client) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.is_json
    assert missing.json["errors"][0]["status"] == 404
    posted = client.post("/api/v1/pledges", csrf=False)
    assert posted.status_code == 405 and posted.is_json
    assert posted.json["errors"][0]["status"] == 405


def test_the_rate_limit_answers_429_in_json(app, client) -> None:
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            get(client, "/api/v1/scorecard/indicators")
        refused = get(client, "/api/v1/scorecard/indicators", status=429)
        assert refused.json["errors"][0]["status"] == 429
        assert client.get("/pledges").status_code == 200  # the site is not limited with it
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"


# ---------------------------------------------------------------- caching and CORS


def test_a_matching_etag_gives_304(client) -> None:
    make_pledge()
    first = get(client, "/api/v1/pledges")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = get(client, "/api/v1/pledges", status=304, headers={"If-None-Match": etag})
    assert again.data == b""
    make_pledge(title="A second pledge")
    changed = get(client, "/api/v1/pledges", headers={"If-None-Match": etag})
    assert changed.headers["ETag"] != etag


def test_cors_allows_reading_from_any_origin(client) -> None:
    response = get(client, "/api/v1/aggregates", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    preflight = client.options("/api/v1/pledges", headers={"Origin": "https://example.org"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/pledges").headers


# ---------------------------------------------------------------- no personal data


def test_no_response_has_a_personal_field(client) -> None:
    load_scorecard()
    owner = OrganisationFactory()
    admin_of(owner, email="private@example.org")
    make_pledge(owner)
    ListingFactory(organisation=owner)
    ActivityFactory(lead_organisation=owner)
    snapshot(healthy_fixture())
    code = indicator_with("ward").code
    add_value(code, 2025, 1.0)
    names: set[str] = set()
    for path in (
        "/api/v1/organisations",
        f"/api/v1/organisations/{owner.id}",
        "/api/v1/pledges",
        "/api/v1/listings",
        "/api/v1/activities",
        "/api/v1/scorecard/indicators",
        f"/api/v1/scorecard/indicators/{code}",
        "/api/v1/aggregates",
    ):
        body = get(client, path)
        assert "private@example.org" not in body.get_data(as_text=True)
        names |= field_names(body.json)
    assert personal_fields(names) == set()


# ---------------------------------------------------------------- cost


def _queries(client, count_queries, path: str) -> int:
    client.get(path)
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def _grow(number: int) -> None:
    for n in range(number):
        organisation = OrganisationFactory()
        pledge = make_pledge(organisation, title=f"Pledge {n}")
        report(pledge, 10, period_end=date(2026, 3, 31))
        ListingFactory(organisation=organisation, ambition_codes=["HEALTHY"], ward_names=[])
        ActivityFactory(lead_organisation=organisation, partners=[OrganisationFactory()])


@pytest.mark.parametrize(
    "path", ["/api/v1/organisations", "/api/v1/pledges", "/api/v1/listings", "/api/v1/activities"]
)
def test_query_count_stays_flat_as_rows_grow(client, count_queries, path) -> None:
    _grow(2)
    few = _queries(client, count_queries, path)
    _grow(12)
    assert _queries(client, count_queries, path) == few
    assert _queries(client, count_queries, path + "?per_page=100") == few


def test_computed_at_is_the_snapshots(client) -> None:
    when = datetime(2026, 5, 1, 9, 30)
    snapshot(healthy_fixture(), computed_at=when)
    assert get(client, "/api/v1/aggregates").json["computed_at"].startswith("2026-05-01T09:30")
