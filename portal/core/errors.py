"""Friendly error pages; JSON for API and health endpoints."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: "There was a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file or form you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(code: int, message: str | None = None) -> tuple[str | Response, int]:
    title = TITLES.get(code, "Something went wrong")
    if _wants_json():
        return jsonify(error=title, status=code), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


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

    @app.errorhandler(Exception)
    def unhandled_error(error: Exception):
        log.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
