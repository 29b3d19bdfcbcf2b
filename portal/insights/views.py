"""Insights pages: the city overview, a dashboard and gap views per Ambition, their exports.

Every page reads the current snapshot only (through `read` and `tables`), so its cost does not
grow with the portal's data; every table on a page exports to CSV and XLSX with its filters.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..accounts.access import convenor_of
from ..core.access import signed_in
from ..core.export import Sheet, csv_response, xlsx_response
from ..core.models import Ambition, Ward
from ..core.reference import all_ambitions
from ..core.templating import format_number
from ..scorecard.services import deprivation_is_illustrative, population_is_illustrative
from . import read, tables
from .access import ambition_to_convene
from .forms import FilterForm

bp = Blueprint("insights", __name__, url_prefix="/insights")
FILTER_ARGS = ("period", "network", "org_kind", "ward")
Builder = Callable[["tables.Scope", list[Ward]], list["tables.Table"]]


def _overview_tables(scope: tables.Scope, wards: list[Ward]) -> list[tables.Table]:
    return [
        tables.headline(scope, _drill_down(scope, wards)),
        tables.by_ambition(all_ambitions()),
        tables.wards(scope, wards),
        tables.deciles(scope),
    ]


def _dashboard_tables(scope: tables.Scope, wards: list[Ward]) -> list[tables.Table]:
    return [
        tables.headline(scope, _drill_down(scope, wards)),
        tables.trend(scope),
        tables.wards(scope, wards),
        tables.deciles(scope),
        tables.maturity(scope),
        tables.dimensions(scope),
        tables.dimension_change(scope),
        tables.scorecard(scope),
    ]


def _gap_tables(scope: tables.Scope, wards: list[Ward]) -> list[tables.Table]:
    return [
        tables.unmet_by_ward(scope, wards),
        tables.pledges_at_risk(scope, _pledge_lists(scope, wards)),
        tables.weakest_dimensions(scope),
        tables.weakest(scope),
        tables.quiet_goals(scope),
    ]


def _need_tables(scope: tables.Scope, wards: list[Ward]) -> list[tables.Table]:
    return [tables.need(scope, wards)]


PAGES: dict[str, tuple[str, Builder]] = {
    "overview": ("insights/overview.html", _overview_tables),
    "dashboard": ("insights/dashboard.html", _dashboard_tables),
    "gaps": ("insights/gaps.html", _gap_tables),
    "need": ("insights/need.html", _need_tables),
    "city_need": ("insights/need.html", _need_tables),
}


def _pledge_lists(scope: tables.Scope, wards: list[Ward]) -> Callable[[str], str | None]:
    """Lapsed pledges link to the overdue list for platform admins; otherwise the pledge wall."""
    wall = _drill_down(scope, wards)

    def link(measure: str) -> str | None:
        if measure == tables.LAPSED and current_user.is_platform_admin:
            return url_for("pledges.admin_overdue")
        return wall(measure)

    return link


def _drill_down(scope: tables.Scope, wards: list[Ward]) -> Callable[[str], str | None]:
    """Where each headline figure's rows are listed, with the page's filters, so the list
    behind a figure counts what the figure counts (as far as the list's filters go)."""
    ward_id = next((w.id for w in wards if w.ons_code == scope.ward), None)
    period = None if scope.period == tables.ALL else scope.period
    ambition_id = scope.ambition.id if scope.ambition else None
    by_organisation: dict[str, Any] = {"network": scope.network_id, "org_kind": scope.org_kind}

    def link(measure: str) -> str | None:
        if measure.startswith("activities."):
            return url_for(
                "activities.index",
                ambition=ambition_id,
                ward=ward_id,
                started=period,  # the figures date an activity by its start
                **by_organisation,
            )
        if measure.startswith("pledges."):
            return url_for("pledges.wall", ambition=ambition_id, kind=scope.org_kind, ward=ward_id)
        if measure.startswith("exchange.") and (
            current_user.is_convenor or current_user.is_platform_admin
        ):
            # For convenors and admins only; the Ambition's own section of the page.
            return url_for(
                "exchange.impact",
                period=period,
                ward=ward_id,
                **by_organisation,
                _anchor=f"ambition-{scope.ambition.code}" if scope.ambition else None,
            )
        return None

    return link


def _scope(ambition: Ambition | None) -> tuple[FilterForm, tables.Scope, list[tuple[str, str]]]:
    """The filter form read from the URL, the scope it gives, and how to say it."""
    form = FilterForm(read.periods(), formdata=request.args)
    filters = form.filters()
    return form, tables.Scope(ambition, **filters), form.described(filters)


def _page(page: str, ambition: Ambition | None) -> ResponseReturnValue:
    template, build = PAGES[page]
    form, scope, described = _scope(ambition)
    status = read.status()
    found = (
        read.in_one_query(lambda: build(scope, form.wards), key=(page, *scope.filters().items()))
        if status.computed_at is not None
        else []
    )
    export_args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return render_template(
        template,
        form=form if form.errors else None,
        filter_form=form,
        status=status,
        tables={table.slug: table for table in found},
        ambition=ambition,
        scope=scope,
        described=described,
        export_endpoint=f"insights.{page}_export",
        export_args={**export_args, **({"ambition_code": ambition.code} if ambition else {})},
        filtered=bool(export_args),
    )


def _export(page: str, ambition: Ambition | None, table: str, fmt: str) -> ResponseReturnValue:
    """One table of a page, with the page's filters: the same rows the page shows. The XLSX
    file adds a sheet saying which filters, and when the figures were computed."""
    _template, build = PAGES[page]
    form, scope, described = _scope(ambition)
    found = {
        t.slug: t
        for t in read.in_one_query(
            lambda: build(scope, form.wards), key=(page, *scope.filters().items())
        )
    }
    if table not in found:
        abort(404)
    chosen = found[table]
    area = (ambition.code if ambition else "city").lower()
    name = f"insights-{area}-{chosen.slug}-{scope.period}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", chosen.header, chosen.export_rows(), bom=True)
    computed_at = read.status().computed_at
    about = [
        ("Table", chosen.title),
        ("Ambition", ambition.name if ambition else "All Ambitions"),
        *described,
        ("Figures computed at", computed_at.isoformat(timespec="minutes") if computed_at else ""),
        ("Small numbers", f"{tables.FEWER}: from fewer than 5 organisations, or would reveal one"),
    ]
    return xlsx_response(
        f"{name}.xlsx",
        [
            Sheet(chosen.slug, chosen.header, list(chosen.export_rows())),
            Sheet("About these figures", ["About", ""], about),
        ],
    )


