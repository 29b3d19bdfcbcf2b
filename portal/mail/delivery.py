"""Email delivery: SMTP when MAIL_SERVER is set, otherwise a file in the outbox folder.

`deliver_email` is the job `send_email` enqueues. A send is claimed once: the attempt commits a
claim (claimed_at + its token) before the message goes to the transport, and marks the email
sent after. A transport error (nothing accepted) releases the claim and re-raises, so RQ
retries. A worker killed between the claim and the "sent" commit leaves the claim behind; we
cannot tell whether the server accepted the message, so a later run never resends it blindly:
- a claim younger than STALE_CLAIM may still be a live attempt: that run does nothing;
- an older one marks the email "possibly sent" (`possibly_sent_at`) and records
  `mail.possibly_sent` in the audit log for an admin to check. The Message-ID is stable
  (`<outbound-ID@anchor-portal>`), so a manual resend can be de-duplicated by receiving servers.
The claim is taken after the SMTP connection is open, so a dead mail server is never in doubt.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import update

from ..core import audit
from ..core.models import utcnow
from ..extensions import db
from ..jobs import deterministic_id
from .models import OutboundEmail

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 20  # seconds per SMTP step
# Longer than any live attempt takes from its claim to its "sent" commit.
STALE_CLAIM = timedelta(seconds=90)
POSSIBLY_SENT_NOTE = (
    "The delivery attempt stopped after handing the message to the mail server, or just "
    "before. Not sent again automatically, to avoid a duplicate: check with the recipient."
)


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


@contextmanager
def _transport(email_id: int) -> Iterator[Callable[[EmailMessage], Any]]:
    """Connect to the configured transport and yield its `send(message)` for this email."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            yield smtp.send_message
    elif config.get("MAIL_OUTBOX_DIR"):
        outbox = Path(config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)

        def write(message: EmailMessage) -> None:
            (outbox / f"{email_id:06d}.eml").write_bytes(bytes(message))
            log.info("Email to %s written to %s: %s", message["To"], outbox, message["Subject"])

        yield write
    else:
        yield lambda message: log.info(
            "Email to %s (no mail transport configured): %s", message["To"], message["Subject"]
        )


def _mark_possibly_sent(email: OutboundEmail) -> None:
    email.possibly_sent_at = utcnow()
    email.last_error = POSSIBLY_SENT_NOTE
    audit.record(
        "mail.possibly_sent",
        email,
        summary=f"Email to {email.to} ({email.subject}) may have been sent: check before resending",
        user_id=None,
    )
    log.warning("Email %s may have been sent by a dead attempt; not resent", email.id)


@deterministic_id("deliver-email-{email_id}")
def deliver_email(email_id: int) -> None:
    """Send one queued email at most once; a run after success (or a doubtful one) does nothing."""
    email = db.session.get(OutboundEmail, email_id, with_for_update=True)
    if email is None or email.sent_at is not None or email.possibly_sent_at is not None:
        db.session.rollback()
        return
    if email.claimed_at is not None:
        if email.claimed_at > utcnow() - STALE_CLAIM:
            db.session.rollback()  # another attempt may be sending it now; it records the result
            return
        _mark_possibly_sent(email)
        db.session.commit()
        return
    token = secrets.token_hex(16)
    message = _message(email)
    claimed = handed_over = False
    try:
        with _transport(email_id) as send:
            email.attempts += 1
            email.claimed_at = utcnow()
            email.claim_token = token
            db.session.commit()  # the claim is seen by every other attempt before the send
            claimed = True
            send(message)
            handed_over = True
    except (OSError, smtplib.SMTPException) as error:
        if not handed_over:
            _record_failure(email_id, token if claimed else None, error)
            raise
        log.warning("Email %s accepted, then the connection failed: %s", email_id, error)
    db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == email_id)
        .values(sent_at=utcnow(), claimed_at=None, claim_token=None, possibly_sent_at=None)
    )
    db.session.commit()


def _record_failure(email_id: int, token: str | None, error: Exception) -> None:
    """Nothing was accepted: keep the error and release our claim, so a retry sends it."""
    db.session.rollback()
    statement = update(OutboundEmail).where(OutboundEmail.id == email_id)
    if token is None:  # it failed before the claim: count the attempt here
        statement = statement.values(attempts=OutboundEmail.attempts + 1)
    else:
        statement = statement.where(OutboundEmail.claim_token == token).values(
            claimed_at=None, claim_token=None
        )
    db.session.execute(statement.values(last_error=str(error)[:500]))
    db.session.commit()
