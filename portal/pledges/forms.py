"""Pledge, progress report, proxy and filter forms, with messages written for the person."""

from __future__ import annotations

import re
from datetime import date
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
    Field,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from ..core.forms import (
    AreaFields,
    GovDateField,
    MoneyField,
    MultiCheckboxField,
    QuantityField,
    RadioChoiceField,
    SelectChoiceField,
    int_or_none,
    strip_text,
)
from ..core.goals import GoalInfo, stray_goals
from ..core.locking import VersionedForm
from ..core.models import utcnow
from ..core.templating import format_date
from ..orgs.models import ORGANISATION_KINDS
from .models import SocialValueMeasure

URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$")


class DateRequired:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()
        if field.data is None:
            field.errors[:] = []
            raise StopValidation(self.message)


class NumberRequired:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()
        if field.data is None:
            field.errors[:] = []
            raise StopValidation(self.message)


def _check_whole(field: QuantityField, measure: SocialValueMeasure) -> None:
    if measure.whole_number and field.data is not None and field.data != field.data.to_integral():
        field.errors.append(
            f"Enter a whole number of {measure.unit_label} for {field.label.text.lower()}, "
            "for example 12"
        )


def promise_fields(
    *, baseline: str = "", target: str = ""
) -> tuple[QuantityField, QuantityField, GovDateField, GovDateField]:
    """The baseline, target, start and end date fields of a promise (a pledge or a revision)."""
    return (
        QuantityField(
            "Baseline",
            description=baseline,
            example="0",
            validators=[NumberRequired("Enter the baseline, for example 0")],
        ),
        QuantityField(
            "Target",
            description=target,
            example="40",
            validators=[NumberRequired("Enter the target, for example 40")],
        ),
        GovDateField(
            "Start date",
            description="For example, 1 4 2026",
            validators=[DateRequired("Enter the start date")],
        ),
        GovDateField(
            "End date",
            description="For example, 31 3 2027",
            validators=[DateRequired("Enter the end date")],
        ),
    )


def check_promise(form: Any, measure: SocialValueMeasure | None) -> None:
    """The rules a promise's fields share: amounts not negative, whole where the measure counts
    whole units, a target beyond the baseline in the measure's direction, dates in order."""
    baseline, target = form.baseline.data, form.target.data
    for field in (form.baseline, form.target):
        if field.data is not None and field.data < 0:
            field.errors.append(f"{field.label.text} cannot be negative")
        elif measure is not None:
            _check_whole(field, measure)
    checked = not form.baseline.errors and not form.target.errors
    if measure and baseline is not None and target is not None and checked:
        if measure.decreases and target >= baseline:
            form.target.errors.append(
                "Target must be lower than the baseline: this measure counts a reduction"
            )
        elif not measure.decreases and target <= baseline:
            form.target.errors.append(
                "Target must be more than the baseline: this measure counts an increase"
            )
    start, end = form.start_date.data, form.end_date.data
    if start and end and not form.end_date.errors:
        if end <= start:
            form.end_date.errors.append("End date must be after the start date")
        elif (end - start).days > 366 * 10:
            form.end_date.errors.append("End date must be within 10 years of the start date")


