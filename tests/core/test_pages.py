"""Public pages, the health check, security headers and error pages."""

from __future__ import annotations


def test_home_presents_the_mission_and_the_four_ambitions(client):
    page = client.get("/").get_data(as_text=True)
    assert "reducing poverty and inequality" in page
    for name in (
        "Health and Wellbeing",
        "Inclusive Growth",
        "Strong Communities",
        "Sustainable City",
    ):
        assert name in page


def test_healthz_reports_database_and_redis_status(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.get_json()
    assert data["database"] == "ok"
    assert data["status"] == "ok"
    if app.config.get("REDIS_URL"):
        assert data["redis"] == "ok"
    else:
        assert data["redis"].startswith("not configured")


def test_pages_carry_a_csp_without_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_nul_bytes_anywhere_are_refused_with_a_400_and_nothing_saved(client, login):
    """PostgreSQL cannot store a NUL byte in text: refuse it up front, never a 500."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.orgs.models import Organisation
    from tests.factories import UserFactory

    for url in ("/organisations?q=a%00b", "/scorecard/indicators/a%00b"):
        response = client.get(url)
        assert response.status_code == 400
        assert "character that is not allowed" in response.get_data(as_text=True)
    login(UserFactory())
    before = db.session.scalar(select(func.count(Organisation.id)))
    response = client.post(
        "/organisations/register",
        data={"name": "Pantry\x00", "kind": "vcse", "description": "x", "size_band": "micro"},
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Organisation.id))) == before
