"""Form pieces shared by features: GOV.UK date and multi-choice fields, filters, common choices."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovTextInput
from wtforms import DateField, EmailField, SelectMultipleField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from .reference import all_ambitions, all_goals, all_wards

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # the dates a form accepts
# The range of an INTEGER column: a larger id in a URL would make PostgreSQL fail the query.
LARGEST_ID = 2**31 - 1
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"


def email_field(
    label: str = "Email address", *, missing: str = "Enter your email address"
) -> EmailField:
    """An email address, trimmed and lower-cased, with GOV.UK messages."""
    return EmailField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message=missing),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message=EMAIL_MESSAGE, check_deliverability=False),
        ],
        filters=[strip_text, lambda value: value.lower() if isinstance(value, str) else value],
    )


def strip_text(value: Any) -> Any:
    """A WTForms filter: surrounding spaces never count as an answer."""
    return value.strip() if isinstance(value, str) else value


def int_or_none(value: Any) -> int | None:
    """Coerce a submitted choice; anything that is not a whole number an id could be is None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -LARGEST_ID <= number <= LARGEST_ID else None


class GovDateField(DateField):
    """Day, month and year boxes; a missing or impossible date gets a message, never a crash."""

    widget = GovDateInput()

    def __init__(self, label: str, validators: list | None = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(part).strip()[:8] for part in [*valuelist, "", "", ""][:3]]
        # The GOV.UK widget unpacks exactly three raw values when it redraws the form.
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        try:
            day, month, year = (int(part) for part in parts)
            value = date(year, month, day)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"{self.label.text} must be a real date, for example 27 3 2027"
            ) from error
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValueError(
                f"{self.label.text} must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
            )
        self.data = value


class MultiCheckboxField(SelectMultipleField):
    """A group of GOV.UK checkboxes; values are coerced to int by default."""

    widget = GovCheckboxesInput()

    def __init__(self, *args, coerce=int, **kwargs) -> None:
        super().__init__(*args, coerce=coerce, **kwargs)

    def pre_validate(self, form) -> None:
        # Give a plain-English message instead of WTForms' "not a valid choice".
        valid = {value for value, _ in self.choices or []}
        if any(value not in valid for value in self.data or []):
            raise ValidationError("Choose from the options given")


def ward_choices() -> list[tuple[int, str]]:
    return [(w.id, w.name) for w in all_wards()]


def ambition_choices() -> list[tuple[int, str]]:
    return [(a.id, a.name) for a in all_ambitions()]


def goal_choices() -> list[tuple[int, str]]:
    return [(g.id, f"{g.ambition.name}: {g.title}") for g in all_goals()]
