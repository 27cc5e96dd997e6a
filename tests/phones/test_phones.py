"""Phone binding and texted codes (issue #24, point 4), against a fake SMS gateway on
127.0.0.1 that checks what it receives: binding, the second step of a sign-in, a forgotten
password, the budgets of texts, and a code that never reaches the log or the trail."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from sqlalchemy import select

from tests.accounts.test_throttle import REDIS_URL, _instance, _redis_or_skip
from tests.conftest import login, post
from tests.factories import PASSWORD, make_user
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid
from tracker.phones.models import PhoneCode
from tracker.phones.services import normalise

NEW_PASSWORD = "a-brand-new-password-42"


def _actions(user) -> list[str]:
    return db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "users", AuditRecord.object_id == user.id)
        .order_by(AuditRecord.id)).all()


def _bound(user, phone="+8613800138000", sms_sign_in=False) -> User:
    user.phone = phone
    user.phone_bound_at = db.utcnow()
    user.sms_sign_in = sms_sign_in
    db.session.commit()
    return user


@pytest.mark.parametrize(("typed", "stored"), [
    ("13800138000", "+8613800138000"),
    ("138 0013 8000", "+8613800138000"),
    ("+86 138-0013-8000", "+8613800138000"),
    ("008613800138000", "+8613800138000"),
    ("+44 7700 900123", "+447700900123"),
])
def test_numbers_are_kept_in_e164(typed, stored):
    assert normalise(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "23800138000", "+0123456789", "call me"])
def test_what_is_not_a_mobile_number_is_refused(typed):
    with pytest.raises(Invalid):
        normalise(typed)


def test_a_number_is_bound_with_the_code_texted_to_it(client, sms):
    user = make_user(locale="zh_CN")
    login(client, user)
    sent = post(client, "/account/phone/send", {"number-phone": "138 0013 8000"})
    assert sent.status_code == 302
    (text,) = sms.texts
    code = text["params"]["code"]
    assert text["to"] == "+8613800138000" and text["template"] == "SMS_0001"
    assert text["text"].startswith("【科研项目】") and code in text["text"]
    assert "验证码" in text["text"]  # in the person's language
    page = client.get("/account/phone").get_data(as_text=True)
    assert "+8613800138000" in page and 'name="code-code"' in page
    wrong = post(client, "/account/phone/code", {"code-code": "000000" if code != "000000"
                                                 else "111111"})
    assert wrong.status_code == 400
    assert "验证码不正确" in wrong.get_data(as_text=True)
    assert user.phone is None
    assert post(client, "/account/phone/code", {"code-code": code}).status_code == 302
    db.session.refresh(user)
    assert user.phone == "+8613800138000"
    assert _actions(user)[-2:] == ["user.sms_code_sent", "user.phone_bind"]
    # A code works once.
    assert post(client, "/account/phone/code", {"code-code": code}).status_code == 400


def test_a_number_bound_to_another_account_is_refused(client, sms):
    _bound(make_user())
    login(client, make_user())
    refused = post(client, "/account/phone/send", {"number-phone": "13800138000"})
    assert refused.status_code == 400
    assert "Another account already uses this number" in refused.get_data(as_text=True)
    assert sms.texts == []


def test_a_code_dies_after_five_wrong_tries(client, sms):
    user = make_user()
    login(client, user)
    post(client, "/account/phone/send", {"number-phone": "13800138000"})
    code = sms.last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert post(client, "/account/phone/code", {"code-code": wrong}).status_code == 400
    assert post(client, "/account/phone/code", {"code-code": code}).status_code == 400
    db.session.refresh(user)
    assert user.phone is None


def test_texts_to_one_number_are_a_minute_apart_and_counted(client, sms, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RATE_LIMIT_PER_IP", "2 per hour")
    login(client, make_user())
    assert post(client, "/account/phone/send", {"number-phone": "13800138000"}).status_code == 302
    again = post(client, "/account/phone/send", {"number-phone": "13800138000"})
    assert again.status_code == 409 and "Too many codes" in again.get_data(as_text=True)
    assert len(sms.texts) == 1
    # From one address: a budget of its own, whatever the number.
    assert post(client, "/account/phone/send", {"number-phone": "13900139000"}).status_code == 302
    third = post(client, "/account/phone/send", {"number-phone": "13700137000"})
    assert third.status_code == 409
    assert len(sms.texts) == 2


def test_a_gateway_that_refuses_leaves_no_code(client, sms):
    user = make_user()
    login(client, user)
    sms.answers.append(503)
    refused = post(client, "/account/phone/send", {"number-phone": "13800138000"})
    assert refused.status_code == 409
    assert "could not be sent" in refused.get_data(as_text=True)
    assert db.session.scalars(select(PhoneCode).where(PhoneCode.user_id == user.id)).all() == []


def test_a_texted_code_is_the_second_step_of_a_sign_in(client, sms):
    user = _bound(make_user(), sms_sign_in=True)
    first = post(client, "/login", {"email": user.email, "password": PASSWORD})
    assert first.headers["Location"].startswith("/login/code")
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get("/login/code").get_data(as_text=True)
    assert "Send the code by text message" in page
    assert "The six digits of the text message." in page and "authenticator app" not in page
    assert post(client, "/login/code/text").status_code == 302
    assert sms.texts[-1]["to"] == user.phone
    assert post(client, "/login/code", {"code": sms.last_code()}).status_code == 302
    assert client.get("/").status_code == 200
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "user.login", AuditRecord.object_id == user.id)).one()
    assert record.changes["second_factor"] == [None, "sms"]


def test_an_admin_may_type_a_texted_code_instead_of_the_apps(client, sms):
    admin = _bound(make_user(Role.HQ_ADMIN))
    post(client, "/login", {"email": admin.email, "password": PASSWORD})
    assert "Text me a code" in client.get("/login/code").get_data(as_text=True)
    post(client, "/login/code/text")
    assert post(client, "/login/code", {"code": sms.last_code()}).status_code == 302
    assert client.get("/").status_code == 200


def test_without_a_bound_phone_no_code_is_texted_at_sign_in(client, sms):
    admin = make_user(Role.HQ_ADMIN)
    post(client, "/login", {"email": admin.email, "password": PASSWORD})
    assert "Text me a code" not in client.get("/login/code").get_data(as_text=True)
    refused = post(client, "/login/code/text")
    assert refused.status_code == 409 and sms.texts == []


def test_a_forgotten_password_is_reset_with_a_texted_code(client, sms, app):
    user = _bound(make_user())
    other = app.test_client()
    login(other, user)
    assert "Reset it with a code" in client.get("/login").get_data(as_text=True)
    sent = post(client, "/password/forgot", {"email": user.email.upper()})
    assert sent.headers["Location"] == "/password/reset"
    code = sms.last_code()
    wrong = post(client, "/password/reset", {"code": "12345" + ("9" if code[-1] != "9" else "8"),
                                             "password": NEW_PASSWORD})
    assert wrong.status_code == 401
    weak = post(client, "/password/reset", {"code": code, "password": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.get_data(as_text=True)
    done = post(client, "/password/reset", {"code": code, "password": NEW_PASSWORD})
    assert done.headers["Location"] == "/login"
    assert other.get("/").status_code == 302  # every session of the account ended
    assert post(client, "/login", {"email": user.email, "password": PASSWORD}).status_code == 401
    assert post(client, "/login", {"email": user.email,
                                   "password": NEW_PASSWORD}).status_code == 302
    assert "user.reset_password_by_phone" in _actions(user)
    reasons = [r["reason"][1] for r in db.session.scalars(select(AuditRecord.changes).where(
        AuditRecord.action == "user.login_failed", AuditRecord.object_id == user.id))]
    assert "wrong_reset_code" in reasons


def test_an_unknown_email_gets_the_same_answer_and_no_text(client, sms):
    make_user(email="nophone@example.cn")  # an account without a phone, too
    for email in ("nobody@example.cn", "nophone@example.cn"):
        answer = post(client, "/password/forgot", {"email": email}, follow_redirects=True)
        assert answer.status_code == 200
        assert "If an account with this e-mail has a bound mobile number" in \
            answer.get_data(as_text=True)
    assert sms.texts == []
    refused = post(client, "/password/reset", {"code": "123456", "password": NEW_PASSWORD})
    assert refused.status_code == 401


def test_wrong_reset_codes_count_towards_the_lock(client, sms, app):
    user = _bound(make_user())
    post(client, "/password/forgot", {"email": user.email})
    code = sms.last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        post(client, "/password/reset", {"code": wrong, "password": NEW_PASSWORD})
    db.session.refresh(user)
    assert user.locked_until is not None
    assert "user.locked" in _actions(user)


def test_the_code_never_reaches_the_log_or_the_trail(client, sms, caplog, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RATE_LIMIT_GAP", "10 per minute")
    caplog.set_level(logging.DEBUG)
    user = make_user()
    login(client, user)
    post(client, "/account/phone/send", {"number-phone": "13800138000"})
    codes = [sms.last_code()]
    post(client, "/account/phone/code", {"code-code": codes[-1]})
    post(client, "/account/phone/sign-in", {"sms-sms_sign_in": "y"})
    post(client, "/logout")
    post(client, "/login", {"email": user.email, "password": PASSWORD})
    post(client, "/login/code/text")
    codes.append(sms.last_code())
    post(client, "/login/code", {"code": codes[-1]})
    fresh = client.application.test_client()
    post(fresh, "/password/forgot", {"email": user.email})
    codes.append(sms.last_code())
    post(fresh, "/password/reset", {"code": codes[-1], "password": NEW_PASSWORD})
    sms.answers.append(500)  # a failure is logged: still without the code
    post(fresh, "/password/forgot", {"email": user.email})
    assert any("not sent" in r.getMessage() for r in caplog.records)
    trail = json.dumps([r.changes for r in db.session.scalars(select(AuditRecord))])
    assert "user.sms_code_sent" in str(_actions(user))
    rows = db.session.scalars(select(PhoneCode)).all()
    for code in codes:
        assert code not in caplog.text
        assert code not in trail
        assert all(code not in (row.code_hash, row.phone) for row in rows)


def test_without_a_gateway_the_phone_pages_are_not_there(client):
    login(client, make_user())
    assert client.get("/account/phone").status_code == 404
    assert client.get("/password/forgot").status_code == 404
    assert "Mobile phone" not in client.get("/account").get_data(as_text=True)
    post(client, "/logout")
    assert "Ask an HQ admin to reset it" in client.get("/login").get_data(as_text=True)


def test_two_app_instances_sharing_redis_count_texts_together(app):
    """Two workers (or hosts) spend one budget of texts per address, as production's Redis
    holds it; no text is sent here (e-mails without an account), only the budget is spent."""
    _redis_or_skip()
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL,
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
              "SMS_GATEWAY": "http", "SMS_HTTP_URL": "http://127.0.0.1:9/send",
              "SMS_RATE_LIMIT_PER_IP": "2 per hour"}
    first, second = _instance(app, **shared), _instance(app, **shared)
    a, b = first.test_client(), second.test_client()
    answers = [post(c, "/password/forgot", {"email": f"nobody{n}@example.cn"}).status_code
               for n, c in enumerate((a, b, a))]
    assert answers == [302, 302, 409]
    for instance in (first, second):
        instance.extensions["engine"].dispose()
