"""A fresh install with no catalogue loaded yet."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.pledges.catalogue import ensure_catalogue
from portal.pledges.models import SocialValueMeasure
from tests.factories import member_of


@pytest.fixture(autouse=True)
def catalogue() -> None:
    """Overrides the package fixture: these tests start with no catalogue."""


def measure_count() -> int:
    return db.session.scalar(select(func.count(SocialValueMeasure.id)))


def test_the_first_visit_to_the_pledge_form_loads_the_catalogue(client, login):
    assert measure_count() == 0
    user = member_of()
    login(user)
    page = client.get(f"/orgs/{user.memberships[0].organisation_id}/pledges/new")
    assert "Apprenticeship weeks" in page.get_data(as_text=True)
    assert measure_count() > 0


def test_ensure_catalogue_loads_once():
    assert ensure_catalogue() is True
    db.session.commit()
    count = measure_count()
    assert ensure_catalogue() is False
    assert measure_count() == count


def test_the_method_page_works_on_a_fresh_install(client):
    assert "Staff volunteering hours" in client.get("/pledges/how-we-calculate").get_data(
        as_text=True
    )
