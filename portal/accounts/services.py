"""Account state changes. Services add and flush; the caller commits."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import delete, func, select

from ..core import audit
from ..core.models import Ambition, utcnow
from ..extensions import db
from ..jobs import enqueue_after_commit
from ..mail.services import send_email
from .models import ROLE_ADMIN, ConvenorAssignment, Invitation, Membership, User
from .passwords import hash_password, verify_password
from .tokens import hash_token, make_reset_token, make_verify_token, new_invitation_token

# Verifying a password against this keeps failed logins for unknown emails as slow as real ones.
_DUMMY_HASH: str | None = None


class AccountError(Exception):
    """A rule was broken; the message is for the person filling in the form."""


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, name: str, password: str, *, verified: bool = False) -> User:
    if find_user_by_email(email) is not None:
        raise AccountError("An account already exists for this email address")
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        password_hash=hash_password(password),
        is_verified=verified,
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, name: str, password: str) -> None:
    """Create an unverified account and email a verification link.

    If the address already has an account, email its owner instead. Either way the person at
    the form sees the same page, and the same work is done (a password hashed, one email
    queued), so neither the page nor its timing tells whether the address is registered.
    """
    existing = find_user_by_email(email)
    if existing is None:
        user = create_user(email, name, password)
        send_verification_email(user)
        audit.record("account.created", user, summary=f"{user.email} signed up", user_id=user.id)
        return
    hash_password(password)  # as slow as creating the account
    base = current_app.config["PUBLIC_BASE_URL"]
    send_email(
        existing.email,
        "Someone tried to create an account with your email address",
        "emails/signup_existing.txt",
        user=existing,
        sign_in_link=base + url_for("accounts.login"),
        reset_link=base + url_for("accounts.forgot_password"),
    )
    audit.record(
        "account.signup_existing",
        existing,
        summary=f"Sign-up attempted for {existing.email}, which already has an account",
        user_id=existing.id,
    )


def send_verification_email(user: User) -> None:
    link = current_app.config["PUBLIC_BASE_URL"] + url_for(
        "accounts.verify_email", token=make_verify_token(user)
    )
    send_email(user.email, "Confirm your email address", "emails/verify.txt", user=user, link=link)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (always the same work either way)."""
    global _DUMMY_HASH
    user = find_user_by_email(email)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not-a-real-password-0")
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active_account:
        return None
    user.last_login_at = utcnow()
    return user


def mark_verified(user: User) -> None:
    if not user.is_verified:
        user.is_verified = True
        audit.record("account.verified", user, summary=f"{user.email} verified", user_id=user.id)


def request_password_reset(email: str) -> None:
    """Queue `send_password_reset` for any address; the request does the same work either way.

    Whether the account exists is decided in the job, so the page and its timing cannot be used
    to probe for accounts.
    """
    enqueue_after_commit(send_password_reset, email.strip().lower())


def send_password_reset(email: str) -> None:
    """The job: email a reset link if an active account has this address, else nothing."""
    user = find_user_by_email(email)
    if user is None or not user.is_active_account:
        return
    # A worker has no request; a bare one lets url_for build the path.
    with nullcontext() if has_request_context() else current_app.test_request_context():
        link = current_app.config["PUBLIC_BASE_URL"] + url_for(
            "accounts.reset_password", token=make_reset_token(user)
        )
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    send_email(
        user.email, "Reset your password", "emails/reset.txt", user=user, link=link, minutes=minutes
    )


def end_all_sessions(user: User) -> None:
    """Sign the account out of every browser: each earlier session cookie stops working."""
    user.end_all_sessions()


def set_password(user: User, password: str) -> None:
    """A new password (reset or change) also signs out every session that used the old one."""
    user.password_hash = hash_password(password)
    user.end_all_sessions()
    audit.record(
        "account.password_changed",
        user,
        summary=f"{user.email} set a new password",
        user_id=user.id,
    )


