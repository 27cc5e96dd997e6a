"""A milestone's life, day by day: which reminders arrive, to whom, in which language, and
nothing once the work is done. The scheduler's two steps (scan, send) run on each date."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from tests.reminders import helpers
from tests.reminders.conftest import addressed, at, html_of, run_day, text_of
from tracker import db
from tracker.milestones.models import MilestoneState
from tracker.reminders.models import MessageState, OutboxMessage


def test_a_milestone_from_first_reminder_to_acceptance(smtp):
    pm, director, hq, evaluator = helpers.people(pm_locale="zh_CN", director_locale="en")
    project = helpers.project_for(pm, director)
    m = helpers.milestone(project, date(2026, 5, 15), reviewer=evaluator)

    def day(d: date) -> list:
        run_day(d)
        return smtp.take()

    assert day(date(2026, 4, 30)) == []

    # 14 days before: the PM, in Chinese.
    [(to, message)] = day(date(2026, 5, 1))
    assert to == [pm.email]
    assert message["Content-Language"] == "zh-CN"
    assert "2026年5月15日" in message["Subject"] and "Prototype" in message["Subject"]
    assert "里程碑" in message["Subject"] and "里程碑" in text_of(message)  # Chinese text too
    assert f"http://127.0.0.1:5000/milestones/{m.id}" in text_of(message)
    assert f'href="http://127.0.0.1:5000/milestones/{m.id}"' in html_of(message)
    assert message["Message-ID"] == f"<reminder.milestone_due.{m.id}.2026-05-15-14d.{pm.id}" \
                                    "@jitri.example>"

    assert day(date(2026, 5, 2)) == []  # each rung once
    assert addressed(day(date(2026, 5, 12))) == [pm.email]  # 3 days before
    assert day(date(2026, 5, 15)) == []  # the due date itself has no rung
    [(to, overdue)] = day(date(2026, 5, 16))  # 1 day after
    assert to == [pm.email] and "2026年5月15日" in overdue["Subject"]

    # +7: the institute director, in English, told whom the tracker reminded before and when.
    [(to, escalation)] = day(date(2026, 5, 22))
    assert to == [director.email]
    assert escalation["Content-Language"] == "en"
    assert escalation["Subject"] == "Escalation: Overdue since May 15, 2026: Milestone “Prototype”"
    body = text_of(escalation)
    assert "Escalation to you as institute director" in body
    assert "Li Qiang (project manager)" in body
    for sent_on in ("May 1, 2026", "May 12, 2026", "May 16, 2026"):
        assert sent_on in body

    assert addressed(day(date(2026, 5, 23))) == [pm.email]  # weekly after +1: +8
    assert day(date(2026, 5, 24)) == []

    # The PM submits on Monday 25 May: their reminders stop; the evaluator's review is due
    # five business days later, Monday 1 June.
    helpers.submit(m, at(date(2026, 5, 25), 10))
    assert day(date(2026, 5, 29)) == []
    assert day(date(2026, 5, 30)) == []  # the PM's +15 would have been today
    [(to, review)] = day(date(2026, 6, 1))
    assert to == [evaluator.email]
    assert "Due today, Jun 1, 2026: Review of milestone “Prototype”" == review["Subject"]

    # Accepted: nothing more, not the HQ escalations at +10 business days nor at +30 days.
    helpers.set_state(m, MilestoneState.ACCEPTED)
    for later in (date(2026, 6, 8), date(2026, 6, 14), date(2026, 7, 15)):
        assert day(later) == []

    sent = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(s.rule, s.occurrence, s.recipient_id) for s in sent] == [
        ("milestone_due", "2026-05-15-14d", pm.id),
        ("milestone_due", "2026-05-15-3d", pm.id),
        ("milestone_due", "2026-05-15+1d", pm.id),
        ("milestone_due", "2026-05-15+7d", director.id),
        ("milestone_due", "2026-05-15+8d", pm.id),
        ("milestone_review", "2026-05-25+5bd", evaluator.id),
    ]
    assert {s.state for s in sent} == {MessageState.SENT}
    assert hq.id not in {s.recipient_id for s in sent}


def test_a_scan_run_twice_writes_each_occurrence_once(smtp):
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    helpers.milestone(project, date(2026, 5, 15))
    first, _ = run_day(date(2026, 5, 22))
    again, _ = run_day(date(2026, 5, 22))
    assert (first.found, first.new) == (2, 2)  # the PM's +1 and the director's +7
    assert (again.found, again.new) == (2, 0)
    assert len(smtp.take()) == 2
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_a_scan_missed_for_days_sends_the_latest_rung_only(smtp):
    pm, director, hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    helpers.milestone(project, date(2026, 5, 15))
    run_day(date(2026, 6, 20))  # the first scan ever runs 36 days late
    received = smtp.take()
    assert addressed(received) == sorted([pm.email, director.email, hq.email])
    occurrences = set(db.session.scalars(select(OutboxMessage.occurrence)))
    assert occurrences == {"2026-05-15+36d", "2026-05-15+7d", "2026-05-15+30d"}


def test_a_moved_deadline_starts_its_ladder_again(smtp):
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    m = helpers.milestone(project, date(2026, 5, 15))
    run_day(date(2026, 5, 12))
    assert len(smtp.take()) == 1
    m.due_date = date(2026, 6, 15)  # re-baselined
    db.session.commit()
    assert smtp.take() == []
    run_day(date(2026, 5, 13))
    assert smtp.take() == []  # 33 days ahead of the new date: nothing yet
    run_day(date(2026, 6, 1))
    [(to, message)] = smtp.take()
    assert "Jun 15, 2026" in message["Subject"] or "2026年6月15日" in message["Subject"]


def test_an_instalment_reminds_until_received_in_full(smtp):
    pm, director, _hq, _evaluator = helpers.people(pm_locale="en")
    project = helpers.project_for(pm, director)
    inst = helpers.instalment(project, date(2026, 7, 1), amount="500000.00")
    run_day(date(2026, 6, 24))
    [(to, message)] = smtp.take()
    assert to == [pm.email]
    assert "CN¥500,000.00" in text_of(message)
    helpers.pay(inst, "200000.00", date(2026, 6, 30), pm)
    run_day(date(2026, 7, 2))
    [(to, message)] = smtp.take()
    assert "CN¥300,000.00 is still outstanding" in text_of(message)
    helpers.pay(inst, "300000.00", date(2026, 7, 3), pm)
    run_day(date(2026, 7, 31))  # the director's +30 would have been today
    assert smtp.take() == []


def test_a_reminder_written_before_the_work_was_done_is_not_sent(smtp):
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    m = helpers.milestone(project, date(2026, 5, 15))
    from tracker.reminders import delivery, scan

    scan.scan(date(2026, 5, 12))
    db.session.commit()
    helpers.set_state(m, MilestoneState.WAIVED)
    result = delivery.send_all(at(date(2026, 5, 12)), commit=db.session.commit)
    assert (result.sent, result.cancelled) == (0, 1)
    assert smtp.take() == []
    assert db.session.scalar(select(OutboxMessage.state)) is MessageState.CANCELLED


def test_a_condition_reminder_links_to_its_row_on_the_project_page(smtp, client):
    from tests.conftest import login
    from tests.factories import install_gates
    from tests.gates import helpers as gate_helpers
    from tracker.gates.condition_models import Condition

    pm, director, _hq, _evaluator = helpers.people(pm_locale="en")
    project = helpers.project_for(pm, director)
    install_gates()
    decision = gate_helpers.go(gate_helpers.submit(helpers.project_for(pm, phase=None)))
    condition = Condition(decision_id=decision.id, project_id=project.id,
                          text="Sign the data licence", owner_id=pm.id,
                          due_date=date(2026, 6, 30))
    db.session.add(condition)
    db.session.commit()
    run_day(date(2026, 6, 23))  # a week before
    [(_to, message)] = smtp.take()
    link = re.search(r"http://127\.0\.0\.1:5000(/projects/\d+)#(\S+)", text_of(message))
    assert link and link.group(2) == f"condition-{condition.id}"

    login(client, pm)
    page = client.get(link.group(1)).get_data(as_text=True)
    row = re.search(rf'<tr id="{link.group(2)}">(.*?)</tr>', page, re.S)
    assert row and "Sign the data licence" in row.group(1)


def test_escalations_stop_once_their_subject_is_resolved(smtp, client):
    """Issue 9: through real scans and sends, a late milestone escalates to the director, who
    finds it on their home page; once the PM submits it, the director's page no longer lists
    it, and the HQ escalation due later (+30 days) is never sent, nor anything else of it."""
    from datetime import timedelta

    from tests.conftest import login
    from tracker.dates import today

    pm, director, _hq, _evaluator = helpers.people(director_locale="en")
    project = helpers.project_for(pm, director)
    due = today() - timedelta(days=8)
    m = helpers.milestone(project, due, title="Pilot line")
    # Planned long before it fell late: made today, its escalation's day was past already
    # and none would be owed (tests/reminders/test_arrival.py).
    m.created_at -= timedelta(days=60)
    db.session.commit()
    run_day(today())  # +8: the PM's +8, the director's +7
    assert addressed(smtp.take()) == sorted([pm.email, director.email])
    login(client, director)

    def escalated() -> str:
        page = client.get("/").get_data(as_text=True)
        return page.split("Escalations to me")[1].split("</ul>")[0] if (
            "Escalations to me" in page) else ""

    assert "Pilot line" in escalated()
    helpers.submit(m, at(today(), 10))  # the subject is resolved: submitted for review
    assert "Pilot line" not in escalated()
    for later in (due + timedelta(days=15), due + timedelta(days=30), due + timedelta(days=40)):
        run_day(later)
        # (The review the submission asks for is a subject of its own: milestone_review.)
        assert [to for to, message in smtp.take()
                if ".milestone_due." in message["Message-ID"]] == []
    assert {row.recipient_id for row in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "milestone_due"))} == {pm.id, director.id}
