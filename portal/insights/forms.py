"""The dashboards' GET filter form: period, network, organisation kind and ward."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import Optional

from ..core.forms import CHOICE_MESSAGE, int_or_none
from ..core.reference import all_wards
from ..extensions import db
from ..orgs.models import ORGANISATION_KINDS, Network


def period_label(period: str) -> str:
    """ "all" -> "All time", "2026-Q2" -> "2026 Q2", "2026" -> "2026"."""
    return "All time" if period == "all" else period.replace("-", " ")


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    period = SelectField("Period", widget=GovSelect(), validators=[Optional()])
    network = SelectField(
        "Network", widget=GovSelect(), coerce=int_or_none, validators=[Optional()]
    )
    org_kind = SelectField("Organisation kind", widget=GovSelect(), validators=[Optional()])
    ward = SelectField("Ward", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Show figures", widget=GovSubmitInput())

    def __init__(self, periods: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.period.choices = [
            (p, period_label(p)) for p in ["all", *(p for p in periods if p != "all")]
        ]
        self.network.choices = [("", "All networks")] + [
            (network.id, network.name)
            for network in db.session.scalars(db.select(Network).order_by(Network.name))
        ]
        self.org_kind.choices = [("", "All kinds"), *ORGANISATION_KINDS.items()]
        self.wards = all_wards()
        self.ward.choices = [("", "All wards")] + [(w.ons_code, w.name) for w in self.wards]

    def described(self, filters: dict[str, Any]) -> list[tuple[str, str]]:
        """(filter, chosen option) for each filter in use, as the page and the export say it."""
        chosen = {
            self.period: filters["period"],
            self.network: filters["network_id"],
            self.org_kind: filters["org_kind"],
            self.ward: filters["ward"],
        }
        return [
            (str(field.label.text), next(text for value, text in field.choices if value == wanted))
            for field, wanted in chosen.items()
            if wanted is not None
        ]

    def filters(self) -> dict[str, Any]:
        """The read API's filter arguments from the fields that validated; a wrong value (a stale
        bookmark, a tampered URL) is ignored and gets one plain message."""
        self.validate()
        for field in (self.period, self.network, self.org_kind, self.ward):
            if field.errors:
                field.errors = [CHOICE_MESSAGE]
        period = self.period.data if not self.period.errors and self.period.data else "all"
        return {
            "period": period,
            "network_id": None if self.network.errors else self.network.data,
            "org_kind": None if self.org_kind.errors else (self.org_kind.data or None),
            "ward": None if self.ward.errors else (self.ward.data or None),
        }
