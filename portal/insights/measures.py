"""The measures insights computes: each code with a label and a unit (what pages show)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: str  # "count", "organisations", "people", "hours", "£", "days", "share", "value"
    # What the `dimension` column breaks it down by, when it has one.
    dimension: str | None = None


ACTIVITIES_COUNT = "activities.count"
ACTIVITIES_ORGANISATIONS = "activities.organisations"
ACTIVITIES_PEOPLE_REACHED = "activities.people_reached"
ACTIVITIES_VOLUNTEER_HOURS = "activities.volunteer_hours"
ACTIVITIES_SPEND = "activities.spend"
PLEDGES_COUNT = "pledges.count"
PLEDGES_PROMISED = "pledges.promised"
PLEDGES_DELIVERED = "pledges.delivered"
PLEDGES_GAP = "pledges.gap"
PLEDGES_AT_RISK = "pledges.at_risk"
PLEDGES_LAPSED = "pledges.lapsed"
EXCHANGE_OPEN_OFFERS = "exchange.open_offers"
EXCHANGE_OPEN_REQUESTS = "exchange.open_requests"
EXCHANGE_MATCHES_AGREED = "exchange.matches_agreed"
EXCHANGE_MATCHES_DELIVERED = "exchange.matches_delivered"
EXCHANGE_DELIVERED_QUANTITY = "exchange.delivered_quantity"
EXCHANGE_MEDIAN_DAYS_TO_MATCH = "exchange.median_days_to_match"
EXCHANGE_MEDIAN_DAYS_TO_DELIVERY = "exchange.median_days_to_delivery"
EXCHANGE_UNMET_REQUESTS = "exchange.unmet_requests"
ASSESSMENT_LEVEL_COUNT = "assessment.level_count"
ASSESSMENT_SUBMITTED_SHARE = "assessment.submitted_share"
ASSESSMENT_ORGANISATIONS_SUBMITTED = "assessment.organisations_submitted"
EVENTS_HELD = "events.held"
EVENTS_PEOPLE_REACHED = "events.people_reached"
SCORECARD_LATEST = "scorecard.latest"
SCORECARD_DIRECTION = "scorecard.direction"

MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        Measure(ACTIVITIES_COUNT, "Activities", "count"),
        Measure(ACTIVITIES_ORGANISATIONS, "Organisations taking part", "organisations"),
        Measure(ACTIVITIES_PEOPLE_REACHED, "People reached", "people"),
        Measure(ACTIVITIES_VOLUNTEER_HOURS, "Volunteer hours", "hours"),
        Measure(ACTIVITIES_SPEND, "Spend", "£"),
        Measure(PLEDGES_COUNT, "Pledges", "count", dimension="status"),
        Measure(PLEDGES_PROMISED, "Social value promised", "£"),
        Measure(PLEDGES_DELIVERED, "Social value delivered", "£"),
        Measure(PLEDGES_GAP, "Social value still to deliver", "£"),
        Measure(PLEDGES_AT_RISK, "Pledges at risk (delivery 25 points behind time)", "count"),
        Measure(PLEDGES_LAPSED, "Pledges past their end date short of target", "count"),
        Measure(EXCHANGE_OPEN_OFFERS, "Open offers", "count"),
        Measure(EXCHANGE_OPEN_REQUESTS, "Open requests", "count"),
        Measure(EXCHANGE_MATCHES_AGREED, "Matches agreed", "count"),
        Measure(EXCHANGE_MATCHES_DELIVERED, "Matches delivered", "count"),
        Measure(
            EXCHANGE_DELIVERED_QUANTITY, "Quantity delivered", "value", dimension="resource type"
        ),
        Measure(EXCHANGE_MEDIAN_DAYS_TO_MATCH, "Median days from request to first match", "days"),
        Measure(EXCHANGE_MEDIAN_DAYS_TO_DELIVERY, "Median days from request to delivery", "days"),
        Measure(EXCHANGE_UNMET_REQUESTS, "Unmet requests", "count", dimension="resource type"),
        Measure(
            ASSESSMENT_LEVEL_COUNT,
            "Organisations at each level",
            "organisations",
            dimension="criterion:level",
        ),
        Measure(ASSESSMENT_SUBMITTED_SHARE, "Share of organisations that submitted", "share"),
        Measure(
            ASSESSMENT_ORGANISATIONS_SUBMITTED, "Organisations that submitted", "organisations"
        ),
        Measure(EVENTS_HELD, "Events held (attendance recorded)", "count"),
        Measure(EVENTS_PEOPLE_REACHED, "People reached at events", "people"),
        Measure(SCORECARD_LATEST, "Latest value", "value", dimension="indicator"),
        Measure(SCORECARD_DIRECTION, "Direction of travel", "direction", dimension="indicator"),
    )
}
