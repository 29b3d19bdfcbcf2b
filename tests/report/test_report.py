"""The State of the City report: the job freezes the insights figures (suppressed as the
insights pages suppress them), the page and the PDF show every Ambition with a table per chart,
who may see and write what, and regenerating a published year."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.core.models import Ambition, AuditLog
from portal.extensions import db
from portal.insights import tables
from portal.report import contents, jobs, services
from portal.report.models import (
    NARRATIVE_APPROVED,
    NARRATIVE_PUBLISHED,
    PUBLISHED,
    READY,
    SUPERSEDED,
    ReportNarrative,
    StateOfCityReport,
)
from portal.scorecard.models import Indicator
from tests.factories import OrganisationFactory, convenor, member_of, platform_admin
from tests.insights.test_pages import healthy_fixture, page_text, snapshot, wards
from tests.scorecard.factories import add_value

YEAR = 2026
AMBITIONS = ("Health and Wellbeing", "Inclusive Growth", "Strong Communities", "Sustainable City")


def year_figures() -> list[dict[str, Any]]:
    """The insights page fixture, its all-time figures read as the report year's."""
    return [{**f, "period": str(YEAR)} if f["period"] == "all" else f for f in healthy_fixture()]


def generated(year: int = YEAR) -> StateOfCityReport:
    snapshot(year_figures())
    admin = platform_admin()
    report = services.request_generation(year, admin)
    db.session.commit()
    jobs.generate_report(report.id)
    db.session.refresh(report)
    return report


def published(year: int = YEAR) -> StateOfCityReport:
    report = generated(year)
    services.publish(report, platform_admin())
    db.session.commit()
    return report


def healthy(content: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in content["ambitions"] if a["code"] == "HEALTHY")


def chart_ids(html: str) -> list[str]:
    return re.findall(r'<figure class="[^"]*app-report-chart" id="chart-([^"]+)"', html)


# ------------------------------------------------------------------ the job


def test_the_job_freezes_the_years_figures_as_insights_reads_them() -> None:
    report = generated()
    assert report.status == READY
    content = services.content_of(report)
    assert content["snapshot"]["id"] == report.snapshot_id
    scope = tables.Scope(
        db.session.scalar(select(Ambition).where(Ambition.code == "HEALTHY")), period=str(YEAR)
    )
    mine = healthy(content)
    assert mine["headline"] == services.table_data(tables.headline(scope))
    assert mine["headline"]["rows"][0] == ["Activities", 12]
    # The ward table hides exactly what the insights page hides: the second ward (2
    # organisations) and the first with it.
    assert mine["wards"] == services.table_data(tables.wards(scope, wards()))
    first, second = mine["wards"]["rows"][0], mine["wards"]["rows"][1]
    assert first[1] is None and second[1] is None
    # Exchanges delivered came from 3 organisations: hidden in the report too.
    assert mine["exchange"]["rows"][0][1] is None
    assert report.pdf is None  # rendered on the first download


def test_running_the_jobs_again_changes_nothing() -> None:
    report = generated()
    jobs.render_pdf(report.id)
    db.session.refresh(report)
    assert report.pdf and report.pdf.startswith(b"%PDF") and len(report.pdf_sha256) == 64
    before = (report.content, report.pdf_sha256, report.generated_at)
    jobs.generate_report(report.id)
    jobs.render_pdf(report.id)
    db.session.refresh(report)
    assert (report.content, report.pdf_sha256, report.generated_at) == before


def test_a_failed_attempt_is_recorded_and_the_retry_builds_the_report(monkeypatch) -> None:
    snapshot(year_figures())
    report = services.request_generation(YEAR, platform_admin())
    db.session.commit()
    real, calls = services.gather, []

    def flaky(year: int) -> Any:
        calls.append(year)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(year)

    monkeypatch.setattr(services, "gather", flaky)
    with pytest.raises(RuntimeError):
        jobs.generate_report(report.id)
    db.session.refresh(report)
    assert report.status == "failed" and "database went away" in report.error
    jobs.generate_report(report.id)  # the retry
    db.session.refresh(report)
    assert report.status == READY and report.content


def test_indicator_trajectory_direction_and_gaps() -> None:
    snapshot(year_figures())
    indicator = db.session.scalars(select(Indicator).order_by(Indicator.code)).first()
    code = indicator.code
    direction_good_up = indicator.direction == "up"
    add_value(code, 2024, 50.0)
    add_value(code, 2025, 52.0)
    add_value(code, 2027, 99.0)  # after the report year: not in it
    add_value(code, 2025, 40.0, breakdown="deprivation_decile", category="1")
    add_value(code, 2025, 60.0, breakdown="deprivation_decile", category="10")
    report = services.request_generation(YEAR, platform_admin())
    db.session.commit()
    jobs.generate_report(report.id)
    content = services.content_of(db.session.get(StateOfCityReport, report.id))
    ambition = next(a for a in content["ambitions"] if a["code"] == indicator.ambition.code)
    found = next(i for i in ambition["indicators"] if i["code"] == code)
    assert [p[0] for p in found["citywide"]] == ["2024", "2025"]
    assert contents.indicator_change(found) == (
        "Improving" if direction_good_up else "Getting worse"
    )
    gaps = contents.gaps(found)
    assert (gaps["most"], gaps["least"], gaps["gap"]) == (40.0, 60.0, -20.0)


