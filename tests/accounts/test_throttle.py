"""Sign-in attempts are limited per address and per account, in a storage every worker shares;
a locked account answers like an unknown e-mail, in words and in work done."""

from __future__ import annotations

import re
import uuid

import pytest
import redis
from sqlalchemy import select

from tests.conftest import EnglishClient, post, totp_code
from tests.factories import PASSWORD, make_user
from tracker import create_app, db
from tracker.accounts import services
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord

REDIS_URL = "redis://127.0.0.1:6379/0"


def _attempt(client, email, password="wrong-password-1", address="10.0.0.1"):
    client.environ_base["REMOTE_ADDR"] = address
    return post(client, "/login", {"email": email, "password": password})


def _instance(app, **config):
    """Another app process of the same deployment (same database, same settings)."""
    other = create_app("test", DATABASE_URL=app.config["DATABASE_URL"],
                       UPLOAD_DIR=app.config["UPLOAD_DIR"], DEFAULT_LOCALE="en", **config)
    other.test_client_class = EnglishClient
    return other


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")


def test_two_app_instances_sharing_redis_count_attempts_together(app):
    """Two workers (or hosts): three attempts on one and two on the other hit a limit of four."""
    _redis_or_skip()
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL,
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
              "LOGIN_RATE_LIMIT_PER_IP": "4 per minute"}
    first, second = _instance(app, **shared), _instance(app, **shared)
    a, b = first.test_client(), second.test_client()
    answers = [_attempt(c, f"nobody{n}@example.cn").status_code
               for n, c in enumerate((a, b, a, b, a))]
    assert answers == [401, 401, 401, 401, 429]
    # Each instance alone has seen at most three: only the shared count reached the limit.
    for instance in (first, second):
        instance.extensions["engine"].dispose()


def test_instances_with_memory_storage_would_not_share_the_count(app):
    """Why production needs RATELIMIT_STORAGE_URI: in memory, each worker counts alone."""
    alone = {"RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT_PER_IP": "4 per minute"}
    a, b = _instance(app, **alone).test_client(), _instance(app, **alone).test_client()
    answers = [_attempt(c, f"nobody{n}@example.cn").status_code
               for n, c in enumerate((a, b, a, b, a))]
    assert 429 not in answers


def test_attempts_on_one_account_from_many_addresses_are_limited(client):
    user = make_user()
    answers = [_attempt(client, user.email, address=f"10.0.1.{n}").status_code
               for n in range(11)]
    # Five failures lock the account (401 with the lock message); the eleventh is refused
    # before any password is checked.
    assert answers[:10] == [401] * 10
    assert answers[10] == 429


def test_many_accounts_from_one_address_are_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "5 per minute")
    answers = [_attempt(client, f"someone{n}@example.cn").status_code for n in range(6)]
    assert answers == [401] * 5 + [429]
    # Another address is not affected.
    assert _attempt(client, "someone@example.cn", address="10.9.9.9").status_code == 401


def test_the_limit_page_speaks_both_languages(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "1 per minute")
    _attempt(client, "a@example.cn")
    english = _attempt(client, "a@example.cn")
    assert english.status_code == 429
    assert "Too many sign-in attempts" in english.get_data(as_text=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese = _attempt(client, "a@example.cn")
    assert chinese.status_code == 429
    assert "尝试次数过多" in chinese.get_data(as_text=True)


def test_the_page_itself_is_not_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "1 per minute")
    _attempt(client, "a@example.cn")
    assert client.get("/login").status_code == 200


def _message(response) -> str:
    # The login page's refusal: the alert opening the form (its error summary).
    return re.search(r'role="alert"[^>]*>(?:<p>)?([^<]*)<',
                     response.get_data(as_text=True)).group(1)


def test_locked_known_and_unknown_emails_get_the_same_answer(client):
    known = make_user(email="known@example.cn")
    for _ in range(5):
        _attempt(client, known.email)
        _attempt(client, "unknown@example.cn")
    locked_known = _attempt(client, known.email, password=PASSWORD)
    locked_unknown = _attempt(client, "unknown@example.cn", password=PASSWORD)
    assert locked_known.status_code == locked_unknown.status_code == 401
    assert "blocked for 15 minutes" in _message(locked_known)
    assert _message(locked_known) == _message(locked_unknown)


def test_the_locked_path_verifies_a_password_like_the_others(client, monkeypatch):
    """The time an answer takes is the Argon2 verification: every path does exactly one."""
    user = make_user()
    for _ in range(5):
        _attempt(client, user.email)
    calls = []
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password",
                        lambda hashed, password: calls.append(hashed) or real(hashed, password))
    assert "blocked" in _attempt(client, user.email, password=PASSWORD).get_data(as_text=True)
    assert calls == [user.password_hash]
    calls.clear()
    _attempt(client, "nobody@example.cn")
    assert calls == [None]  # the dummy hash, as long to verify as a real one


def test_failed_logins_are_audited_with_email_reason_and_address(client):
    user = make_user()
    _attempt(client, user.email, address="10.2.3.4")
    _attempt(client, "Ghost@Example.cn", address="10.2.3.5")
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "user.login_failed").order_by(AuditRecord.id)).all()
    assert [(r.object_id, r.changes["email"][1], r.changes["reason"][1], r.ip_address)
            for r in records] == [
        (user.id, user.email, "wrong_password", "10.2.3.4"),
        (None, "ghost@example.cn", "unknown_email", "10.2.3.5"),
    ]


def test_a_lock_is_audited(client):
    user = make_user()
    for _ in range(6):
        _attempt(client, user.email)
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "users", AuditRecord.object_id == user.id)).all()
    assert "user.locked" in actions
    reasons = db.session.scalars(select(AuditRecord.changes).where(
        AuditRecord.action == "user.login_failed", AuditRecord.object_id == user.id)
            .order_by(AuditRecord.id)).all()
    assert [r["reason"][1] for r in reasons] == ["wrong_password"] * 5 + ["locked"]


def test_successful_sign_ins_from_one_address_do_not_count(client, app, monkeypatch):
    """An office behind one NAT address signs in all morning: only failures count."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "2 per minute")
    people = [make_user() for _ in range(4)]
    answers = [_attempt(app.test_client(), p.email, password=PASSWORD).status_code
               for p in people]  # each at their own desk, from the office's one address
    assert answers == [302] * 4
    assert [_attempt(client, "typo@example.cn").status_code for _ in range(3)] == [401, 401, 429]


def test_a_second_factor_user_signing_in_counts_nothing(client, app, monkeypatch):
    """Password and code are two successful requests of one sign-in: neither counts (with
    every attempt counted, a limit of one answered the code 429)."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_ACCOUNT", "1 per minute")
    user = make_user(Role.HQ_ADMIN)
    assert _attempt(client, user.email, password=PASSWORD).status_code == 302
    assert post(client, "/login/code", {"code": totp_code(user)}).status_code == 302
    assert client.get("/").status_code == 200
