"""Logging in and out: lockout, session revocation, safe redirects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from tests.conftest import csrf_token, login, post
from tests.factories import PASSWORD, make_user
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord


def test_login_page_explains_itself(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="email"' in page.get_data(as_text=True)


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/institutes/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_login_with_right_password_records_it(client):
    user = make_user(Role.PROJECT_MANAGER, email="Pm@Example.cn")
    response = post(client, "/login", {"email": "  pm@example.CN ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    actions = db.session.scalars(
        select(AuditRecord.action).where(AuditRecord.object_id == user.id)).all()
    assert "user.login" in actions


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    make_user(email="known@example.cn")
    wrong = post(client, "/login", {"email": "known@example.cn", "password": "x" * 12})
    unknown = post(client, "/login", {"email": "nobody@example.cn", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    user = make_user()
    for _ in range(5):
        post(client, "/login", {"email": user.email, "password": "wrong-password-1"})
    db.session.refresh(user)
    assert user.locked_until is not None
    assert user.locked_until - db.utcnow() > timedelta(minutes=14)
    response = post(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert "locked" in response.get_data(as_text=True)


def test_four_failures_do_not_lock_and_a_success_resets_the_count(client):
    user = make_user()
    for _ in range(4):
        post(client, "/login", {"email": user.email, "password": "wrong-password-1"})
    db.session.refresh(user)
    assert user.failed_logins == 4 and user.locked_until is None
    login(client, user)
    db.session.refresh(user)
    assert user.failed_logins == 0


def test_the_lock_expires_after_fifteen_minutes(client):
    user = make_user()
    for _ in range(5):
        post(client, "/login", {"email": user.email, "password": "wrong-password-1"})
    db.session.refresh(user)
    # Time travel: the lock was set 15 minutes and a second ago.
    user.locked_until = db.utcnow() - timedelta(seconds=1)
    db.session.flush()
    login(client, user)


def test_the_failure_count_lives_in_the_database(client, app):
    """A second worker process sees the same count: two clients stand in for two workers."""
    user = make_user()
    other = app.test_client()
    for c in (client, other, client, other, client):
        post(c, "/login", {"email": user.email, "password": "wrong-password-1"})
    db.session.refresh(user)
    assert user.is_locked(db.utcnow())


def test_logout_ends_copied_sessions(client, app):
    user = make_user(Role.HQ_ADMIN)
    login(client, user)
    # Someone copies the session cookie into another browser.
    cookie = client.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 200
    post(client, "/logout")
    assert thief.get("/").status_code == 302  # sent to the login page


def test_password_change_ends_other_sessions_but_not_this_one(client, app):
    user = make_user()
    login(client, user)
    other_browser = app.test_client()
    login(other_browser, user)
    response = post(client, "/account", {
        "pw-current_password": PASSWORD, "pw-new_password": "a-brand-new-passphrase",
        "pw-submit": "1",
    })
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_browser.get("/").status_code == 302
    post(client, "/logout")
    login(client, user, "a-brand-new-passphrase")


def test_password_change_refuses_a_short_password_beside_the_field(client):
    user = make_user()
    login(client, user)
    response = post(client, "/account", {
        "pw-current_password": PASSWORD, "pw-new_password": "short", "pw-submit": "1",
    })
    assert response.status_code == 400
    assert "Use at least 12 characters." in response.get_data(as_text=True)


def test_password_change_needs_the_current_password(client):
    user = make_user()
    login(client, user)
    response = post(client, "/account", {
        "pw-current_password": "not-my-password", "pw-new_password": "another-long-password",
        "pw-submit": "1",
    })
    assert "This is not your current password." in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client):
    user = make_user(active=False)
    response = post(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert "deactivated" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https://evil.example/", "http:evil.example",
    "/\\/evil.example", "javascript:alert(1)", "\\\\evil.example", "/\n/evil.example",
    "/\t/evil.example",
])
def test_next_never_leaves_the_site(client, target):
    user = make_user()
    token = csrf_token(client)
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location in ("/", "http://localhost/")


def test_next_goes_to_a_path_of_this_site(client):
    user = make_user(Role.OBSERVER)
    token = csrf_token(client)
    response = client.post("/login", query_string={"next": "/institutes/?q=a"},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/institutes/?q=a"


def test_passwords_are_hashed_with_argon2id():
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_production_hashes_with_rfc_9106_low_memory_and_refuses_a_cheap_cost(monkeypatch):
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from config import ProductionConfig, TestConfig

    assert (ProductionConfig.ARGON2_TIME_COST, ProductionConfig.ARGON2_MEMORY_KIB,
            ProductionConfig.ARGON2_PARALLELISM) == (RFC_9106_LOW_MEMORY.time_cost,
                                                     RFC_9106_LOW_MEMORY.memory_cost,
                                                     RFC_9106_LOW_MEMORY.parallelism)
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("BASE_URL", "https://tracker.example.org")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setattr(ProductionConfig, "ARGON2_MEMORY_KIB", TestConfig.ARGON2_MEMORY_KIB)
    with pytest.raises(RuntimeError, match="ARGON2_MEMORY_KIB=8"):
        ProductionConfig.check()


def test_a_hash_of_another_cost_still_logs_in_and_is_redone_with_the_configured_one(client, app):
    from argon2 import PasswordHasher

    user = make_user()
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    db.session.commit()
    login(client, user)
    db.session.refresh(user)
    config = app.config
    assert (f"$m={config['ARGON2_MEMORY_KIB']},t={config['ARGON2_TIME_COST']},"
            f"p={config['ARGON2_PARALLELISM']}$") in user.password_hash


def test_user_roles_include_director_when_an_institute_names_them():
    from tests.factories import make_institute

    user = make_user()
    assert Role.INSTITUTE_DIRECTOR not in user.roles
    make_institute(director=user)
    db.session.expire(user)
    assert Role.INSTITUTE_DIRECTOR in db.session.get(User, user.id).roles
