"""No input to any form produces a 500: every form gets malformed values of every kind."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login, post
from tests.factories import make_centre, make_enterprise, make_institute, make_need, make_user
from tracker.accounts.models import Role

NAME_RE = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')

NASTY = [
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999999999",
    "2026-13-45",
    "９８７",
    "中文" * 300,
    "%(name)s",
    "{{ 7*7 }}",
]


def _form_pages(admin):
    institute = make_institute()
    enterprise = make_enterprise()
    centre = make_centre(enterprise)
    need = make_need(institute=institute, enterprise=enterprise)
    other = make_user()
    return [
        "/admin/users/new", f"/admin/users/{other.id}",
        "/institutes/new", f"/institutes/{institute.id}/edit",
        "/enterprises/new", f"/enterprises/{enterprise.id}/edit",
        "/centres/new", f"/centres/{centre.id}/edit",
        "/needs/new", f"/needs/{need.id}/edit",
    ], {f"/admin/users/{other.id}/password": ["reset-password"], "/language": ["locale", "next"]}


def test_every_form_survives_malformed_input(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    pages, extra = _form_pages(admin)
    targets = {}
    for path in pages:
        page = client.get(path, follow_redirects=True)
        assert page.status_code == 200, path
        names = set(NAME_RE.findall(page.get_data(as_text=True))) - {"csrf_token", "locale",
                                                                      "next", "q"}
        targets[path] = sorted(names)
    targets.update(extra)
    assert all(targets.values())
    for path, names in targets.items():
        for value in NASTY:
            response = post(client, path, {name: value for name in names})
            assert response.status_code < 500, (path, value[:20])
        # several values for one field, as a crafted request may send
        response = post(client, path, {name: ["1", "2"] for name in names})
        assert response.status_code < 500, path


@pytest.mark.parametrize("value", NASTY)
def test_login_and_account_forms_survive_malformed_input(client, value):
    response = post(client, "/login", {"email": value, "password": value})
    assert response.status_code < 500
    login(client, make_user())
    for data in ({"profile-locale": value, "profile-submit": "1"},
                 {"pw-current_password": value, "pw-new_password": value, "pw-submit": "1"}):
        assert post(client, "/account", data).status_code < 500


@pytest.mark.parametrize("path", ["/institutes/", "/enterprises/", "/centres/", "/needs/",
                                  "/admin/users/", "/audit/"])
def test_search_arguments_survive_malformed_input(client, path):
    login(client, make_user(Role.HQ_ADMIN))
    for value in NASTY:
        query = {"q": value, "action": value, "object_type": value, "page": value,
                 "state": value, "type": value, "role": value, "institute": value}
        assert client.get(path, query_string=query).status_code < 500, (path, value[:10])


def test_ids_beyond_any_row_are_404(client):
    login(client, make_user(Role.HQ_ADMIN))
    for path in ["/institutes/99999999999999999999", "/admin/users/99999999999999999999",
                 "/history/users/99999999999999999999"]:
        assert client.get(path).status_code == 404, path


def test_over_long_text_is_refused_by_validation_not_the_database(client):
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/enterprises/new", {"name": "x" * 201})
    assert response.status_code == 400
    assert "200" in response.get_data(as_text=True)
