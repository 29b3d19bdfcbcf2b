"""Forms of the State of the City report, with messages written for the person."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, StringField, SubmitField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from ..core.forms import strip_text

MAX_NARRATIVE = 6000
URL_PATTERN = re.compile(r"^(https?://[^\s]+|/[^\s]*)$")


class GenerateForm(FlaskForm):
    year = StringField(
        "Year",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the year of the report, for example 2026"),
            Regexp(r"^\d{4}$", message="Enter the year as 4 digits, for example 2026"),
        ],
    )
    submit = SubmitField("Generate the report", widget=GovSubmitInput())

    def validate_year(self, field: Field) -> None:
        # Only a 4-digit year reaches the range check (the pattern reports anything else).
        if field.data.isdigit() and not 2000 <= int(field.data) <= 2100:
            raise ValidationError("Enter a year between 2000 and 2100, for example 2026")


class PublishForm(FlaskForm):
    submit = SubmitField("Publish the report", widget=GovSubmitInput())


class RegenerateForm(FlaskForm):
    reason = TextAreaField(
        "Why does the published report need a new version?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter why the published report needs a new version"),
            Length(10, 1000, "Enter a reason of 10 to 1,000 characters"),
        ],
    )
    confirm = BooleanField(
        "I understand the published version stays available as an earlier version",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm that you want to make a new version")],
    )
    submit = SubmitField("Regenerate the report", widget=GovSubmitInput())


class NarrativeForm(FlaskForm):
    body = TextAreaField(
        "Narrative",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the narrative for this Ambition's section"),
            Length(max=MAX_NARRATIVE, message="Enter a narrative of 6,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A button that moves a narrative on (send for review, approve): CSRF only."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class HighlightForm(FlaskForm):
    text = StringField(
        "Highlight",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the highlight, for example a pledge or activity to celebrate"),
            Length(max=300, message="Enter a highlight of 300 characters or fewer"),
        ],
    )
    link = StringField(
        "Link (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=500, message="Enter a link of 500 characters or fewer"),
            Regexp(
                URL_PATTERN,
                message="Enter a link starting with https:// or /, for example /pledges/12",
            ),
        ],
    )
    submit = SubmitField("Add highlight", widget=GovSubmitInput())
