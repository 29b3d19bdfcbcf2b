"""Optimistic locking on every record people edit together, and idempotent double submits.

Each edit test opens the form (version 1), has a colleague save first, then sends the first
person's now-stale form: they get the conflict page (409) with the latest saved value and what
they typed, nothing they typed is stored; sending the current version saves and moves it on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from portal.assessment.frameworks import load_frameworks
from portal.assessment.models import Action, Assessment
from portal.assessment.services import current_year, find_assessment, save_action
from portal.core import locking
from portal.extensions import db
from portal.pledges.catalogue import load_catalogue
from portal.pledges.models import Pledge
from portal.pledges.services import update_pledge
from tests.activities.factories import ActivityFactory
from tests.activities.factories import form_data as activity_form
from tests.assessment.factories import make_assessment
from tests.conftest import needs
from tests.exchange.factories import request as request_listing
from tests.exchange.test_listings import listing_data
from tests.factories import OrganisationFactory, admin_of, member_of
from tests.orgs.test_organisations import _form as organisation_form
from tests.pledges.factories import make_pledge, report
from tests.pledges.test_org_pages import pledge_form


@pytest.fixture(autouse=True)
def catalogues() -> None:
    """The shipped pledge catalogue and assessment frameworks, as `flask demo-data` loads them."""
    load_catalogue()
    load_frameworks()
    db.session.commit()


def _stale_then_current(
    client: Any,
    url: str,
    data: dict[str, Any],
    entity: Any,
    field: str,
    colleague: Callable[[], Any],
    typed: str,
) -> None:
    form_page = client.get(url).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form_page
    colleague()  # a colleague saves first
    db.session.commit()
    db.session.refresh(entity)
    latest, version = getattr(entity, field), entity.version
    assert version == 2

    response = client.post(url, data={**data, "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Your changes have not been saved" in page
    assert str(latest) in page  # the latest saved version
    assert typed in page  # what they typed, to copy from
    assert f'href="{url}"' in page  # edit again from the latest
    db.session.expire_all()
    assert getattr(entity, field) == latest and entity.version == 2

    response = client.post(url, data={**data, "version": str(version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert entity.version > version  # moved on, so the other tab's form is now the stale one


def test_a_stale_pledge_edit_gets_the_conflict_page(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    pledge = make_pledge(organisation, title="Original title")
    login(user)
    url = f"/orgs/{organisation.id}/pledges/{pledge.id}/edit"

    def colleague() -> None:
        pledge.title = "The colleague title"

    typed = "My stale title"
    _stale_then_current(client, url, pledge_form(title=typed), pledge, "title", colleague, typed)
    assert pledge.title == typed


def test_a_conflict_names_who_saved_last(client, login):
    user = member_of(name="Priya Colleague")
    organisation = user.memberships[0].organisation
    pledge = make_pledge(organisation)
    login(user)
    url = f"/orgs/{organisation.id}/pledges/{pledge.id}/edit"
    # The same form sent from two tabs: the first save wins, the second is told who saved.
    assert client.post(url, data=pledge_form(title="First tab", version="1")).status_code == 302
    response = client.post(url, data=pledge_form(title="Second tab", version="1"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Priya Colleague" in page and "First tab" in page and "Second tab" in page
    db.session.expire_all()
    assert pledge.title == "First tab"


def test_a_stale_progress_report_correction_gets_the_conflict_page(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    pledge = make_pledge(organisation)
    update = report(pledge, 10, period_end=date(2026, 3, 31))
    login(user)
    url = f"/orgs/{organisation.id}/pledges/{pledge.id}/progress/{update.id}/correct"

    def colleague() -> None:
        update.note = "The colleague note"

    data = {
        "period_start": ["1", "1", "2026"],
        "period_end": ["31", "3", "2026"],
        "value": "12",
        "note": "My correction",
        "evidence_url": "",
        "reason": "Counted twice",
    }
    _stale_then_current(client, url, data, update, "note", colleague, "My correction")
    assert not update.is_current


def test_a_stale_action_edit_gets_the_conflict_page(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    assessment = make_assessment(organisation, current_year(), level=1, target=3)
    criterion = assessment.framework.criteria[0]
    action = Action(assessment_id=assessment.id, criterion_id=criterion.id, description="Plan")
    db.session.add(action)
    db.session.commit()
    login(user)
    url = f"/orgs/{organisation.id}/assessment/{assessment.year}/actions/{criterion.id}"

    def colleague() -> None:
        action.description = "The colleague plan"

    data = {"description": "My plan", "owner": "Me", "due_date": ["", "", ""], "status": "done"}
    _stale_then_current(client, url, data, action, "description", colleague, "My plan")


def test_adding_an_action_someone_just_added_is_a_conflict_not_an_overwrite(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    assessment = make_assessment(organisation, current_year(), level=1, target=3)
    criterion = assessment.framework.criteria[0]
    login(user)
    url = f"/orgs/{organisation.id}/assessment/{assessment.year}/actions/{criterion.id}"
    assert 'name="version" type="hidden" value="0"' in client.get(url).get_data(as_text=True)
    db.session.add(
        Action(assessment_id=assessment.id, criterion_id=criterion.id, description="Theirs")
    )
    db.session.commit()
    data = {"description": "Mine", "owner": "Me", "due_date": ["", "", ""], "status": "done"}
    assert client.post(url, data={**data, "version": "0"}).status_code == 409
    db.session.expire_all()
    assert [a.description for a in db.session.scalars(select(Action))] == ["Theirs"]


def test_a_stale_listing_edit_gets_the_conflict_page(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    listing = request_listing(organisation=organisation, title="Original listing")
    db.session.commit()
    login(user)
    url = f"/orgs/{organisation.id}/exchange/listings/{listing.id}/edit"

    def colleague() -> None:
        listing.title = "The colleague listing"

    data = listing_data(title="My listing", needed_by=["1", "3", "2030"])
    _stale_then_current(client, url, data, listing, "title", colleague, "My listing")


def test_a_stale_activity_edit_gets_the_conflict_page(client, login):
    organisation = OrganisationFactory()
    activity = ActivityFactory(lead_organisation=organisation)
    db.session.commit()
    login(member_of(organisation))
    url = f"/orgs/{organisation.id}/activities/{activity.id}/edit"

    def colleague() -> None:
        activity.people_reached = 777

    data = activity_form(people_reached="120")
    _stale_then_current(client, url, data, activity, "people_reached", colleague, "120")


def test_a_stale_organisation_profile_edit_gets_the_conflict_page(client, login):
    organisation = OrganisationFactory(name="Original name")
    user = admin_of(organisation)
    db.session.commit()
    login(user)
    url = f"/orgs/{organisation.id}/edit"

    def colleague() -> None:
        organisation.name = "The colleague name"

    data = organisation_form(name="My name", kind=organisation.kind)
    _stale_then_current(client, url, data, organisation, "name", colleague, "My name")


def test_changing_only_the_wards_still_moves_the_version_on(app):
    pledge = make_pledge()
    data = {**_pledge_data(pledge), "version": 1}
    update_pledge(pledge, data)
    db.session.commit()
    assert pledge.version > 1


def _pledge_data(pledge: Pledge) -> dict[str, Any]:
    return {
        "title": pledge.title,
        "description": pledge.description,
        "measure": pledge.measure_id,
        "baseline": pledge.baseline,
        "target": pledge.target,
        "start_date": pledge.start_date,
        "end_date": pledge.end_date,
        "citywide": False,
        "visibility": "public",
        "principles": [],
        "wards": [],
        "ambitions": [],
        "goals": [],
    }


def test_starting_an_assessment_someone_just_started_gives_one_row(client, login):
    """The race between the "is there one?" check and the insert: the other press wins it."""
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    year = current_year()
    real_find = find_assessment
    checks = []

    def colleague_starts_between_check_and_insert(org_id: int, year: int) -> Assessment | None:
        # The view's and the service's checks both find nothing; the colleague's row lands
        # just after the second, before this press inserts.
        checks.append(year)
        if len(checks) == 2:
            make_assessment(organisation, year, submitted=False)
        return None if len(checks) <= 2 else real_find(org_id, year)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "portal.assessment.services.find_assessment", colleague_starts_between_check_and_insert
        )
        patch.setattr(
            "portal.assessment.views.services.find_assessment",
            colleague_starts_between_check_and_insert,
        )
        response = client.post(f"/orgs/{organisation.id}/assessment/start")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assessment/{year}")
    assert db.session.scalar(select(func.count(Assessment.id))) == 1


def test_adding_the_same_action_twice_at_once_gives_one_row(app):
    organisation = OrganisationFactory()
    assessment = make_assessment(organisation, current_year(), level=1, target=3)
    criterion = assessment.framework.criteria[0]
    data = {"description": "Mine", "owner": "Me", "due_date": None, "status": "done"}
    real = locking.create_once

    def colleague_inserts_first(add: Any, existing: Any) -> Any:
        db.session.add(
            Action(assessment_id=assessment.id, criterion_id=criterion.id, description="Theirs")
        )
        db.session.flush()
        return real(add, existing)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("portal.assessment.services.create_once", colleague_inserts_first)
        action = save_action(assessment, criterion, {**data, "version": 0})
    db.session.commit()
    assert action.description == "Theirs"
    assert db.session.scalar(select(func.count(Action.id))) == 1


@pytest.mark.postgres
def test_two_people_saving_one_pledge_at_once_only_one_wins(app):
    """Two sessions load version 1 and save at once: one commits, the other's UPDATE finds the
    version moved on (StaleDataError), so nothing is silently overwritten."""
    if db.engine.dialect.name != "postgresql":
        needs("row-lock behaviour is checked on PostgreSQL")
    pledge = make_pledge(target=1000)
    pledge_id = pledge.id
    both_loaded = threading.Barrier(2, timeout=10)
    outcome: dict[str, str] = {}

    def save(who: str, target: int) -> None:
        with app.app_context():
            try:
                mine = db.session.get(Pledge, pledge_id)
                assert mine is not None and mine.version == 1
                both_loaded.wait()
                mine.target = Decimal(target)
                db.session.commit()
                outcome[who] = "saved"
            except locking.StaleDataError:
                db.session.rollback()
                outcome[who] = "conflict"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(who, n)) for who, n in (("a", 1), ("b", 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert sorted(outcome.values()) == ["conflict", "saved"]
    db.session.expire_all()
    stored = db.session.get(Pledge, pledge_id)
    assert stored is not None and stored.version == 2
    winner = next(who for who, result in outcome.items() if result == "saved")
    assert stored.target == {"a": 1, "b": 2}[winner]
