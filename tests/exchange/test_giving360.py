"""Delivered funding offers as 360Giving open data: the JSON package, the CSV and the page."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import portal.exchange
from portal.core.models import utcnow
from portal.demo.people import seed_people_and_organisations
from portal.exchange.demo import seed_demo
from portal.exchange.giving360 import (
    HEADER,
    DeliveredFunding,
    Party,
    Place,
    Settings,
    csv_rows,
    grant,
    organisation_identifier,
    package_chunks,
)
from portal.exchange.models import (
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    MATCH_WITHDRAWN,
)
from portal.exchange.open_data import OpenDataFilters, delivered_funding
from portal.extensions import db
from portal.orgs.models import STATUS_SUSPENDED
from tests.exchange.factories import MatchFactory, offer, request, ward
from tests.factories import OrganisationFactory, UserFactory, vcse

SCHEMAS = Path(portal.exchange.__file__).parent / "data" / "360giving"
SETTINGS = Settings()
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def package_validator() -> Draft202012Validator:
    grant_schema = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package_schema = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    # The standard's files name draft 2020-12 as http://json-schema.org/... (not https), which
    # `referencing` does not recognise on its own: say which draft they are.
    registry: Registry = Registry().with_resource(
        grant_schema["$id"], DRAFT202012.create_resource(grant_schema)
    )
    # Formats asserted (date-time by rfc3339-validator): the standard's awardDate is "a
    # date-time, or else a YYYY-MM-DD date" (oneOf), which only holds when formats are checked.
    return Draft202012Validator(
        package_schema,
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def funding(
    amount: str = "750",
    *,
    unit: str = "£",
    funder=None,
    recipient=None,
    wards=("Gipton & Harehills",),
    citywide: bool = False,
    status: str = MATCH_DELIVERED,
    kind: str = "funding",
    on: datetime | None = None,
    title: str = "Small grants for warm spaces",
):
    """A funding offer delivered (by default) to a request in `wards`."""
    funder = funder or OrganisationFactory(name="Briggate Building Society")
    recipient = recipient or vcse(name="Gipton Food Share")
    delivered = status == MATCH_DELIVERED
    return MatchFactory(
        offer=offer(
            organisation=funder,
            resource_type=kind,
            title=title,
            description="Grants towards heating and running costs this winter.",
            unit="£",
            citywide=True,
            created_by=UserFactory(name="Olive Offerer"),
        ),
        request=request(
            organisation=recipient,
            resource_type=kind,
            title="Help with our heating bill",
            unit="£",
            citywide=citywide,
            ward_names=list(wards) if not citywide else None,
            created_by=UserFactory(name="Rhys Requester"),
        ),
        status=status,
        committed_quantity=Decimal(amount),
        delivered_quantity=Decimal(amount) if delivered else None,
        delivered_unit=unit if delivered else "",
        delivered_at=(on or utcnow()) if delivered else None,
        delivered_resource_type=kind if delivered else None,
        delivered_title=title if delivered else None,
        note="Call me on 07700 900123",
    )


def package(client, query: str = "") -> dict:
    response = client.get("/exchange/360giving.json" + query)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def csv_table(client, query: str = "") -> list[list[str]]:
    response = client.get("/exchange/360giving.csv" + query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


# ---------------------------------------------------------------------------------------------
# The mapping, on plain records


def record(**fields) -> DeliveredFunding:
    values = {
        "match_id": 7,
        "title": "Warm spaces grant",
        "description": "Heating for the winter.",
        "amount": Decimal("1500.00"),
        "delivered_at": datetime(2026, 3, 4, 15, 30),
        "modified_at": datetime(2026, 3, 5, 9, 0),
        "funder": Party(1, "Briggate Building Society", company_number="1234567"),
        "recipient": Party(2, "Gipton Food Share", charity_number="1164883"),
        "places": [Place("Gipton & Harehills", "E05011393")],
    }
    values.update(fields)
    return DeliveredFunding(**values)


def test_organisation_identifiers_use_charity_then_company_then_the_local_prefix():
    assert organisation_identifier(Party(1, "A", charity_number="1164883"), SETTINGS) == (
        "GB-CHC-1164883"
    )
    both = Party(1, "A", charity_number="1164883", company_number="09876543")
    assert organisation_identifier(both, SETTINGS) == "GB-CHC-1164883"
    # A company number that lost its leading zero gets it back; letters stay as they are.
    assert organisation_identifier(Party(1, "A", company_number="1234567"), SETTINGS) == (
        "GB-COH-01234567"
    )
    assert organisation_identifier(Party(1, "A", company_number="sc123456"), SETTINGS) == (
        "GB-COH-SC123456"
    )
    assert organisation_identifier(Party(42, "A"), SETTINGS) == "360G-anchorportal-org-42"
    custom = Settings.from_config({"GIVING360_PREFIX": "360G-leedsanchors"})
    assert organisation_identifier(Party(42, "A"), custom) == "360G-leedsanchors-org-42"
    own = Settings.from_config({"GIVING360_ORG_PREFIX": "XI-ANCHORPORTAL"})
    assert organisation_identifier(Party(42, "A"), own) == "XI-ANCHORPORTAL-42"


def test_a_grant_has_every_required_field_with_its_type():
    data = grant(record(), SETTINGS)
    assert data["id"] == "360G-anchorportal-7"
    assert data["title"] == "Warm spaces grant"
    assert data["description"] == "Heating for the winter."
    assert data["currency"] == "GBP"
    assert data["amountAwarded"] == 1500 and isinstance(data["amountAwarded"], int)
    assert data["awardDate"] == "2026-03-04"
    assert data["dateModified"] == "2026-03-05T09:00:00Z"
    assert data["recipientOrganization"] == [
        {"id": "GB-CHC-1164883", "name": "Gipton Food Share", "charityNumber": "1164883"}
    ]
    assert data["fundingOrganization"] == [
        {"id": "GB-COH-01234567", "name": "Briggate Building Society", "companyNumber": "1234567"}
    ]
    assert data["beneficiaryLocation"] == [
        {"name": "Gipton & Harehills", "geoCode": "E05011393", "geoCodeType": "WD"}
    ]
    assert grant(record(amount=Decimal("12.50")), SETTINGS)["amountAwarded"] == 12.5


def test_a_grant_without_a_description_says_what_happened():
    data = grant(record(description="  "), SETTINGS)
    assert data["description"] == (
        "Funding given by Briggate Building Society to Gipton Food Share through the exchange."
    )


def test_contact_details_typed_into_a_listing_stay_out():
    data = grant(
        record(
            title="Grant: ask jo.bloggs@example.org",
            description="Email jo.bloggs+grants@example.org or ring 0113 496 0000"
            " / +44 7700 900123. We give 1500 pounds to 12 groups.",
        ),
        SETTINGS,
    )
    assert data["title"] == "Grant: ask [email removed]"
    assert data["description"] == (
        "Email [email removed] or ring [phone number removed] / [phone number removed]."
        " We give 1500 pounds to 12 groups."
    )


def test_further_locations_go_on_rows_of_their_own_that_repeat_only_the_identifier():
    places = [
        Place("Gipton & Harehills", "E05011393"),
        Place("Killingbeck & Seacroft", "E05011399"),
    ]
    rows = csv_rows(record(places=places), SETTINGS)
    assert len(rows) == 2 and all(len(row) == len(HEADER) for row in rows)
    first, second = (dict(zip(HEADER, row, strict=True)) for row in rows)
    assert first["Amount Awarded"] == 1500 and first["Beneficiary Location:Name"] == (
        "Gipton & Harehills"
    )
    assert second["Identifier"] == "360G-anchorportal-7"
    assert second["Amount Awarded"] == "" and second["Recipient Org:Name"] == ""
    assert second["Beneficiary Location:Geographic Code"] == "E05011399"
    assert second["Beneficiary Location:Geographic Code Type"] == "WD"


def test_the_streamed_package_is_one_json_object():
    chunks = list(package_chunks({"license": "x"}, [grant(record(), SETTINGS)] * 2))
    assert len(chunks) == 4
    assert json.loads("".join(chunks))["grants"][1]["id"] == "360G-anchorportal-7"
    assert json.loads("".join(package_chunks({}, []))) == {"grants": []}


# ---------------------------------------------------------------------------------------------
# The files


def test_the_json_package_validates_against_the_360giving_schema(client):
    funding("750")
    funding("1200.50", citywide=True, recipient=vcse(name="Kirkstall Valley Volunteers"))
    data = package(client)
    errors = sorted(package_validator().iter_errors(data), key=str)
    assert errors == [], [error.message for error in errors]
    assert len(data["grants"]) == 2
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["publisher"]["name"] == "Anchor Portal"
    assert data["version"] == "1.4"
    assert data["downloadURL"] == "http://localhost/exchange/360giving.json"
    datetime.fromisoformat(data["modified"])


def test_the_schema_check_catches_a_broken_grant():
    """The validation above is live: wrong types, a missing field or a loose date all fail."""
    validator = package_validator()
    good = grant(record(), SETTINGS)
    assert list(validator.iter_errors({"grants": [good]})) == []
    for broken in (
        {**good, "amountAwarded": "1500"},
        {k: v for k, v in good.items() if k != "currency"},
        {**good, "awardDate": "4 March 2026"},
        {**good, "dateModified": "2026-03-05"},
        {**good, "recipientOrganization": [{"name": "No identifier"}]},
    ):
        assert list(validator.iter_errors({"grants": [broken]})) != [], broken


def test_each_grant_is_the_delivered_funding_offer(client):
    match = funding("750", on=datetime(2026, 2, 10, 11, 0))
    [item] = package(client)["grants"]
    assert item["id"] == f"360G-anchorportal-{match.id}"
    assert isinstance(item["id"], str)
    assert item["title"] == "Small grants for warm spaces"
    assert item["description"] == "Grants towards heating and running costs this winter."
    assert item["currency"] == "GBP"
    assert item["amountAwarded"] == 750 and isinstance(item["amountAwarded"], int | float)
    assert item["awardDate"] == "2026-02-10" and ISO_DATE.match(item["awardDate"])
    date.fromisoformat(item["awardDate"])
    funder, recipient = item["fundingOrganization"][0], item["recipientOrganization"][0]
    assert funder["name"] == "Briggate Building Society"
    assert funder["id"] == f"360G-anchorportal-org-{match.offer.organisation_id}"
    assert recipient["name"] == "Gipton Food Share"
    assert recipient["id"] == f"360G-anchorportal-org-{match.request.organisation_id}"
    [place] = item["beneficiaryLocation"]
    assert place["geoCodeType"] == "WD"
    assert place["geoCode"] == ward("Gipton & Harehills").ons_code
    assert re.match(r"^E05\d{6}$", place["geoCode"])
    assert place["name"] == "Gipton & Harehills"


def test_registered_numbers_give_the_standard_identifiers(client):
    charity = vcse(name="Registered Charity", charity_number="1164883")
    company = OrganisationFactory(name="Registered Company", company_number="01234567")
    funding(funder=company, recipient=charity)
    [item] = package(client)["grants"]
    assert item["fundingOrganization"][0]["id"] == "GB-COH-01234567"
    assert item["fundingOrganization"][0]["companyNumber"] == "01234567"
    assert item["recipientOrganization"][0]["id"] == "GB-CHC-1164883"
    assert item["recipientOrganization"][0]["charityNumber"] == "1164883"


def test_a_request_for_the_whole_city_gives_the_citys_district_code(client):
    funding(citywide=True)
    [item] = package(client)["grants"]
    assert item["beneficiaryLocation"] == [
        {"name": "Leeds", "geoCode": "E08000035", "geoCodeType": "MD"}
    ]


def test_a_request_in_several_wards_lists_each(client):
    funding(wards=("Gipton & Harehills", "Killingbeck & Seacroft"))
    [item] = package(client)["grants"]
    assert [p["name"] for p in item["beneficiaryLocation"]] == [
        "Gipton & Harehills",
        "Killingbeck & Seacroft",
    ]
    rows = csv_table(client)
    assert len(rows) == 3 and rows[2][0] == item["id"] and rows[2][4] == ""


def test_only_delivered_funding_in_pounds_between_approved_organisations_is_published(client):
    kept = funding("500")
    funding("300", status=MATCH_ACCEPTED)  # agreed, not delivered
    funding("200", status=MATCH_WITHDRAWN)
    funding("40", kind="volunteer_time", unit="hours")  # not a funding offer
    funding("900", kind="equipment", unit="£")  # goods valued in pounds are not grants
    funding("12", unit="vouchers")  # funding, but no amount in money
    hidden = funding("100")
    hidden.offer.hidden_at = utcnow()
    suspended = funding("800")
    suspended.request.organisation.status = STATUS_SUSPENDED
    db.session.commit()
    grants = package(client)["grants"]
    assert [g["id"] for g in grants] == [f"360G-anchorportal-{kept.id}"]
    assert len(csv_table(client)) == 2  # the header and the one grant


def test_other_ways_of_writing_pounds_count(client):
    funding("25", unit="GBP")
    funding("30", unit="Pounds")
    assert sorted(g["amountAwarded"] for g in package(client)["grants"]) == [25, 30]


def test_the_csv_has_the_standards_column_titles(client):
    match = funding("1500")
    header, row = csv_table(client)
    assert header[:6] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
    ]
    for title in (
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Beneficiary Location:Geographic Code",
        "Beneficiary Location:Geographic Code Type",
    ):
        assert title in header
    values = dict(zip(header, row, strict=True))
    assert values["Identifier"] == f"360G-anchorportal-{match.id}"
    assert values["Currency"] == "GBP" and values["Amount Awarded"] == "1500"
    assert values["Beneficiary Location:Geographic Code Type"] == "WD"
    assert values["Recipient Org:Name"] == "Gipton Food Share"


def test_spreadsheet_formulas_in_names_and_titles_are_neutralised(client):
    funder = OrganisationFactory(name='=HYPERLINK("http://evil.example","Click")')
    funding(funder=funder, title="+SUM(A1:A9) grant")
    header, row = csv_table(client)
    values = dict(zip(header, row, strict=True))
    assert values["Funding Org:Name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert values["Title"] == "'+SUM(A1:A9) grant"
    # The JSON keeps the name as given: it is data, not a spreadsheet.
    [item] = package(client)["grants"]
    assert item["fundingOrganization"][0]["name"].startswith("=HYPERLINK")


def test_no_personal_data_in_either_file(client):
    match = funding()
    match.offer_contact_shared_at = match.request_contact_shared_at = utcnow()
    db.session.commit()
    for text in (
        client.get("/exchange/360giving.json").get_data(as_text=True),
        client.get("/exchange/360giving.csv").get_data(as_text=True),
    ):
        assert "@" not in text
        for personal in ("Olive Offerer", "Rhys Requester", "07700 900123", "contactName"):
            assert personal not in text


def test_filters_by_award_year_and_ward(client):
    old = funding("100", on=datetime(2025, 6, 1, 12, 0))
    new = funding("200", on=datetime(2026, 6, 1, 12, 0), wards=("Pudsey",))
    ids = lambda query: [g["id"] for g in package(client, query)["grants"]]  # noqa: E731
    assert ids("?year=2025") == [f"360G-anchorportal-{old.id}"]
    assert ids(f"?ward={ward('Pudsey').id}") == [f"360G-anchorportal-{new.id}"]
    assert ids(f"?year=2025&ward={ward('Pudsey').id}") == []
    assert len(csv_table(client, "?year=2026")) == 2
    filtered = package(client, "?year=2026")
    assert filtered["downloadURL"] == "http://localhost/exchange/360giving.json?year=2026"


@pytest.mark.parametrize("query", ["?year=banana", "?year=1066", "?ward=99999", "?ward=x"])
def test_bad_filters_get_a_clear_message_not_a_file(client, query):
    funding()
    for path in ("/exchange/360giving.json", "/exchange/360giving.csv"):
        response = client.get(path + query)
        assert response.status_code == 400
        errors = response.get_json()["errors"]
        assert errors in (
            {"year": ["Choose a year from the list, for example 2026"]},
            {"ward": ["Choose a ward from the list"]},
        )


def test_the_query_reads_in_batches(app, monkeypatch):
    monkeypatch.setattr("portal.exchange.open_data.BATCH", 2)
    made = [funding(str(10 + n), wards=("Pudsey", "Gipton & Harehills")) for n in range(5)]
    found = list(delivered_funding(SETTINGS, OpenDataFilters()))
    assert [r.match_id for r in found] == [m.id for m in made]
    assert all(len(r.places) == 2 for r in found)


def test_a_request_with_no_area_uses_the_recipients_wards(app):
    recipient = vcse(name="Armley Helps", citywide=False)
    recipient.wards = [ward("Armley")]
    match = funding(recipient=recipient, wards=())
    match.request.citywide = False
    db.session.commit()
    [found] = list(delivered_funding(SETTINGS))
    assert found.places == [Place("Armley", ward("Armley").ons_code)]


# ---------------------------------------------------------------------------------------------
# The page


def test_anyone_can_read_the_open_data_page_and_find_it_from_the_exchange(client):
    funding("750")
    funding("250.50")
    assert "/exchange/open-data" in client.get("/exchange").get_data(as_text=True)
    page = client.get("/exchange/open-data").get_data(as_text=True)
    assert "Open data: funding through the exchange" in page
    assert "2 grants worth £1,000 in all" in page
    assert 'href="/exchange/360giving.json"' in page
    assert 'href="/exchange/360giving.csv"' in page


def test_the_page_keeps_filters_in_its_links_and_says_when_there_is_nothing(client):
    funding("750", on=datetime(2026, 6, 1))
    page = client.get("/exchange/open-data?year=2026").get_data(as_text=True)
    assert "1 grant worth £750 in all for the filters chosen" in page
    assert 'href="/exchange/360giving.csv?year=2026"' in page
    empty = client.get(f"/exchange/open-data?ward={ward('Pudsey').id}").get_data(as_text=True)
    assert "No funding has been delivered through the exchange for the filters chosen yet." in empty


def test_the_page_shows_a_bad_filter_against_its_field(client):
    page = client.get("/exchange/open-data?year=banana").get_data(as_text=True)
    assert "Choose a year from the list, for example 2026" in page
    assert "govuk-error-message" in page
    assert 'href="/exchange/360giving.json"' in page  # links for everything


# ---------------------------------------------------------------------------------------------
# Cost


def _queries(client, count_queries, path: str) -> int:
    client.get(path)
    with count_queries() as counter:
        response = client.get(path)
        response.get_data()  # the streamed body runs its queries here
    assert response.status_code == 200
    return counter.count


def test_query_count_stays_flat_as_grants_grow(client, count_queries):
    funding("100", wards=("Pudsey", "Armley"))
    paths = ("/exchange/360giving.json", "/exchange/360giving.csv", "/exchange/open-data")
    few = {path: _queries(client, count_queries, path) for path in paths}
    for number in range(12):
        funding(str(50 + number), wards=("Pudsey", "Armley"), on=datetime(2025 + number % 2, 5, 1))
    assert len(package(client)["grants"]) == 13
    assert {path: _queries(client, count_queries, path) for path in paths} == few


def test_the_demo_publishes_its_delivered_warm_spaces_grant(client):
    seed_people_and_organisations()
    seed_demo()
    db.session.commit()
    data = package(client)
    assert list(package_validator().iter_errors(data)) == []
    [item] = data["grants"]
    assert item["title"] == "Small grants for warm spaces"
    assert item["amountAwarded"] == 1200
    assert item["beneficiaryLocation"][0]["name"] == "Pudsey"
