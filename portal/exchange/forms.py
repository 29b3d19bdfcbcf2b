"""Exchange forms: listings, browsing, interest, delivery, messages and moderation."""

from __future__ import annotations

from typing import Any

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
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import (
    AreaFields,
    GovDateField,
    MultiCheckboxField,
    QuantityField,
    RadioChoiceField,
    int_or_none,
    strip_text,
)
from ..core.locking import VersionedForm
from ..core.models import utcnow
from ..orgs.models import ORGANISATION_KINDS
from .listings import SORTS
from .models import RESOURCE_TYPES, SIDE_OFFER, URGENCIES


class ListingForm(AreaFields, VersionedForm):
    """An offer or a request; `side` removes the fields that belong to the other side."""

    area_missing = "Choose at least one ward, or tick 'across the whole city'"

    resource_type = RadioChoiceField(
        "What kind of resource is it?",
        choices=list(RESOURCE_TYPES.items()),
        validators=[InputRequired(message="Choose what kind of resource it is")],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="A short summary, for example 'Meeting room for 20 people on weekday evenings'",
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter a title"),
            Length(min=5, max=120, message="Title must be between 5 and 120 characters"),
        ],
    )
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        description="What it is, who it is for and anything the other side needs to know.",
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter a description"),
            Length(max=3000, message="Description must be 3,000 characters or fewer"),
        ],
    )
    quantity = QuantityField(
        "Quantity (optional)",
        what="Quantity",
        example="40",
        positive=True,
        description="A number, for example 40 (hours), 12 (laptops) or 500 (£)",
        validators=[Optional()],
    )
    unit = StringField(
        "Unit (optional)",
        widget=GovTextInput(),
        description="For example hours, laptops, sessions or £",
        filters=[strip_text],
        validators=[Optional(), Length(max=40, message="Unit must be 40 characters or fewer")],
    )
    citywide = BooleanField("Available across the whole city", widget=GovCheckboxInput())
    wards = MultiCheckboxField(
        "Wards", description="Choose the wards it serves, or tick 'across the whole city' above."
    )
    ambitions = MultiCheckboxField(
        "Which Ambitions does it support? (optional)",
        validators=[Optional()],
    )
    # No Optional() on the dates: it would clear the message for a date typed without its day
    # ("4 2027") and drop it silently. A date left wholly blank is simply not given.
    available_from = GovDateField(
        "Available from (optional)", what="Available from", description="For example, 1 3 2027"
    )
    available_until = GovDateField(
        "Available until (optional)", what="Available until", description="For example, 31 5 2027"
    )
    needed_by = GovDateField(
        "Needed by (optional)", what="Needed by", description="For example, 30 4 2027"
    )
    urgency = RadioChoiceField(
        "How urgent is it?",
        choices=list(URGENCIES.items()),
        validators=[InputRequired(message="Choose how urgent it is")],
    )
    submit = SubmitField("Publish", widget=GovSubmitInput())

    def __init__(self, *args: Any, side: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.side = side
        if side == SIDE_OFFER:
            del self.needed_by
            del self.urgency
        else:
            del self.available_from
            del self.available_until

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here because the unit's Optional() stops its own validators when it is blank.
        if self.quantity.data is not None and not self.unit.data:
            self.unit.errors = [
                *self.unit.errors,
                "Enter the unit of the quantity, for example hours",
            ]
            return False
        return valid

    def validate_available_until(self, field: GovDateField) -> None:
        if field.data and field.data < utcnow().date():
            raise ValidationError("'Available until' must be today or in the future")
        start = self.available_from.data
        if field.data and start and field.data < start:
            raise ValidationError("'Available until' must be the same as or after 'available from'")

    def validate_needed_by(self, field: GovDateField) -> None:
        # A request needed by a date already gone would be published open and suggested.
        if field.data and field.data < utcnow().date():
            raise ValidationError("'Needed by' must be today or in the future")


class BrowseForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(
        "Search",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")],
    )
    side = SelectField(
        "Offers or requests",
        widget=GovSelect(),
        choices=[("", "Offers and requests"), ("offer", "Offers"), ("request", "Requests")],
        validators=[Optional()],
    )
    resource_type = SelectField(
        "Type",
        widget=GovSelect(),
        choices=[("", "All types")] + list(RESOURCE_TYPES.items()),
        validators=[Optional()],
    )
    ward = SelectField("Ward", widget=GovSelect(), coerce=int_or_none, validators=[Optional()])
    ambition = SelectField(
        "Ambition", widget=GovSelect(), coerce=int_or_none, validators=[Optional()]
    )
    kind = SelectField(
        "Organisation kind",
        widget=GovSelect(),
        choices=[("", "All kinds")] + list(ORGANISATION_KINDS.items()),
        validators=[Optional()],
    )
    sort = SelectField(
        "Sort by", widget=GovSelect(), choices=list(SORTS.items()), validators=[Optional()]
    )
    submit = SubmitField("Search", widget=GovSubmitInput())


class InterestForm(FlaskForm):
    own_listing = RadioChoiceField(
        "Which of your listings is this about?",
        coerce=int_or_none,
        validators=[InputRequired(message="Choose one of your listings")],
    )
    committed_quantity = QuantityField(
        "How much can be given? (optional)",
        what="The amount that can be given",
        example="10",
        positive=True,
        description="In the request's unit, for example 10 (hours). Leave blank if not known yet.",
        validators=[Optional()],
    )
    note = TextAreaField(
        "Message to the other organisation",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Write a short message to the other organisation"),
            Length(max=2000, message="Message must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Express interest", widget=GovSubmitInput())


class DeliverForm(FlaskForm):
    quantity = QuantityField(
        "How much was delivered?",
        what="The amount delivered",
        example="12",
        positive=True,
        description="The actual amount, for example 12 (hours), 5 (laptops) or 750 (£)",
        validators=[InputRequired(message="Enter how much was delivered, for example 12")],
    )
    unit = StringField(
        "Unit",
        widget=GovTextInput(),
        description="For example hours, laptops or £",
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the unit, for example hours"),
            Length(max=40, message="Unit must be 40 characters or fewer"),
        ],
    )
    more_than_agreed = BooleanField(
        "I delivered more than agreed",
        widget=GovCheckboxInput(),
        description="Tick this only if more was given than the amount agreed.",
    )
    submit = SubmitField("Mark as delivered", widget=GovSubmitInput())


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Your message",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Write your message"),
            Length(max=2000, message="Message must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send message", widget=GovSubmitInput())


