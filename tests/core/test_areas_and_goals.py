"""The area rule: citywide or a set of wards, refused with one message when both are given."""

from __future__ import annotations

import pytest

from portal.activities.forms import ActivityForm
from portal.core.areas import BOTH_MESSAGE, area_label, area_problem
from portal.exchange.forms import ListingForm
from portal.orgs.forms import OrganisationForm
from portal.pledges.forms import PledgeForm

MISSING = "Choose at least one ward, or say it is citywide"


def test_citywide_or_wards_but_not_both_nor_neither():
    assert area_problem(True, [], missing=MISSING) is None
    assert area_problem(False, [3, 4], missing=MISSING) is None
    assert area_problem(True, [3], missing=MISSING) == BOTH_MESSAGE
    assert area_problem(False, [], missing=MISSING) == MISSING


def test_area_reads_as_citywide_or_the_ward_names():
    assert area_label(True, []) == "Citywide"
    assert area_label(False, ["Armley", "Gipton"]) == "Armley, Gipton"
    assert area_label(False, []) == "No wards given"


FORMS = [
    (ActivityForm, {"goal_infos": {}, "ambition_names": {}}),
    (PledgeForm, {"measures": {}}),
    (ListingForm, {"side": "offer"}),
    (OrganisationForm, {}),
]


@pytest.mark.parametrize(("form_class", "kwargs"), FORMS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_feature_refuses_citywide_with_wards_on_the_wards_field(app, form_class, kwargs):
    with app.test_request_context(method="POST", data={"citywide": "y", "wards": ["1", "2"]}):
        form = form_class(meta={"csrf": False}, **kwargs)
        form.wards.choices = [(1, "Armley"), (2, "Gipton")]
        assert not form.validate()
        assert form.wards.errors == [BOTH_MESSAGE]


@pytest.mark.parametrize(("form_class", "kwargs"), FORMS, ids=lambda v: getattr(v, "__name__", ""))
def test_citywide_alone_passes_the_area_rule(app, form_class, kwargs):
    with app.test_request_context(method="POST", data={"citywide": "y"}):
        form = form_class(meta={"csrf": False}, **kwargs)
        form.wards.choices = [(1, "Armley"), (2, "Gipton")]
        form.validate()
        assert form.wards.errors == []


def test_goals_must_belong_to_the_chosen_ambitions():
    from portal.core.goals import GoalInfo, stray_goals

    names = {1: "Health and Wellbeing", 2: "Inclusive Growth"}
    healthy = GoalInfo(10, "HEALTHY-1", "Healthy lives", 1)
    growing = GoalInfo(20, "GROWING-1", "Good jobs", 2)
    assert stray_goals([1], [healthy], names) == []
    assert stray_goals([1], [healthy, growing], names) == [
        "The goal ‘Good jobs’ belongs to the Inclusive Growth Ambition: "
        "choose that Ambition too, or remove the goal"
    ]
