"""Events go out by the reminders' sender: a burst on one project within the quiet window is
one message, in the recipient's language, sent once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import install_gates, make_institute, make_project, make_user
from tests.gates import helpers as gate_steps
from tests.reminders.conftest import addressed, text_of
from tracker import db
from tracker.accounts.models import Role
from tracker.reminders import delivery
from tracker.reminders.models import MessageState, OutboxMessage

DAY = date(2026, 5, 12)


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_a_burst_on_one_project_is_one_message_in_the_readers_language(smtp, clock):
    start = clock.set(DAY, 10)
    pm = make_user(Role.PROJECT_MANAGER, locale="zh_CN", name="李强")
    project = make_project(pm=pm, institute=make_institute(), title="高温合金")
    review = gate_steps.submit(project)
    evaluators = gate_steps.name_panel(review)  # panel named, and declarations asked
    assert delivery.send_all(start, commit=db.session.commit).sent == 0  # the quiet window

    clock.set(start + timedelta(minutes=3))
    gate_steps.score(review, evaluators[1])  # nothing for the PM, and the window stays
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {m.next_attempt_at for m in rows} == {start + timedelta(minutes=5)}

    assert delivery.send_all(start + timedelta(minutes=4), commit=db.session.commit).sent == 0
    result = delivery.send_all(start + timedelta(minutes=5), commit=db.session.commit)
    received = smtp.take()
    # One e-mail each: the evaluators' carries both events, the PM's the panel.
    assert addressed(received) == sorted([pm.email, *(e.email for e in evaluators)])
    assert result.emails == 4 and result.sent == 7
    by_address = {to[0]: message for to, message in received}
    chinese = text_of(by_address[pm.email])
    assert "评审组" in chinese and "高温合金" in chinese, chinese
    english = text_of(by_address[evaluators[0].email])
    assert "declare any conflict of interest" in english and "is named" in english
    assert f"/reviews/{review.id}" in english
    assert {m.state for m in db.session.scalars(select(OutboxMessage))} == {MessageState.SENT}
    assert delivery.send_all(start + timedelta(hours=1), commit=db.session.commit).sent == 0
    assert smtp.take() == []


def test_an_event_after_the_window_is_a_message_of_its_own(smtp, clock):
    start = clock.set(DAY, 10)
    project = make_project(institute=make_institute())
    review = gate_steps.submit(project)
    gate_steps.name_panel(review)
    delivery.send_all(start + timedelta(minutes=5), commit=db.session.commit)
    smtp.take()
    clock.set(start + timedelta(minutes=20))
    gate_steps.go(review)
    later = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "decision_recorded").order_by(OutboxMessage.id)).all()
    assert [m.next_attempt_at for m in later] == [start + timedelta(minutes=25)]
