"""Forms of events, with messages written for the person."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

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

from ..core.forms import (
    GovDateField,
    MultiCheckboxField,
    RadioChoiceField,
    SelectChoiceField,
    int_or_none,
    strip_text,
)

TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
MAX_CAPACITY = 10_000
CITY_TIME = ZoneInfo("Europe/London")  # people enter the time on the clock in Leeds


def _time_of(text: str) -> time | None:
    found = TIME_PATTERN.match(text or "")
    return time(int(found[1]), int(found[2])) if found else None


def _time_field(label: str, example: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip_text],
        description=f"Use the 24-hour clock, for example {example}",
        validators=[
            DataRequired(f"Enter the {label.lower()}, for example {example}"),
            Regexp(
                TIME_PATTERN,
                message=f"Enter the {label.lower()} as hours and minutes, for example {example}",
            ),
        ],
    )


class EventForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the event's title"),
            Length(max=120, message="Enter a title of 120 characters or fewer"),
        ],
    )
    summary = TextAreaField(
        "What is it about?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Optional(), Length(max=3000, message="Enter 3,000 characters or fewer")],
    )
    day = GovDateField(
        "Date",
        description="For example, 27 3 2027",
        validators=[InputRequired("Enter the date of the event")],
        what="The date",
    )
    start_time = _time_field("Start time", "09:30")
    end_time = _time_field("End time", "12:00")
    where = RadioChoiceField(
        "Where is it?",
        choices=[("place", "At a place in Leeds"), ("online", "Online")],
        coerce=str,
        validators=[DataRequired("Choose whether the event is at a place or online")],
    )
    ward = SelectChoiceField("Ward", coerce=int_or_none, choices=[], validate_choice=False)
    address = StringField(
        "Address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=300, message="Enter an address of 300 characters or fewer"),
        ],
    )
    online_url = StringField(
        "Link to join",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=500, message="Enter a link of 500 characters or fewer"),
            Regexp(r"^https://\S+$", message="Enter a link that starts with https://"),
        ],
    )
    ambitions = MultiCheckboxField("Ambitions it serves", choices=[])
    capacity = StringField(
        "How many places?",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter how many places there are"),
            Regexp(r"^\d{1,5}$", message="Enter the number of places as a whole number, like 40"),
        ],
    )
    submit = SubmitField("Save the event", widget=GovSubmitInput())

    # Places already given when editing: the capacity cannot go below them.
    min_capacity = 1

    def validate_capacity(self, field: Field) -> None:
        if not field.data.isdigit():
            return
        if not 1 <= int(field.data) <= MAX_CAPACITY:
            raise ValidationError(f"Enter between 1 and {MAX_CAPACITY:,} places")
        if int(field.data) < self.min_capacity:
            raise ValidationError(
                f"{self.min_capacity} people have a place already: enter at least "
                f"{self.min_capacity} places"
            )

    def validate_day(self, field: Field) -> None:
        if field.data is not None and field.data < datetime.now(CITY_TIME).date():
            raise ValidationError("The date must be today or in the future")

    def validate_end_time(self, field: Field) -> None:
        start, end = _time_of(self.start_time.data), _time_of(field.data)
        if start and end and end <= start:
            raise ValidationError("The end time must be after the start time")

    def validate_ward(self, field: Field) -> None:
        if self.where.data == "place":
            if field.data is None:
                raise ValidationError("Choose the ward the event is in")
            if field.data not in {value for value, _ in field.choices or []}:
                raise ValidationError("Choose a ward from the list")

    def validate_address(self, field: Field) -> None:
        if self.where.data == "place" and not field.data:
            raise ValidationError("Enter the address of the event")

    def validate_online_url(self, field: Field) -> None:
        if self.where.data == "online" and not field.data:
            raise ValidationError("Enter the link people use to join")

    def _utc(self, field: Field) -> datetime:
        """The Leeds clock time entered, as the naive UTC the portal stores."""
        local = datetime.combine(self.day.data, _time_of(field.data), tzinfo=CITY_TIME)  # type: ignore[arg-type]
        return local.astimezone(UTC).replace(tzinfo=None)

    def starts_at(self) -> datetime:
        return self._utc(self.start_time)

    def ends_at(self) -> datetime:
        return self._utc(self.end_time)


class SignUpForm(FlaskForm):
    submit = SubmitField("Sign up", widget=GovSubmitInput())


class CancelForm(FlaskForm):
    submit = SubmitField("Cancel my place", widget=GovSubmitInput())


class CancelEventForm(FlaskForm):
    reason = TextAreaField(
        "Why is it cancelled?",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Everyone signed up or waiting is emailed this.",
        validators=[
            DataRequired("Enter why the event is cancelled"),
            Length(max=500, message="Enter a reason of 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Cancel the event", widget=GovSubmitInput())


class AttendanceForm(FlaskForm):
    """Who came, as sign-up ids; the choices are the event's confirmed places, so an id
    from anywhere else is refused by the form itself."""

    attended = MultiCheckboxField("People with a confirmed place")
    submit = SubmitField("Save attendance", widget=GovSubmitInput())
