"""Forms of working groups, with messages written for the person."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..core.forms import (
    GovDateField,
    MultiCheckboxField,
    RadioChoiceField,
    SelectChoiceField,
    int_or_none,
    strip_text,
)
from ..core.uploads import DOCUMENTS_DESCRIPTION
from .models import ACTION_STATUSES, VISIBILITIES

FILE_HINT = f"Optional. {DOCUMENTS_DESCRIPTION}, smaller than 10 MB"
LINK = Regexp(r"^https?://[^\s<>\"]+$", message="Enter a link that starts with https://")


def has_file(field: Field) -> bool:
    return bool(field.data and getattr(field.data, "filename", ""))


class GroupForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the group's name"),
            Length(max=120, message="Enter a name of 120 characters or fewer"),
        ],
    )
    purpose = TextAreaField(
        "What is the group for?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter what the group is for"),
            Length(max=3000, message="Enter 3,000 characters or fewer"),
        ],
    )
    visibility = RadioChoiceField(
        "Who can see it?",
        choices=list(VISIBILITIES.items()),
        coerce=str,
        validators=[InputRequired("Choose who can see the group")],
    )
    ambitions = MultiCheckboxField("Ambitions it serves", choices=[])
    dimensions = MultiCheckboxField("Framework dimensions it works on", choices=[])
    submit = SubmitField("Create the group", widget=GovSubmitInput())


class JoinForm(FlaskForm):
    organisation = SelectChoiceField(
        "Organisation asking to join",
        coerce=int_or_none,
        choices=[],
        missing="Choose the organisation asking to join",
    )
    submit = SubmitField("Ask to join", widget=GovSubmitInput())


class AddMemberForm(FlaskForm):
    organisation = SelectChoiceField(
        "Add an organisation",
        coerce=int_or_none,
        choices=[],
        missing="Choose the organisation to add",
    )
    submit = SubmitField("Add the organisation", widget=GovSubmitInput())


class LeaveForm(FlaskForm):
    organisation = SelectChoiceField(
        "Organisation leaving",
        coerce=int_or_none,
        choices=[],
        missing="Choose the organisation that is leaving",
    )
    submit = SubmitField("Leave the group", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class LeadForm(FlaskForm):
    person = SelectChoiceField(
        "Person", coerce=int_or_none, choices=[], missing="Choose the person to make a lead"
    )
    submit = SubmitField("Make them a lead", widget=GovSubmitInput())


class UpdateForm(FlaskForm):
    body = TextAreaField(
        "Update",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the update"),
            Length(max=5000, message="Enter an update of 5,000 characters or fewer"),
        ],
    )
    file = FileField("Attach a file", widget=GovFileInput(), description=FILE_HINT)
    submit = SubmitField("Post the update", widget=GovSubmitInput())


class ResourceForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the resource's title"),
            Length(max=120, message="Enter a title of 120 characters or fewer"),
        ],
    )
    url = StringField(
        "Link",
        widget=GovTextInput(),
        filters=[strip_text],
        description="A link, or a file below",
        validators=[
            Optional(),
            Length(max=500, message="Enter a link of 500 characters or fewer"),
            LINK,
        ],
    )
    file = FileField(
        "Or upload a file",
        widget=GovFileInput(),
        description=f"{DOCUMENTS_DESCRIPTION}, smaller than 10 MB",
    )
    submit = SubmitField("Add the resource", widget=GovSubmitInput())

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.url.errors and not self.url.data and not has_file(self.file):
            self.url.errors = [*self.url.errors, "Enter a link or upload a file"]
            return False
        if self.url.data and has_file(self.file):
            self.file.errors = [*self.file.errors, "Add a link or a file, not both"]
            return False
        return valid


class ActionForm(FlaskForm):
    title = StringField(
        "Action",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the action"),
            Length(max=200, message="Enter an action of 200 characters or fewer"),
        ],
    )
    owner = SelectChoiceField(
        "Owner organisation",
        coerce=int_or_none,
        choices=[],
        missing="Choose the organisation that owns the action",
    )
    due_on = GovDateField(
        "Due date",
        description="For example, 27 3 2027",
        validators=[InputRequired("Enter the due date")],
        what="The due date",
    )
    status = RadioChoiceField(
        "Status",
        choices=list(ACTION_STATUSES.items()),
        coerce=str,
        validators=[InputRequired("Choose the action's status")],
    )
    submit = SubmitField("Save the action", widget=GovSubmitInput())
