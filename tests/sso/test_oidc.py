"""OpenID Connect sign-in (issue #24, points 1, 3 and 5) against a provider on 127.0.0.1
(tests/sso/oidc_provider.py): the code flow with PKCE, the ID token checked, matching by e-mail
or staff number, unknown people refused or given an account waiting for HQ, the audit, and
sign-out at the provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import post
from tests.factories import PASSWORD, make_user
from tests.sso.conftest import through_the_provider
from tracker import db
from tracker.accounts.models import Role, User, UserSession
from tracker.audit.models import AuditRecord


def _records(action: str) -> list[AuditRecord]:
    return db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id)).all()


def test_a_known_person_signs_in_by_email_with_pkce(client, oidc):
    user = make_user(Role.PROJECT_MANAGER, email="li.lei@example.cn")
    oidc.person = {"sub": "u-1", "email": "Li.Lei@example.cn", "name": "李雷"}
    answer = through_the_provider(client, "/login/oidc")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    (asked,) = oidc.authorizations
    assert asked["code_challenge_method"] == "S256" and asked["nonce"]
    assert asked["redirect_uri"].endswith("/login/oidc/callback")
    (exchange,) = oidc.exchanges  # the provider checked the verifier against the challenge
    assert exchange["code_verifier"] and exchange["code_verifier"] not in str(asked)
    (login,) = [r for r in _records("user.login") if r.object_id == user.id]
    assert login.changes["provider"] == [None, "oidc"]
    session_row = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id)).one()
    assert session_row.provider.value == "oidc"


def test_the_person_is_found_by_staff_number_when_configured(client, oidc, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_MATCH_BY", "staff_number")
    user = make_user(email="old.address@example.cn", staff_number="T2024001")
    make_user(email="li.lei@example.cn")  # the e-mail of the token: not who is matched
    oidc.person = {"sub": "u-1", "email": "li.lei@example.cn", "employee_number": "T2024001"}
    assert through_the_provider(client, "/login/oidc").status_code == 302
    (login,) = _records("user.login")
    assert login.object_id == user.id


def test_an_unknown_person_is_refused_by_default(client, oidc):
    oidc.person = {"sub": "u-9", "email": "stranger@example.cn", "name": "Stranger"}
    answer = through_the_provider(client, "/login/oidc")
    assert answer.status_code == 403
    assert "has no account for you" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(User).where(User.email == "stranger@example.cn")) is None
    (failed,) = _records("user.login_failed")
    assert failed.changes["reason"] == [None, "oidc:unknown"]
    assert failed.changes["email"] == [None, "stranger@example.cn"]


def test_an_unknown_person_gets_an_account_waiting_for_hq_when_configured(
        client, oidc, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_UNKNOWN_USERS", "create")
    oidc.person = {"sub": "u-9", "email": "new.comer@example.cn", "name": "韩梅梅",
                   "employee_number": "T2024999"}
    assert through_the_provider(client, "/login/oidc").status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.comer@example.cn"))
    assert user.name == "韩梅梅" and user.staff_number == "T2024999" and user.roles == set()
    assert "none yet: ask an HQ admin" in client.get("/").get_data(as_text=True)
    (created,) = _records("user.create")
    assert created.actor_id is None and created.changes["provider"] == [None, "oidc"]
    # No password opens it: the account's way in is the identity service.
    post(client, "/logout")
    assert post(client, "/login", {"email": user.email, "password": PASSWORD}).status_code == 401


def test_a_deactivated_account_is_refused(client, oidc):
    make_user(email="gone@example.cn", active=False)
    oidc.person = {"sub": "u-2", "email": "gone@example.cn"}
    answer = through_the_provider(client, "/login/oidc")
    assert answer.status_code == 403 and "deactivated" in answer.get_data(as_text=True)


@pytest.mark.parametrize("tamper", ["key", "issuer", "nonce", "audience"])
def test_an_id_token_that_does_not_check_out_signs_no_one_in(client, oidc, tamper):
    make_user(email="li.lei@example.cn")
    oidc.person = {"sub": "u-1", "email": "li.lei@example.cn"}
    oidc.tamper = tamper
    answer = through_the_provider(client, "/login/oidc")
    assert answer.status_code == 403
    assert "could not be checked" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _records("user.login") == []


def test_a_callback_is_used_once(client, oidc):
    make_user(email="li.lei@example.cn")
    oidc.person = {"sub": "u-1", "email": "li.lei@example.cn"}
    leaving = client.get("/login/oidc")
    import requests

    back = urlsplit(requests.get(leaving.headers["Location"], allow_redirects=False,
                                 timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    post(client, "/logout")
    # The same answer again (a replayed address): its state was spent with the first.
    assert client.get(f"{back.path}?{back.query}").status_code == 403


def test_an_admin_signed_in_by_the_provider_is_not_asked_for_the_apps_code(client, oidc, app):
    admin = make_user(Role.HQ_ADMIN, email="boss@example.cn", mfa=False)
    oidc.person = {"sub": "u-3", "email": "boss@example.cn"}
    through_the_provider(client, "/login/oidc")
    assert client.get("/admin/users/").status_code == 200
    # The same admin with the local password: led to enrol the app first (the MFA rule).
    local = app.test_client()
    assert post(local, "/login", {"email": admin.email, "password": PASSWORD}).status_code == 302
    assert local.get("/admin/users/").headers["Location"].startswith("/account/mfa")


def test_sign_out_ends_the_local_session_and_the_providers(client, oidc, app):
    user = make_user(email="li.lei@example.cn")
    oidc.person = {"sub": "u-1", "email": "li.lei@example.cn"}
    through_the_provider(client, "/login/oidc")
    copy = app.test_client()
    with client.session_transaction() as browser, copy.session_transaction() as stolen:
        stolen.update(browser)
    out = post(client, "/logout")
    to = urlsplit(out.headers["Location"])
    assert f"{to.scheme}://{to.netloc}{to.path}" == f"{oidc.issuer}/logout"
    query = {k: v[0] for k, v in parse_qs(to.query).items()}
    assert query["post_logout_redirect_uri"].endswith("/login")
    assert query["id_token_hint"].count(".") == 2 and query["client_id"] == "tracker-test"
    assert copy.get("/").status_code == 302  # the session is gone on the server
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() \
        == []


def test_without_an_end_session_endpoint_sign_out_stays_here(client, oidc):
    make_user(email="li.lei@example.cn")
    oidc.person = {"sub": "u-1", "email": "li.lei@example.cn"}
    oidc.offers_logout = False
    through_the_provider(client, "/login/oidc")
    assert post(client, "/logout").headers["Location"] == "/login"


@pytest.mark.parametrize(("language", "words"), [("en", "Sign in with OpenID Connect"),
                                                 ("zh-CN", "通过 OpenID Connect 登录")])
def test_the_login_page_offers_the_provider_in_both_languages(client, oidc, language, words):
    page = client.get("/login", headers={"Accept-Language": language}).get_data(as_text=True)
    assert words in page and 'href="/login/oidc"' in page


def test_the_provider_is_not_offered_when_not_configured(client):
    assert "/login/oidc" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/oidc").status_code == 404


def test_hq_finds_the_accounts_waiting_for_a_role(client, oidc, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_UNKNOWN_USERS", "create")
    oidc.person = {"sub": "u-9", "email": "new.comer@example.cn", "name": "New Comer"}
    through_the_provider(client, "/login/oidc")
    make_user(Role.PROJECT_MANAGER, name="Has A Role")
    hq = app.test_client()
    from tests.conftest import login

    login(hq, make_user(Role.HQ_ADMIN))
    page = hq.get("/admin/users/?role=none").get_data(as_text=True)
    assert "New Comer" in page and "Has A Role" not in page


def test_an_address_the_provider_has_not_verified_finds_no_account(client, oidc):
    make_user(email="li.lei@example.cn")
    oidc.person = {"sub": "u-1", "email": "li.lei@example.cn", "email_verified": False}
    assert through_the_provider(client, "/login/oidc").status_code == 403
    assert _records("user.login") == []