class PledgeForm(AreaFields, VersionedForm):
    area_missing = "Choose at least one ward, or say that the pledge is citywide"

    title = StringField(
        "Pledge title",
        widget=GovTextInput(),
        description="For example, 40 apprenticeships for young people in east Leeds",
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter a title for the pledge"),
            Length(min=5, max=160, message="Title must be between 5 and 160 characters"),
        ],
    )
    description = TextAreaField(
        "What will you do?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Describe what you will do"),
            Length(max=3000, message="Description must be 3,000 characters or fewer"),
        ],
    )
    measure = SelectChoiceField(
        "How will you measure it?",
        coerce=int_or_none,
        missing="Choose a measure from the list",
        description="The catalogue sets the unit and counting rules. See how we calculate.",
    )
    principles = MultiCheckboxField("Which charter principles does it serve?")
    baseline, target, start_date, end_date = promise_fields(
        baseline="Where you are at the start, in the measure's unit. Enter 0 if starting "
        "from nothing.",
        target="Where you will be by the end date, in the measure's unit.",
    )
    citywide = BooleanField("This pledge benefits the whole city", widget=GovCheckboxInput())
    wards = MultiCheckboxField(
        "Wards that benefit", description="Choose every ward, or tick citywide above."
    )
    ambitions = MultiCheckboxField("Which Ambitions does it support?")
    goals = MultiCheckboxField("Which goals does it support? (optional)")
    visibility = RadioChoiceField(
        "Who can see this pledge?",
        choices=[
            ("public", "Everyone: show it on the public pledge wall"),
            ("private", "Only members of our organisation"),
        ],
        validators=[InputRequired(message="Choose who can see this pledge")],
    )
    submit = SubmitField("Save pledge", widget=GovSubmitInput())

    def __init__(self, *args: Any, measures: dict[int, SocialValueMeasure], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.measures = measures
        # Set by the view: the goals offered and the Ambitions' names, for the goal rule.
        self.goal_infos: dict[int, GoalInfo] = {}
        self.ambition_names: dict[int, str] = {}

    def validate_principles(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one charter principle")

    def validate_ambitions(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one Ambition")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        check_promise(self, self.measures.get(self.measure.data))
        if not self.goals.errors and not self.ambitions.errors:
            goals = [self.goal_infos[g] for g in self.goals.data or [] if g in self.goal_infos]
            self.goals.errors.extend(
                stray_goals(self.ambitions.data or [], goals, self.ambition_names)
            )
        return valid and not any(self.errors.values())


class ProgressUpdateForm(FlaskForm):
    period_start = GovDateField(
        "Period start",
        description="The first day this report covers, for example 1 1 2026",
        validators=[DateRequired("Enter the first day of the period")],
    )
    period_end = GovDateField(
        "Period end",
        description="The last day this report covers, for example 31 3 2026",
        validators=[DateRequired("Enter the last day of the period")],
    )
    value = QuantityField(
        "Amount delivered in the period",
        example="12",
        validators=[NumberRequired("Enter the amount delivered in the period, for example 12")],
    )
    note = TextAreaField(
        "What happened? (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Optional(), Length(max=2000, message="Note must be 2,000 characters or fewer")],
    )
    evidence_url = StringField(
        "Link to evidence (optional)",
        widget=GovTextInput(),
        description="A web page, report or photo album, starting with https://",
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=300, message="Evidence link must be 300 characters or fewer"),
        ],
    )
    submit = SubmitField("Save progress report", widget=GovSubmitInput())

    def __init__(self, *args: Any, pledge: Any, replacing: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        # The report a correction supersedes: its own period may be reused.
        self.replacing = replacing

    def validate_evidence_url(self, field: StringField) -> None:
        if field.data and not URL_PATTERN.match(field.data):
            raise ValidationError(
                "Enter a link starting with https://, like https://www.example.org/report"
            )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        measure = self.pledge.measure
        if self.value.data is not None:
            if self.value.data < 0:
                self.value.errors.append(
                    "Amount delivered cannot be negative. Report what was delivered in the period"
                )
            else:
                _check_whole(self.value, measure)
        start, end = self.period_start.data, self.period_end.data
        if start and end and not self.period_end.errors:
            if end < start:
                self.period_end.errors.append("Period end must be the same as or after its start")
            elif end > utcnow().date():
                self.period_end.errors.append("Period end cannot be in the future")
            elif end < self.pledge.start_date:
                self.period_end.errors.append(
                    "Period end must be on or after the pledge's start date"
                )
            else:
                self._check_overlap(start, end)
        return valid and not any(self.errors.values())

    def _check_overlap(self, start: date, end: date) -> None:
        # Two reports covering the same days would count the same delivery twice.
        for other in self.pledge.current_updates:
            if other is self.replacing:
                continue
            if other.period_start <= end and start <= other.period_end:
                self.period_start.errors.append(
                    f"This period overlaps the report for {format_date(other.period_start)} to "
                    f"{format_date(other.period_end)}. Correct that report instead of "
                    "reporting the same days again"
                )
                return


def reason_field(label: str, description: str, required_message: str) -> TextAreaField:
    """The reason every audited change to a reported figure asks for (500 characters at most)."""
    return TextAreaField(
        label,
        description=description,
        validators=[
            InputRequired(message=required_message),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
        widget=GovTextArea(),
        filters=[strip_text],
    )


class CorrectionForm(VersionedForm, ProgressUpdateForm):
    reason = reason_field(
        "Why are you correcting this report?",
        "For example, the hours were counted twice",
        "Enter why you are correcting this report",
    )
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class WithdrawReportForm(VersionedForm):
    reason = reason_field(
        "Why are you withdrawing this report?",
        "For example, it was posted twice",
        "Enter why you are withdrawing this report",
    )
    submit = SubmitField("Withdraw report", widget=GovSubmitInput())


class RevisionForm(VersionedForm):
    """Revise the promise of a pledge that has progress reported: the same rules, and a reason."""

    baseline, target, start_date, end_date = promise_fields()
    reason = reason_field(
        "Why are you revising the promise?",
        "This is shown on the pledge page beside the revision",
        "Enter why you are revising the promise",
    )
    submit = SubmitField("Revise the promise", widget=GovSubmitInput())

    def __init__(self, *args: Any, pledge: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        check_promise(self, self.pledge.measure)
        start, reports = self.start_date.data, self.pledge.current_updates
        if start and not self.start_date.errors and reports:
            first = min(u.period_start for u in reports)
            if start > first:
                self.start_date.errors.append(
                    f"Start date must be on or before {format_date(first)}, the start of the "
                    "first progress report"
                )
        if valid and not any(self.errors.values()):
            unchanged = all(
                getattr(self, name).data == getattr(self.pledge, name)
                for name in ("baseline", "target", "start_date", "end_date")
            )
            if unchanged:
                self.target.errors.append(
                    "Change the baseline, target or dates to revise the promise"
                )
        return valid and not any(self.errors.values())


class ProxyValueForm(FlaskForm):
    year = StringField(
        "Year",
        widget=GovTextInput(),
        description="The value applies from this year until a later year's value replaces it.",
        filters=[strip_text],
        validators=[InputRequired(message="Enter the year, for example 2027")],
    )
    value = MoneyField(
        "£ per unit",
        example="19.19",
        validators=[NumberRequired("Enter the £ value per unit, for example 19.19")],
    )
    source = StringField(
        "Public source",
        widget=GovTextInput(),
        description="The publication and year the figure comes from",
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter the public source of the value"),
            Length(max=300, message="Source must be 300 characters or fewer"),
        ],
    )
    method = TextAreaField(
        "How the value was worked out (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Optional(), Length(max=500, message="Method must be 500 characters or fewer")],
    )
    submit = SubmitField("Save proxy value", widget=GovSubmitInput())

    def validate_year(self, field: StringField) -> None:
        if not (field.data or "").isdigit() or not 2000 <= int(field.data) <= 2100:
            raise ValidationError("Enter a year between 2000 and 2100, for example 2027")


class WallFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    ambition = SelectField(
        "Ambition", widget=GovSelect(), coerce=int_or_none, validators=[Optional()]
    )
    principle = SelectField(
        "Charter principle", widget=GovSelect(), coerce=int_or_none, validators=[Optional()]
    )
    kind = SelectField(
        "Organisation kind",
        widget=GovSelect(),
        choices=[("", "All kinds"), *ORGANISATION_KINDS.items()],
        validators=[Optional()],
    )
    ward = SelectField("Ward", widget=GovSelect(), coerce=int_or_none, validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())


class LinkExchangeForm(FlaskForm):
    match = RadioChoiceField(
        "Which delivered exchange counts towards this pledge?",
        coerce=int_or_none,
        validators=[InputRequired(message="Choose a delivered exchange")],
    )
    quantity = QuantityField(
        "How much of it counts, in the pledge's unit?",
        example="12",
        validators=[NumberRequired("Enter how much of the exchange counts, for example 12")],
    )
    submit = SubmitField("Count it towards this pledge", widget=GovSubmitInput())

    def __init__(self, *args: Any, measure: SocialValueMeasure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure_for_units = measure

    def validate_quantity(self, field: QuantityField) -> None:
        if field.data is None:
            return
        if field.data <= 0:
            raise ValidationError("Enter an amount greater than 0")
        measure = self.measure_for_units
        if measure.whole_number and field.data != field.data.to_integral():
            raise ValidationError(f"Enter a whole number of {measure.unit_label}, for example 12")


class PrepareExportForm(FlaskForm):
    """Only the CSRF token: the wall's filters travel in the query string."""
