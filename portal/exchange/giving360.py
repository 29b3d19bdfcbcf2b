"""Delivered funding offers as 360Giving data: the grant records, the package and the CSV rows.

Pure mapping from plain records (see open_data.py for the query that makes them) to the
360Giving Data Standard (https://standard.threesixtygiving.org), schema 1.4: the ten required
fields, organisation identifiers from org-id.guide lists (GB-CHC, GB-COH) or the publisher's own
prefix, and the request's wards as beneficiary locations (ONS ward codes, geoCodeType WD). No
personal data: organisation names and numbers, listing titles and amounts only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

CURRENCY = "GBP"
# 360Giving's geoCodeType codelist: an ONS electoral ward (E05...) and a metropolitan district.
GEO_CODE_TYPE_WARD = "WD"
GEO_CODE_TYPE_DISTRICT = "MD"
# The schema version the package says it follows (major.minor, as the package schema asks).
SCHEMA_VERSION = "1.4"
LICENSE_CC_BY = "https://creativecommons.org/licenses/by/4.0/"
# How a delivered amount in pounds may have been recorded (the delivery form's free unit).
MONEY_UNITS = ("£", "gbp", "pounds", "pound")
FUNDING = "funding"

# The summary table's column titles, as the standard's spreadsheet template spells them.
HEADER = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Funding Org:Charity Number",
    "Funding Org:Company Number",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Last Modified",
]
LOCATION_COLUMNS = slice(14, 17)
# Listing text is free text: an email address or phone number typed into it stays out of the
# open data (contact details are shared only inside a match, by choice).
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\w)")


@dataclass(frozen=True)
class Settings:
    """Who publishes the data and how its identifiers are made (config GIVING360_*)."""

    grant_prefix: str = "360G-anchorportal"
    # Organisations with neither a charity nor a company number: the publisher's prefix and the
    # portal's organisation id, as the standard's identifier guidance asks.
    org_prefix: str = "360G-anchorportal-org"
    publisher_name: str = "Anchor Portal"
    publisher_identifier: str = ""
    publisher_website: str = ""
    license: str = LICENSE_CC_BY
    city_name: str = "Leeds"
    city_code: str = "E08000035"
    city_code_type: str = GEO_CODE_TYPE_DISTRICT

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        grant_prefix = str(config.get("GIVING360_PREFIX") or cls.grant_prefix)
        return cls(
            grant_prefix=grant_prefix,
            org_prefix=str(config.get("GIVING360_ORG_PREFIX") or f"{grant_prefix}-org"),
            publisher_name=str(config.get("GIVING360_PUBLISHER_NAME") or cls.publisher_name),
            publisher_identifier=str(config.get("GIVING360_PUBLISHER_IDENTIFIER") or ""),
            publisher_website=str(
                config.get("GIVING360_PUBLISHER_WEBSITE") or config.get("PUBLIC_BASE_URL") or ""
            ),
            license=str(config.get("GIVING360_LICENSE") or cls.license),
            city_name=str(config.get("GIVING360_CITY_NAME") or cls.city_name),
            city_code=str(config.get("GIVING360_CITY_CODE") or cls.city_code),
        )


@dataclass(frozen=True)
class Party:
    """A funder or recipient: only what identifies the organisation, never a person."""

    id: int
    name: str
    charity_number: str | None = None
    company_number: str | None = None


@dataclass(frozen=True)
class Place:
    """A beneficiary location: an ONS code, its type on 360Giving's codelist, and its name."""

    name: str
    code: str
    code_type: str = GEO_CODE_TYPE_WARD


@dataclass(frozen=True)
class DeliveredFunding:
    """One delivered funding exchange: the offer's organisation funded the request's."""

    match_id: int
    title: str
    description: str
    amount: Decimal
    delivered_at: datetime
    modified_at: datetime
    funder: Party
    recipient: Party
    places: list[Place] = field(default_factory=list)


def is_money_unit(unit: str) -> bool:
    return unit.strip().lower() in MONEY_UNITS


def organisation_identifier(party: Party, settings: Settings) -> str:
    """GB-CHC-<charity number>, else GB-COH-<company number>, else the publisher's own prefix.

    A charity number wins over a company number: org-id.guide ranks the Charity Commission
    register first for charitable companies, and 360Giving tools join on it most often.
    """
    charity = (party.charity_number or "").strip().replace(" ", "")
    if charity:
        return f"GB-CHC-{charity}"
    company = (party.company_number or "").strip().replace(" ", "").upper()
    if company:
        # Companies House numbers are eight characters; a dropped leading zero breaks joins.
        return f"GB-COH-{company.zfill(8) if company.isdigit() else company}"
    return f"{settings.org_prefix}-{party.id}"


