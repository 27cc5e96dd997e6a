"""LDAP sign-in (issue #24, points 2, 3 and 5) against Debian's slapd started by the test on
127.0.0.1 (tests/sso/directory.py): a bind with the person's password, their groups mapped to
roles at each sign-in, the rules of a typed password (lock, rate limit, second factor), the
audit."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post, totp_code
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role, User, UserSession
from tracker.audit.models import AuditRecord


def _ldap(client, username: str, password: str):
    return post(client, "/login/ldap", {"username": username, "password": password})


def _records(action: str) -> list[AuditRecord]:
    return db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id)).all()


def test_a_directory_password_signs_in_and_the_groups_give_the_roles(client, ldap):
    user = make_user(Role.EVALUATOR, email="li.lei@example.cn")
    answer = _ldap(client, "lilei", "directory-password-1")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    db.session.refresh(user)
    # project-managers gives the PM role; the evaluator role is not in the mapping and stays.
    assert user.roles == {Role.PROJECT_MANAGER, Role.EVALUATOR}
    (login,) = _records("user.login")
    assert login.object_id == user.id and login.changes["provider"] == [None, "ldap"]
    (change,) = _records("user.update")
    assert change.changes["roles"] == [["evaluator"], ["evaluator", "project_manager"]]
    assert db.session.scalars(select(UserSession.provider).where(
        UserSession.user_id == user.id)).one().value == "ldap"


def test_a_mapped_role_the_groups_no_longer_give_is_taken_away(client, ldap):
    user = make_user(Role.HQ_ADMIN, Role.OBSERVER, email="li.lei@example.cn", mfa=False)
    assert _ldap(client, "lilei", "directory-password-1").status_code == 302
    db.session.refresh(user)
    assert user.roles == {Role.PROJECT_MANAGER, Role.OBSERVER}


def test_a_wrong_or_empty_password_or_an_unknown_name_is_refused_and_audited(client, ldap):
    make_user(email="li.lei@example.cn")
    for username, password in [("lilei", "wrong-password"), ("nobody", "whatever-it-is"),
                               ("lilei)(uid=*", "directory-password-1")]:
        answer = _ldap(client, username, password)
        assert answer.status_code == 401
        assert "Wrong username or password" in answer.get_data(as_text=True)
    assert _ldap(client, "lilei", "").status_code == 400  # never an unauthenticated bind
    assert client.get("/").status_code == 302
    reasons = [r.changes["reason"][1] for r in _records("user.login_failed")]
    assert reasons == ["ldap:wrong_password"] * 3


def test_failures_lock_the_username(client, ldap, app):
    make_user(email="li.lei@example.cn")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _ldap(client, "lilei", "wrong-password")
    locked = _ldap(client, "lilei", "directory-password-1")
    assert locked.status_code == 401 and "blocked" in locked.get_data(as_text=True)


def test_an_unknown_person_gets_an_account_with_the_groups_roles_when_configured(
        client, ldap, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_UNKNOWN_USERS", "create")
    assert _ldap(client, "newcomer", "directory-password-3").status_code == 302
    user = db.session.scalar(select(User).where(User.email == "han.meimei@example.cn"))
    assert user.name == "韩梅梅" and user.staff_number == "T2024003"
    assert user.roles == {Role.PROJECT_MANAGER}


def test_an_unknown_person_is_refused_by_default(client, ldap):
    answer = _ldap(client, "newcomer", "directory-password-3")
    assert answer.status_code == 401 and "has no account for you" in answer.get_data(
        as_text=True)


def test_the_second_factor_is_asked_after_the_directory_password(client, ldap):
    admin = make_user(Role.HQ_ADMIN, email="boss@example.cn")
    answer = _ldap(client, "boss", "directory-password-2")
    assert answer.headers["Location"].startswith("/login/code")
    assert client.get("/").status_code == 302
    assert post(client, "/login/code", {"code": totp_code(admin)}).status_code == 302
    assert client.get("/admin/users/").status_code == 200
    assert db.session.scalars(select(UserSession.provider).where(
        UserSession.user_id == admin.id)).one().value == "ldap"
    assert [r.action for r in _records("user.password_ok")] == ["user.password_ok"]


def test_an_admin_without_the_app_is_led_to_enrol_after_the_directory_password(client, ldap):
    make_user(Role.HQ_ADMIN, email="boss@example.cn", mfa=False)
    assert _ldap(client, "boss", "directory-password-2").status_code == 302
    assert client.get("/admin/users/").headers["Location"].startswith("/account/mfa")


def test_a_directory_that_does_not_answer_is_said_so(client, app, monkeypatch, slapd):
    monkeypatch.setitem(app.config, "LDAP_URL", "ldap://127.0.0.1:9")
    monkeypatch.setitem(app.config, "SSO_HTTP_TIMEOUT", 2)
    answer = _ldap(client, "lilei", "directory-password-1")
    assert answer.status_code == 401
    assert "did not answer" in answer.get_data(as_text=True)


def test_the_login_page_offers_the_directory_in_both_languages(client, ldap):
    english = client.get("/login").get_data(as_text=True)
    assert "Sign in with your institute account" in english
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "通过 单位账号 登录" in chinese
