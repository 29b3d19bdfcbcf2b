"""Forms for recording, filtering and importing activities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..core.forms import (
    AreaFields,
    GovDateField,
    MoneyField,
    MultiCheckboxField,
    RadioChoiceField,
    int_or_none,
    strip_text,
)
from ..core.locking import VersionedForm
from . import rules


class TextNumberField(StringField):
    """A number typed as text and checked by `rules`, so '£1,200' or '1e999' never crash."""

    widget = GovTextInput()

    def __init__(self, label: str, parse: Any, **kwargs: Any) -> None:
        super().__init__(label, filters=[strip_text], **kwargs)
        self.parse = parse
        self.number: Any = None

    def pre_validate(self, form: Any) -> None:
        try:
            self.number = self.parse(self.data or "")
        except ValueError as error:
            self.number = None
            raise ValidationError(str(error)) from error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data in (None, "") else str(self.data)


class ActivityForm(AreaFields, VersionedForm):
    area_missing = "Choose at least one ward, or say the activity is citywide"

    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter the activity's title"),
            Length(
                max=rules.TITLE_MAX,
                message=f"Title must be {rules.TITLE_MAX} characters or fewer",
            ),
        ],
    )
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        description="What the activity is and who it is for.",
        filters=[strip_text],
        validators=[
            InputRequired(message="Describe the activity"),
            Length(
                max=rules.DESCRIPTION_MAX,
                message=f"Description must be {rules.DESCRIPTION_MAX:,} characters or fewer",
            ),
        ],
    )
    partners = MultiCheckboxField(
        "Partner organisations (optional)",
        description="Organisations that work on the activity with you. Their members can see it "
        "even when it is private.",
    )
    ambitions = MultiCheckboxField(
        "Ambitions (optional)",
        description="Leave these blank and we take them from the goals you choose.",
    )
    goals = MultiCheckboxField("Goals", description="Choose every goal the activity works towards.")
    citywide = BooleanField("The activity reaches the whole city", widget=GovCheckboxInput())
    wards = MultiCheckboxField("Wards", description="Choose the wards, or tick citywide above.")
    start_date = GovDateField(
        "Start date",
        description="For example, 1 4 2026",
        validators=[InputRequired(message="Enter the start date")],
    )
    end_date = GovDateField(
        "End date",
        description="The same as or after the start date. For example, 31 3 2027",
        validators=[InputRequired(message="Enter the end date")],
    )
    people_reached = TextNumberField(
        "People reached",
        lambda text: rules.parse_count(text, what="the number of people reached", example="250"),
        description="A whole number, for example 250. Leave blank for none.",
    )
    volunteer_hours = TextNumberField(
        "Volunteer hours",
        lambda text: rules.parse_amount(
            text,
            maximum=rules.HOURS_MAX,
            places=1,
            what="the number of volunteer hours",
            example="12",
        ),
        description="For example, 12 or 7.5. Leave blank for none.",
    )
    spend = MoneyField(
        "Spend in pounds",
        what="The spend",
        example="1500 or 1500.50",
        description="For example, 1500 or 1500.50. Leave blank for none.",
        filters=[strip_text],
    )
    outcomes = TextAreaField(
        "Outcomes (optional)",
        widget=GovTextArea(),
        description="What changed because of the activity.",
        filters=[strip_text],
        validators=[
            Optional(),
            Length(
                max=rules.OUTCOMES_MAX,
                message=f"Outcomes must be {rules.OUTCOMES_MAX:,} characters or fewer",
            ),
        ],
    )
    pledges = MultiCheckboxField(
        "Related pledges (optional)",
        description="Your organisation's pledges this activity serves.",
    )
    matches = MultiCheckboxField(
        "Related exchanges (optional)",
        description="Exchange matches your organisation took part in that this activity used.",
    )
    visibility = RadioChoiceField(
        "Who can see this activity?",
        choices=[
            ("public", "Everyone: it appears on the activities list and your public profile"),
            ("private", "Only your organisation, the partner organisations and administrators"),
        ],
        validators=[InputRequired(message="Choose who can see this activity")],
    )
    submit = SubmitField("Save activity", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        goal_infos: dict[int, rules.GoalInfo],
        ambition_names: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goal_infos = goal_infos
        self.ambition_names = ambition_names

    def validate_end_date(self, field: GovDateField) -> None:
        problem = rules.check_dates(self.start_date.data, field.data)
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.goals.errors or self.ambitions.errors:
            return False
        goals = [self.goal_infos[g] for g in self.goals.data or [] if g in self.goal_infos]
        for field_name, message in rules.check_tags(
            self.ambitions.data or [], goals, self.ambition_names
        ):
            getattr(self, field_name).errors.append(message)
            valid = False
        return valid

    def values(self) -> rules.ActivityValues:
        """The checked answers, for the services."""
        start, end = self.start_date.data, self.end_date.data
        if start is None or end is None:
            raise ValueError("Only a validated form has values")
        return rules.ActivityValues(
            title=self.title.data,
            description=self.description.data,
            start_date=start,
            end_date=end,
            goal_ids=list(self.goals.data or []),
            citywide=bool(self.citywide.data),
            ward_ids=[] if self.citywide.data else list(self.wards.data or []),
            partner_ids=list(self.partners.data or []),
            people_reached=self.people_reached.number or 0,
            volunteer_hours=self.volunteer_hours.number or Decimal(0),
            spend=self.spend.data or Decimal(0),
            outcomes=self.outcomes.data or "",
            is_public=self.visibility.data == "public",
            pledge_ids=list(self.pledges.data or []),
            match_ids=list(self.matches.data or []),
        )


class ActivityFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    q = StringField(
        "Search",
        widget=GovTextInput(),
        description="Words in the title or description",
        filters=[strip_text],
    )
    ambition = SelectField(
        "Ambition", widget=GovSelect(), coerce=int_or_none, validate_choice=False
    )
    goal = SelectField("Goal", widget=GovSelect(), coerce=int_or_none, validate_choice=False)
    ward = SelectField("Ward", widget=GovSelect(), coerce=int_or_none, validate_choice=False)
    # A name typed (or part of one), not a list of every organisation: the city has thousands.
    # Links may pass an organisation's id instead (its public profile does).
    organisation = StringField(
        "Organisation",
        widget=GovTextInput(),
        description="Its name, or part of it",
        filters=[strip_text],
    )
    period = SelectField(
        "Running during", widget=GovSelect(), coerce=int_or_none, validate_choice=False
    )
    started = SelectField("Started in", widget=GovSelect(), validate_choice=False)
    network = SelectField(
        "Lead organisation's network",
        widget=GovSelect(),
        coerce=int_or_none,
        validate_choice=False,
    )
    org_kind = SelectField("Lead organisation's kind", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Filter", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description="Use the template's columns. Save it from your spreadsheet as ‘CSV UTF-8’.",
    )
    submit = SubmitField("Check and import", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a CSV file")
        if not field.data.filename.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV file (ending .csv)")
