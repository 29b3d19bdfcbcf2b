"""Form pieces shared by features: GOV.UK date, number and choice fields, the area rule, choices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Email, InputRequired, Length, ValidationError

from .areas import area_problem
from .reference import all_ambitions, all_goals, all_wards

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # the dates a form accepts
# The range of an INTEGER column: a larger id in a URL would make PostgreSQL fail the query.
LARGEST_ID = 2**31 - 1
# Every quantity and amount of money: 2 decimal places and below this, so Numeric(12, 2) holds it.
MAX_QUANTITY = Decimal("9999999999.99")
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"
# The one message for a choice that is not among those offered (a tampered or stale form).
CHOICE_MESSAGE = "Choose from the options given"


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

    data: date | None

    def __init__(
        self, label: str, validators: list | None = None, *, what: str = "", **kwargs: Any
    ) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.what = what  # the date's name in messages when the label is a question

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(part).strip()[:8] for part in [*valuelist, "", "", ""][:3]]
        # The GOV.UK widget unpacks exactly three raw values when it redraws the form.
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        name = self.what or self.label.text
        try:
            day, month, year = (int(part) for part in parts)
            value = date(year, month, day)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must be a real date, for example 27 3 2027") from error
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValueError(f"{name} must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
        self.data = value


class QuantityField(StringField):
    """A number typed by a person: commas and £ allowed, at most 2 decimal places, in range.

    `what` names the number in messages when the label is a question; `positive` refuses 0
    and below (a quantity that must be something), otherwise the form checks the sign.
    """

    widget = GovTextInput()
    data: Decimal | None

    def __init__(
        self,
        label: str,
        validators: list | None = None,
        *,
        what: str = "",
        example: str = "12",
        positive: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.what, self.example, self.positive = what, example, positive

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        raw = str(valuelist[0]) if valuelist else ""
        self.raw_data = [raw[:40]] if valuelist else []
        text = raw.strip().replace(",", "").replace("£", "")
        if not text:
            return
        name = self.what or self.label.text
        try:
            value = Decimal(text)
        except InvalidOperation as error:
            raise ValueError(f"{name} must be a number, for example {self.example}") from error
        if not value.is_finite() or abs(value) > MAX_QUANTITY:
            raise ValueError(f"{name} must be less than 10,000,000,000")
        if self.positive and value <= 0:
            raise ValueError(f"{name} must be greater than 0, for example {self.example}")
        if value != value.quantize(Decimal("0.01")):
            raise ValueError(f"{name} can have at most 2 decimal places")
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data.normalize():f}"


class MoneyField(QuantityField):
    """An amount in pounds: the quantity rules, and never negative."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and self.data < 0:
            self.data = None
            raise ValueError(f"{self.what or self.label.text} cannot be negative")

    def _value(self) -> str:
        if not self.raw_data and self.data is not None:
            return f"{self.data:.2f}"  # pounds and pence, as the person would write them
        return super()._value()


class ChoiceMessage:
    """Mixin for choice fields: an answer that is not among the choices gets CHOICE_MESSAGE.

    WTForms says "Not a valid choice" (or "could not coerce"); a missing answer is still the
    field's own required message, from its validators.
    """

    data: Any

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            self.data = None
            raise ValueError(CHOICE_MESSAGE) from error

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)  # type: ignore[misc]
        except ValidationError as error:
            raise ValidationError(CHOICE_MESSAGE) from error


class SelectChoiceField(ChoiceMessage, SelectField):
    """A GOV.UK select; `missing` is the message when nothing (or no number) was chosen."""

    widget = GovSelect()

    def __init__(self, label: str, *, missing: str | None = None, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.missing = missing

    def pre_validate(self, form: Any) -> None:
        if self.missing and self.data in (None, ""):
            raise ValidationError(self.missing)
        super().pre_validate(form)


class RadioChoiceField(ChoiceMessage, RadioField):
    """GOV.UK radios; a missing answer gets the InputRequired message the form gives."""

    widget = GovRadioInput()


class MultiCheckboxField(ChoiceMessage, SelectMultipleField):
    """A group of GOV.UK checkboxes; values are coerced to int by default."""

    widget = GovCheckboxesInput()

    def __init__(self, *args: Any, coerce: Any = int, **kwargs: Any) -> None:
        super().__init__(*args, coerce=coerce, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise

    def pre_validate(self, form: Any) -> None:
        valid: set[Any] = {value for value, _ in self.choices or []}
        if any(value not in valid for value in self.data or []):
            raise ValidationError(CHOICE_MESSAGE)


class AreaFields:
    """Form mixin: the `citywide` box and `wards` checkboxes follow the one area rule.

    The form sets `area_missing`, the message for neither, in its own words.
    """

    area_missing = "Choose at least one ward, or say that it is citywide"

    def validate_wards(self, field: SelectMultipleField) -> None:
        form: Any = self
        problem = area_problem(
            bool(form.citywide.data), field.data or [], missing=self.area_missing
        )
        if problem:
            raise ValidationError(problem)


def ward_choices() -> list[tuple[int, str]]:
    return [(w.id, w.name) for w in all_wards()]


def ambition_choices() -> list[tuple[int, str]]:
    return [(a.id, a.name) for a in all_ambitions()]


def goal_choices() -> list[tuple[int, str]]:
    return [(g.id, f"{g.ambition.name}: {g.title}") for g in all_goals()]