@bp.get("/")
@signed_in
def overview() -> ResponseReturnValue:
    return _page("overview", None)


@bp.get("/tables/<table>.<any(csv, xlsx):fmt>")
@signed_in
def overview_export(table: str, fmt: str) -> ResponseReturnValue:
    return _export("overview", None, table, fmt)


@bp.get("/need")
@signed_in
def city_need() -> ResponseReturnValue:
    return _page("city_need", None)


@bp.get("/need/tables/<table>.<any(csv, xlsx):fmt>")
@signed_in
def city_need_export(table: str, fmt: str) -> ResponseReturnValue:
    return _export("city_need", None, table, fmt)


@bp.get("/<ambition_code>")
@convenor_of(ambition_to_convene, into="ambition")
def dashboard(ambition: Ambition) -> ResponseReturnValue:
    return _page("dashboard", ambition)


@bp.get("/<ambition_code>/tables/<table>.<any(csv, xlsx):fmt>")
@convenor_of(ambition_to_convene, into="ambition")
def dashboard_export(ambition: Ambition, table: str, fmt: str) -> ResponseReturnValue:
    return _export("dashboard", ambition, table, fmt)


@bp.get("/<ambition_code>/gaps")
@convenor_of(ambition_to_convene, into="ambition")
def gaps(ambition: Ambition) -> ResponseReturnValue:
    return _page("gaps", ambition)


@bp.get("/<ambition_code>/gaps/tables/<table>.<any(csv, xlsx):fmt>")
@convenor_of(ambition_to_convene, into="ambition")
def gaps_export(ambition: Ambition, table: str, fmt: str) -> ResponseReturnValue:
    return _export("gaps", ambition, table, fmt)


@bp.get("/<ambition_code>/need")
@convenor_of(ambition_to_convene, into="ambition")
def need(ambition: Ambition) -> ResponseReturnValue:
    return _page("need", ambition)


@bp.get("/<ambition_code>/need/tables/<table>.<any(csv, xlsx):fmt>")
@convenor_of(ambition_to_convene, into="ambition")
def need_export(ambition: Ambition, table: str, fmt: str) -> ResponseReturnValue:
    return _export("need", ambition, table, fmt)


@bp.app_template_filter("insight_figure")
def insight_figure(value: Any) -> str:
    """A table cell: "fewer than 5" for a hidden figure, a number with its decimals only when
    it has them, else the text as it is. A filter, not a macro: a dashboard prints hundreds."""
    if value is None:
        return tables.FEWER
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            whole = value == int(value)
        except (ValueError, OverflowError):  # not a finite number
            return str(value)
        return format_number(value, 0 if whole else 2)
    return str(value)


@bp.app_template_global("insights_ward_figures_illustrative")
def insights_ward_figures_illustrative() -> bool:
    """Whether the need page must say its ward figures are illustrative."""
    return population_is_illustrative() or deprivation_is_illustrative()


@bp.app_template_global("insights_home_headline")
def insights_home_headline() -> dict[str, Any] | None:
    """The home page's public headline, from the snapshot only; None before the first one."""
    status = read.status()
    if status.computed_at is None:
        return None
    figures, ambitions = read.in_one_query(tables.home_headline, key=("home_headline",))
    return {"status": status, "figures": figures, "ambitions": ambitions}


@bp.app_template_global("insights_dashboards")
def insights_dashboards() -> list[Ambition]:
    """The Ambition dashboards the signed-in person may open."""
    if not current_user.is_authenticated:
        return []
    if current_user.is_platform_admin:
        return all_ambitions()
    return list(current_user.convenor_ambitions)
