"""Queue an email: add the row now, deliver it by job after the caller commits."""

from __future__ import annotations

from typing import Any

from flask import render_template

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
