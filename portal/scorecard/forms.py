"""Scorecard forms: recording a value, uploading a CSV of values or of ward deprivation figures."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from ..core.forms import CHOICE_MESSAGE, strip_text
from .csv_import import MAX_IMPORT_BYTES
from .periods import Period, period_error
from .values import ValidRange, parse_value

MAX_IMPORT_MB = MAX_IMPORT_BYTES // (1024 * 1024)


class ValueForm(FlaskForm):
    """One value of an indicator; `frequency` and `unit` come from the indicator."""

    period = StringField(
        "Period",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[InputRequired(message="Enter the period, for example 2025")],
    )
    category = SelectField("Category", widget=GovSelect(), validate_choice=False)
    value = StringField(
        "Value",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[InputRequired(message="Enter the value, for example 42.5")],
    )
    source = StringField(
        "Source",
        widget=GovTextInput(),
        filters=[strip_text],
        description="Where the figure comes from, for example ONS Annual Population Survey",
        validators=[Length(max=200, message="Source must be 200 characters or fewer")],
    )
    notes = TextAreaField(
        "Notes (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=2000, message="Notes must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save value", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        frequency: str = "year",
        unit: str = "",
        valid: ValidRange | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.frequency = frequency
        self.unit = unit
        self.valid = valid
        self.parsed_period: Period | None = None
        self.parsed_value: float | None = None
        example = "2025" if frequency == "year" else "2025 Q2"
        self.period.description = f"For example {example}"

    def validate_period(self, field: StringField) -> None:
        self.parsed_period, message = period_error(field.data, self.frequency)
        if message:
            raise ValidationError(message)

    def validate_value(self, field: StringField) -> None:
        self.parsed_value, message = parse_value(field.data or "", self.unit, self.valid)
        if message:
            raise ValidationError(message)

    def validate_category(self, field: SelectField) -> None:
        valid = {value for value, _ in field.choices or []}
        if field.data not in valid:
            raise ValidationError(CHOICE_MESSAGE)


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description=f"A CSV file saved as UTF-8, smaller than {MAX_IMPORT_MB} MB",
    )
    submit = SubmitField("Upload and check", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a CSV file to upload")
        if not field.data.filename.lower().endswith((".csv", ".txt")):
            raise ValidationError("The file must be a CSV file")
