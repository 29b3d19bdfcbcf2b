"""The open data API under /api/v1/: read-only, public records only, JSON everywhere.

Each list reads the same service query its public page reads (the directory, the pledge wall,
the exchange, /activities), so the API can never show more than the site shows to someone who
is not signed in. Responses carry an ETag (a 304 for a matching If-None-Match), a five-minute
public Cache-Control and CORS for GET; a rate limit per client address answers 429 in JSON.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ..activities.services import activities_query
from ..core.access import public
from ..core.models import Ambition, Ward
from ..core.pagination import paginate
from ..core.periods import period_dates
from ..core.reference import all_ambitions, all_goals
from ..exchange.listings import browse_query
from ..exchange.models import exchange_listing_ambitions
from ..extensions import db, limiter
from ..groups.services import open_group_members, open_groups_query
from ..insights import read, tables
from ..orgs.models import Network, Organisation
from ..orgs.services import directory_query
from ..pledges.services import all_principles, progress_for, public_pledges_query
from ..scorecard import services as scorecard
from ..scorecard.periods import parse_period
from ..scorecard.trends import latest_change
from . import docs, records, schemas
from .spec import ApiBlueprint, document, openapi_document

bp = ApiBlueprint(
    "api", __name__, url_prefix="/api/v1", description="Open data, read-only, no personal data"
)
CACHE_CONTROL = "public, max-age=300"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Expose-Headers": "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining",
}
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)


class UnknownValue(Exception):
    """A filter named a code that does not exist."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"There is no {field} with the code {value}.")
        self.field = field


# ---------------------------------------------------------------- headers and errors


