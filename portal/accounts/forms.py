"""Account forms. Every field carries the message a person needs to put it right."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from ..core.forms import email_field
from .passwords import MAX_PASSWORD_LENGTH, password_problem


class NewPasswordMixin:
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words make a good password.",
        validators=[InputRequired(message="Enter a password")],
    )
    confirm_password = PasswordField(
        "Confirm your password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your password"),
            EqualTo("password", message="The passwords you entered do not match"),
        ],
    )

    def validate_password(self, field: PasswordField) -> None:
        email = getattr(getattr(self, "email", None), "data", "") or ""
        problem = password_problem(field.data or "", email=email)
        if problem:
            raise ValidationError(problem)


class SignUpForm(NewPasswordMixin, FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = email_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your password"),
            Length(max=MAX_PASSWORD_LENGTH, message="Enter your password"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    """For an invited person who has no account yet."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    submit = SubmitField("Create account and join", widget=GovSubmitInput())
