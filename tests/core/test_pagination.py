"""List pages paginate through Flask-SQLAlchemy with the query-string behaviour they always had."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portal.core.pagination import MAX_PAGE, paginate, paginate_list
from portal.orgs.models import Organisation
from tests.factories import OrganisationFactory


@pytest.fixture
def organisations() -> list[Organisation]:
    return [OrganisationFactory(name=f"Organisation {n:02d}") for n in range(25)]


def _page(app: Flask, query: str, per_page: int = 20):
    with app.test_request_context(f"/organisations{query}"):
        return paginate(select(Organisation).order_by(Organisation.name), per_page=per_page)


def test_pages_hold_the_page_size_and_count_everything(app, organisations):
    first, second = _page(app, ""), _page(app, "?page=2")
    assert [o.name for o in first.items][:2] == ["Organisation 00", "Organisation 01"]
    assert (len(first.items), len(second.items), first.total, first.pages) == (20, 5, 25, 2)
    assert first.has_next and not first.has_prev
    assert second.has_prev and not second.has_next


@pytest.mark.parametrize("query", ["?page=abc", "?page=-4", "?page=0", "?page="])
def test_a_page_that_is_not_a_number_is_the_first(app, organisations, query):
    assert _page(app, query).page == 1


def test_a_page_past_the_end_is_empty_rather_than_an_error(app, organisations):
    beyond = _page(app, "?page=9")
    assert (beyond.page, beyond.items, beyond.total) == (9, [], 25)
    assert _page(app, "?page=99999999999999999999").page == MAX_PAGE


def test_the_query_string_cannot_change_the_page_size(app, organisations):
    # db.paginate reads ?per_page= unless the page size is given: ours always is.
    assert len(_page(app, "?per_page=1").items) == 20
    assert len(_page(app, "?per_page=500", per_page=5).items) == 5


def test_a_list_in_memory_pages_the_same_way(app):
    with app.test_request_context("/?page=2"):
        page = paginate_list(list(range(45)), per_page=20)
    assert (page.items, page.total, page.pages) == (list(range(20, 40)), 45, 3)


def test_directory_pages_through_the_client(client, organisations):
    body = client.get("/organisations?page=2").get_data(as_text=True)
    assert "Page 2 of 2 (25 in all)" in body
    assert client.get("/organisations?page=99999999999999999999").status_code == 200


def test_a_long_list_counts_only_up_to_the_cap(app, organisations, count_queries):
    with app.test_request_context("/organisations?page=2"):
        statement = select(Organisation).order_by(Organisation.name)
        with count_queries() as counter:
            page = paginate(statement, per_page=5, count_cap=10)
        exact = paginate(statement, per_page=5, count_cap=None)
    assert page.capped and not getattr(exact, "capped", False)
    counts = [s for s in counter.statements if s.lstrip().lower().startswith("select count(")]
    assert (page.total, exact.total, len(page.items), len(counts)) == (11, 25, 5, 1)
    assert "LIMIT" in counts[0].upper()


def test_a_list_under_the_cap_is_counted_exactly(app, organisations):
    with app.test_request_context("/organisations"):
        page = paginate(select(Organisation).order_by(Organisation.name), count_cap=100)
    assert (page.capped, page.total, page.pages) == (False, 25, 2)


def test_a_capped_count_reads_more_than_on_the_page(app, organisations):
    from flask import render_template_string

    with app.test_request_context("/organisations?page=1"):
        page = paginate(select(Organisation).order_by(Organisation.name), per_page=5, count_cap=10)
        html = render_template_string(
            '{% import "_macros.html" as ui %}{{ ui.list_count(page, "organisation", '
            '"organisations") }} {{ ui.pagination(page) }}',
            page=page,
        )
    assert "more than 10 organisations" in html
    assert "more than 10 in all" in html