# ------------------------------------------------------------------ page and PDF


def test_published_report_page_shows_each_ambition_and_a_table_per_chart(client) -> None:
    published()
    response = client.get(f"/state-of-the-city/{YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in AMBITIONS:
        assert re.search(
            rf'<h2 class="govuk-heading-l" id="ambition-\w+-heading">{name}</h2>', html
        )
    charts = chart_ids(html)
    assert charts, "the report draws charts"
    for chart in charts:
        # The table of the same figures follows its chart.
        assert html.index(f'id="table-{chart}"') > html.index(f'id="chart-{chart}"')
    assert "fewer than 5" in page_text(response)
    index = client.get("/state-of-the-city").get_data(as_text=True)
    assert f"State of the City {YEAR}" in index


def test_a_pdf_not_rendered_yet_offers_a_check_again_link_not_a_reload(client, monkeypatch) -> None:
    published()
    queued: list[object] = []
    monkeypatch.setattr("portal.report.views.enqueue", lambda job, *args: queued.append(job))
    response = client.get(f"/state-of-the-city/{YEAR}.pdf")
    assert response.status_code == 202
    assert queued == [jobs.render_pdf]
    html = response.get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html  # WCAG 2.2.1: no timed reload
    assert f'href="/state-of-the-city/{YEAR}.pdf">Check again</a>' in html


def test_the_pdf_has_each_ambition_and_a_table_per_chart(client, run_jobs) -> None:
    report = published()
    response = client.get(f"/state-of-the-city/{YEAR}.pdf")
    if response.status_code == 202:  # with a worker: the first download queues the rendering
        assert "Preparing the PDF" in page_text(response)
        run_jobs()
        response = client.get(f"/state-of-the-city/{YEAR}.pdf")
    assert response.status_code == 200  # in-process, the first download renders it
    assert response.mimetype == "application/pdf"
    db.session.refresh(report)
    assert response.data == report.pdf
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = re.sub(r"\s+", "", text)
    for name in AMBITIONS:
        assert re.sub(r"\s+", "", name) in flat
    html = jobs.render_html(report)
    titles = re.findall(r"<figcaption[^>]*>Chart: (.*?) \(|<figcaption[^>]*>Chart: (.*?)\. ", html)
    assert titles
    for pair in titles:
        title = re.sub(r"\s+", "", (pair[0] or pair[1]).replace("&#39;", "'"))
        assert f"Chart:{title}" in flat
        assert f"Table:{title}" in flat


def test_the_list_has_an_empty_state(client) -> None:
    assert "No reports published yet" in page_text(client.get("/state-of-the-city"))


# ------------------------------------------------------------------ who sees what


def test_an_unpublished_report_is_hidden_from_the_public_and_other_members(client, login) -> None:
    generated()
    assert client.get(f"/state-of-the-city/{YEAR}").status_code == 404
    assert client.get(f"/state-of-the-city/{YEAR}.pdf").status_code == 404
    login(member_of(OrganisationFactory()))
    assert client.get(f"/state-of-the-city/{YEAR}").status_code == 404
    assert client.get(f"/state-of-the-city/{YEAR}.pdf").status_code == 404
    assert client.get(f"/state-of-the-city/{YEAR}?version=1").status_code == 404


def test_convenors_preview_a_draft(client, login) -> None:
    generated()
    login(convenor("HEALTHY"))
    response = client.get(f"/state-of-the-city/{YEAR}")
    assert response.status_code == 200
    assert "Preview" in page_text(response)


# ------------------------------------------------------------------ narratives


def narrative_url(code: str = "healthy") -> str:
    return f"/state-of-the-city/{YEAR}/narrative/{code}"


def test_only_the_ambitions_convenor_writes_its_narrative(client, login) -> None:
    login(convenor("GROWING"))
    assert client.get(narrative_url()).status_code == 403
    assert client.post(narrative_url(), data={"body": "Not mine"}).status_code == 403
    assert db.session.scalar(select(ReportNarrative)) is None


def test_a_narrative_goes_from_draft_to_review_to_approved_and_into_the_report(
    client, login
) -> None:
    author = convenor("HEALTHY")
    login(author)
    response = client.post(narrative_url(), data={"body": "A year of health checks."})
    assert response.status_code == 302
    entry = services.narrative(YEAR, "HEALTHY")
    assert entry is not None and entry.status == "draft"
    client.post(f"{narrative_url()}/submit")
    db.session.refresh(entry)
    assert entry.status == "in_review"
    # Its author cannot approve it.
    client.post(f"{narrative_url()}/approve")
    db.session.refresh(entry)
    assert entry.status == "in_review"
    client.post("/sign-out")
    login(platform_admin())
    client.post(f"{narrative_url()}/approve")
    db.session.refresh(entry)
    assert entry.status == NARRATIVE_APPROVED
    report = published()
    assert healthy(services.content_of(report))["narrative"] == "A year of health checks."
    db.session.refresh(entry)
    assert entry.status == NARRATIVE_PUBLISHED


def test_narratives_cannot_change_after_publication(client, login) -> None:
    published()
    login(convenor("HEALTHY"))
    response = client.post(narrative_url(), data={"body": "Too late"})
    assert response.status_code == 200
    assert "published" in page_text(response)
    assert services.narrative(YEAR, "HEALTHY") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "   "}, "Enter the narrative for this Ambition"),
        ({"body": "x" * 6001}, "6,000 characters or fewer"),
    ],
)
def test_bad_narrative_input_gets_a_field_message(client, login, data, message) -> None:
    login(convenor("HEALTHY"))
    response = client.post(narrative_url(), data=data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert services.narrative(YEAR, "HEALTHY") is None


def test_highlights_take_a_safe_link_and_stop_at_the_limit(client, login) -> None:
    login(convenor("HEALTHY"))
    bad = client.post(
        f"{narrative_url()}/highlights", data={"text": "Trees", "link": "javascript:alert(1)"}
    )
    assert "Enter a link starting with https://" in page_text(bad)
    for number in range(services.MAX_HIGHLIGHTS):
        client.post(f"{narrative_url()}/highlights", data={"text": f"Highlight {number}"})
    over = client.post(f"{narrative_url()}/highlights", data={"text": "One too many"})
    assert "up to 5 highlights" in page_text(over)
    assert len(services.highlights(YEAR, "HEALTHY")) == services.MAX_HIGHLIGHTS


# ------------------------------------------------------------------ admin


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Enter the year of the report"),
        ("twenty", "Enter the year as 4 digits"),
        ("1999", "between 2000 and 2100"),
    ],
)
def test_bad_year_gets_a_field_message(client, login, year, message) -> None:
    login(platform_admin())
    response = client.post("/admin/state-of-the-city", data={"year": year})
    assert response.status_code == 200
    assert message in page_text(response)
    assert db.session.scalar(select(StateOfCityReport)) is None


