"""Forms of initiatives, with messages written for the person filling them in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Field, StringField, SubmitField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from ..core.forms import GovDateField, MoneyField, QuantityField, strip_text
from . import rollup
from .services import ContributionValues


class UpdateForm(FlaskForm):
    body = TextAreaField(
        "What progress has your organisation made?",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Every partner organisation can read it.",
        validators=[
            DataRequired("Enter your progress update"),
            Length(max=3000, message="Enter an update of 3,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Post the update", widget=GovSubmitInput())


class ContributionForm(FlaskForm):
    period_start = GovDateField(
        "Start of the period",
        description="For example, 1 4 2026",
        validators=[InputRequired("Enter the date the period starts")],
        what="The start of the period",
    )
    period_end = GovDateField(
        "End of the period",
        description="For example, 30 6 2026",
        validators=[InputRequired("Enter the date the period ends")],
        what="The end of the period",
    )
    volunteer_hours = QuantityField(
        "Volunteer hours",
        what="Volunteer hours",
        example="12.5",
        description="Hours your organisation's staff or volunteers gave, for example 12.5",
        validators=[Optional()],
    )
    money = MoneyField(
        "Money (£)",
        what="Money",
        example="250.00",
        description="Pounds and pence your organisation put in, for example 250.00",
        validators=[Optional()],
    )
    people_reached = StringField(
        "People reached",
        widget=GovTextInput(),
        filters=[strip_text],
        description="People your organisation's part reached, for example 40",
        validators=[
            Optional(),
            Regexp(r"^\d{1,9}$", message="Enter people reached as a whole number, like 40"),
        ],
    )
    note = TextAreaField(
        "What did this cover? (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Optional(), Length(max=1000, message="Enter 1,000 characters or fewer")],
    )
    submit = SubmitField("Save the contribution", widget=GovSubmitInput())

    def validate_period_end(self, field: Field) -> None:
        start = self.period_start.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError("The end of the period must be on or after its start")
        if field.data is not None and field.data > date.today() + timedelta(days=366):
            raise ValidationError("The end of the period must be within a year from today")

    def validate_volunteer_hours(self, field: Field) -> None:
        if field.data is None:
            return
        if field.data < 0:
            raise ValidationError("Volunteer hours cannot be negative")
        if field.data != field.data.quantize(Decimal("0.1")):
            raise ValidationError("Volunteer hours can have at most 1 decimal place, like 12.5")
        if field.data > rollup.MAX_HOURS:
            raise ValidationError("Volunteer hours must be 1,000,000 or fewer")

    def validate_money(self, field: Field) -> None:
        if field.data is not None and field.data > rollup.MAX_MONEY:
            raise ValidationError("Money must be £100,000,000 or less")

    def validate_people_reached(self, field: Field) -> None:
        if field.data and field.data.isdigit() and int(field.data) > rollup.MAX_PEOPLE:
            raise ValidationError("People reached must be 10,000,000 or fewer")

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        people = self.people_reached.data
        if valid and not (self.volunteer_hours.data or self.money.data or (people and int(people))):
            self.volunteer_hours.errors.append(
                "Enter at least one of volunteer hours, money or people reached"
            )
            return False
        return valid

    def values(self) -> ContributionValues:
        assert self.period_start.data is not None and self.period_end.data is not None
        return ContributionValues(
            period_start=self.period_start.data,
            period_end=self.period_end.data,
            volunteer_hours=self.volunteer_hours.data or Decimal(0),
            money=self.money.data or Decimal(0),
            people_reached=int(self.people_reached.data or 0),
            note=self.note.data or "",
        )


class CorrectionForm(ContributionForm):
    reason = TextAreaField(
        "Why are you correcting it?",
        widget=GovTextArea(),
        filters=[strip_text],
        description="The original stays in the history with your reason.",
        validators=[
            DataRequired("Enter why you are correcting the contribution"),
            Length(max=500, message="Enter a reason of 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Save the correction", widget=GovSubmitInput())
