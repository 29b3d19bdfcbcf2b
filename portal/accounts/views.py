"""Sign up, sign in and out, email verification, password reset, invitations, account page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import selectinload

from ..core.access import public, signed_in
from ..core.security import is_safe_local_path
from ..extensions import db, limiter, login_manager
from . import services
from .forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignUpForm,
)
from .models import Membership, User
from .tokens import user_for_reset_token, user_id_for_verify_token

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The active user a session (or remember cookie) names, if it is still that user's session.

    The id is "<user id>:<session version>" (`User.get_id`); signing out, a new password and
    deactivation raise the version, so every cookie issued before then stops opening pages.
    """
    user_id, _, version = str(session_id).partition(":")
    user = _user_by_id(user_id)
    if user is None or not user.is_active_account or version != str(user.session_version):
        return None
    return user


def _user_by_id(user_id: object) -> User | None:
    """The user with this id; None for anything that is not an id the database can hold."""
    text = str(user_id)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
        return None
    # Every page reads the person's memberships (the organisation they act for, the banner);
    # loaded with the user, an organisation page then finds its organisation already loaded.
    # The organisations' own wards and networks load only where a page shows them.
    memberships = selectinload(User.memberships).joinedload(Membership.organisation).lazyload("*")
    return db.session.get(User, int(text), options=[memberships])


def _limit(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


def _login_failed(response: Response) -> bool:
    """Only a refused sign-in counts towards the sign-in limits (OWASP: throttle failures)."""
    return bool(g.get("login_failed"))


def _login_account_key() -> str:
    return "sign-in-account:" + (request.form.get("email") or "").strip().lower()


# Keyed on the account, so guessing one person's password stops after a few tries wherever it
# comes from; and on the address with a far higher limit, so a council office behind one address
# is not locked out by a few colleagues' typos while a password-spraying address still is.
_login_account_limit = limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
_login_address_limit = limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
)


@bp.route("/sign-up", methods=["GET", "POST"])
@public
@_limit("SIGNUP_RATE_LIMIT")
def signup() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        # The same page whether or not the address already has an account (its owner is emailed).
        services.sign_up(form.email.data, form.name.data, form.password.data)
        db.session.commit()
        session["pending_verification_email"] = form.email.data.strip().lower()
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/signup.html", form=form)


@bp.get("/check-your-email")
@public
def check_email() -> ResponseReturnValue:
    return render_template(
        "accounts/check_email.html", email=session.get("pending_verification_email")
    )


@bp.post("/resend-verification")
@public
@_limit("RESET_RATE_LIMIT")
def resend_verification() -> ResponseReturnValue:
    email = session.get("pending_verification_email")
    user = services.find_user_by_email(email) if email else None
    if user is not None and not user.is_verified:
        services.send_verification_email(user)
        db.session.commit()
    flash("If that account still needs confirming, we have sent a new link.", "success")
    return redirect(url_for("accounts.check_email"))


@bp.get("/verify/<token>")
@public
def verify_email(token: str) -> ResponseReturnValue:
    found = user_id_for_verify_token(token)
    user = db.session.get(User, found[0]) if found else None
    if found is None or user is None or user.email != found[1]:
        return render_template("accounts/link_invalid.html", what="confirmation"), 400
    services.mark_verified(user)
    db.session.commit()
    flash("Your email address is confirmed. You can now sign in.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@_login_account_limit
@_login_address_limit
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            # One message for every failure, so the form never tells whether an account exists.
            form.email.errors.append("Enter a correct email address and password")
        elif not user.is_verified:
            session["pending_verification_email"] = user.email
            flash("Confirm your email address before signing in. Check your inbox for the link.")
            return redirect(url_for("accounts.check_email"))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            target = request.args.get("next")
            return redirect(
                target if target and is_safe_local_path(target) else _landing_page(user)
            )
    return render_template("accounts/login.html", form=form)


def _landing_page(user: User) -> str:
    """Where a sign-in without `next` goes: the user's organisation home, else their account."""
    if user.memberships:
        return url_for("orgs.home", org_id=user.memberships[0].organisation_id)
    return url_for("accounts.account")


@bp.post("/sign-out")
@public
def logout() -> ResponseReturnValue:
    # POST with CSRF only: a GET would let any page sign a user out with an <img> tag.
    if current_user.is_authenticated:
        # Signing out here signs out everywhere: a copy of this cookie stops working too.
        services.end_all_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("core.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@_limit("RESET_RATE_LIMIT")
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@_limit("RESET_RATE_LIMIT")
def reset_password(token: str) -> ResponseReturnValue:
    user = user_for_reset_token(token, _user_by_id)
    if user is None:
        return render_template("accounts/link_invalid.html", what="password reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        services.mark_verified(user)  # the link arrived at their inbox
        db.session.commit()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> ResponseReturnValue:
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html", what="invitation"), 400
    if current_user.is_authenticated:
        if not services.invitation_is_for(invitation, current_user):
            # Joining with the invited role is for the invited address only.
            return render_template(
                "accounts/accept_invitation.html",
                invitation=invitation,
                form=None,
                wrong_account=services.masked_email(invitation.email),
            ), 403
        if request.method == "POST":
            services.accept_invitation(invitation, current_user)
            db.session.commit()
            session["current_org_id"] = invitation.organisation_id
            flash(f"You have joined {invitation.organisation.name}.", "success")
            return redirect(url_for("orgs.home", org_id=invitation.organisation_id))
        return render_template("accounts/accept_invitation.html", invitation=invitation, form=None)
    if services.find_user_by_email(invitation.email) is not None:
        flash("Sign in to accept the invitation.")
        return redirect(url_for("accounts.login", next=request.path))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = services.create_user(invitation.email, form.name.data, form.password.data)
        services.accept_invitation(invitation, user)
        db.session.commit()
        login_user(user)
        session["current_org_id"] = invitation.organisation_id
        flash(
            f"Your account is ready and you have joined {invitation.organisation.name}.", "success"
        )
        return redirect(url_for("orgs.home", org_id=invitation.organisation_id))
    return render_template("accounts/accept_invitation.html", invitation=invitation, form=form)


@bp.get("/account")
@signed_in
def account() -> ResponseReturnValue:
    return render_template("accounts/account.html")


@bp.post("/account/switch-organisation")
@signed_in
def switch_organisation() -> ResponseReturnValue:
    try:
        org_id = int(request.form.get("org_id", ""))
    except ValueError:
        abort(400)
    if current_user.membership_of(org_id) is None:
        abort(403, "You are not a member of that organisation.")
    session["current_org_id"] = org_id
    flash(
        "You are now acting for " + current_user.membership_of(org_id).organisation.name + ".",
        "success",
    )
    return redirect(url_for("orgs.home", org_id=org_id))
