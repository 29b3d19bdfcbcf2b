"""What the open data API accepts and returns, as marshmallow schemas.

The same schemas parse the query strings, shape (and so limit) every response body, and
generate the OpenAPI document: a field that is not declared here never leaves the API. No schema
names a person, an email address, a phone number or who recorded something.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..exchange.listings import SORTS
from ..exchange.models import RESOURCE_TYPES, SIDES, URGENCIES
from ..orgs.models import ORGANISATION_KINDS

MAX_PER_PAGE = 100
KINDS = validate.OneOf(sorted(ORGANISATION_KINDS))
PERIOD_PATTERN = r"^\d{4}(-Q[1-4])?$"
WARD_CODE = validate.Regexp(r"^[EWSN]\d{8}$", error="Enter a ward's ONS code, like E05011426.")


class DecimalString(fields.Decimal):
    """An exact decimal, sent as a string ("1234.50") so no figure loses a penny to a float."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)


# ---------------------------------------------------------------- query strings


class PageQuery(Schema):
    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=100_000), metadata={"example": 1}
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items a page, at most {MAX_PER_PAGE}."},
    )


class OrganisationQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Name contains"})
    kind = fields.String(validate=KINDS)
    ward = fields.String(validate=WARD_CODE, metadata={"description": "Ward ONS code"})
    network = fields.String(
        validate=validate.Length(max=40), metadata={"description": "Network code"}
    )


class PledgeQuery(PageQuery):
    ambition = fields.String(
        validate=validate.Length(max=20), metadata={"description": "Ambition code, e.g. HEALTHY"}
    )
    principle = fields.String(
        validate=validate.Length(max=40), metadata={"description": "Charter principle code"}
    )
    kind = fields.String(validate=KINDS, metadata={"description": "Organisation kind"})
    ward = fields.String(
        validate=WARD_CODE, metadata={"description": "Ward ONS code (citywide pledges included)"}
    )


class ListingQuery(PageQuery):
    side = fields.String(validate=validate.OneOf(sorted(SIDES)))
    resource_type = fields.String(validate=validate.OneOf(sorted(RESOURCE_TYPES)))
    ward = fields.String(
        validate=WARD_CODE, metadata={"description": "Ward ONS code (citywide listings included)"}
    )
    ambition = fields.String(validate=validate.Length(max=20))
    kind = fields.String(validate=KINDS, metadata={"description": "Organisation kind"})
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Keywords"})
    sort = fields.String(load_default="newest", validate=validate.OneOf(sorted(SORTS)))


class ActivityQuery(PageQuery):
    ambition = fields.String(validate=validate.Length(max=20))
    goal = fields.String(validate=validate.Length(max=20), metadata={"description": "Goal code"})
    ward = fields.String(
        validate=WARD_CODE, metadata={"description": "Ward ONS code (citywide activities included)"}
    )
    organisation = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "Lead or partner organisation id"}
    )
    period = fields.Integer(
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "A year: activities running at some time in it"},
    )
    started = fields.String(
        validate=validate.Regexp(PERIOD_PATTERN, error="Enter a year or a quarter, like 2026-Q2."),
        metadata={"description": "Year or quarter the activity started in, e.g. 2026-Q2"},
    )
    network = fields.String(
        validate=validate.Length(max=40), metadata={"description": "Lead's network code"}
    )
    org_kind = fields.String(validate=KINDS, metadata={"description": "Lead's kind"})
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Keywords"})


class IndicatorQuery(Schema):
    period = fields.String(
        validate=validate.Regexp(
            r"^\d{4}( Q[1-4])?$", error="Enter a period like 2025 or 2025 Q2."
        ),
        metadata={"description": "Breakdown period (default: the latest with breakdowns)"},
    )


# ---------------------------------------------------------------- shared parts


class Links(Schema):
    self = fields.String(required=True)
    next = fields.String(allow_none=True, required=True)
    prev = fields.String(allow_none=True, required=True)


