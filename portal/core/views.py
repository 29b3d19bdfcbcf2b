"""Public pages every visitor sees, and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from ..extensions import db
from .access import public
from .reference import all_ambitions, mission_statement

bp = Blueprint("core", __name__)


@bp.get("/")
@public
def home() -> ResponseReturnValue:
    return render_template(
        "core/home.html",
        mission=mission_statement(),
        ambitions=all_ambitions(),
    )


@bp.get("/ambitions")
@public
def ambitions() -> ResponseReturnValue:
    return render_template(
        "core/ambitions.html", mission=mission_statement(), ambitions=all_ambitions()
    )


@bp.get("/about")
@public
def about() -> ResponseReturnValue:
    return render_template("core/about.html")


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    """Database and Redis status for load balancers and operators.

    503 only when the database is down. Without Redis the pages still work (rate limits count
    in memory, jobs wait in `pending_jobs`), so that is 200 "degraded": pulling every web node
    out of the load balancer would turn a slow queue into an outage."""
    report: dict[str, str] = {}
    status = "ok"
    try:
        db.session.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception as error:
        db.session.rollback()
        report["database"] = f"error: {type(error).__name__}"
        status = "error"
    if current_app.config.get("REDIS_URL"):
        try:
            from ..jobs import redis_connection

            redis_connection().ping()
            report["redis"] = "ok"
        except Exception as error:
            report["redis"] = f"error: {type(error).__name__}"
            if status == "ok":
                status = "degraded"
    else:
        report["redis"] = "not configured (jobs run in-process)"
    report["status"] = status
    return jsonify(report), 503 if status == "error" else 200
