"""A page's figure reads run as one query and give exactly what the reads give one by one."""

from __future__ import annotations

from flask_login import login_user
from sqlalchemy import select

from portal.core.models import Ambition, Ward
from portal.extensions import db
from portal.insights import read, tables
from portal.insights.aggregate import refresh
from portal.insights.views import PAGES
from tests.factories import platform_admin
from tests.insights.world import add_assessments, add_exchange, add_pledges, build_world

CITY_PAGES = {"overview", "city_need"}  # the others are one Ambition's


def _snapshot() -> None:
    world = build_world()
    add_pledges(world)
    add_exchange(world)
    add_assessments(world)
    refresh()
    db.session.commit()


def _figure_queries(statements: list[str]) -> int:
    return sum("FROM insight_figures" in s for s in statements)


def test_every_page_is_the_same_batched_as_read_one_by_one(app, count_queries) -> None:
    _snapshot()
    wards = list(db.session.scalars(select(Ward).order_by(Ward.name)))
    healthy = db.session.scalar(select(Ambition).where(Ambition.code == "HEALTHY"))
    with app.test_request_context():  # the tables link to their drill-down pages
        login_user(platform_admin())  # the need tables name organisations for those who may see
        for page, (_template, build) in PAGES.items():
            for ambition in (None,) if page in CITY_PAGES else (healthy,):
                scope = tables.Scope(ambition)
                alone = build(scope, wards)
                with count_queries() as counter:
                    batched = read.in_one_query(lambda: build(scope, wards))  # noqa: B023
                assert [(t.slug, list(t.export_rows())) for t in batched] == [
                    (t.slug, list(t.export_rows())) for t in alone
                ], page
                assert any(t.rows for t in alone), page  # the comparison compared figures
                assert _figure_queries(counter.statements) <= 1 + 1, page  # the reads, and periods


def test_many_reads_cost_one_query_and_a_read_that_depends_on_an_answer_still_gets_one(
    count_queries,
) -> None:
    _snapshot()
    measures = ("activities.count", "activities.people_reached", "pledges.count")

    def build() -> list[list[read.FigureRow]]:
        found = [read.figures(m, by=("ward_code",)) for m in measures]
        # A read only made when an earlier one answered: not collected, read on its own.
        if found[0]:
            found.append(read.figures("activities.count", ward=found[0][0].key["ward_code"]))
        return found

    alone = build()
    with count_queries() as counter:
        batched = read.in_one_query(build)
    assert batched == alone and len(batched) == 4
    assert _figure_queries(counter.statements) == 2
