"""Form pieces shared by features: GOV.UK widgets for multi-choice fields and common choices."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError

from .reference import all_ambitions, all_goals, all_wards


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
