"""The secret key is never one the repository shares; the client address and scheme come from
X-Forwarded-* only behind trusted proxies; PORTAL_INSECURE_HTTP runs production over http."""

from __future__ import annotations

import logging
import re
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from config import SECRET_KEY_FILE, instance_secret_key
from portal.extensions import db
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, CsrfClient
from tests.factories import PASSWORD, UserFactory

# The key main signed development sessions with; it was public, in config.py.
OLD_REPOSITORY_KEY = "development-only-secret-key-change-me"


def _development_app(build_app: Any, app: Flask, instance: Path, monkeypatch) -> Flask:
    """The default start (no SECRET_KEY, development config) on the suite's database."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(instance))
    return build_app(
        "development",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=None,
        RATELIMIT_STORAGE_URI="memory://",
    )


def _forged_session(key: str, payload: dict[str, Any]) -> str:
    forger = Flask("forger")
    forger.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    assert serializer is not None
    return serializer.dumps(payload)


def test_a_cookie_signed_with_the_old_repository_key_opens_nothing(
    app, build_app, tmp_path, monkeypatch
):
    admin = UserFactory(is_platform_admin=True)
    db.session.commit()
    development = _development_app(build_app, app, tmp_path / "instance", monkeypatch)
    payload = {"_user_id": admin.get_id(), "_fresh": True}
    # A cookie signed with this instance's own key is what a signed-in admin has...
    genuine = development.test_client()
    genuine.set_cookie("session", _forged_session(development.secret_key, payload))
    assert genuine.get("/admin/users").status_code == 200
    # ...and the same cookie signed with the key everyone could read is refused.
    forged = development.test_client()
    forged.set_cookie("session", _forged_session(OLD_REPOSITORY_KEY, payload))
    response = forged.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_each_instance_generates_and_keeps_its_own_key(app, build_app, tmp_path, monkeypatch):
    first = _development_app(build_app, app, tmp_path / "one", monkeypatch)
    key_file = tmp_path / "one" / SECRET_KEY_FILE
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) == 64 and first.secret_key != OLD_REPOSITORY_KEY
    again = _development_app(build_app, app, tmp_path / "one", monkeypatch)
    assert again.secret_key == first.secret_key  # a restart keeps everyone signed in
    other = _development_app(build_app, app, tmp_path / "two", monkeypatch)
    assert other.secret_key != first.secret_key
    # SECRET_KEY in the environment wins, and no file is needed.
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path / "three"))
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert build_app("development", RATELIMIT_STORAGE_URI="memory://").secret_key == "k" * 40
    assert not (tmp_path / "three" / SECRET_KEY_FILE).exists()


def test_processes_starting_together_agree_on_one_key(tmp_path):
    barrier = threading.Barrier(8)
    keys: list[str] = []

    def start() -> None:
        barrier.wait()
        keys.append(instance_secret_key(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_KEY_FILE]  # no temporary files left


def test_production_never_generates_a_key(monkeypatch, tmp_path):
    from portal import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal@db.example.org/portal")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    with pytest.raises(RuntimeError, match=r"refuses to start without: SECRET_KEY$"):
        create_app("production")
    assert not (tmp_path / SECRET_KEY_FILE).exists()


def _sign_in_attempts(client, address: str | None, count: int) -> list[int]:
    headers = {"X-Forwarded-For": address} if address else {}
    return [
        client.post(
            "/sign-in",
            data={"email": f"guess{n}@example.org", "password": "wrong-guess-123"},
            headers=headers,
        ).status_code
        for n in range(count)
    ]


@pytest.mark.parametrize(("proxies", "separate"), [(1, True), (0, False)])
def test_forwarded_addresses_get_their_own_sign_in_limit_only_behind_trusted_proxies(
    app, build_app, proxies, separate
):
    proxied = build_app(
        "testing",
        TRUSTED_PROXIES=proxies,
        LOGIN_ADDRESS_RATE_LIMIT="3 per 15 minutes",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    proxied.test_client_class = CsrfClient
    client = proxied.test_client()
    assert _sign_in_attempts(client, "203.0.113.7", 4) == [200, 200, 200, 429]
    other_office = _sign_in_attempts(client, "198.51.100.20", 1)
    assert other_office == ([200] if separate else [429])


def test_a_trusted_proxy_tells_the_app_the_request_came_over_https(app, build_app):
    proxied = build_app("testing", TRUSTED_PROXIES=1)
    seen: dict[str, str] = {}

    @proxied.get("/_probe")
    def probe() -> str:
        from flask import request

        seen.update(scheme=request.scheme, address=request.remote_addr or "")
        return "ok"

    proxied.test_client().get(
        "/_probe", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"scheme": "https", "address": "203.0.113.7"}


def test_trusted_proxies_must_be_a_number(monkeypatch):
    from portal import create_app

    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES must be a whole number"):
        create_app("development")


def _production_env(monkeypatch, tmp_path, *, insecure: bool) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv(
        "DATABASE_URL", TEST_DATABASE_URL or "postgresql://portal@127.0.0.1:1/never-connected"
    )
    monkeypatch.setenv("REDIS_URL", TEST_REDIS_URL or "redis://127.0.0.1:6379/14")
    if insecure:
        monkeypatch.setenv("PORTAL_INSECURE_HTTP", "1")
    else:
        monkeypatch.delenv("PORTAL_INSECURE_HTTP", raising=False)


def test_portal_insecure_http_drops_secure_cookies_and_hsts_with_a_warning(
    build_app, monkeypatch, tmp_path, caplog
):
    _production_env(monkeypatch, tmp_path, insecure=True)
    with caplog.at_level(logging.WARNING, logger="config"):
        production = build_app("production")
    assert production.config["SESSION_COOKIE_SECURE"] is False
    assert production.config["REMEMBER_COOKIE_SECURE"] is False
    assert "Strict-Transport-Security" not in production.test_client().get("/about").headers
    assert any("PORTAL_INSECURE_HTTP" in r.getMessage() for r in caplog.records)


def _sign_in_over_http(production: Flask, email: str) -> tuple[Any, Any]:
    browser = production.test_client()
    page = browser.get("/sign-in").get_data(as_text=True)
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, page[:500]
    response = browser.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    return response, browser


@pytest.mark.postgres
def test_production_with_portal_insecure_http_signs_in_over_http(build_app, monkeypatch, tmp_path):
    user = UserFactory()
    db.session.commit()
    _production_env(monkeypatch, tmp_path, insecure=False)
    response, browser = _sign_in_over_http(build_app("production"), user.email)
    assert browser.get_cookie("session").secure  # a browser would not send it back over http
    _production_env(monkeypatch, tmp_path, insecure=True)
    response, browser = _sign_in_over_http(build_app("production"), user.email)
    assert response.status_code == 302
    assert not browser.get_cookie("session").secure
    assert browser.get("/account").status_code == 200