class ReportForm(FlaskForm):
    reason = TextAreaField(
        "What is wrong with this listing?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Tell us what is wrong with this listing"),
            Length(max=1000, message="Your report must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send report", widget=GovSubmitInput())


class HideForm(FlaskForm):
    reason = StringField(
        "Why is it being hidden?",
        widget=GovTextInput(),
        description="The listing's organisation sees this reason.",
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter why the listing is being hidden"),
            Length(max=300, message="Reason must be 300 characters or fewer"),
        ],
    )
    submit = SubmitField("Hide listing", widget=GovSubmitInput())


class ImpactFilterForm(FlaskForm):
    """The impact page's GET filters; the insights dashboards link here with theirs."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    period = SelectField("Period", widget=GovSelect(), validate_choice=False)
    ward = SelectField("Ward", widget=GovSelect(), coerce=int_or_none, validate_choice=False)
    network = SelectField(
        "Offering organisation's network",
        widget=GovSelect(),
        coerce=int_or_none,
        validate_choice=False,
    )
    org_kind = SelectField(
        "Offering organisation's kind",
        widget=GovSelect(),
        choices=[("", "All kinds"), *ORGANISATION_KINDS.items()],
        validate_choice=False,
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())


# The award years the open data filter accepts: any the exchange could have delivered in.
FIRST_AWARD_YEAR, LAST_AWARD_YEAR = 2000, 2100


class OpenDataFilterForm(FlaskForm):
    """The 360Giving files' GET filters: an award year and a ward (both optional)."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    year = SelectField("Year awarded", widget=GovSelect(), validate_choice=False)
    ward = SelectField("Ward the funding went to", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def validate_year(self, field: SelectField) -> None:
        value = (field.data or "").strip()
        if value and not (value.isdigit() and FIRST_AWARD_YEAR <= int(value) <= LAST_AWARD_YEAR):
            raise ValidationError("Choose a year from the list, for example 2026")

    def validate_ward(self, field: SelectField) -> None:
        value = (field.data or "").strip()
        known = {str(choice[0]) for choice in field.choices or []}
        if value and value not in known:
            raise ValidationError("Choose a ward from the list")

    @property
    def chosen_year(self) -> int | None:
        return int(self.year.data) if self.year.data else None

    @property
    def chosen_ward(self) -> int | None:
        return int(self.ward.data) if self.ward.data else None
