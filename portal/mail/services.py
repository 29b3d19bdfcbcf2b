"""Queue an email: add the row now, deliver it by job after the caller commits."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, render_template, url_for

from ..extensions import db
from ..jobs import enqueue_after_commit
from .delivery import deliver_email
from .models import OutboundEmail


def send_email(to: str, subject: str, template: str, **context: Any) -> OutboundEmail:
    """Render `templates/<template>` as the plain-text body and queue it for delivery.

    `reply_to=` (not passed to the template) names the address that answers replies."""
    reply_to = context.pop("reply_to", None)
    body = render_template(template, **context)
    email = OutboundEmail(to=to, subject=subject, body=body, reply_to=reply_to)
    db.session.add(email)
    db.session.flush()
    enqueue_after_commit(deliver_email, email.id)
    return email


def email_link(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, also from a job (which has no request)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)
