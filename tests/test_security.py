"""CSRF, headers, cookies and configuration that refuses to start unsafe."""

from __future__ import annotations

import pytest

from config import ProductionConfig
from tests.conftest import CSRF_RE, csrf_token, login, post
from tests.factories import PASSWORD, make_user
from tracker.accounts.models import Role


def test_a_post_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "not sent from this site" in response.get_data(as_text=True)


def test_a_logged_in_post_with_a_forged_token_is_refused(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    response = client.post("/enterprises/new", data={"name": "X", "csrf_token": "forged"})
    assert response.status_code == 400


def test_the_token_a_page_renders_is_accepted(client):
    """The suite's posts carry the token the app signs for the session without rendering a
    page (tests/conftest.py:csrf_token): the one a page's form carries is accepted as well."""
    user = make_user()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_token_of_another_session_is_refused(app, client):
    user = make_user()
    other = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(other)})
    assert response.status_code == 400
    assert "not sent from this site" in response.get_data(as_text=True)


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_session_cookie_is_httponly_and_lax(client):
    user = make_user()
    response = post(client, "/login", {"email": user.email, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.no_db
def test_templates_have_no_inline_script_or_style_and_no_cdn():
    from pathlib import Path

    for path in Path("templates").rglob("*.html"):
        text = path.read_text()
        assert "<script>" not in text and " onclick=" not in text, path
        assert "style=" not in text and "<style" not in text, path
        assert "//cdn" not in text and "https://" not in text, path


@pytest.mark.no_db
def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(RuntimeError,
                       match="SECRET_KEY, DATABASE_URL, BASE_URL, RATELIMIT_STORAGE_URI, "
                             "ENCRYPTION_KEYS"):
        ProductionConfig.check()
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    with pytest.raises(RuntimeError, match="DATABASE_URL") as error:
        ProductionConfig.check()
    assert "SECRET_KEY" not in str(error.value)


@pytest.mark.no_db
def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