def grant_identifier(match_id: int, settings: Settings) -> str:
    return f"{settings.grant_prefix}-{match_id}"


def amount_number(amount: Decimal) -> int | float:
    """A JSON and CSV number: whole pounds as an integer, pence as a decimal."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def timestamp(moment: datetime) -> str:
    """An RFC 3339 date-time; stored times are naive UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _organisation(party: Party, settings: Settings) -> dict[str, Any]:
    record: dict[str, Any] = {"id": organisation_identifier(party, settings), "name": party.name}
    if party.charity_number:
        record["charityNumber"] = party.charity_number.strip()
    if party.company_number:
        record["companyNumber"] = party.company_number.strip()
    return record


def without_contact_details(text: str) -> str:
    """`text` with email addresses and UK phone numbers taken out."""
    return PHONE.sub("[phone number removed]", EMAIL.sub("[email removed]", text))


def description_of(record: DeliveredFunding) -> str:
    """The offer's own words, or a sentence saying what happened when it has none."""
    text = without_contact_details(record.description.strip())
    if text:
        return text
    return f"Funding given by {record.funder.name} to {record.recipient.name} through the exchange."


def grant(record: DeliveredFunding, settings: Settings) -> dict[str, Any]:
    """One 360Giving grant record."""
    result: dict[str, Any] = {
        "id": grant_identifier(record.match_id, settings),
        "title": without_contact_details(record.title),
        "description": description_of(record),
        "currency": CURRENCY,
        "amountAwarded": amount_number(record.amount),
        "awardDate": record.delivered_at.date().isoformat(),
        "recipientOrganization": [_organisation(record.recipient, settings)],
        "fundingOrganization": [_organisation(record.funder, settings)],
        "dateModified": timestamp(record.modified_at),
    }
    if record.places:
        result["beneficiaryLocation"] = [
            {"name": place.name, "geoCode": place.code, "geoCodeType": place.code_type}
            for place in record.places
        ]
    return result


def csv_rows(record: DeliveredFunding, settings: Settings) -> list[list[object]]:
    """The grant's row, then one row per further beneficiary location.

    The standard's 'multiple rows' form: a further row repeats only the Identifier and adds the
    location, so a spreadsheet that sums Amount Awarded still counts each grant once.
    """
    data = grant(record, settings)
    recipient, funder = data["recipientOrganization"][0], data["fundingOrganization"][0]
    locations = data.get("beneficiaryLocation", [])
    first = locations[0] if locations else {}
    rows: list[list[object]] = [
        [
            data["id"],
            data["title"],
            data["description"],
            data["currency"],
            data["amountAwarded"],
            data["awardDate"],
            recipient["id"],
            recipient["name"],
            recipient.get("charityNumber", ""),
            recipient.get("companyNumber", ""),
            funder["id"],
            funder["name"],
            funder.get("charityNumber", ""),
            funder.get("companyNumber", ""),
            first.get("name", ""),
            first.get("geoCode", ""),
            first.get("geoCodeType", ""),
            data["dateModified"],
        ]
    ]
    for location in locations[1:]:
        row: list[object] = [""] * len(HEADER)
        row[0] = data["id"]
        row[LOCATION_COLUMNS] = [location["name"], location["geoCode"], location["geoCodeType"]]
        rows.append(row)
    return rows


def package_metadata(
    settings: Settings,
    *,
    modified: datetime,
    title: str,
    download_url: str = "",
    access_url: str = "",
) -> dict[str, Any]:
    """Everything in the package except its grants, per the 360Giving package schema."""
    publisher: dict[str, Any] = {"name": settings.publisher_name}
    if settings.publisher_identifier:
        publisher["identifier"] = settings.publisher_identifier
    if settings.publisher_website:
        publisher["website"] = settings.publisher_website
    metadata: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "title": title,
        "description": (
            "Funding given between organisations through the resource exchange, as delivered "
            "and recorded by them."
        ),
        "identifier": f"{settings.grant_prefix}-exchange-funding",
        "modified": timestamp(modified),
        "publisher": publisher,
        "license": settings.license,
    }
    if download_url:
        metadata["downloadURL"] = download_url
    if access_url:
        metadata["accessURL"] = access_url
    return metadata


def package_chunks(
    metadata: Mapping[str, Any], grants: Iterable[Mapping[str, Any]]
) -> Iterator[str]:
    """The package as JSON text, a grant at a time, so a large package streams."""
    head = json.dumps(dict(metadata), ensure_ascii=False)
    # The metadata object without its closing brace, then the grants array.
    yield head[:-1] + (', "grants": [' if metadata else '"grants": [')
    for number, record in enumerate(grants):
        yield ("," if number else "") + json.dumps(dict(record), ensure_ascii=False)
    yield "]}"
