"""Bad bytes: a NUL anywhere in a request is a 400, control characters never reach a one-line
value, and what is logged can't forge a log line or leak SQL parameters."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from wtforms import PasswordField, StringField, TextAreaField

from tests.conftest import login, post
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.db import make_engine
from tracker.organisations.models import Enterprise
from tracker.web.forms import Form
from tracker.web.security import escaped


def test_a_nul_in_the_calendar_token_is_a_bad_request(client):
    assert client.get("/calendar/%00.ics").status_code == 400


@pytest.mark.parametrize("path", ["/projects/?q=a%00b", "/projects/%00", "/audit/?action=%00",
                                  "/history/users%00/1", "/projects/?%00=1"])
def test_a_nul_anywhere_in_a_url_is_a_bad_request(client, path):
    login(client, make_user(Role.HQ_ADMIN))
    assert client.get(path).status_code == 400


def test_a_nul_in_a_form_field_is_a_bad_request_and_nothing_is_saved(client):
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/enterprises/new", {"name": "Acme\x00", "uscc": ""})
    assert response.status_code == 400
    assert not db.session.scalars(select(Enterprise).where(Enterprise.name.like("Acme%"))).all()


class _Sample(Form):
    title = StringField()
    notes = TextAreaField()
    secret = PasswordField()


def test_control_characters_are_stripped_from_one_line_fields_only(app):
    data = {"title": " Robot arm\r\nBcc: evil@example.com\x1b[31m ",
            "notes": "line one\r\nline two\x07\tend",
            "secret": "pass\x01word"}
    with app.test_request_context("/", method="POST", data=data):
        form = _Sample()
    assert form.title.data == "Robot arm Bcc: evil@example.com [31m"
    assert form.notes.data == "line one\r\nline two\tend"
    assert form.secret.data == "pass\x01word"


def test_a_title_with_a_line_break_is_saved_on_one_line(client):
    login(client, make_user(Role.HQ_ADMIN))
    post(client, "/enterprises/new", {"name": "Acme\r\nSubject: free money", "uscc": ""})
    names = db.session.scalars(select(Enterprise.name)).all()
    assert "Acme Subject: free money" in names


def test_logged_paths_are_escaped():
    assert escaped("/projects/1\r\n127.0.0.1 GET /admin\x1b[2J") == (
        "/projects/1\\r\\n127.0.0.1 GET /admin\\x1b[2J")
    assert escaped("/项目/1") == "/项目/1"


@pytest.mark.parametrize("echo", [False, True])
def test_sql_parameters_reach_an_error_message_only_with_sql_echo(echo):
    engine = make_engine("sqlite://", echo=echo)
    with engine.connect() as conn, pytest.raises(OperationalError) as error:
        conn.execute(text("INSERT INTO nowhere VALUES (:secret)"), {"secret": "hunter2"})
    assert ("hunter2" in str(error.value)) is echo
    engine.dispose()
