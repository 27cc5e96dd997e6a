"""CAS 3.0 sign-in (issue #24, points 1, 3 and 5) against a CAS server on 127.0.0.1
(tests/sso/cas_server.py): the ticket validated at /p3/serviceValidate with its attributes,
the CAS user as the staff number, refusals, the audit, and sign-out at the CAS server."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import post
from tests.factories import make_user
from tests.sso.conftest import through_the_provider
from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord


def _records(action: str) -> list[AuditRecord]:
    return db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id)).all()


def test_a_ticket_is_validated_with_its_attributes(client, cas):
    user = make_user(email="li.lei@example.cn")
    cas.attributes = {"mail": "li.lei@example.cn", "cn": "李雷"}
    answer = through_the_provider(client, "/login/cas")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    (validation,) = cas.validations
    assert validation["ticket"].startswith("ST-")
    assert validation["service"].endswith("/login/cas/callback")
    (login,) = _records("user.login")
    assert login.object_id == user.id and login.changes["provider"] == [None, "cas"]


def test_the_cas_user_is_the_staff_number(client, cas, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_MATCH_BY", "staff_number")
    user = make_user(staff_number="T2024001")
    cas.user = "T2024001"
    cas.attributes = {"mail": "someone.else@example.cn"}
    assert through_the_provider(client, "/login/cas").status_code == 302
    (login,) = _records("user.login")
    assert login.object_id == user.id


def test_a_named_attribute_is_the_staff_number_when_configured(client, cas, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_MATCH_BY", "staff_number")
    monkeypatch.setitem(app.config, "CAS_STAFF_NUMBER_ATTRIBUTE", "employeeNumber")
    user = make_user(staff_number="E-77")
    cas.user = "lilei"
    cas.attributes = {"employeeNumber": "E-77"}
    assert through_the_provider(client, "/login/cas").status_code == 302
    assert _records("user.login")[0].object_id == user.id


def test_an_unknown_person_gets_an_account_waiting_for_hq_when_configured(
        client, cas, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_UNKNOWN_USERS", "create")
    cas.user = "T2024999"
    cas.attributes = {"mail": "Han.Meimei@example.cn", "cn": "韩梅梅"}
    assert through_the_provider(client, "/login/cas").status_code == 302
    user = db.session.scalar(select(User).where(User.email == "han.meimei@example.cn"))
    assert user.staff_number == "T2024999" and user.roles == set()
    assert _records("user.create")[0].changes["provider"] == [None, "cas"]


def test_an_unknown_person_without_an_email_is_refused_even_when_accounts_are_made(
        client, cas, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_UNKNOWN_USERS", "create")
    cas.attributes = {}
    answer = through_the_provider(client, "/login/cas")
    assert answer.status_code == 403 and "did not give your e-mail" in answer.get_data(
        as_text=True)
    assert _records("user.login_failed")[0].changes["reason"] == [None, "cas:no_email"]


def test_an_unknown_person_is_refused_by_default(client, cas):
    cas.attributes = {"mail": "stranger@example.cn"}
    answer = through_the_provider(client, "/login/cas")
    assert answer.status_code == 403 and "has no account for you" in answer.get_data(
        as_text=True)
    assert _records("user.login_failed")[0].changes["reason"] == [None, "cas:unknown"]


@pytest.mark.parametrize("ticket", ["ST-never-issued", "not-a-service-ticket", ""])
def test_a_ticket_the_server_does_not_vouch_for_signs_no_one_in(client, cas, ticket):
    make_user(email="li.lei@example.cn")
    cas.attributes = {"mail": "li.lei@example.cn"}
    answer = client.get("/login/cas/callback", query_string={"ticket": ticket})
    assert answer.status_code == 403
    assert "could not be checked" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_ticket_works_once(client, cas):
    make_user(email="li.lei@example.cn")
    cas.attributes = {"mail": "li.lei@example.cn"}
    leaving = client.get("/login/cas")
    import requests

    back = urlsplit(requests.get(leaving.headers["Location"], allow_redirects=False,
                                 timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    post(client, "/logout")
    assert client.get(f"{back.path}?{back.query}").status_code == 403


def test_sign_out_ends_the_cas_session_too(client, cas):
    make_user(email="li.lei@example.cn")
    cas.attributes = {"mail": "li.lei@example.cn"}
    through_the_provider(client, "/login/cas")
    out = post(client, "/logout")
    to = urlsplit(out.headers["Location"])
    assert f"{to.scheme}://{to.netloc}{to.path}" == f"{cas.url}/logout"
    assert parse_qs(to.query)["service"][0].endswith("/login")
    assert client.get("/").status_code == 302


def test_where_the_person_was_going_is_kept_across_the_round_trip(client, cas):
    make_user(email="li.lei@example.cn")
    cas.attributes = {"mail": "li.lei@example.cn"}
    answer = through_the_provider(client, "/login/cas?next=/account")
    assert answer.headers["Location"] == "/account"


@pytest.mark.parametrize(("language", "words"), [("en", "Sign in with CAS"),
                                                 ("zh-CN", "通过 CAS 登录")])
def test_the_login_page_offers_cas_in_both_languages(client, cas, language, words):
    page = client.get("/login", headers={"Accept-Language": language}).get_data(as_text=True)
    assert words in page and 'href="/login/cas"' in page
