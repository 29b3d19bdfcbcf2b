"""Rows as the API publishes them: plain dicts, dumped through the schemas in `schemas.py`.

Only public facts are read here; who recorded, edited or contacts anyone is never touched.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_sqlalchemy.pagination import Pagination

from ..activities.models import Activity
from ..core.pagination import COUNT_CAP
from ..exchange.models import Listing
from ..groups.models import WorkingGroup
from ..insights.tables import Table
from ..orgs.models import ORGANISATION_KINDS, Organisation
from ..pledges.services import Progress
from ..scorecard.breakdowns import BREAKDOWN_LABELS, category_label
from ..scorecard.models import Indicator, IndicatorValue
from ..scorecard.services import BreakdownView
from ..scorecard.trends import Change


def page_of(page: Pagination, endpoint: str, args: dict[str, Any], items: list[Any]) -> dict:
    """The envelope every list shares: counts (capped as on the pages) and links."""
    total = page.total or 0
    capped = total > COUNT_CAP
    pages = max(page.pages, 1) if not capped else -(-COUNT_CAP // page.per_page)
    kept = {k: v for k, v in args.items() if k != "page" and v not in (None, "")}

    def link(number: int) -> str:
        return url_for(endpoint, **kept, page=number, _external=True)

    return {
        "page": page.page,
        "per_page": page.per_page,
        "pages": pages,
        "total": min(total, COUNT_CAP),
        "total_is_capped": capped,
        "links": {
            "self": link(page.page),
            "next": link(page.page + 1) if page.page < pages else None,
            "prev": link(page.page - 1) if page.page > 1 else None,
        },
        "items": items,
    }


def _wards(item: Any) -> dict[str, Any]:
    return {
        "citywide": bool(item.citywide),
        "wards": [{"name": w.name, "ons_code": w.ons_code} for w in item.wards],
    }


def organisation_ref(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}


def organisation(item: Organisation) -> dict[str, Any]:
    return {
        **organisation_ref(item),
        **_wards(item),
        "kind_label": ORGANISATION_KINDS.get(item.kind, item.kind),
        "description": item.description or "",
        "charity_number": item.charity_number,
        "company_number": item.company_number,
        "identifiers": item.identifiers,
        "website": item.website,
        "networks": [{"code": n.code, "name": n.name} for n in item.networks],
        "url": url_for("orgs.profile", org_id=item.id, _external=True),
    }


def pledge(item: Progress) -> dict[str, Any]:
    p = item.pledge
    return {
        "id": p.id,
        "url": url_for("pledges.detail", pledge_id=p.id, _external=True),
        "title": p.title,
        "organisation": organisation_ref(p.organisation),
        "measure": {"code": p.measure.code, "name": p.measure.name, "unit": p.measure.unit_label},
        "baseline": p.baseline,
        "target": p.target,
        "start_date": p.start_date,
        "end_date": p.end_date,
        **_wards(p),
        "ambitions": [a.code for a in p.ambitions],
        "goals": [g.code for g in p.goals],
        "principles": [pr.code for pr in p.principles],
        "status": item.status,
        "status_label": item.status_label,
        "promised_units": item.promised_units,
        "delivered_units": item.delivered_units,
        "promised_value_gbp": item.promised_value,
        "delivered_value_gbp": item.delivered_value,
        "original_promised_units": item.original_units,
        "original_promised_value_gbp": item.original_value,
    }


def listing(item: Listing, ambitions: list[str]) -> dict[str, Any]:
    return {
        "id": item.id,
        "url": url_for("exchange.listing", listing_id=item.id, _external=True),
        "side": item.side,
        "resource_type": item.resource_type,
        "title": item.title,
        "description": item.description or "",
        "quantity": item.quantity,
        "unit": item.unit or "",
        "available_from": item.available_from,
        "available_until": item.available_until,
        "needed_by": item.needed_by,
        "urgency": item.urgency,
        "expires_on": item.expires_on,
        "created_on": item.created_at.date(),
        "organisation": organisation_ref(item.organisation),
        **_wards(item),
        "ambitions": ambitions,
    }


def activity(item: Activity) -> dict[str, Any]:
    return {
        "id": item.id,
        "url": url_for("activities.detail", activity_id=item.id, _external=True),
        "title": item.title,
        "description": item.description or "",
        "start_date": item.start_date,
        "end_date": item.end_date,
        "people_reached": item.people_reached,
        "volunteer_hours": item.volunteer_hours,
        "spend_gbp": item.spend,
        "outcomes": item.outcomes or "",
        "lead_organisation": organisation_ref(item.lead_organisation),
        "partners": [organisation_ref(o) for o in item.partners],
        **_wards(item),
        "ambitions": [a.code for a in item.ambitions],
        "goals": [g.code for g in item.goals],
    }


def group(item: WorkingGroup, members: list[Organisation]) -> dict[str, Any]:
    """An open working group; its updates, resources and actions stay on the site."""
    return {
        "id": item.id,
        "url": url_for("groups.detail", group_id=item.id, _external=True),
        "name": item.name,
        "purpose": item.purpose,
        "ambitions": [a.code for a in item.ambitions],
        "dimensions": [d.code for d in item.dimensions],
        "members": [organisation_ref(o) for o in members],
    }


def change(found: Change) -> dict[str, Any]:
    return {
        "status": found.status,
        "label": found.label,
        "latest_period": str(found.latest[0]) if found.latest else None,
        "latest_value": found.latest[1] if found.latest else None,
        "previous_period": str(found.previous[0]) if found.previous else None,
        "previous_value": found.previous[1] if found.previous else None,
    }


def indicator(item: Indicator, latest: Change) -> dict[str, Any]:
    return {
        "code": item.code,
        "title": item.title,
        "ambition": item.ambition.code,
        "unit": item.unit,
        "direction": item.direction,
        "frequency": item.frequency,
        "breakdowns": item.breakdowns,
        "url": url_for("scorecard.indicator", code=item.code, _external=True),
        "latest": change(latest),
    }


def value_point(value: IndicatorValue) -> dict[str, Any]:
    return {"period": str(value.period), "value": value.value, "source": value.source or ""}


def breakdown(name: str, period: str, view: BreakdownView) -> dict[str, Any]:
    """One breakdown's values; derived ones (deciles from ward values) have no rows of their own."""
    if view.values:
        values = [
            {"category": v.category, "label": category_label(name, v.category), "value": v.value}
            for v in view.values
        ]
    else:
        values = [{"category": label, "label": label, "value": value} for label, value in view.rows]
    return {
        "breakdown": name,
        "label": BREAKDOWN_LABELS.get(name, name),
        "period": period,
        "derived_from_wards": view.derived_from_wards,
        "values": values,
    }


def aggregate_table(table: Table) -> dict[str, Any]:
    """A published table as it is on the page: suppressed cells (None there) are null here."""
    return {
        "slug": table.slug,
        "title": table.title,
        "header": table.header,
        "rows": [
            {"label": row.label, "values": [None if v is None else str(v) for v in row.values]}
            for row in table.rows
        ],
    }
