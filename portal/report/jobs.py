"""The report's jobs: freeze a year's figures, then render its PDF. Both are idempotent."""

from __future__ import annotations

import logging

from flask import current_app, render_template

from ..core.charts import line_chart
from ..extensions import db
from ..jobs import deterministic_id
from . import contents, services
from .models import FAILED, GENERATING, StateOfCityReport

log = logging.getLogger(__name__)


@deterministic_id("state-of-the-city-{report_id}")
def generate_report(report_id: int) -> None:
    """Build the content of a version asked for (status `generating`). A version already built
    or published is left alone, so a retry or a second run changes nothing. Its PDF is rendered
    by `render_pdf` on the first download (WeasyPrint takes seconds; nobody waits for it here)."""
    report = db.session.get(StateOfCityReport, report_id)
    # A failed attempt records its error and raises; the retry (RQ's, or in-process) runs again.
    if report is None or report.status not in (GENERATING, FAILED):
        return
    try:
        content, snapshot = services.gather(report.year)
        services.freeze(report, content, snapshot)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        report = db.session.get(StateOfCityReport, report_id)
        if report is not None:
            services.mark_failed(report, f"{type(error).__name__}: {error}")
            db.session.commit()
        log.exception("State of the City report %s failed", report_id)
        raise
    log.info("State of the City %s version %s built", report.year, report.version)


def render_html(report: StateOfCityReport) -> str:
    """The print template, with the report's sections (charts as inline SVG, each followed by
    its table)."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        return render_template(
            "report/print.html",
            report=report,
            sections=contents.sections(services.content_of(report)),
            line_chart=line_chart,
        )


@deterministic_id("state-of-the-city-pdf-{report_id}")
def render_pdf(report_id: int) -> None:
    """Render and keep the PDF of a built version (once: a stored PDF is not rendered again)."""
    import weasyprint

    # WeasyPrint logs every page it lays out at INFO: only its warnings are news.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    report = db.session.get(StateOfCityReport, report_id)
    if report is None or not report.content or report.pdf is not None:
        return
    html = render_html(report)
    pdf = weasyprint.HTML(string=html, base_url=current_app.config["PUBLIC_BASE_URL"]).write_pdf()
    assert pdf is not None
    services.store_pdf(report, pdf)
    db.session.commit()
    log.info("State of the City %s PDF rendered (%d bytes)", report.year, len(pdf))
