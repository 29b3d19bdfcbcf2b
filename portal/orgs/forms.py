"""Organisation forms."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..accounts.models import ROLE_ADMIN, ROLE_MEMBER
from ..core.forms import (
    AreaFields,
    MultiCheckboxField,
    RadioChoiceField,
    SelectChoiceField,
    email_field,
    strip_text,
)
from ..core.locking import VersionedForm
from .models import ORGANISATION_KINDS, SIZE_BANDS

# Charity Commission for England and Wales numbers are 6 to 8 digits; Scottish (SC) and Northern
# Irish (NIC / 1000...) registers have their own prefixes, accepted here too.
CHARITY_NUMBER = re.compile(r"^(\d{6,8}|SC\d{6}|NIC?\d{5,6})$")
# Companies House numbers: 8 characters, digits or a two-letter prefix (SC, NI, OC) + 6 digits.
COMPANY_NUMBER = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")


def _upper_strip(value: str | None) -> str | None:
    return value.strip().upper().replace(" ", "") if isinstance(value, str) else value


class OrganisationForm(AreaFields, VersionedForm):
    area_missing = "Choose at least one ward, or say that the organisation works citywide"

    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter the organisation's name"),
            Length(
                min=2, max=160, message="Organisation name must be between 2 and 160 characters"
            ),
        ],
    )
    kind = RadioChoiceField(
        "What kind of organisation is it?",
        choices=list(ORGANISATION_KINDS.items()),
        validators=[InputRequired(message="Choose what kind of organisation it is")],
    )
    charity_number = StringField(
        "Registered charity number (optional)",
        widget=GovTextInput(),
        description="For example, 1234567",
        filters=[_upper_strip],
        validators=[Optional()],
    )
    company_number = StringField(
        "Companies House number (optional)",
        widget=GovTextInput(),
        description="8 characters, for example 01234567 or SC123456",
        filters=[_upper_strip],
        validators=[Optional()],
    )
    website = URLField(
        "Website (optional)",
        widget=GovTextInput(),
        description="For example, https://www.example.org",
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=300, message="Website address must be 300 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "What does the organisation do?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Describe what the organisation does"),
            Length(max=3000, message="Description must be 3,000 characters or fewer"),
        ],
    )
    size_band = SelectChoiceField(
        "Size",
        choices=[("", "Choose a size")] + list(SIZE_BANDS.items()),
        validators=[InputRequired(message="Choose the organisation's size")],
    )
    citywide = BooleanField(
        "The organisation works across the whole city", widget=GovCheckboxInput()
    )
    wards = MultiCheckboxField(
        "Wards served", description="Choose every ward where you work, or tick citywide above."
    )
    submit = SubmitField("Save organisation", widget=GovSubmitInput())

    def validate_charity_number(self, field: StringField) -> None:
        if field.data and not CHARITY_NUMBER.match(field.data):
            raise ValidationError("Enter a charity number in the correct format, like 1234567")

    def validate_company_number(self, field: StringField) -> None:
        if field.data and not COMPANY_NUMBER.match(field.data):
            raise ValidationError(
                "Enter a company number of 8 characters, like 01234567 or SC123456"
            )

    def validate_website(self, field: URLField) -> None:
        if field.data and not re.match(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$", field.data):
            raise ValidationError(
                "Enter a website address starting with https://, like https://www.example.org"
            )


class NetworkRequestForm(FlaskForm):
    network = RadioChoiceField(
        "Which network do you want to join?",
        coerce=int,
        validators=[InputRequired(message="Choose a network")],
    )
    submit = SubmitField("Ask to join", widget=GovSubmitInput())


class DirectoryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(
        "Search by name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")],
    )
    kind = SelectField(
        "Kind",
        widget=GovSelect(),
        choices=[("", "All kinds")] + list(ORGANISATION_KINDS.items()),
        validators=[Optional()],
    )
    ward = SelectField(
        "Ward",
        widget=GovSelect(),
        coerce=lambda v: int(v) if v not in (None, "") else None,
        validators=[Optional()],
    )
    network = SelectField(
        "Network",
        widget=GovSelect(),
        coerce=lambda v: int(v) if v not in (None, "") else None,
        validators=[Optional()],
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    email = email_field("Colleague's email address", missing="Enter your colleague's email address")
    role = RadioChoiceField(
        "Role",
        choices=[
            (ROLE_MEMBER, "Member: can edit the organisation's assessments, pledges and listings"),
            (ROLE_ADMIN, "Administrator: can also manage members and the organisation's profile"),
        ],
        default=ROLE_MEMBER,
        validators=[InputRequired(message="Choose a role")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class MemberRoleForm(FlaskForm):
    role = RadioChoiceField(
        "Role",
        choices=[(ROLE_MEMBER, "Member"), (ROLE_ADMIN, "Administrator")],
        validators=[InputRequired(message="Choose a role")],
    )
    submit = SubmitField("Save role", widget=GovSubmitInput())
