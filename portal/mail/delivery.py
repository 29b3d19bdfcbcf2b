"""Email delivery: SMTP when MAIL_SERVER is set, otherwise a file in the outbox folder.

`deliver_email` is the job `send_email` enqueues. It commits its own attempt (and the error, when
the transport fails) before re-raising, so RQ's retries see how often delivery was tried.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from ..core.models import utcnow
from ..extensions import db
from .models import OutboundEmail

log = logging.getLogger(__name__)


def _message(email: OutboundEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = email.to
    message["Subject"] = email.subject
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Message-ID"] = f"<outbound-{email.id}@anchor-portal>"
    message.set_content(email.body)
    return message


def deliver_email(email_id: int) -> None:
    """Send one queued email; a second run after success does nothing."""
    email = db.session.get(OutboundEmail, email_id, with_for_update=True)
    if email is None or email.sent_at is not None:
        return
    email.attempts += 1
    config = current_app.config
    try:
        if config.get("MAIL_SERVER"):
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                smtp.send_message(_message(email))
        elif config.get("MAIL_OUTBOX_DIR"):
            outbox = Path(config["MAIL_OUTBOX_DIR"])
            outbox.mkdir(parents=True, exist_ok=True)
            (outbox / f"{email.id:06d}.eml").write_bytes(bytes(_message(email)))
            log.info("Email to %s written to %s: %s", email.to, outbox, email.subject)
        else:
            log.info("Email to %s (no mail transport configured): %s", email.to, email.subject)
    except (OSError, smtplib.SMTPException) as error:
        email.last_error = str(error)[:500]
        db.session.commit()
        raise
    email.sent_at = utcnow()
    db.session.commit()