class PageOf(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(
        required=True, metadata={"description": "Matching items, counted up to 10,000"}
    )
    total_is_capped = fields.Boolean(
        required=True, metadata={"description": "True when more than `total` items match"}
    )
    links = fields.Nested(Links, required=True)


class WardRef(Schema):
    name = fields.String(required=True)
    ons_code = fields.String(required=True)


class NetworkRef(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class OrganisationRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class AreaFields(Schema):
    citywide = fields.Boolean(required=True)
    wards = fields.List(fields.Nested(WardRef), required=True)


class Error(Schema):
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(allow_none=True)
    field = fields.String(allow_none=True, metadata={"description": "The query parameter"})


class Errors(Schema):
    errors = fields.List(fields.Nested(Error), required=True)


# ---------------------------------------------------------------- organisations


class OrganisationRecord(AreaFields):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    description = fields.String(required=True)
    charity_number = fields.String(allow_none=True, required=True)
    company_number = fields.String(allow_none=True, required=True)
    identifiers = fields.List(fields.String(), required=True)
    website = fields.String(allow_none=True, required=True)
    networks = fields.List(fields.Nested(NetworkRef), required=True)
    url = fields.String(required=True, metadata={"description": "The public profile page"})


class OrganisationPage(PageOf):
    items = fields.List(fields.Nested(OrganisationRecord), required=True)


# ---------------------------------------------------------------- pledges


class MeasureRef(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)


class PledgeRecord(AreaFields):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    title = fields.String(required=True)
    organisation = fields.Nested(OrganisationRef, required=True)
    measure = fields.Nested(MeasureRef, required=True)
    baseline = DecimalString(required=True)
    target = DecimalString(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    ambitions = fields.List(fields.String(), required=True)
    goals = fields.List(fields.String(), required=True)
    principles = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    promised_units = DecimalString(required=True)
    delivered_units = DecimalString(required=True)
    promised_value_gbp = DecimalString(required=True)
    delivered_value_gbp = DecimalString(required=True)
    original_promised_units = DecimalString(required=True)
    original_promised_value_gbp = DecimalString(required=True)


class PledgePage(PageOf):
    items = fields.List(fields.Nested(PledgeRecord), required=True)


# ---------------------------------------------------------------- listings


class ListingRecord(AreaFields):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    side = fields.String(required=True, validate=validate.OneOf(sorted(SIDES)))
    resource_type = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    quantity = DecimalString(allow_none=True, required=True)
    unit = fields.String(required=True)
    available_from = fields.Date(allow_none=True, required=True)
    available_until = fields.Date(allow_none=True, required=True)
    needed_by = fields.Date(allow_none=True, required=True)
    urgency = fields.String(
        allow_none=True, required=True, validate=validate.OneOf([*sorted(URGENCIES), None])
    )
    expires_on = fields.Date(required=True)
    created_on = fields.Date(required=True)
    organisation = fields.Nested(OrganisationRef, required=True)
    ambitions = fields.List(fields.String(), required=True)


class ListingPage(PageOf):
    items = fields.List(fields.Nested(ListingRecord), required=True)


# ---------------------------------------------------------------- activities


class ActivityRecord(AreaFields):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    people_reached = fields.Integer(required=True)
    volunteer_hours = DecimalString(required=True)
    spend_gbp = DecimalString(required=True)
    outcomes = fields.String(required=True)
    lead_organisation = fields.Nested(OrganisationRef, required=True)
    partners = fields.List(fields.Nested(OrganisationRef), required=True)
    ambitions = fields.List(fields.String(), required=True)
    goals = fields.List(fields.String(), required=True)


class ActivityPage(PageOf):
    items = fields.List(fields.Nested(ActivityRecord), required=True)


# ---------------------------------------------------------------- working groups


class GroupQuery(PageQuery):
    q = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "Name or purpose contains"},
    )


class GroupRecord(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    name = fields.String(required=True)
    purpose = fields.String(required=True)
    ambitions = fields.List(fields.String(), required=True)
    dimensions = fields.List(fields.String(), required=True)
    members = fields.List(fields.Nested(OrganisationRef), required=True)


class GroupPage(PageOf):
    items = fields.List(fields.Nested(GroupRecord), required=True)


# ---------------------------------------------------------------- scorecard


class Change(Schema):
    status = fields.String(required=True, metadata={"description": "better, worse, same..."})
    label = fields.String(required=True)
    latest_period = fields.String(allow_none=True, required=True)
    latest_value = fields.Float(allow_none=True, required=True)
    previous_period = fields.String(allow_none=True, required=True)
    previous_value = fields.Float(allow_none=True, required=True)


class IndicatorRecord(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    ambition = fields.String(required=True)
    unit = fields.String(required=True)
    direction = fields.String(required=True, metadata={"description": "up or down is better"})
    frequency = fields.String(required=True)
    breakdowns = fields.List(fields.String(), required=True)
    url = fields.String(required=True)
    latest = fields.Nested(Change, required=True)


class IndicatorList(Schema):
    items = fields.List(fields.Nested(IndicatorRecord), required=True)


class ValuePoint(Schema):
    period = fields.String(required=True)
    value = fields.Float(required=True)
    source = fields.String(required=True)


class BreakdownValue(Schema):
    category = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Float(required=True)


class Breakdown(Schema):
    breakdown = fields.String(required=True)
    label = fields.String(required=True)
    period = fields.String(required=True)
    derived_from_wards = fields.Boolean(required=True)
    values = fields.List(fields.Nested(BreakdownValue), required=True)


class IndicatorDetail(IndicatorRecord):
    series = fields.List(fields.Nested(ValuePoint), required=True)
    breakdown_periods = fields.List(fields.String(), required=True)
    breakdown_values = fields.List(fields.Nested(Breakdown), required=True)


# ---------------------------------------------------------------- aggregates


class AggregateRow(Schema):
    label = fields.String(required=True)
    values = fields.List(
        fields.String(allow_none=True),
        required=True,
        metadata={"description": "Each figure as a decimal string; null where suppressed"},
    )


class AggregateTable(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    header = fields.List(fields.String(), required=True)
    rows = fields.List(fields.Nested(AggregateRow), required=True)


class Aggregates(Schema):
    computed_at = fields.DateTime(
        allow_none=True, required=True, metadata={"description": "null before the first run"}
    )
    suppression = fields.String(required=True)
    tables = fields.List(fields.Nested(AggregateTable), required=True)
