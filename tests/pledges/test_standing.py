"""Each pledge's stored standing stays what the facts say after every kind of change, whichever
way the change is made, and `flask pledges refresh-standing` rebuilds it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, select, true

from portal.core.models import utcnow
from portal.exchange.models import MATCH_ACCEPTED, MATCH_DELIVERED
from portal.extensions import db
from portal.pledges import links, services
from portal.pledges import status as rules
from portal.pledges.models import Pledge, PledgeStanding
from portal.pledges.standing import standing_query
from tests.factories import OrganisationFactory
from tests.pledges.factories import make_pledge, measure, report
from tests.pledges.test_city_scale import _older_proxy_years, _varied_pledges
from tests.pledges.test_exchange_links import delivered_match

COMPARED = (
    "delivered_units",
    "achieved",
    "last_reported_on",
    "last_period_end",
    "next_due",
    "lapses_on",
    "promised_value",
    "original_units",
    "original_year",
    "original_value",
    "counted_value",
)


def _stored() -> dict[int, tuple]:
    table = PledgeStanding.__table__
    rows = db.session.execute(select(table.c.pledge_id, *(table.c[n] for n in COMPARED)))
    return {row[0]: _normal(row[1:]) for row in rows}


def _recomputed() -> dict[int, tuple]:
    rows = db.session.execute(standing_query(true()))
    return {row.pledge_id: _normal(tuple(getattr(row, n) for n in COMPARED)) for row in rows}


def _normal(values: tuple) -> tuple:
    def one(value):
        if isinstance(value, float | Decimal) and not isinstance(value, bool):
            return Decimal(str(value)).quantize(Decimal("0.0001"))
        if isinstance(value, str):
            return date.fromisoformat(value)
        return value

    return tuple(one(v) for v in values)


def assert_standing_is_the_facts() -> None:
    """Stored rows equal a fresh recomputation, and the per-pledge Python rules agree."""
    db.session.commit()
    db.session.expire_all()
    stored = _stored()
    assert stored == _recomputed()
    pledges = list(db.session.scalars(select(Pledge)))
    assert set(stored) == {p.id for p in pledges}
    for progress in services.progress_for(pledges):
        row = dict(zip(COMPARED, stored[progress.pledge.id], strict=True))
        assert row["delivered_units"] == progress.delivered_units.quantize(Decimal("0.0001"))
        assert row["next_due"] == progress.due_on
        assert row["achieved"] == (progress.status == rules.ACHIEVED)
        assert row["promised_value"] == progress.promised_value
        assert row["original_value"] == progress.original_value
        assert row["original_units"] == progress.original_units
        assert row["last_reported_on"] == progress.last_reported_on


def _period(end: date) -> dict:
    return {
        "period_start": end - timedelta(days=30),
        "period_end": end,
        "value": Decimal("7.25"),
        "note": "",
        "evidence_url": "",
    }


def test_standing_follows_every_kind_of_change():
    _older_proxy_years()
    made = _varied_pledges(copies=2)
    assert_standing_is_the_facts()
    today = utcnow().date()
    overdue = made[0]

    added = services.add_progress_update(overdue, _period(today - timedelta(days=2)), None)
    assert_standing_is_the_facts()
    assert db.session.get(PledgeStanding, overdue.id).last_reported_on == today

    correction = services.correct_progress_update(
        added, {**_period(today - timedelta(days=2)), "value": Decimal(400)}, "Typo", None
    )
    assert_standing_is_the_facts()
    assert db.session.get(PledgeStanding, overdue.id).achieved is True

    services.withdraw_progress_update(correction, "Posted to the wrong pledge")
    assert_standing_is_the_facts()
    assert db.session.get(PledgeStanding, overdue.id).achieved is False

    revised = made[6]
    services.revise_pledge(revised, {"target": Decimal("10.5")}, "Smaller team", None)
    assert_standing_is_the_facts()

    organisation = overdue.organisation
    match = delivered_match(
        organisation, hours="12", on=datetime.combine(today, datetime.min.time())
    )
    link = links.link_exchange(overdue, match, Decimal(12), None)
    assert_standing_is_the_facts()
    before = db.session.get(PledgeStanding, overdue.id).counted_value

    # The exchange feature changes its match: the pledge stops counting it.
    match.status = MATCH_ACCEPTED  # delivery undone
    assert_standing_is_the_facts()
    assert db.session.get(PledgeStanding, overdue.id).counted_value < before
    match.status = MATCH_DELIVERED
    assert_standing_is_the_facts()

    links.unlink_exchange(link)
    assert_standing_is_the_facts()

    # A new proxy for a year changes the £ of every pledge of that measure.
    services.set_proxy_value(
        measure("SOC-1"),
        year=today.year,
        value=Decimal("99.99"),
        source="t",
        method="",
        user_id=None,
    )
    assert_standing_is_the_facts()

    # An edit of the promise before anything is reported, and a deletion.
    fresh = make_pledge(OrganisationFactory(), target=10, start=today - timedelta(days=400))
    fresh.target = Decimal(3)
    report(fresh, 4, period_end=today - timedelta(days=1))
    assert_standing_is_the_facts()
    assert db.session.get(PledgeStanding, fresh.id).achieved is True
    db.session.delete(fresh)
    assert_standing_is_the_facts()


def test_a_rolled_back_change_leaves_the_standing_as_it_was():
    pledge = make_pledge(target=20)
    report(pledge, 5, period_end=date(2026, 3, 31))
    db.session.commit()
    before = _stored()
    report_data = _period(date(2026, 6, 30))
    services.add_progress_update(pledge, report_data, None)
    db.session.flush()
    assert _stored() != before
    db.session.rollback()
    assert _stored() == before


def test_refresh_standing_command_rebuilds_every_row(app):
    _varied_pledges()
    db.session.execute(delete(PledgeStanding))
    db.session.commit()
    assert _stored() == {}
    result = app.test_cli_runner().invoke(args=["pledges", "refresh-standing"])
    assert "Standing refreshed for 7 pledges." in result.output
    assert_standing_is_the_facts()
