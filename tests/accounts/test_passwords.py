"""What a new password must be, and an admin-set password replaced by its owner first."""

from __future__ import annotations

import pytest

from tests.conftest import login, post
from tests.factories import PASSWORD, make_user
from tracker import db
from tracker.accounts.models import Role


@pytest.mark.parametrize(("password", "message"), [
    ("eleven-char", "Use at least 12 characters."),
    ("password1234", "list of common or breached passwords"),
    ("qwertyuiop123", "list of common or breached passwords"),
    ("wang.xiaoming-2026", "must not contain the e-mail address or the name"),
    ("My name is Xiaoming Wang", "must not contain the e-mail address or the name"),
    ("WANG.XIAOMING@example.cn!", "must not contain the e-mail address or the name"),
])
def test_a_weak_or_personal_password_is_refused_beside_the_field(client, password, message):
    user = make_user(email="wang.xiaoming@example.cn", name="Xiaoming Wang")
    login(client, user)
    response = post(client, "/account", {
        "pw-current_password": PASSWORD, "pw-new_password": password, "pw-submit": "1"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # nothing changed: still logged in


def test_a_two_character_chinese_name_counts_as_the_name(client):
    user = make_user(name="张伟")
    login(client, user)
    response = post(client, "/account", {"pw-current_password": PASSWORD,
                                         "pw-new_password": "张伟的科研项目密码很长很长很长",
                                         "pw-submit": "1"})
    assert "must not contain" in response.get_data(as_text=True)


def test_an_admin_set_password_must_be_replaced_before_anything_else(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    post(client, "/admin/users/new", {
        "email": "new.pm@example.cn", "name": "New PM", "roles": ["project_manager"],
        "locale": "en", "institute_id": "0", "enterprise_id": "0",
        "password": "initial-from-the-admin"})
    post(client, "/logout")
    response = post(client, "/login", {"email": "new.pm@example.cn",
                                       "password": "initial-from-the-admin"})
    assert response.status_code == 302
    for path in ("/", "/projects/", "/institutes/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/account", path
    page = client.get("/account").get_data(as_text=True)
    assert "An administrator set your password" in page
    response = post(client, "/account", {
        "pw-current_password": "initial-from-the-admin",
        "pw-new_password": "initial-from-the-admin", "pw-submit": "1"})
    assert "different from the current one" in response.get_data(as_text=True)
    response = post(client, "/account", {
        "pw-current_password": "initial-from-the-admin",
        "pw-new_password": "my-own-secret-phrase", "pw-submit": "1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_an_admin_reset_must_be_replaced_too(client, app):
    admin = make_user(Role.HQ_ADMIN)
    user = make_user()
    login(client, admin)
    post(client, f"/admin/users/{user.id}/password", {"reset-password": "reset-by-the-admin-1"})
    db.session.refresh(user)
    assert user.must_change_password
    theirs = app.test_client()
    login(theirs, user, "reset-by-the-admin-1")
    assert theirs.get("/").headers["Location"] == "/account"


def test_a_password_set_from_the_shell_is_the_owners(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "first.admin@example.cn", "--role",
                                 "hq_admin"], input="an-owners-own-phrase\n")
    assert result.exit_code == 0, result.output
    from tracker.accounts.services import find_by_email

    assert find_by_email("first.admin@example.cn").must_change_password is False
