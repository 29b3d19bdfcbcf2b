"""Links from an activity to the lead organisation's pledges and exchange matches.

Only the lead's own pledges, and matches the lead took part in (as the offering or requesting
side, once accepted or delivered), can be linked: anything else is refused, even if posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_login import current_user
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import aliased

from ..exchange.models import (
    MATCH_COMMITTED_STATUSES,
    MATCH_DELIVERED,
    MATCH_STATUSES,
    ExchangeMatch,
    Listing,
)
from ..extensions import db
from ..orgs.models import Organisation
from ..pledges.models import Pledge
from .models import Activity, activity_exchange_matches, activity_pledges
from .rules import ActivityValues


def lead_pledges(lead_organisation_id: int) -> list[Pledge]:
    return list(
        db.session.scalars(
            select(Pledge)
            .where(Pledge.organisation_id == lead_organisation_id)
            .order_by(Pledge.title, Pledge.id)
        ).unique()
    )


def lead_matches(lead_organisation_id: int) -> list[ExchangeMatch]:
    offer, request = aliased(Listing), aliased(Listing)
    return list(
        db.session.scalars(
            select(ExchangeMatch)
            .join(offer, ExchangeMatch.offer_id == offer.id)
            .join(request, ExchangeMatch.request_id == request.id)
            .where(
                or_(
                    offer.organisation_id == lead_organisation_id,
                    request.organisation_id == lead_organisation_id,
                ),
                ExchangeMatch.status.in_(MATCH_COMMITTED_STATUSES),
            )
            .order_by(ExchangeMatch.created_at.desc(), ExchangeMatch.id.desc())
        ).unique()
    )


def _label(title: str, offer_by: str, request_title: str, request_by: str, status: str) -> str:
    return f"{title} ({offer_by}) for {request_title} ({request_by}), {status.lower()}"


def match_label(match: ExchangeMatch) -> str:
    """What the match was: once delivered, as the offer stood then (a later edit to the
    listing does not rewrite the activity's history)."""
    return _label(
        match.title,
        match.offer.organisation.name,
        match.request.title,
        match.request.organisation.name,
        match.status_label,
    )


def pledge_choices(lead_organisation_id: int) -> list[tuple[int, str]]:
    return [(p.id, p.title) for p in lead_pledges(lead_organisation_id)]


def match_choices(lead_organisation_id: int) -> list[tuple[int, str]]:
    return [(m.id, match_label(m)) for m in lead_matches(lead_organisation_id)]


def linked_pledge_ids(activity: Activity) -> list[int]:
    return list(
        db.session.scalars(
            select(activity_pledges.c.pledge_id).where(
                activity_pledges.c.activity_id == activity.id
            )
        )
    )


def linked_match_ids(activity: Activity) -> list[int]:
    return list(
        db.session.scalars(
            select(activity_exchange_matches.c.match_id).where(
                activity_exchange_matches.c.activity_id == activity.id
            )
        )
    )


def set_links(activity: Activity, values: ActivityValues) -> None:
    """Replace the activity's links with `values`' (only the lead's own pledges and matches)."""
    lead_id = activity.lead_organisation_id
    allowed_pledges = {p.id for p in lead_pledges(lead_id)} if values.pledge_ids else set()
    allowed_matches = {m.id for m in lead_matches(lead_id)} if values.match_ids else set()
    clear_links(activity)
    pledge_rows = [
        {"activity_id": activity.id, "pledge_id": pledge_id}
        for pledge_id in dict.fromkeys(values.pledge_ids)
        if pledge_id in allowed_pledges
    ]
    match_rows = [
        {"activity_id": activity.id, "match_id": match_id}
        for match_id in dict.fromkeys(values.match_ids)
        if match_id in allowed_matches
    ]
    if pledge_rows:
        db.session.execute(insert(activity_pledges), pledge_rows)
    if match_rows:
        db.session.execute(insert(activity_exchange_matches), match_rows)


def clear_links(activity: Activity) -> None:
    """Remove every link (before new ones are set, or before the activity is deleted)."""
    db.session.execute(
        delete(activity_pledges).where(activity_pledges.c.activity_id == activity.id)
    )
    db.session.execute(
        delete(activity_exchange_matches).where(
            activity_exchange_matches.c.activity_id == activity.id
        )
    )


@dataclass(frozen=True)
class Related:
    """A linked pledge or match as the activity's page shows it: a link and its text."""

    id: int
    title: str


def related_for(activity: Activity) -> dict[str, list[Any]]:
    """The linked pledges and matches the signed-in person may see, as plain rows (two
    queries: the page needs titles, not pledges' or listings' whole graphs).

    Public pledges show to everyone, private ones to the lead's members. Matches are private
    arrangements between two organisations, so they show only to the lead's and the other
    party's members (and platform administrators).
    """
    user = current_user
    signed_in = getattr(user, "is_authenticated", False)
    admin = signed_in and user.is_platform_admin
    member_ids = {m.organisation_id for m in user.memberships} if signed_in else set()
    pledges = [
        Related(row.id, row.title)
        for row in db.session.execute(
            select(Pledge.id, Pledge.title, Pledge.is_public, Pledge.organisation_id)
            .join(activity_pledges, activity_pledges.c.pledge_id == Pledge.id)
            .where(activity_pledges.c.activity_id == activity.id)
            .order_by(Pledge.title)
        )
        if row.is_public or admin or row.organisation_id in member_ids
    ]
    offer, request = aliased(Listing), aliased(Listing)
    offer_by, request_by = aliased(Organisation), aliased(Organisation)
    rows = db.session.execute(
        select(
            ExchangeMatch.id,
            ExchangeMatch.status,
            ExchangeMatch.delivered_title,
            offer.title.label("offer_title"),
            offer.organisation_id.label("offer_organisation_id"),
            offer_by.name.label("offer_by"),
            request.title.label("request_title"),
            request.organisation_id.label("request_organisation_id"),
            request_by.name.label("request_by"),
        )
        .join(activity_exchange_matches, activity_exchange_matches.c.match_id == ExchangeMatch.id)
        .join(offer, offer.id == ExchangeMatch.offer_id)
        .join(offer_by, offer_by.id == offer.organisation_id)
        .join(request, request.id == ExchangeMatch.request_id)
        .join(request_by, request_by.id == request.organisation_id)
        .where(activity_exchange_matches.c.activity_id == activity.id)
        .order_by(ExchangeMatch.id)
    )
    matches = [
        Related(
            row.id,
            _label(
                row.delivered_title
                if row.status == MATCH_DELIVERED and row.delivered_title
                else row.offer_title,
                row.offer_by,
                row.request_title,
                row.request_by,
                MATCH_STATUSES.get(row.status, row.status),
            ),
        )
        for row in rows
        if admin or member_ids & {row.offer_organisation_id, row.request_organisation_id}
    ]
    return {"pledges": pledges, "matches": matches}
