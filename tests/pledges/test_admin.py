"""Platform administration: proxy values (audited, versioned by year) and overdue pledges."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.core.models import AuditLog, utcnow
from portal.extensions import db
from portal.pledges import services
from portal.pledges.models import ProxyValue
from tests.factories import OrganisationFactory, member_of, platform_admin
from tests.pledges.factories import make_pledge, measure, report


def proxy_form(**overrides):
    data = {
        "year": "2027",
        "value": "25.50",
        "source": "ONS Annual Survey of Hours and Earnings 2026",
        "method": "Hourly equivalent of the median full-time pay",
    }
    data.update(overrides)
    return data


def test_a_2027_proxy_leaves_2026_figures_alone(client, login):
    pledge = make_pledge(start=date(2026, 1, 1), end=date(2027, 12, 31), target=1000)
    report(pledge, 100, period_end=date(2026, 6, 30))
    report(pledge, 100, period_end=date(2027, 1, 31), reported_on=date(2026, 2, 1))
    before = services.progress_for([pledge], date(2027, 2, 1))[0]
    assert before.delivered_value == Decimal("3954.00")  # 200 hours at the 2026 proxy £19.77

    login(platform_admin())
    response = client.post(
        f"/pledges/admin/measures/{measure('SOC-1').id}/proxy", data=proxy_form()
    )
    assert response.status_code == 302
    db.session.expire_all()
    after = services.progress_for([db.session.get(type(pledge), pledge.id)], date(2027, 2, 1))[0]
    # 2026's hundred hours keep £19.77; 2027's hundred are now valued at £25.50.
    assert after.delivered_value == Decimal("1977.00") + Decimal("2550.00")
    assert after.promised_value == before.promised_value  # promised at the 2026 start-year proxy
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "pledges.proxy_set"))
    assert "SOC-1" in entry.summary and '"before": null' in entry.details


def test_changing_an_existing_year_is_audited_with_before_and_after(client, login):
    login(platform_admin())
    client.post(
        f"/pledges/admin/measures/{measure('SOC-1').id}/proxy",
        data=proxy_form(year="2026", value="20"),
    )
    proxy = db.session.scalar(
        select(ProxyValue).where(
            ProxyValue.measure_id == measure("SOC-1").id, ProxyValue.year == 2026
        )
    )
    assert proxy.value == Decimal("20.00")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "pledges.proxy_set"))
    assert '"before": "19.77"' in entry.details and '"after": "20"' in entry.details


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"year": "1999"}, "Enter a year between 2000 and 2100"),
        ({"year": "next"}, "Enter a year between 2000 and 2100"),
        ({"value": "-1"}, "£ per unit cannot be negative"),
        ({"value": "abc"}, "£ per unit must be a number"),
        ({"source": ""}, "Enter the public source of the value"),
        ({"source": "s" * 301}, "Source must be 300 characters or fewer"),
    ],
)
def test_bad_proxy_input_saves_nothing(client, login, overrides, message):
    login(platform_admin())
    count = len(measure("SOC-1").proxies)
    response = client.post(
        f"/pledges/admin/measures/{measure('SOC-1').id}/proxy", data=proxy_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(measure("SOC-1").proxies) == count


def test_only_platform_admins_reach_the_admin_pages(client, login):
    login(member_of(OrganisationFactory()))
    target = measure("SOC-1").id
    assert client.get("/pledges/admin/overdue").status_code == 403
    assert client.get("/pledges/admin/measures").status_code == 403
    assert (
        client.post(f"/pledges/admin/measures/{target}/proxy", data=proxy_form()).status_code == 403
    )
    db.session.expire_all()
    assert [p.year for p in measure("SOC-1").proxies] == [2025, 2026]


def test_admin_sees_overdue_pledges_across_the_network_including_private(client, login):
    today = utcnow().date()
    make_pledge(
        title="Overdue public pledge",
        start=today - timedelta(days=150),
        end=today + timedelta(days=300),
    )
    make_pledge(
        title="Overdue private pledge",
        public=False,
        start=today - timedelta(days=150),
        end=today + timedelta(days=300),
    )
    fresh = make_pledge(
        title="Up to date pledge",
        start=today - timedelta(days=150),
        end=today + timedelta(days=300),
    )
    report(fresh, 5, period_end=today - timedelta(days=3))
    login(platform_admin())
    page = client.get("/pledges/admin/overdue").get_data(as_text=True)
    assert "Overdue public pledge" in page and "Overdue private pledge" in page
    assert "Up to date pledge" not in page
    admin_index = client.get("/admin/").get_data(as_text=True)
    assert "/pledges/admin/overdue" in admin_index and "/pledges/admin/measures" in admin_index


def test_the_overdue_count_stops_at_its_cap(client, login, monkeypatch):
    from portal.pledges import views

    monkeypatch.setattr(views, "OVERDUE_COUNT_CAP", 2)
    today = utcnow().date()
    for number in range(3):
        make_pledge(
            title=f"Overdue pledge {number}",
            start=today - timedelta(days=150),
            end=today + timedelta(days=300),
        )
    login(platform_admin())
    page = " ".join(client.get("/pledges/admin/overdue").get_data(as_text=True).split())
    assert "more than 2 overdue pledges" in page
    assert all(f"Overdue pledge {number}" in page for number in range(3))


def test_unknown_measure_is_404(client, login):
    login(platform_admin())
    assert client.get("/pledges/admin/measures/999999/proxy").status_code == 404
