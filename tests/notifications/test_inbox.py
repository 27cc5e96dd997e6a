"""The bell on every page with the unread count rendered by the server, and the notifications
page: read and unread, open one, mark all read; no one reads another's."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import install_gates, make_institute, make_project, make_user
from tests.gates import helpers as gate_steps
from tracker import db
from tracker.accounts.models import Role
from tracker.reminders.models import OutboxMessage

BELL = re.compile(r'class="bell[^"]*" aria-label="([^"]*)">'
                  r'<svg class="bell-icon"[^>]*><path[^>]*/></svg>'
                  r'(?:<span class="count">(\d+)</span>)?')


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def bell(page: str) -> int:
    match = BELL.search(page)
    assert match, "no bell on the page"
    return int(match.group(2) or 0)


@pytest.fixture
def decided():
    """A PM with two notifications: the panel named, the decision recorded."""
    pm = make_user(Role.PROJECT_MANAGER, locale="en", name="Li Qiang")
    project = make_project(pm=pm, institute=make_institute(), title="Turbine blades")
    review = gate_steps.submit(project)
    gate_steps.go(review)
    return pm, review


def test_the_bell_counts_unread_notifications_on_every_page(client, decided):
    pm, _review = decided
    login(client, pm)
    for path in ("/", "/projects/", "/no-such-page", "/notifications"):
        assert bell(client.get(path).get_data(as_text=True)) == 2, path


def test_the_page_lists_them_in_the_readers_language_and_marks_all_read(client, decided):
    pm, review = decided
    pm.locale = "zh_CN"
    db.session.commit()
    login(client, pm)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Turbine blades" in page and "评审组已组建" in page and "已作出决定：通过" in page, page
    assert "2 条未读" in page
    answer = post(client, "/notifications/read")
    assert answer.status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert bell(page) == 0 and "全部标为已读" not in page
    assert "没有未读通知" in client.get("/notifications?show=unread").get_data(as_text=True)


def test_opening_one_marks_it_read_and_leads_to_its_page(client, decided):
    pm, review = decided
    login(client, pm)
    first = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_id == pm.id).order_by(OutboxMessage.id)).first()
    answer = post(client, f"/notifications/{first.id}/read")
    assert answer.status_code == 302 and answer.headers["Location"] == f"/reviews/{review.id}"
    page = client.get("/notifications?show=unread").get_data(as_text=True)
    assert bell(page) == 1
    assert page.count('<tr class="unread">') == 1


def test_no_one_opens_or_marks_anothers_notification(client, decided):
    pm, _review = decided
    mine = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_id == pm.id)).first()
    other = make_user(Role.PROJECT_MANAGER)
    login(client, other)
    assert post(client, f"/notifications/{mine.id}/read").status_code == 404
    post(client, "/notifications/read")
    db.session.expire_all()
    assert mine.read_at is None


def test_signed_out_visitors_are_sent_to_log_in(client):
    assert client.get("/notifications").status_code == 302
