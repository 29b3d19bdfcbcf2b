"""Platform administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..core.forms import MultiCheckboxField


class UserRolesForm(FlaskForm):
    is_platform_admin = BooleanField("Platform administrator", widget=GovCheckboxInput())
    is_active_account = BooleanField(
        "Account is active (untick to stop this person signing in)", widget=GovCheckboxInput()
    )
    convenor_ambitions = MultiCheckboxField(
        "Convenor for these Ambitions",
        description="Convenors see aggregated activity for their Ambitions.",
    )
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        "Search",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")],
    )
    submit = SubmitField("Search", widget=GovSubmitInput())


class WardCodeForm(FlaskForm):
    ons_code = StringField(
        "ONS ward code",
        widget=GovTextInput(),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[
            InputRequired(message="Enter the ward's ONS code"),
            Regexp(r"^E05\d{6}$", message="Enter an ONS ward code like E05011394"),
        ],
    )
    submit = SubmitField("Save code", widget=GovSubmitInput())
