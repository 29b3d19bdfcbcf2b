"""The settings form (one group of radios per kind) and the one-click page's form."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import InputRequired

from ..core.forms import RadioChoiceField
from .kinds import CHOICE_LABELS, CHOICES, KINDS, Kind


def _choice_field(kind: Kind, label: str) -> RadioChoiceField:
    return RadioChoiceField(
        label,
        choices=[(choice, CHOICE_LABELS[choice]) for choice in CHOICES],
        coerce=str,
        description=kind.hint,
        validators=[InputRequired(f"Choose how you want to hear about {kind.lower_label}")],
    )


class PreferencesForm(FlaskForm):
    """A field named after each kind's code, added below from the registry."""

    submit = SubmitField("Save your choices", widget=GovSubmitInput())

    def kind_fields(self) -> list[tuple[Kind, Any]]:
        return [(kind, self[kind.code]) for kind in KINDS]

    def chosen(self) -> dict[str, str]:
        return {kind.code: self[kind.code].data for kind in KINDS}


for _kind in KINDS:
    setattr(PreferencesForm, _kind.code, _choice_field(_kind, _kind.label))


class ChoiceForm(FlaskForm):
    """The one-click page: the one kind the signed link names (see `choice_form`)."""

    choice: Any
    submit = SubmitField("Save my choice", widget=GovSubmitInput())


def choice_form(kind: Kind, **kwargs: Any) -> ChoiceForm:
    form_class = type(
        "KindChoiceForm",
        (ChoiceForm,),
        {"choice": _choice_field(kind, f"How do you want to hear about {kind.lower_label}?")},
    )
    form: ChoiceForm = form_class(**kwargs)
    return form