def test_admin_generates_then_publishes_through_confirmation_pages(client, login, run_jobs) -> None:
    snapshot(year_figures())
    login(platform_admin())
    response = client.post("/admin/state-of-the-city", data={"year": str(YEAR)})
    assert response.headers["Location"].endswith(f"/admin/state-of-the-city/{YEAR}")
    run_jobs()
    report = db.session.scalar(select(StateOfCityReport))
    assert report is not None and report.status == READY  # in-process: already built
    assert "Publish the report" in page_text(client.get(f"/admin/state-of-the-city/{YEAR}/publish"))
    client.post(f"/admin/state-of-the-city/{YEAR}/publish")
    db.session.refresh(report)
    assert report.status == PUBLISHED
    assert client.get("/sign-out") is not None


def test_regenerating_a_published_year_needs_the_explicit_action_is_audited_and_keeps_it(
    client, login, run_jobs
) -> None:
    first = published()
    frozen = (first.content, first.pdf_sha256)
    login(platform_admin())
    refused = client.post("/admin/state-of-the-city", data={"year": str(YEAR)})
    assert "Regenerate" in page_text(refused)
    no_reason = client.post(f"/admin/state-of-the-city/{YEAR}/regenerate", data={"confirm": "y"})
    assert "Enter why the published report needs a new version" in page_text(no_reason)
    assert len(services.versions_of(YEAR)) == 1
    client.post(
        f"/admin/state-of-the-city/{YEAR}/regenerate",
        data={"reason": "A late correction to the scorecard", "confirm": "y"},
    )
    run_jobs()
    versions = services.versions_of(YEAR)
    assert [v.version for v in versions] == [2, 1]
    assert versions[0].status == READY and versions[1].status == PUBLISHED
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "report.regenerate"))
    assert entry is not None
    assert json.loads(entry.details)["reason"] == "A late correction to the scorecard"
    client.post(f"/admin/state-of-the-city/{YEAR}/publish")
    db.session.refresh(first)
    assert first.status == SUPERSEDED
    assert (first.content, first.pdf_sha256) == frozen
    client.post("/sign-out")
    old = client.get(f"/state-of-the-city/{YEAR}?version=1")
    assert old.status_code == 200
    assert "earlier version" in page_text(old)


# ------------------------------------------------------------------ page cost


def test_report_pages_cost_the_same_however_many_years(client, count_queries) -> None:
    published(YEAR)

    def cost(path: str) -> int:
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    one = (cost("/state-of-the-city"), cost(f"/state-of-the-city/{YEAR}"))
    for year in (2023, 2024, 2025):
        published(year)
    assert (cost("/state-of-the-city"), cost(f"/state-of-the-city/{YEAR}")) == one


def test_the_report_is_linked_from_the_home_page_and_the_admin_index(client, login) -> None:
    assert 'href="/state-of-the-city"' in client.get("/").get_data(as_text=True)
    login(platform_admin())
    assert 'href="/admin/state-of-the-city"' in client.get("/admin/").get_data(as_text=True)
