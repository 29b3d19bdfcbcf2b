"""Links from an activity to the lead organisation's pledges and exchange matches.

Only the lead's own pledges, and matches the lead took part in (as the offering or requesting
side, once accepted or delivered), can be linked: anything else is refused, even if posted.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import aliased

from ..exchange.models import MATCH_COMMITTED_STATUSES, ExchangeMatch, Listing
from ..extensions import db
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


def match_label(match: ExchangeMatch) -> str:
    """What the match was: once delivered, as the offer stood then (a later edit to the
    listing does not rewrite the activity's history)."""
    return (
        f"{match.title} ({match.offer.organisation.name}) for "
        f"{match.request.title} ({match.request.organisation.name}), {match.status_label.lower()}"
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


def related_for(activity: Activity) -> dict[str, list[Any]]:
    """The linked pledges and matches the signed-in person may see.

    Public pledges show to everyone, private ones to the lead's members. Matches are private
    arrangements between two organisations, so they show only to the lead's and the other
    party's members (and platform administrators).
    """
    user = current_user
    signed_in = getattr(user, "is_authenticated", False)
    admin = signed_in and user.is_platform_admin
    member_ids = {m.organisation_id for m in user.memberships} if signed_in else set()
    pledges = list(
        db.session.scalars(
            select(Pledge)
            .join(activity_pledges, activity_pledges.c.pledge_id == Pledge.id)
            .where(activity_pledges.c.activity_id == activity.id)
            .order_by(Pledge.title)
        ).unique()
    )
    pledges = [p for p in pledges if p.is_public or admin or p.organisation_id in member_ids]
    matches = list(
        db.session.scalars(
            select(ExchangeMatch)
            .join(
                activity_exchange_matches, activity_exchange_matches.c.match_id == ExchangeMatch.id
            )
            .where(activity_exchange_matches.c.activity_id == activity.id)
            .order_by(ExchangeMatch.id)
        ).unique()
    )
    matches = [m for m in matches if admin or member_ids & set(m.party_organisation_ids)]
    return {"pledges": pledges, "matches": [(m, match_label(m)) for m in matches]}
