"""Assessment forms: one page per dimension (built from the framework), evidence, actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..core.forms import GovDateField, SelectChoiceField, strip_text
from ..core.locking import VersionedForm as CoreVersionedForm
from .models import ACTION_STATUSES, LEVELS, Dimension

MAX_EVIDENCE = 5000
MAX_LINKS = 10
MAX_LINK_LENGTH = 500


class Links:
    """One web address a line, each starting with http:// or https://."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(f"Enter no more than {MAX_LINKS} links")
        for line in lines:
            parsed = urlparse(line)
            if (
                parsed.scheme not in ("http", "https")
                or not parsed.netloc
                or len(line) > MAX_LINK_LENGTH
                or any(ch.isspace() for ch in line)
            ):
                raise ValidationError(
                    "Enter each link on its own line, starting with https://, "
                    "for example https://www.example.org/our-report"
                )


def split_links(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class VersionedForm(FlaskForm):
    # The version the person started from (optimistic locking).
    version = IntegerField(
        widget=HiddenInput(),
        validators=[
            InputRequired(message="Reload the page and try again"),
            NumberRange(min=0, max=2**31 - 1, message="Reload the page and try again"),
        ],
    )


class ChoiceWithMessage:
    """Replaces WTForms' "Not a valid choice" with a message written for the person."""

    message = "Choose one of the options"

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.message) from error

    def pre_validate(self, form: FlaskForm) -> None:
        try:
            super().pre_validate(form)  # type: ignore[misc]
        except ValidationError as error:
            raise ValidationError(self.message) from error


class LevelField(ChoiceWithMessage, RadioField):
    def __init__(
        self, label: str, *, criterion_title: str, target: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", GovRadioInput())
        kwargs.setdefault("choices", level_choices())
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("validators", [Optional()])
        super().__init__(label, **kwargs)
        what = "the level you want to reach" if target else "where you are now"
        self.message = f"Choose {what} on {criterion_title.lower()}, from 1 to 4"


def level_choices() -> list[tuple[int, str]]:
    return [(level, f"{level}. {name}") for level, name in LEVELS.items()]


def dimension_form(dimension: Dimension, **kwargs: Any) -> FlaskForm:
    """A form with four fields per criterion: level now, target level, evidence and links."""

    class DimensionForm(VersionedForm):
        save_continue = SubmitField("Save and continue", widget=GovSubmitInput())
        save_exit = SubmitField("Save and come back later", widget=GovSubmitInput())

    for criterion in dimension.criteria:
        setattr(
            DimensionForm,
            f"level_{criterion.id}",
            LevelField(
                f"Where is your organisation now on {criterion.title.lower()}?",
                criterion_title=criterion.title,
            ),
        )
        setattr(
            DimensionForm,
            f"target_{criterion.id}",
            LevelField(
                f"Where do you want to be on {criterion.title.lower()}?",
                criterion_title=criterion.title,
                target=True,
            ),
        )
        setattr(
            DimensionForm,
            f"evidence_{criterion.id}",
            TextAreaField(
                f"Evidence for {criterion.title.lower()} (optional)",
                widget=GovTextArea(),
                description="What you do now, and how you know",
                filters=[strip_text],
                validators=[
                    Optional(),
                    Length(
                        max=MAX_EVIDENCE,
                        message=f"Evidence must be {MAX_EVIDENCE:,} characters or fewer",
                    ),
                ],
            ),
        )
        setattr(
            DimensionForm,
            f"links_{criterion.id}",
            TextAreaField(
                f"Links to evidence for {criterion.title.lower()} (optional)",
                widget=GovTextArea(),
                description="One web address a line, for example https://www.example.org/report",
                validators=[Optional(), Links()],
            ),
        )
    form = DimensionForm(**kwargs)
    return form


def check_targets(form: FlaskForm, dimension: Dimension) -> bool:
    """A target below the current level makes no sense; say so beside the target."""
    ok = True
    for criterion in dimension.criteria:
        level = form[f"level_{criterion.id}"].data
        target = form[f"target_{criterion.id}"]
        if level is not None and target.data is not None and target.data < level:
            target.errors = [
                *target.errors,
                f"The level you want to reach on {criterion.title.lower()} cannot be below "
                "where you are now",
            ]
            ok = False
    return ok


def answers_from(form: FlaskForm, dimension: Dimension) -> dict[int, dict[str, Any]]:
    return {
        c.id: {
            "level": form[f"level_{c.id}"].data,
            "target_level": form[f"target_{c.id}"].data,
            "evidence": form[f"evidence_{c.id}"].data or "",
            "links": split_links(form[f"links_{c.id}"].data),
        }
        for c in dimension.criteria
    }


class SubmitAssessmentForm(VersionedForm):
    submit = SubmitField("Submit the assessment", widget=GovSubmitInput())


class EvidenceUploadForm(FlaskForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, smaller than 10 MB",
    )
    submit = SubmitField("Upload file", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a file to upload")


class ActionForm(CoreVersionedForm):
    description = TextAreaField(
        "What will you do?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter what you will do to reach the next level"),
            Length(max=2000, message="The action must be 2,000 characters or fewer"),
        ],
    )
    owner = StringField(
        "Who owns this action?",
        widget=GovTextInput(),
        description="A name or a role, for example Head of HR",
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter who owns this action, for example Head of HR"),
            Length(max=120, message="The owner must be 120 characters or fewer"),
        ],
    )
    due_date = GovDateField(
        "When is it due?",
        what="The due date",
        description="For example, 31 3 2027. Leave blank if there is no date yet",
    )
    status = SelectChoiceField(
        "Status",
        choices=list(ACTION_STATUSES.items()),
        validators=[InputRequired(message="Choose the status of the action")],
    )
    submit = SubmitField("Save action", widget=GovSubmitInput())
