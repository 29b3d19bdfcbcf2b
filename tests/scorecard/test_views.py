"""Scorecard pages: public reading, convenors recording values for their Ambitions only."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.core.models import AuditLog, Ward
from portal.extensions import db
from portal.scorecard.models import Indicator, IndicatorValue
from tests.factories import convenor, member_of, platform_admin
from tests.scorecard.factories import add_value, indicator, load_scorecard, values


def test_every_indicator_named_in_the_issue_is_loaded_once_grouped_by_ambition():
    load_scorecard()
    load_scorecard()  # idempotent
    from portal.scorecard.models import Indicator

    indicators = list(db.session.scalars(select(Indicator)))
    assert len(indicators) == 42
    by_ambition = {}
    for item in indicators:
        by_ambition.setdefault(item.ambition.code, []).append(item.code)
    assert len(by_ambition["HEALTHY"]) == 11
    assert len(by_ambition["GROWING"]) == 10
    assert len(by_ambition["THRIVING"]) == 9
    assert len(by_ambition["RESILIENT"]) == 12
    assert indicator("children-low-income-families").direction == "down"
    assert indicator("employment-rate").frequency == "quarter"
    assert "fsm" in indicator("attainment-8").breakdowns
    for item in indicators:
        assert item.direction in ("up", "down") and item.unit


def test_the_public_scorecard_shows_latest_values_and_direction(client):
    load_scorecard()
    add_value("children-low-income-families", 2024, 25.0)
    add_value("children-low-income-families", 2025, 23.5)  # down is good
    add_value("employment-rate", 2025, 70.0, quarter=1)
    add_value("employment-rate", 2025, 69.0, quarter=2)
    response = client.get("/scorecard/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Children in low-income families" in page
    assert "Improving" in page and "Getting worse" in page
    assert "2025 Q2" in page


def test_the_scorecard_index_is_one_query_count_however_many_values(client, count_queries):
    load_scorecard()
    add_value("fuel-poverty", 2024, 15.0)

    with count_queries() as few:
        assert client.get("/scorecard/").status_code == 200
    for code in ("fuel-poverty", "volunteers", "trees-planted", "attainment-8"):
        for year in range(2010, 2024):
            db.session.add(IndicatorValue(indicator_id=indicator(code).id, year=year, value=1.0))
    db.session.commit()
    with count_queries() as many:
        assert client.get("/scorecard/").status_code == 200
    assert many.count == few.count


def test_indicator_page_shows_chart_table_and_breakdown(client):
    load_scorecard()
    add_value("fuel-poverty", 2024, 16.0)
    add_value("fuel-poverty", 2025, 15.0)
    add_value("fuel-poverty", 2025, 30.0, breakdown="ward", category="Armley")
    add_value("fuel-poverty", 2025, 8.0, breakdown="ward", category="Harewood")
    page = client.get("/scorecard/indicators/fuel-poverty").get_data(as_text=True)
    assert "<svg" in page and '<path d="M' in page
    assert "Citywide values by period" in page
    assert "Improving" in page
    assert "Armley" in page and "30.0" in page
    assert "illustrative" in page  # the ward figures are still the shipped ones


def test_decile_breakdown_is_derived_from_ward_values_and_ward_deciles(client):
    load_scorecard()
    add_value("fuel-poverty", 2025, 30.0, breakdown="ward", category="Burmantofts & Richmond Hill")
    add_value("fuel-poverty", 2025, 8.0, breakdown="ward", category="Harewood")
    page = client.get(
        "/scorecard/indicators/fuel-poverty?breakdown=deprivation_decile&period=2025"
    ).get_data(as_text=True)
    assert "averages of the ward values" in page
    assert "Decile 1 (most deprived)" in page and "30" in page


def test_recorded_decile_values_are_shown_as_recorded(client):
    load_scorecard()
    add_value("fuel-poverty", 2025, 40.0, breakdown="deprivation_decile", category="1")
    page = client.get(
        "/scorecard/indicators/fuel-poverty?breakdown=deprivation_decile&period=2025"
    ).get_data(as_text=True)
    assert "averages of the ward values" not in page
    assert "40.0" in page or "40 " in page


def test_unknown_indicator_and_odd_query_values_do_not_fail(client):
    load_scorecard()
    assert client.get("/scorecard/indicators/nope").status_code == 404
    assert client.get("/scorecard/indicators/" + "x" * 500).status_code == 404
    response = client.get("/scorecard/indicators/fuel-poverty?breakdown=<b>&period=99999")
    assert response.status_code == 200


def test_convenor_records_a_citywide_value_for_their_ambition(client, login):
    load_scorecard()
    user = convenor("HEALTHY")
    login(user)
    response = client.post(
        "/scorecard/indicators/low-birth-weight/values/new",
        data={"period": "2025", "value": "71.2", "source": "OHID Fingertips", "notes": ""},
    )
    assert response.status_code == 302
    [saved] = values("low-birth-weight")
    assert (saved.year, saved.quarter, saved.breakdown, saved.value) == (2025, 0, "citywide", 71.2)
    assert saved.recorded_by_id == user.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "scorecard.value_recorded"))
    # Recording again for the same period replaces the value.
    client.post(
        "/scorecard/indicators/low-birth-weight/values/new",
        data={"period": "2025", "value": "70", "source": "", "notes": "revised"},
    )
    [saved] = values("low-birth-weight")
    assert saved.value == 70 and saved.notes == "revised"


def test_convenor_records_a_disaggregated_value(client, login):
    load_scorecard()
    login(convenor("GROWING"))
    response = client.post(
        "/scorecard/indicators/attainment-8/values/new?breakdown=fsm",
        data={"period": "2025", "category": "Eligible for free school meals", "value": "34.5"},
    )
    assert response.status_code == 302
    [saved] = values("attainment-8")
    assert (saved.breakdown, saved.category) == ("fsm", "Eligible for free school meals")
    form = client.get("/scorecard/indicators/attainment-8/values/new?breakdown=ward")
    assert "Armley" in form.get_data(as_text=True)


def test_convenor_cannot_record_for_another_ambition(client, login):
    load_scorecard()
    login(convenor("HEALTHY"))
    url = "/scorecard/indicators/employment-rate/values/new"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"period": "2025 Q1", "value": "70"}).status_code == 403
    assert values("employment-rate") == []


def test_people_who_are_not_convenors_cannot_record_or_delete(client, login):
    load_scorecard()
    entry = add_value("fuel-poverty", 2025, 15.0)
    url = "/scorecard/indicators/fuel-poverty/values/new"
    assert client.get(url).status_code == 302  # signed out: sent to sign in
    login(member_of())
    assert client.post(url, data={"period": "2025", "value": "1"}).status_code == 403
    assert client.post(f"/scorecard/values/{entry.id}/delete").status_code == 403
    assert len(values("fuel-poverty")) == 1


def test_admin_records_for_any_ambition_and_deletes(client, login):
    load_scorecard()
    entry = add_value("fuel-poverty", 2025, 15.0)
    login(platform_admin())
    response = client.post(
        "/scorecard/indicators/employment-rate/values/new?breakdown=sex",
        data={"period": "2025 Q3", "category": "Male", "value": "74"},
    )
    assert response.status_code == 302
    assert client.post(f"/scorecard/values/{entry.id}/delete").status_code == 302
    assert values("fuel-poverty") == []
    assert client.post("/scorecard/values/999999/delete").status_code == 404


def test_convenor_cannot_delete_another_ambitions_value(client, login):
    load_scorecard()
    entry = add_value("employment-rate", 2025, 70.0, quarter=1)
    login(convenor("HEALTHY"))
    assert client.post(f"/scorecard/values/{entry.id}/delete").status_code == 403
    assert len(values("employment-rate")) == 1


def test_bad_input_gives_field_messages_and_saves_nothing(client, login):
    load_scorecard()
    login(convenor("GROWING"))
    cases = [
        ({"period": "2025", "value": "70"}, "recorded by quarter"),  # employment-rate is quarterly
        ({"period": "soon", "value": "70"}, "Enter the period"),
        ({"period": "2025 Q1", "value": "seventy"}, "as a number"),
        ({"period": "2025 Q1", "value": "1e999"}, "Enter a number between"),
        ({"period": "2025 Q1", "value": "101"}, "percentage between"),
        ({"period": "2025 Q1", "value": ""}, "Enter the value"),
        ({"period": "2025 Q1", "value": "70", "source": "s" * 201}, "200 characters"),
    ]
    for data, message in cases:
        response = client.post("/scorecard/indicators/employment-rate/values/new", data=data)
        assert response.status_code == 200, data
        assert message in response.get_data(as_text=True), data
    response = client.post(
        "/scorecard/indicators/employment-rate/values/new?breakdown=sex",
        data={"period": "2025 Q1", "category": "Unknown", "value": "70"},
    )
    assert "Choose from the options given" in response.get_data(as_text=True)
    assert (
        client.get("/scorecard/indicators/employment-rate/values/new?breakdown=ward").status_code
        == 404
    )
    assert values("employment-rate") == []


def test_post_without_csrf_is_refused(client, login):
    load_scorecard()
    login(convenor("GROWING"))
    response = client.post(
        "/scorecard/indicators/attainment-8/values/new",
        data={"period": "2025", "value": "40"},
        csrf=False,
    )
    assert response.status_code in (400, 200)
    assert values("attainment-8") == []


def test_demo_seed_is_idempotent_and_populates_three_years_with_breakdowns():
    from portal.scorecard.demo import seed_demo

    seed_demo()
    db.session.commit()
    count = db.session.scalar(select(func.count(IndicatorValue.id)))
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(IndicatorValue.id))) == count
    years = set(db.session.scalars(select(IndicatorValue.year).distinct()))
    assert years == {2024, 2025, 2026}
    breakdowns = set(db.session.scalars(select(IndicatorValue.breakdown).distinct()))
    assert breakdowns == {
        "citywide",
        "ward",
        "deprivation_decile",
        "ethnicity",
        "fsm",
        "age_group",
        "sex",
    }
    for code in ("life-expectancy-male", "employment-rate", "district-heating-connections"):
        assert any(v.breakdown == "citywide" for v in values(code))


def test_cli_command_loads_the_reference(app):
    result = app.test_cli_runner().invoke(args=["scorecard", "load-reference"])
    assert result.exit_code == 0, result.output
    assert "42 indicators" in result.output
    db.session.expire_all()
    assert indicator("fuel-poverty") is not None


def test_record_and_delete_controls_show_only_to_the_ambitions_convenors(client, login):
    load_scorecard()
    add_value("fuel-poverty", 2025, 15.0)
    url = "/scorecard/indicators/fuel-poverty"
    assert "Record a citywide value" not in client.get(url).get_data(as_text=True)
    login(convenor("HEALTHY"))
    page = client.get(url).get_data(as_text=True)
    assert "Record a citywide value" not in page and "the value for 2025" not in page
    client.post("/sign-out")
    login(convenor("RESILIENT"))
    page = client.get(url).get_data(as_text=True)
    assert "Record a citywide value" in page and "the value for 2025" in page
    assert "Record a value by ward" in page


def test_indicator_page_queries_stay_flat_as_values_grow(client, count_queries):
    load_scorecard()
    add_value("fuel-poverty", 2025, 15.0)
    add_value("fuel-poverty", 2025, 20.0, breakdown="ward", category="Armley")
    url = "/scorecard/indicators/fuel-poverty?breakdown=ward&period=2025"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    wards = list(db.session.scalars(select(Ward.name)))
    for year in range(2010, 2025):
        db.session.add(
            IndicatorValue(indicator_id=indicator("fuel-poverty").id, year=year, value=1.0)
        )
    for ward in wards:
        if ward != "Armley":
            db.session.add(
                IndicatorValue(
                    indicator_id=indicator("fuel-poverty").id,
                    year=2025,
                    breakdown="ward",
                    category=ward,
                    value=3.0,
                )
            )
    db.session.commit()
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert "Wetherby" in page
    assert many.count == few.count


def test_convenor_deletes_a_breakdown_value_and_returns_to_that_breakdown(client, login):
    load_scorecard()
    armley = add_value("fuel-poverty", 2025, 30.0, breakdown="ward", category="Armley")
    add_value("fuel-poverty", 2025, 8.0, breakdown="ward", category="Harewood")
    login(convenor("RESILIENT"))
    page = client.get("/scorecard/indicators/fuel-poverty?breakdown=ward&period=2025")
    assert "the value for Armley" in page.get_data(as_text=True)
    response = client.post(f"/scorecard/values/{armley.id}/delete")
    assert response.status_code == 302
    assert "breakdown=ward" in response.headers["Location"]
    assert [v.category for v in values("fuel-poverty")] == ["Harewood"]


def test_a_value_outside_its_indicators_range_is_refused_and_never_reported(client, login):
    """Issue 10, case 7: -5 % was saved and reported as "Improving"."""
    load_scorecard()
    login(convenor("HEALTHY"))
    cases = [
        ("children-feeling-happy", "-5", "Enter a percentage between 0 and 100"),
        ("children-feeling-happy", "100.5", "Enter a percentage between 0 and 100"),
        ("life-expectancy-male", "-3", "Enter a value of 0 or more"),
    ]
    for code, value, message in cases:
        response = client.post(
            f"/scorecard/indicators/{code}/values/new",
            data={"period": "2025", "value": value, "source": "", "notes": ""},
        )
        assert response.status_code == 200, (code, value)
        assert message in response.get_data(as_text=True), (code, value)
        assert values(code) == []
    ok = client.post(
        "/scorecard/indicators/children-feeling-happy/values/new",
        data={"period": "2025", "value": "0", "source": "", "notes": ""},
    )
    assert ok.status_code == 302  # the ends of the range are valid values


def test_every_indicator_declares_a_range_that_fits_its_unit():
    load_scorecard()
    for item in db.session.scalars(select(Indicator)):
        assert item.valid_min == 0, item.code
        assert item.valid_max == (100 if item.unit == "%" else None), item.code
