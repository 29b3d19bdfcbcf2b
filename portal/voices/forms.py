"""Forms of stories, consent and listening records, with messages written for the person."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import (
    GovDateField,
    MultiCheckboxField,
    RadioChoiceField,
    SelectChoiceField,
    strip_text,
)
from .images import MAX_IMAGE_BYTES
from .models import CONSENT_METHODS, CONSENT_USES

MAX_PEOPLE_HEARD = 1_000_000
MAX_THEMES = 30


def _text(label: str, missing: str, limit: int, *, area: bool = False, **kwargs: object) -> Field:
    field = TextAreaField if area else StringField
    return field(
        label,
        widget=GovTextArea() if area else GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(missing),
            Length(max=limit, message=f"Enter {limit:,} characters or fewer"),
        ],
        **kwargs,
    )


class StoryForm(FlaskForm):
    title = _text("Title", "Enter the story's title", 120)
    body = _text(
        "The story",
        "Enter the story",
        5000,
        area=True,
        description="A few short paragraphs: what happened, for whom, and what changed.",
    )
    features_people = BooleanField(
        "The story features a person (by name, photo or description)",
        widget=GovCheckboxInput(),
        description="You will record each person's consent before you publish it.",
    )
    ambitions = MultiCheckboxField("Ambitions it is about", choices=[])
    wards = MultiCheckboxField("Wards it happened in", choices=[])
    link = SelectChoiceField("Linked to (optional)", coerce=str, choices=[])
    image = FileField(
        "Image (optional)",
        widget=GovFileInput(),
        description=f"PNG or JPEG, smaller than {MAX_IMAGE_BYTES // 1048576} MB",
    )
    image_alt = StringField(
        "Describe the image for people who cannot see it (alt text)",
        widget=GovTextInput(),
        filters=[strip_text],
        description="Required when there is an image. For example: Two apprentices at a lathe",
        # No Optional(): it would stop the chain before validate_image_alt sees a blank.
        validators=[Length(max=300, message="Enter 300 characters or fewer")],
    )
    remove_image = BooleanField("Remove the current image", widget=GovCheckboxInput())
    submit = SubmitField("Save the story", widget=GovSubmitInput())

    has_image = False  # the story being edited already has one

    def validate_ambitions(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one Ambition the story is about")

    def image_given(self) -> bool:
        return bool(self.image.data and getattr(self.image.data, "filename", ""))

    def validate_image_alt(self, field: Field) -> None:
        keeps = self.has_image and not self.remove_image.data
        if (self.image_given() or keeps) and not field.data:
            raise ValidationError("Describe the image: enter its alt text")


class PublishForm(FlaskForm):
    submit = SubmitField("Publish the story", widget=GovSubmitInput())


class UnpublishForm(FlaskForm):
    submit = SubmitField("Unpublish the story", widget=GovSubmitInput())


class AdminUnpublishForm(FlaskForm):
    reason = _text(
        "Why are you unpublishing it?",
        "Enter why the story is unpublished",
        500,
        area=True,
        description="The organisation sees this, and it is kept in the audit log.",
    )
    submit = SubmitField("Unpublish the story", widget=GovSubmitInput())


class ConsentForm(FlaskForm):
    person = _text(
        "Who gave consent?",
        "Enter the person's name or a description of them",
        200,
        description="Their name, or a description such as: the apprentice in the photo",
    )
    given_on = GovDateField(
        "When did they give it?",
        description="For example, 27 3 2026",
        validators=[InputRequired("Enter the date consent was given")],
        what="The date",
    )
    method = RadioChoiceField(
        "How did they give it?",
        choices=list(CONSENT_METHODS.items()),
        coerce=str,
        validators=[InputRequired("Choose how consent was given")],
    )
    uses = MultiCheckboxField(
        "What did they agree it may be used for?",
        choices=list(CONSENT_USES.items()),
        coerce=str,
    )
    submit = SubmitField("Record consent", widget=GovSubmitInput())

    def validate_given_on(self, field: Field) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError("The date consent was given must be today or in the past")

    def validate_uses(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one use the person agreed to")


class WithdrawConsentForm(FlaskForm):
    note = TextAreaField(
        "How was the withdrawal made? (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Optional(), Length(max=500, message="Enter 500 characters or fewer")],
    )
    submit = SubmitField("Withdraw consent and unpublish", widget=GovSubmitInput())


def _people(field: Field) -> None:
    text = (field.data or "").replace(",", "")
    if not text.isdigit() or len(text) > 7:
        raise ValidationError("Enter the number of people heard as a whole number, like 120")
    if not 1 <= int(text) <= MAX_PEOPLE_HEARD:
        raise ValidationError(f"Enter a number between 1 and {MAX_PEOPLE_HEARD:,}")


def people_number(field: Field) -> int:
    return int((field.data or "").replace(",", ""))


class ListeningForm(FlaskForm):
    title = _text("Title", "Enter the title of the listening exercise", 120)
    summary = TextAreaField(
        "Summary (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Optional(), Length(max=3000, message="Enter 3,000 characters or fewer")],
    )
    starts_on = GovDateField(
        "Start date",
        description="For example, 3 9 2026",
        validators=[InputRequired("Enter the date the listening started")],
    )
    ends_on = GovDateField(
        "End date",
        description="For example, 30 10 2026",
        validators=[InputRequired("Enter the date the listening ended")],
    )
    people_heard = StringField(
        "How many people were heard?",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[DataRequired("Enter the number of people heard, for example 120")],
    )
    themes = _text(
        "What did you hear? One theme a line",
        "Enter at least one theme you heard",
        5000,
        area=True,
        description="For example: Buses to the hospital stop too early in the evening",
    )
    ambitions = MultiCheckboxField("Ambitions it concerns", choices=[])
    wards = MultiCheckboxField("Wards it concerns", choices=[])
    submit = SubmitField("Save what you heard", widget=GovSubmitInput())

    def validate_people_heard(self, field: Field) -> None:
        _people(field)

    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The end date must be the same as or after the start date")
        if field.data and field.data > date.today():
            raise ValidationError("The end date must be today or in the past")

    def validate_themes(self, field: Field) -> None:
        if len([line for line in (field.data or "").splitlines() if line.strip()]) > MAX_THEMES:
            raise ValidationError(f"Enter {MAX_THEMES} themes or fewer")

    def validate_ambitions(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one Ambition it concerns")

    def validate_wards(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one ward where people were heard")


class QuoteForm(FlaskForm):
    text = _text("Quote", "Enter what the person said", 500, area=True)
    consented = RadioChoiceField(
        "Did the person agree to be quoted?",
        choices=[("yes", "Yes: it may be shown"), ("no", "No: keep it private")],
        coerce=str,
        validators=[InputRequired("Choose whether the person agreed to be quoted")],
    )
    submit = SubmitField("Add the quote", widget=GovSubmitInput())


class QuoteConsentForm(FlaskForm):
    submit = SubmitField("Change", widget=GovSubmitInput())


class PeopleHeardForm(FlaskForm):
    people_heard = StringField(
        "Corrected number of people heard",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[DataRequired("Enter the corrected number of people heard, for example 120")],
    )
    reason = _text("Why is it corrected?", "Enter why the number is corrected", 300)
    submit = SubmitField("Save the correction", widget=GovSubmitInput())

    def validate_people_heard(self, field: Field) -> None:
        _people(field)