@bp.after_request
def cacheable(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.add_etag()
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def _errors_response(status: int, errors: list[dict[str, Any]]) -> Response:
    response = Response(json.dumps({"errors": errors}), status, mimetype="application/json")
    return response


@bp.errorhandler(UnknownValue)
def unknown_value(error: UnknownValue) -> Response:
    return _errors_response(
        400, [{"status": 400, "title": "Bad request", "detail": str(error), "field": error.field}]
    )


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Every refusal as `{"errors": [...]}`: one entry per bad query parameter for a 400."""
    status = error.code or 500
    title = error.name
    data = getattr(error, "data", None) or {}
    found: list[dict[str, Any]] = []
    for location in (data.get("messages") or {}).values():
        for field, messages in location.items():
            for message in messages if isinstance(messages, list) else [str(messages)]:
                found.append({"status": status, "title": title, "detail": message, "field": field})
    if not found:
        detail = error.description
        if status == 429:
            detail = "Too many requests. Wait a minute and try again."
        found.append({"status": status, "title": title, "detail": detail, "field": None})
    response = _errors_response(status, found)
    for name, value in error.get_headers():
        if name.lower() == "retry-after":
            response.headers[name] = value
    return response


ERRORS = {400: "A query parameter is not valid", 429: "Too many requests"}


def _documented(*codes: int) -> Any:
    """The error responses an operation documents, each with the `Errors` body."""

    def decorator(view: Any) -> Any:
        for code in codes:
            view = bp.alt_response(code, schema=schemas.Errors, description=ERRORS.get(code))(view)
        return bp.alt_response(304, description="Not modified (the ETag matched)")(view)

    return decorator


# ---------------------------------------------------------------- filters


def _code_to_id(field: str, value: str | None, pairs: list[tuple[str, int]]) -> int | None:
    if not value:
        return None
    found = dict(pairs).get(value.strip())
    if found is None:
        raise UnknownValue(field, value)
    return found


def _ward_id(value: str | None) -> int | None:
    if not value:
        return None
    found = db.session.scalar(select(Ward.id).where(Ward.ons_code == value))
    if found is None:
        raise UnknownValue("ward", value)
    return found


def _network_id(value: str | None) -> int | None:
    if not value:
        return None
    return _code_to_id(
        "network", value, [(n.code, n.id) for n in db.session.scalars(select(Network))]
    )


def _ambition_id(value: str | None) -> int | None:
    if not value:
        return None
    return _code_to_id("ambition", value.upper(), [(a.code, a.id) for a in all_ambitions()])


# ---------------------------------------------------------------- organisations


@bp.route("/organisations")
@bp.arguments(schemas.OrganisationQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.OrganisationPage)
@_documented(400, 429)
@public
def organisations(page: int, per_page: int, **query: Any) -> dict:
    """The network directory: approved organisations, by name (the /organisations filters)."""
    statement = directory_query(
        q=query.get("q"),
        kind=query.get("kind"),
        ward_id=_ward_id(query.get("ward")),
        network_id=_network_id(query.get("network")),
    )
    found = paginate(statement, per_page=per_page)
    items = [records.organisation(item) for item in found.items]
    return records.page_of(found, "api.organisations", {**query, "per_page": per_page}, items)


# `organisation_id`, not `org_id`: the route guard for `org_id` URLs protects organisations'
# own pages; this one is the public directory's record, which answers 404 to everyone for an
# organisation the directory does not list (tests/api).
@bp.route("/organisations/<int:organisation_id>")
@bp.response(200, schemas.OrganisationRecord)
@_documented(404, 429)
@public
def organisation(organisation_id: int) -> dict:
    """One organisation of the directory; pending and suspended ones are not found."""
    found = db.session.scalar(directory_query().where(Organisation.id == organisation_id))
    if found is None:
        abort(404, "There is no organisation with that id in the directory.")
    return records.organisation(found)


# ---------------------------------------------------------------- pledges


@bp.route("/pledges")
@bp.arguments(schemas.PledgeQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.PledgePage)
@_documented(400, 429)
@public
def pledges(page: int, per_page: int, **query: Any) -> dict:
    """Public pledges of approved organisations with their progress, newest first (the wall's
    filters)."""
    principle = query.get("principle")
    statement = public_pledges_query(
        ambition_id=_ambition_id(query.get("ambition")),
        principle_id=_code_to_id("principle", principle, [(p.code, p.id) for p in all_principles()])
        if principle
        else None,
        kind=query.get("kind"),
        ward_id=_ward_id(query.get("ward")),
    )
    found = paginate(statement, per_page=per_page)
    items = [records.pledge(item) for item in progress_for(found.items)]
    return records.page_of(found, "api.pledges", {**query, "per_page": per_page}, items)


# ---------------------------------------------------------------- listings


@bp.route("/listings")
@bp.arguments(schemas.ListingQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.ListingPage)
@_documented(400, 429)
@public
def listings(page: int, per_page: int, **query: Any) -> dict:
    """Open exchange offers and requests of approved organisations (the /exchange filters).
    Who to contact is never included: answer a listing on the site."""
    statement = browse_query(
        side=query.get("side"),
        resource_type=query.get("resource_type"),
        ward_id=_ward_id(query.get("ward")),
        ambition_id=_ambition_id(query.get("ambition")),
        kind=query.get("kind"),
        q=query.get("q"),
        sort=query["sort"],
    )
    found = paginate(statement, per_page=per_page)
    ambitions = _listing_ambitions([item.id for item in found.items])
    items = [records.listing(item, ambitions.get(item.id, [])) for item in found.items]
    return records.page_of(found, "api.listings", {**query, "per_page": per_page}, items)


def _listing_ambitions(listing_ids: list[int]) -> dict[int, list[str]]:
    """The page's listings' Ambition codes in one query (the exchange's row loading leaves
    them out, as its list does not show them)."""
    found: dict[int, list[str]] = {}
    if not listing_ids:
        return found
    link = exchange_listing_ambitions
    rows = db.session.execute(
        select(link.c.listing_id, Ambition.code)
        .join(Ambition, Ambition.id == link.c.ambition_id)
        .where(link.c.listing_id.in_(listing_ids))
        .order_by(Ambition.position)
    )
    for listing_id, code in rows:
        found.setdefault(listing_id, []).append(code)
    return found


# ---------------------------------------------------------------- activities


@bp.route("/activities")
@bp.arguments(schemas.ActivityQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.ActivityPage)
@_documented(400, 429)
@public
def activities(page: int, per_page: int, **query: Any) -> dict:
    """Public activities of approved organisations, newest first (the /activities filters)."""
    goal = query.get("goal")
    year = query.get("period")
    statement = activities_query(
        public_only=True,
        ambition_id=_ambition_id(query.get("ambition")),
        goal_id=_code_to_id("goal", goal.upper(), [(g.code, g.id) for g in all_goals()])
        if goal
        else None,
        ward_id=_ward_id(query.get("ward")),
        organisation_id=query.get("organisation"),
        period=period_dates(str(year)) if year else None,
        started=period_dates(query.get("started")),
        network_id=_network_id(query.get("network")),
        org_kind=query.get("org_kind"),
        keywords=query.get("q") or "",
    )
    found = paginate(statement, per_page=per_page)
    items = [records.activity(item) for item in found.items]
    return records.page_of(found, "api.activities", {**query, "per_page": per_page}, items)


# ---------------------------------------------------------------- working groups


@bp.route("/groups")
@bp.arguments(schemas.GroupQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.GroupPage)
@_documented(400, 429)
@public
def groups(page: int, per_page: int, **query: Any) -> dict:
    """Open working groups with their approved member organisations, by name. Members-only
    groups are never listed."""
    found = paginate(open_groups_query(q=query.get("q") or ""), per_page=per_page)
    members = open_group_members([item.id for item in found.items])
    items = [records.group(item, members.get(item.id, [])) for item in found.items]
    return records.page_of(found, "api.groups", {**query, "per_page": per_page}, items)


# ---------------------------------------------------------------- scorecard


@bp.route("/scorecard/indicators")
@bp.response(200, schemas.IndicatorList)
@_documented(429)
@public
def indicators() -> dict:
    """Every Ambitions scorecard indicator with its latest citywide change."""
    return {
        "items": [
            records.indicator(summary.indicator, summary.change)
            for _ambition, summaries in scorecard.scorecard_by_ambition()
            for summary in summaries
        ]
    }


@bp.route("/scorecard/indicators/<code>")
@bp.arguments(schemas.IndicatorQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.IndicatorDetail)
@_documented(400, 404, 429)
@public
def indicator(code: str, **query: Any) -> dict:
    """One indicator: its citywide values and, for one period, each of its breakdowns."""
    found = scorecard.indicator_by_code(code)
    if found is None:
        abort(404, "There is no indicator with that code.")
    series = scorecard.citywide_series(found)
    periods = scorecard.periods_with_breakdowns(found)
    period = parse_period(query.get("period")) if query.get("period") else None
    if period is not None and period not in periods:
        raise UnknownValue("period", query["period"])
    period = period or (periods[0] if periods else None)
    breakdowns = []
    if period is not None:
        for name in found.breakdowns:
            view = scorecard.breakdown_values(found, name, period)
            if view.rows:
                breakdowns.append(records.breakdown(name, str(period), view))
    return {
        **records.indicator(
            found, latest_change([(v.period, v.value) for v in series], found.direction)
        ),
        "series": [records.value_point(v) for v in series],
        "breakdown_periods": [str(p) for p in periods],
        "breakdown_values": breakdowns,
    }


# ---------------------------------------------------------------- aggregates


@bp.route("/aggregates")
@bp.response(200, schemas.Aggregates)
@_documented(429)
@public
def aggregates() -> dict:
    """The public headline figures of the current snapshot, as the home page shows them."""
    status = read.status()
    found = list(tables.home_headline()) if status.computed_at is not None else []
    computed_at = status.computed_at
    if computed_at is not None and computed_at.tzinfo is None:
        computed_at = computed_at.replace(tzinfo=UTC)  # stored as naive UTC
    return {
        "computed_at": computed_at,
        "suppression": (
            f'null ("{tables.FEWER}"): the figure comes from fewer than 5 organisations, or '
            "would let one be worked out from the others"
        ),
        "tables": [records.aggregate_table(table) for table in found],
    }


# ---------------------------------------------------------------- the document and its docs
# Plain Flask routes (Blueprint.add_url_rule of Flask itself): they serve the document and are
# not operations in it.


@public
def openapi_json() -> ResponseReturnValue:
    return openapi_document()


@public
def documentation() -> ResponseReturnValue:
    spec = openapi_document()
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=docs.operations(spec),
        limit=current_app.config["API_RATE_LIMIT"],
    )


Blueprint.add_url_rule(bp, "/openapi.json", "openapi_json", openapi_json, methods=["GET"])
Blueprint.add_url_rule(bp, "/docs", "docs", documentation, methods=["GET"])
bp.record_once(lambda state: document(state.app, bp))
