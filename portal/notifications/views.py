"""Email choices: the settings page for signed-in people, and the page the signed link in
every notification email opens (no sign-in: the token names the person and the kind)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..core.access import public, signed_in
from ..extensions import db
from . import services
from .forms import PreferencesForm, choice_form
from .kinds import CHOICE_LABELS
from .tokens import read_choice_token

bp = Blueprint("notifications", __name__)


@bp.route("/account/email-choices", methods=["GET", "POST"])
@signed_in
def settings() -> ResponseReturnValue:
    current = services.choices_for(current_user.id)
    form = PreferencesForm(data=current)
    if form.validate_on_submit():
        changed = [
            kind
            for kind, choice in form.chosen().items()
            if services.set_choice(current_user.id, kind, choice)
        ]
        db.session.commit()
        flash(
            "Your email choices are saved." if changed else "Your email choices are unchanged.",
            "success",
        )
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)


@bp.route("/email-choices/<token>", methods=["GET", "POST"])
@public
def choose(token: str) -> ResponseReturnValue:
    found = read_choice_token(token)
    if found is None:
        return render_template("notifications/link_invalid.html"), 400
    user, kind = found
    current = services.choice_for(user.id, kind.code)
    form = choice_form(kind, data={"choice": current})
    if form.validate_on_submit():
        services.set_choice(user.id, kind.code, form.choice.data)
        db.session.commit()
        flash(f"Saved: {kind.label}: {CHOICE_LABELS[form.choice.data].lower()}.", "success")
        return redirect(url_for("notifications.choose", token=token))
    return render_template(
        "notifications/choose.html",
        form=form,
        kind=kind,
        person=user,
        current_label=CHOICE_LABELS[current],
    )
