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
