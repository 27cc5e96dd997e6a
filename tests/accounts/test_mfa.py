"""The second factor: required for HQ admins and the committee, optional for others, codes
used once, recovery codes kept hashed, an admin's reset audited."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select, text

from tests.conftest import login, post, totp_code
from tests.factories import PASSWORD, TOTP_SECRET, make_user
from tracker import crypto, db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord

T0 = datetime(2026, 6, 1, 1, 0, 10, tzinfo=UTC)


def _password(client, user):
    return post(client, "/login", {"email": user.email, "password": PASSWORD})


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _actions(user) -> list[str]:
    return db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "users", AuditRecord.object_id == user.id)
        .order_by(AuditRecord.id)).all()


@pytest.mark.parametrize("role", [Role.HQ_ADMIN, Role.INVESTMENT_COMMITTEE])
def test_a_password_alone_does_not_sign_in_an_admin_or_committee_member(client, role):
    user = make_user(role)
    response = _password(client, user)
    assert response.headers["Location"].startswith("/login/code")
    assert not _signed_in(client)
    assert client.get("/admin/users/").status_code == 302
    wrong = post(client, "/login/code", {"code": "000000"})
    assert wrong.status_code == 401 and "Wrong code" in wrong.get_data(as_text=True)
    assert not _signed_in(client)
    right = post(client, "/login/code", {"code": totp_code(user)})
    assert right.status_code == 302
    assert _signed_in(client)
    assert _actions(user) == ["user.password_ok", "user.login_failed", "user.login"]


def test_wrong_codes_are_audited_and_count_towards_the_lock(client):
    user = make_user(Role.HQ_ADMIN)
    _password(client, user)
    for _ in range(5):
        post(client, "/login/code", {"code": "000000"})
    locked = post(client, "/login/code", {"code": totp_code(user)})
    assert locked.status_code == 401 and "blocked" in locked.get_data(as_text=True)
    reasons = [r["reason"][1] for r in db.session.scalars(select(AuditRecord.changes).where(
        AuditRecord.action == "user.login_failed", AuditRecord.object_id == user.id)
            .order_by(AuditRecord.id))]
    assert reasons == ["wrong_code"] * 5 + ["locked"]
    assert "user.locked" in _actions(user)


def test_a_code_is_accepted_once(client, app, clock):
    clock.set(T0)
    user = make_user(Role.HQ_ADMIN)
    code = pyotp.TOTP(TOTP_SECRET).now()
    _password(client, user)
    assert post(client, "/login/code", {"code": code}).status_code == 302
    other = app.test_client()
    _password(other, user)
    replayed = post(other, "/login/code", {"code": code})
    assert replayed.status_code == 401
    # Not "Wrong code": the code was right, and used a moment ago (the newcomer's walk).
    said = replayed.get_data(as_text=True)
    assert "This code was just used; wait for the next one." in said and "Wrong code" not in said
    clock.set(T0 + timedelta(seconds=30))
    assert post(other, "/login/code", {"code": pyotp.TOTP(TOTP_SECRET).now()}).status_code == 302


def test_the_code_step_keeps_where_the_person_was_going(client):
    user = make_user(Role.HQ_ADMIN)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", query_string={"next": "/institutes/"},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    answer = post(client, response.headers["Location"], {"code": totp_code(user)})
    assert answer.headers["Location"] == "/institutes/"


def test_an_admin_without_a_second_factor_is_led_to_enrol(client):
    admin = make_user(Role.HQ_ADMIN, mfa=False)
    login(client, admin)
    for path in ("/", "/admin/users/", "/account"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/account/mfa", path
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "<svg" in page and "Your roles require" in page
    db.session.refresh(admin)
    secret = admin.totp_secret
    assert secret in page  # the key, for typing it in by hand
    refused = post(client, "/account/mfa", {"code": "123456"})
    assert refused.status_code == 400 and "not the one your app shows" in refused.get_data(
        as_text=True)
    enabled = post(client, "/account/mfa", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{5}(?:-[0-9a-f]{5}){3})</code>", enabled.get_data(
        as_text=True))
    assert len(codes) == 10
    assert _signed_in(client)
    assert "user.mfa_enable" in _actions(admin)


def test_recovery_codes_work_once_and_are_kept_hashed(client, app):
    admin = make_user(Role.HQ_ADMIN, mfa=False)
    login(client, admin)
    client.get("/account/mfa")
    db.session.refresh(admin)
    page = post(client, "/account/mfa", {"code": pyotp.TOTP(admin.totp_secret).now()})
    codes = re.findall(r"<code>([0-9a-f-]{23})</code>", page.get_data(as_text=True))
    stored = db.session.execute(text("SELECT code_hash FROM recovery_codes WHERE user_id = :id"),
                                {"id": admin.id}).scalars().all()
    assert sorted(stored) == sorted(
        hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes)
    other = app.test_client()
    _password(other, admin)
    assert post(other, "/login/code", {"code": codes[0].upper()}).status_code == 302
    third = app.test_client()
    _password(third, admin)
    assert post(third, "/login/code", {"code": codes[0]}).status_code == 401
    assert "user.mfa_recovery_code" in _actions(admin)


def test_others_may_turn_it_on_and_off(client):
    pm = make_user(Role.PROJECT_MANAGER)
    login(client, pm)
    assert _signed_in(client)  # not required
    client.get("/account/mfa")
    db.session.refresh(pm)
    post(client, "/account/mfa", {"code": pyotp.TOTP(pm.totp_secret).now()})
    post(client, "/logout")
    assert _password(client, pm).headers["Location"].startswith("/login/code")
    post(client, "/login/code", {"code": totp_code(pm)})
    assert post(client, "/account/mfa/off").status_code == 302
    post(client, "/logout")
    assert _password(client, pm).headers["Location"] == "/"


def test_an_admin_cannot_turn_their_own_off(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    assert post(client, "/account/mfa/off").status_code == 409
    db.session.refresh(admin)
    assert admin.mfa_enabled


def test_an_admin_resets_someones_second_factor_and_it_is_audited(client, app):
    admin = make_user(Role.HQ_ADMIN)
    member = make_user(Role.INVESTMENT_COMMITTEE)
    theirs = app.test_client()
    login(theirs, member)
    login(client, admin)
    assert "Reset two-step sign-in" in client.get(f"/admin/users/{member.id}").get_data(
        as_text=True)
    assert post(client, f"/admin/users/{member.id}/mfa/reset").status_code == 302
    db.session.refresh(member)
    assert not member.mfa_enabled and member.totp_secret is None
    assert not _signed_in(theirs)  # their sessions ended
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "user.mfa_reset", AuditRecord.object_id == member.id))
    assert record.actor_id == admin.id
    login(theirs, member)  # password only now, then led to enrol again
    assert theirs.get("/").headers["Location"] == "/account/mfa"


def test_only_an_admin_resets_a_second_factor(client):
    member = make_user(Role.INVESTMENT_COMMITTEE)
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    assert post(client, f"/admin/users/{member.id}/mfa/reset").status_code == 403


def test_the_code_step_is_rate_limited_per_account(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_ACCOUNT", "3 per minute")
    user = make_user(Role.HQ_ADMIN)
    _password(client, user)  # a right password does not count; wrong codes do
    answers = [post(client, "/login/code", {"code": "000000"}).status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]


def _stored_secret(user) -> str:
    return db.session.execute(text("SELECT totp_secret FROM users WHERE id = :id"),
                              {"id": user.id}).scalar_one()


def test_the_totp_secret_is_stored_encrypted(client):
    """ASVS 6.2 / 8.3.7: a copy of the database alone gives no one the second factor."""
    pm = make_user(Role.PROJECT_MANAGER)
    login(client, pm)
    client.get("/account/mfa")  # the secret of the enrolment, not in force yet
    db.session.expire_all()
    secret = pm.totp_secret
    assert len(secret) == 32
    stored = _stored_secret(pm)
    assert secret not in stored and secret.lower() not in stored.lower()
    assert crypto.decrypt(stored) == secret
    post(client, "/account/mfa", {"code": pyotp.TOTP(secret).now()})
    db.session.expire_all()
    assert pm.mfa_enabled and secret not in _stored_secret(pm)


def test_keys_rotate_without_losing_a_second_factor(client, app, clock):
    admin = make_user(Role.HQ_ADMIN)
    old, new = crypto.configured_keys(app.config)[0], crypto.new_key()
    before = _stored_secret(admin)
    app.config["ENCRYPTION_KEYS"] = [new, old]  # a new key in front; the old still reads
    try:
        result = app.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0 and "Re-encrypted" in result.output, result.output
        after = _stored_secret(admin)
        assert after != before
        assert crypto.decrypt(after, crypto.keyring({"ENCRYPTION_KEYS": [new]})) == TOTP_SECRET
        app.config["ENCRYPTION_KEYS"] = [new]  # the old key dropped
        clock.set(T0)
        login(client, admin)
        assert _signed_in(client)
        app.config["ENCRYPTION_KEYS"] = [crypto.new_key()]  # a key that never encrypted it
        db.session.expire_all()
        with pytest.raises(RuntimeError, match="ENCRYPTION_KEYS"):
            db.session.get(type(admin), admin.id).totp_secret  # noqa: B018
    finally:
        app.config["ENCRYPTION_KEYS"] = None
        db.session.expire_all()


@pytest.mark.parametrize("locale,said", [("en", ["Wrong code", "Code already used"]),
                                         ("zh_CN", ["验证码错误", "验证码已用过"])])
def test_the_audit_page_says_why_a_sign_in_failed_in_words(client, app, clock, locale, said):
    """The newcomer's walk: /audit/ showed "理由: wrong_code". A refused sign-in's reason is a
    code in the trail, read in the reader's language on the audit page."""
    clock.set(T0)
    user = make_user(Role.HQ_ADMIN)
    code = pyotp.TOTP(TOTP_SECRET).now()
    _password(client, user)
    post(client, "/login/code", {"code": "000000"})
    assert post(client, "/login/code", {"code": code}).status_code == 302
    other = app.test_client()
    _password(other, user)
    post(other, "/login/code", {"code": code})
    reader = app.test_client()
    login(reader, make_user(Role.HQ_ADMIN, locale=locale))
    page = reader.get("/audit/").get_data(as_text=True)
    assert "wrong_code" not in page and "reused_code" not in page
    for words in said:
        assert words in page


def test_new_recovery_codes_asked_with_two_step_sign_in_off_are_refused_on_the_page(client):
    """The button's POST answered by hand: with two-step sign-in off (turned off in another tab),
    the refusal reached the app's error page. Through `submit` it is said above the account's
    two-step page (409); asked with it on, the new codes are shown on that answer only."""
    pm = make_user(Role.PROJECT_MANAGER, mfa=False)
    login(client, pm)
    refused = post(client, "/account/mfa/recovery-codes", {})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Turn two-step sign-in on first." in page
    assert 'action="/account/mfa"' in page  # the enrolment's own page, its form below
    client.get("/account/mfa")
    db.session.refresh(pm)
    post(client, "/account/mfa", {"code": pyotp.TOTP(pm.totp_secret).now()})
    renewed = post(client, "/account/mfa/recovery-codes", {})
    assert renewed.status_code == 200
    assert len(re.findall(r"<code>([0-9a-f-]{23})</code>", renewed.get_data(as_text=True))) == 10
    assert "New recovery codes" in renewed.get_data(as_text=True)
    assert "user.mfa_recovery_codes" in _actions(pm)
