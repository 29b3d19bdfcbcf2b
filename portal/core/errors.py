"""Friendly error pages; JSON for API and health endpoints.

While the database is unreachable (restarting, failing over, out of connections) a request gets
a 503 page that says a save may have gone through, rendered without touching the database: the
page shell then leaves out who is signed in. Any error page that fails on the database for the
same reason falls back to that page, so the error page itself never fails.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager

log = logging.getLogger(__name__)
# What SQLAlchemy raises when the database cannot be reached, not when a query is wrong.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
UNAVAILABLE_MESSAGE = (
    "The service is unavailable for a moment. If you were saving something, check whether it "
    "was saved before trying again."
)
RETRY_AFTER_SECONDS = 5

TITLES = {
    400: "There was a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file or form you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(
    code: int, message: str | None = None, *, database_unavailable: bool = False
) -> tuple[str | Response, int]:
    """The error page; if rendering it fails on the database (the signed-in user's name, say),
    the same page without anything from the database."""
    title = TITLES.get(code, "Something went wrong")
    if _wants_json():
        # `errors` is the open data API's error shape; `error` and `status` are kept for
        # /healthz readers.
        errors = [{"status": code, "title": title, "detail": message}]
        return jsonify(error=title, status=code, errors=errors), code
    page = {"code": code, "title": title, "message": message}
    if not database_unavailable:
        try:
            return render_template("errors/error.html", **page), code
        except DATABASE_UNAVAILABLE:
            log.warning("The %d page could not reach the database; showing it without", code)
            _rollback_quietly()
    # Flask-Login's template context loads the signed-in user (a query) unless this request has
    # one already: draw the page as for nobody signed in.
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    return render_template("errors/error.html", **page, database_unavailable=True), code


def _rollback_quietly() -> None:
    """End the failed transaction; with the connection gone, the rollback itself may fail."""
    try:
        db.session.rollback()
    except Exception:  # the page must still render
        log.warning("Rollback after a database error failed", exc_info=True)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, "Your form could not be sent. Go back, refresh the page and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = error.description if error.code in (400, 403, 413, 429) else None
        if error.code == 429:
            message = "You have tried too many times. Wait a minute and try again."
        return render_error(error.code or 500, message)

    def database_unavailable(error: Exception):
        log.warning("Database unavailable on %s: %s", request.path, error, exc_info=True)
        _rollback_quietly()
        body, code = render_error(503, UNAVAILABLE_MESSAGE, database_unavailable=True)
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)

    @app.errorhandler(Exception)
    def unhandled_error(error: Exception):
        log.exception("Unhandled error on %s", request.path)
        _rollback_quietly()
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
