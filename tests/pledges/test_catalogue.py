"""Loading the charter principles and measure catalogue from the shipped data files."""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import func, select

from portal.extensions import db
from portal.pledges.catalogue import load_catalogue, load_measures_data
from portal.pledges.models import (
    CharterPrinciple,
    ProxyValue,
    SocialValueMeasure,
)
from tests.pledges.factories import measure


def _counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (CharterPrinciple, SocialValueMeasure, ProxyValue)
    )


def test_the_catalogue_covers_the_charter_and_every_theme():
    principles = set(db.session.scalars(select(CharterPrinciple.name)))
    assert {
        "Creating local jobs",
        "Supporting community-led organisations and the VCSE sector",
        "Buying sustainably and ethically",
        "Keeping the Leeds pound in the local economy",
    } <= principles
    measures = list(db.session.scalars(select(SocialValueMeasure)))
    assert 18 <= len(measures) <= 25
    assert {m.theme for m in measures} == {"jobs", "growth", "social", "environment", "innovation"}
    assert {m.unit for m in measures} == {
        "fte_jobs",
        "weeks",
        "hours",
        "hours_attendees",
        "gbp",
        "tonnes",
        "tco2e",
        "people",
    }


def test_every_measure_has_rules_links_and_sourced_proxies():
    for item in db.session.scalars(select(SocialValueMeasure)):
        assert item.counting_rule, item.code
        assert item.principles, item.code
        assert item.goals, item.code
        assert item.proxies, item.code
        for proxy in item.proxies:
            assert proxy.source and proxy.value >= 0, (item.code, proxy.year)


def test_count_units_are_whole_numbers_and_emissions_count_down():
    assert measure("JOBS-2").whole_number  # people
    assert measure("JOBS-3").whole_number  # weeks
    assert not measure("SOC-1").whole_number  # hours
    assert measure("ENV-2").decreases
    assert not measure("ENV-1").decreases


def test_carbon_proxies_follow_the_green_book_series_by_year():
    years = {p.year: p.value for p in measure("ENV-1").proxies}
    assert sorted(years) == [2025, 2026, 2027]
    assert years[2025] < years[2026] < years[2027]


def test_loading_again_adds_nothing_and_keeps_an_admins_correction():
    before = _counts()
    proxy = measure("SOC-1").proxies[0]
    proxy.value = Decimal("21.00")
    db.session.commit()
    added = load_catalogue()
    db.session.commit()
    assert added == {"principles": 0, "measures": 0, "proxies": 0}
    assert _counts() == before
    db.session.expire_all()
    assert measure("SOC-1").proxies[0].value == Decimal("21.00")


def test_loading_restores_a_missing_year_only():
    target = measure("SOC-1")
    db.session.delete(target.proxies[-1])
    db.session.commit()
    assert load_catalogue()["proxies"] == 1
    db.session.commit()
    db.session.expire_all()
    assert [p.year for p in measure("SOC-1").proxies] == [2025, 2026]


def test_the_data_file_is_the_single_source_of_codes():
    codes = [item["code"] for item in load_measures_data()["measures"]]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(db.session.scalars(select(SocialValueMeasure.code)))


def test_cli_command_loads_the_catalogue(app):
    result = CliRunner().invoke(app.cli, ["pledges", "load-catalogue"], obj=None)
    assert result.exit_code == 0, result.output
    assert "0 measures" in result.output
