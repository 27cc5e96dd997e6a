"""A record that comes into the tracker after some of its reminders' days (an import of ten
years of history, a late entry) gets only those still news (`Ladder.news`): no "the project
ends in 30 days" three years after it ended, no escalation dated 2022, one reminder to its
owner saying since when it is overdue; the rungs after it arrived are sent as ever. A record
there before its rungs' days gets them all, as before (issue 13)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_enterprise, make_user
from tests.funding.test_amendments import agreement_of
from tests.imports.helpers import csv_bytes, run
from tests.imports.test_closed_projects import COLUMNS as HELD_COLUMNS
from tests.imports.test_closed_projects import _closed as _held
from tests.imports.test_conditional_go import COLUMNS as CONDITION_COLUMNS
from tests.imports.test_conditional_go import _conditional
from tests.imports.test_contracts import COLUMNS as CONTRACT_COLUMNS
from tests.imports.test_contracts import _row as contract_row
from tests.imports.test_milestones import COLUMNS as MILESTONE_COLUMNS
from tests.imports.test_projects import HEADER, _row, _setting
from tests.reminders import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates.condition_models import Condition
from tracker.imports.models import ImportRun, ImportState
from tracker.organisations.models import Institute
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.reminders import items, scan
from tracker.reminders.ladder import Ladder, Rung, Step, When
from tracker.reminders.models import Audience, OutboxMessage

OWNER, DIRECTOR, HQ = Audience.OWNER, Audience.DIRECTOR, Audience.HQ
STEPS = (Step("before", OWNER, When.BEFORE, 14, ""), Step("after", OWNER, When.AFTER, 1, ""),
         Step("director", DIRECTOR, When.AFTER, 7, ""), Step("hq", HQ, When.AFTER, 30, ""))
LADDER = Ladder(STEPS, {"before": 14, "after": 1, "director": 7, "hq": 30}, OWNER)
DEADLINE = date(2026, 5, 15)


def _rung(audience, offset):
    return Rung(audience, offset, DEADLINE + timedelta(days=offset), False)


@pytest.mark.parametrize(("arrived", "rung", "news"), [
    # fired on or after the day it arrived: as ever
    (date(2026, 5, 1), _rung(OWNER, -14), True),
    (date(2026, 5, 22), _rung(DIRECTOR, 7), True),
    # before the deadline, fired before it arrived: true while the deadline is ahead
    (date(2026, 5, 10), _rung(OWNER, -14), True),
    (date(2026, 5, 15), _rung(OWNER, -14), True),
    (date(2026, 5, 16), _rung(OWNER, -14), False),
    # after it: the first recipients', once; never an escalation of a day already past
    (date(2029, 1, 1), _rung(OWNER, 1), True),
    (date(2026, 5, 23), _rung(DIRECTOR, 7), False),
    (date(2029, 1, 1), _rung(HQ, 30), False),
])
def test_of_the_rungs_past_when_a_record_arrives_only_what_is_still_true(arrived, rung, news):
    assert (LADDER.news([rung], DEADLINE, arrived) == [rung]) is news


def _written() -> set[tuple[str, str, str]]:
    """(rule, the item's title or project, audience) of every row in the outbox."""
    return {(m.rule, m.details["title"], m.audience.value)
            for m in db.session.scalars(select(OutboxMessage))}


def _import(app, tmp_path, kind: str, rows: list[list[str]]) -> None:
    file = tmp_path / f"{kind}.csv"
    file.write_bytes(csv_bytes(rows))
    result = app.test_cli_runner().invoke(args=["import", kind, str(file), "--lang", "en"])
    assert result.exit_code == 0, result.output


def _scan(app, on: date) -> dict:
    result = app.test_cli_runner().invoke(
        args=["reminders", "scan", "--as-of", on.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_imported_history_queues_only_what_is_still_news(app, tmp_path):
    """The adopter's day one: a project that ended in 2023 still in contract research, a
    milestone overdue since 2022, an instalment unpaid since 2020, next to a live project's
    milestones; imported on the command line, then scanned."""
    _admin, _pm = _setting()
    director = make_user(name="Director Zhou")
    db.session.scalar(select(Institute).where(Institute.code == "IMP-RB")).director_id = \
        director.id
    make_enterprise(name="Pump Works")
    db.session.commit()
    now = today()
    _import(app, tmp_path, "projects", [
        HEADER, _row(title="Ended", end="2023-05-31"),
        _row(code="TEST-2024-0003", title="Live", start="2024-01-01", end="2029-12-31",
             passed="1: 2024-03-01")])
    _import(app, tmp_path, "milestones", [
        MILESTONE_COLUMNS,
        ["TEST-2019-0042", "Prototype", "contract_research", "2022-06-30", "", "", ""],
        ["TEST-2024-0003", "Bench", "contract_research", str(now + timedelta(days=10)), "",
         "", ""],
        ["TEST-2024-0003", "Trial", "contract_research", str(now - timedelta(days=20)), "",
         "", ""]])
    _import(app, tmp_path, "contracts", [CONTRACT_COLUMNS, contract_row("TEST-2019-0042")])

    _scan(app, now)
    assert _written() == {
        # one reminder to the PM each, saying since when it is overdue; no escalation
        ("milestone_due", "Prototype", "owner"), ("milestone_due", "Trial", "owner"),
        ("instalment_due", "Hydraulic pump development", "owner"),
        # due in 10 days: the 14-day reminder is still true
        ("milestone_due", "Bench", "owner")}  # and no "Ended ends in 30 days"
    # The ladder goes on from there: the HQ escalation of "Trial" (+30) falls after the
    # import and goes; the director's (+7) was past already and never does.
    _scan(app, now + timedelta(days=10))
    assert ("milestone_due", "Trial", "hq") in _written()
    assert not {row for row in _written() if row[2] == "director"}
    assert db.session.scalar(select(Project.phase).where(Project.title == "Ended")).value \
        == "contract_research"


def test_a_record_made_in_the_tracker_before_its_days_gets_every_rung():
    """Nothing changes for what was in the tracker all along: a milestone planned before it
    fell due is reminded before and after and escalated to the director and HQ."""
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    now = today()
    m = helpers.milestone(project, now - timedelta(days=40), title="Planned early")
    m.created_at -= timedelta(days=60)
    helpers.milestone(project, now + timedelta(days=10), title="Made now")
    db.session.commit()
    scan.scan(now)
    assert _written() == {("milestone_due", "Planned early", "owner"),
                          ("milestone_due", "Planned early", "director"),
                          ("milestone_due", "Planned early", "hq"),
                          ("milestone_due", "Made now", "owner")}


def test_a_record_entered_late_in_the_tracker_is_no_news_to_escalate():
    """Entered today with a due date 20 days past (a late entry, a correction): the PM hears
    once; the director's +7 was past when it was entered; HQ's +30 comes in 10 days."""
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    now = today()
    helpers.milestone(project, now - timedelta(days=20), title="Entered late")
    scan.scan(now)
    assert _written() == {("milestone_due", "Entered late", "owner")}
    scan.scan(now + timedelta(days=10))
    assert ("milestone_due", "Entered late", "hq") in _written()
    assert ("milestone_due", "Entered late", "director") not in _written()


def test_a_hold_imported_with_its_revisit_date_passed_is_reminded_once(app, tmp_path):
    """Adoption finding F18: a project held in 2023 whose revisit date (2024-01-10) nobody
    acted on was refused ("a date ahead"), so the file had to invent a date never decided.
    It keeps the date its HOLD set (after the HOLD's day), and HQ hears of the overdue
    revisit once, as news, not again the next week."""
    _admin, _pm = _setting()
    db.session.commit()
    _import(app, tmp_path, "projects", [
        HELD_COLUMNS, _held("TEST-2020-0030", "on_hold", "contract_research", "",
                            "2024-01-10", title="Held since 2023", start="2020-08-01",
                            end="2023-07-31", passed="1: 2020-07-20; 2: 2023-01-10")])
    project = db.session.scalar(select(Project))
    assert (project.phase, project.revisit_date) == (Phase.ON_HOLD, date(2024, 1, 10))
    _scan(app, today())
    _scan(app, today() + timedelta(days=7))
    assert [(m.rule, m.audience) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == "hold_revisit"))] == [
        ("hold_revisit", HQ)]


def test_an_agreement_and_a_condition_arrive_when_they_came_in_not_with_their_project():
    """Review finding 8b: a condition's and an allocation-investment agreement's arrival was
    their project's creation, so an agreement recorded (or imported) years after its project
    read as there all along and had every rung of a deadline already past."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = agreement_of(committee, conversion_deadline=today() - timedelta(days=40),
                             signed_on=today() - timedelta(days=400))
    agreement.project.created_at -= timedelta(days=3 * 365)
    db.session.commit()
    arrived = {i.id: i.arrived for i in items.conversion_deadlines(items.Query())}
    assert arrived[agreement.id] == agreement.decided_at
    scan.scan(today())
    assert [m.audience for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "conversion_deadline"))] == [Audience.COMMITTEE]
    # A condition: with the decision whose import brought it (its project may be older).
    _admin, _pm = _setting()
    result = run(_admin, "projects", [CONDITION_COLUMNS, _conditional()])
    assert result.state is ImportState.DONE, result.errors
    run_at = db.session.get(ImportRun, result.id).started_at
    open_ = db.session.scalar(select(Condition).where(Condition.text == "Patent filed"))
    open_.project.created_at -= timedelta(days=3 * 365)
    db.session.flush()
    assert {i.id: i.arrived for i in items.conditions_due(items.Query())}[open_.id] == run_at


def test_a_record_that_arrived_overdue_is_not_repeated_every_week(app, tmp_path):
    """Adoption finding F25: 1,470 imported milestones of projects past their end date,
    overdue since, were listed every week to their PMs for ever (392 items for one). One
    that arrives overdue is reminded once; the ladder's "then every 7 days" is for what was
    let pass while the tracker reminded; one made before its deadline repeats as ever."""
    _admin, _pm = _setting()
    db.session.commit()
    now = today()
    _import(app, tmp_path, "projects", [HEADER, _row(title="Ended", end="2023-05-31")])
    _import(app, tmp_path, "milestones", [
        MILESTONE_COLUMNS,
        ["TEST-2019-0042", "Prototype", "contract_research", "2022-06-30", "", "", ""]])
    for week in range(4):
        _scan(app, now + timedelta(days=7 * week))
    assert [m.audience for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "milestone_due"))] == [OWNER]


def test_a_repeat_is_news_only_for_a_record_there_before_its_deadline():
    steps = (*STEPS[:2], Step("every", OWNER, When.EVERY, 7, ""))
    ladder = Ladder(steps, {"before": 14, "after": 1, "every": 7}, OWNER)
    repeat = Rung(OWNER, 15, DEADLINE + timedelta(days=15), False)
    assert ladder.news([repeat], DEADLINE, date(2026, 5, 1)) == [repeat]
    assert ladder.news([repeat], DEADLINE, date(2026, 5, 20)) == []
    assert ladder.news([_rung(OWNER, 1)], DEADLINE, date(2026, 5, 20)) == [_rung(OWNER, 1)]
