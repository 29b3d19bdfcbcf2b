"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from werkzeug.routing import BuildError

from .charts import bar_length


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y at %H:%M}"


def format_money(value: float | Decimal | int | None) -> str:
    if value is None:
        return "£0"
    value = float(value)
    return f"£{value:,.0f}" if value >= 100 or value == int(value) else f"£{value:,.2f}"


def format_number(value: float | Decimal | int | None, places: int = 0) -> str:
    if value is None:
        return "0"
    return f"{float(value):,.{places}f}"


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """'1 open listing', '3 open listings': the number with the noun in the right form."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{format_number(count)} {noun}"


def page_url(page: int, arg: str = "page") -> str:
    """The current URL with `page` (or another list's `arg`) replaced, keeping every filter."""
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args[arg] = [str(page)]
    return url_for(request.endpoint or "core.home", **(request.view_args or {}), **args)


@pass_context
def navigation_items(context: Context) -> list[dict[str, object]]:
    """The service navigation, shaped by who is signed in.

    `current_organisation` comes from the template context, where the orgs feature puts it.
    """
    current_organisation = context.get("current_organisation")
    endpoint = request.endpoint or ""
    items = [
        ("Directory", "orgs.directory", "orgs."),
        ("Pledges", "pledges.wall", "pledges."),
        ("Exchange", "exchange.browse", "exchange."),
        ("Activities", "activities.index", "activities."),
        ("Scorecard", "scorecard.index", "scorecard."),
        ("Events", "events.index", "events."),
        ("Stories", "voices.stories", "voices."),
    ]
    nav = []
    if current_user.is_authenticated:
        organisation = current_organisation() if current_organisation else None
        if organisation is not None:
            nav.append(
                {
                    "text": "Your organisation",
                    "href": url_for("orgs.home", org_id=organisation.id),
                    "active": endpoint == "orgs.home",
                }
            )
    for text, target, prefix in items:
        try:
            href = url_for(target)
        except BuildError:  # a feature not installed in this build: leave it out, never a dead link
            continue
        nav.append(
            {
                "text": text,
                "href": href,
                "active": endpoint.startswith(prefix) and endpoint != "orgs.home",
            }
        )
    if current_user.is_authenticated and "groups.index" in current_app.view_functions:
        nav.append(
            {
                "text": "Groups",
                "href": url_for("groups.index"),
                "active": endpoint.startswith("groups."),
            }
        )
    if current_user.is_authenticated and "insights.overview" in current_app.view_functions:
        nav.append(
            {
                "text": "Insights",
                "href": url_for("insights.overview"),
                "active": endpoint.startswith("insights."),
            }
        )
    if current_user.is_authenticated and current_user.is_platform_admin:
        nav.append(
            {
                "text": "Admin",
                "href": url_for("admin.index"),
                "active": endpoint.startswith("admin."),
            }
        )
    return nav


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["count_of"] = count_of
    app.jinja_env.globals["navigation_items"] = navigation_items
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["bar_length"] = bar_length
