"""Security headers and helpers that every request shares."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, abort, current_app, request

# No inline script or style anywhere: pages load /static/app.js as a module and style via classes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_safe_local_path(target: str | None) -> bool:
    """True only for a path on this site, so `next=` can never send a user elsewhere."""
    if not target:
        return False
    if target.startswith("//") or target.startswith("/\\") or "\\" in target:
        return False
    parts = urlsplit(urljoin(request.host_url, target))
    return (
        parts.scheme in ("http", "https")
        and parts.netloc == urlsplit(request.host_url).netloc
        and target.startswith("/")
    )


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if current_app.config.get("HSTS"):
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def refuse_nul_bytes() -> None:
    """Refuse a NUL byte anywhere in the path, query or form with a 400 before any view runs.

    Nobody types one; PostgreSQL cannot store one in text and would fail the request with a 500.
    """
    values = [request.path, *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH"):
        values += request.form.values()
        values += (upload.filename or "" for upload in request.files.values())
    if any("\x00" in value for value in values):
        abort(400, description="The form or address contained a character that is not allowed.")


def register(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)