def invite_colleague(organisation, email: str, role: str, invited_by: User) -> Invitation:
    """Create an invitation and email its single-use link."""
    email = email.strip().lower()
    existing = find_user_by_email(email)
    if existing is not None and existing.membership_of(organisation.id):
        raise AccountError(f"{email} is already a member of {organisation.name}")
    if pending_invitation(organisation.id, email) is not None:
        raise AccountError(
            f"An invitation to {email} is already waiting. Cancel it first to send a new one"
        )
    token, token_hash = new_invitation_token()
    invitation = Invitation(
        organisation_id=organisation.id,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by_id=invited_by.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    link = current_app.config["PUBLIC_BASE_URL"] + url_for(
        "accounts.accept_invitation", token=token
    )
    send_email(
        email,
        f"Join {organisation.name} on Anchor Portal",
        "emails/invitation.txt",
        organisation=organisation,
        inviter=invited_by,
        link=link,
        days=current_app.config["INVITATION_DAYS"],
    )
    audit.record(
        "member.invited",
        invitation,
        organisation_id=organisation.id,
        summary=f"Invited {email} as {role}",
    )
    return invitation


def pending_invitation(organisation_id: int, email: str) -> Invitation | None:
    """The unused, unexpired invitation to this address (any letter case), if there is one."""
    return db.session.scalar(
        select(Invitation).where(
            Invitation.organisation_id == organisation_id,
            func.lower(Invitation.email) == email.strip().lower(),
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )


def cancel_invitation(invitation: Invitation, cancelled_by: User) -> None:
    """Stop a pending invitation's link working; the row stays, for the audit trail."""
    if invitation.accepted_at is not None or invitation.expires_at <= utcnow():
        raise AccountError("This invitation has already been used or has expired")
    # Expiring it now is what cancelling means: the link is refused like any expired one.
    before = invitation.expires_at.isoformat()
    invitation.expires_at = utcnow()
    audit.record(
        "member.invitation_cancelled",
        invitation,
        organisation_id=invitation.organisation_id,
        summary=f"Cancelled the invitation to {invitation.email}",
        details={"before": {"expires_at": before}, "cancelled_by": cancelled_by.email},
        changes={"expires_at": (before, invitation.expires_at.isoformat())},
    )


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    """An invitation binds to its address: only the account with that email may accept it."""
    return user.email.strip().lower() == invitation.email.strip().lower()


def masked_email(email: str) -> str:
    """`a…@example.org`: enough for the person to recognise the address, not to harvest it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


def find_open_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Add `user` to the invitation's organisation; the invitation cannot be used again."""
    if not invitation_is_for(invitation, user):
        raise AccountError("This invitation was sent to another email address")
    membership = user.membership_of(invitation.organisation_id)
    if membership is None:
        membership = Membership(
            user=user, organisation_id=invitation.organisation_id, role=invitation.role
        )
        db.session.add(membership)
    invitation.accepted_at = utcnow()
    # Accepting an emailed link proves the address, if it is the account's own.
    if user.email == invitation.email:
        user.is_verified = True
    db.session.flush()
    audit.record(
        "member.joined",
        membership,
        organisation_id=invitation.organisation_id,
        summary=f"{user.email} joined as {invitation.role}",
    )
    return membership


def add_member(user: User, organisation_id: int, role: str) -> Membership:
    membership = Membership(user=user, organisation_id=organisation_id, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def _admin_count(organisation_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.organisation_id == organisation_id, Membership.role == ROLE_ADMIN
            )
        )
        or 0
    )


def change_member_role(membership: Membership, role: str) -> None:
    if (
        membership.role == ROLE_ADMIN
        and role != ROLE_ADMIN
        and _admin_count(membership.organisation_id) <= 1
    ):
        raise AccountError("An organisation must keep at least one administrator")
    previous = membership.role
    membership.role = role
    audit.record(
        "member.role_changed",
        membership,
        organisation_id=membership.organisation_id,
        summary=f"{membership.user.email}: {previous} to {role}",
        changes={"role": (previous, role)},
    )


def remove_member(membership: Membership) -> None:
    if membership.role == ROLE_ADMIN and _admin_count(membership.organisation_id) <= 1:
        raise AccountError("An organisation must keep at least one administrator")
    audit.record(
        "member.removed",
        membership,
        organisation_id=membership.organisation_id,
        summary=f"Removed {membership.user.email}",
        changes={"member": (membership.user.email, None), "role": (membership.role, None)},
    )
    db.session.delete(membership)


def set_platform_roles(user: User, *, is_admin: bool, ambition_ids: list[int]) -> None:
    """Grant or revoke platform admin, and set the Ambitions a convenor is scoped to."""
    before = (user.is_platform_admin, sorted(a.id for a in user.convenor_ambitions))
    before_codes = [a.code for a in user.convenor_ambitions]
    user.is_platform_admin = is_admin
    db.session.execute(delete(ConvenorAssignment).where(ConvenorAssignment.user_id == user.id))
    for ambition_id in ambition_ids:
        db.session.add(ConvenorAssignment(user_id=user.id, ambition_id=ambition_id))
    db.session.flush()
    db.session.expire(user, ["convenor_ambitions"])
    codes = [
        a.code for a in db.session.scalars(select(Ambition).where(Ambition.id.in_(ambition_ids)))
    ]
    audit.record(
        "user.roles_changed",
        user,
        summary=f"{user.email}: admin={is_admin}, convenor={codes}",
        details={"before": before, "after": (is_admin, sorted(ambition_ids))},
        changes={
            "platform_admin": (before[0], is_admin),
            "convenor_ambitions": (before_codes, codes),
        },
    )


def set_user_active(user: User, active: bool) -> None:
    """Deactivating an account also ends its sessions, so it is signed out at once."""
    previous = user.is_active_account
    if previous and not active:
        user.end_all_sessions()
    user.is_active_account = active
    audit.record(
        "user.activated" if active else "user.deactivated",
        user,
        summary=user.email,
        changes={"active": (previous, active)},
    )
