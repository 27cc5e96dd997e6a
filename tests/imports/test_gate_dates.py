"""Imported gate decisions are dated as the tracker dates its own (issue 13, F16): in the gates'
order, none in the future, none past gate 1 before the project's start date, and none
without the day the file gives it (none is made up); each refused beside its column, on both
paths, by the one rule (`tracker.gates.dating`), which the service
recording an imported decision reads too."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.imports.helpers import run
from tests.imports.test_closed_projects import COLUMNS, _closed
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.errors import Invalid
from tracker.gates import dating, decisions
from tracker.gates.models import GateDecision, Outcome
from tracker.imports.models import ImportState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_decisions_out_of_order_or_before_the_start_are_refused(monkeypatch, path):
    from tracker.imports.projects_bulk import BulkProjects

    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    admin, _pm = _setting()
    rows = [HEADER,
            _row(code="TEST-2019-0001", phase="investment_decision",        # 2 before 1
                 passed="1: 2020-05-20; 2: 2020-01-10"),
            _row(code="TEST-2019-0002", phase="investment_decision",        # 2 before start
                 start="2019-03-01", passed="1: 2018-12-01; 2: 2019-01-15"),
            _row(code="TEST-2019-0004", passed="1: 2099-05-20"),              # the future
            _row(code="TEST-2019-0005", phase="investment_decision",        # 1 after start,
                 passed="1: 2019-05-20; 2: 2019-05-20")]                     # 2 the same day
    result = run(admin, "projects", rows)
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Gates passed on"), (3, "Gates passed on"), (4, "Gates passed on")]
    assert result.errors[0][2] == ("Gate 2: Jan 10, 2020 is before the decision at gate 1 "
                                   "(May 20, 2020); gates are decided one after the other.")
    assert result.errors[1][2] == (
        "Gate 2: Jan 15, 2019 is before the project's start date (Mar 1, 2019); only gate 1, "
        "which approves the proposal, may come before it.")
    assert "in the future" in result.errors[2][2]
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
    # Gate 1 before the start is an approval ahead of the work; two gates may be decided on
    # the same day.
    good = run(admin, "projects", [HEADER, rows[4], _row(
        code="TEST-2019-0006", phase="contract_research", start="2019-03-01",
        passed="1: 2019-01-15")])
    assert good.state is ImportState.DONE, good.errors
    days = sorted((d.review.project.code, d.review.gate, d.decided_at.date())
                  for d in db.session.scalars(select(GateDecision)))
    assert days == [("TEST-2019-0005", 1, date(2019, 5, 20)),
                    ("TEST-2019-0005", 2, date(2019, 5, 20)),
                    ("TEST-2019-0006", 1, date(2019, 1, 15))]


def test_the_service_recording_an_imported_decision_holds_to_the_same_rule():
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(passed="1: 2019-05-20")])
    project = db.session.scalar(select(Project))
    with pytest.raises(Invalid) as refused:
        decisions.record_imported_decision(
            admin, project, dating.noon(date(2019, 4, 1)), result.id, Outcome.GO)
    assert refused.value.problems == [("gates_passed_on", (
        "Gate 2: Apr 1, 2019 is before the decision at gate 1 (May 20, 2019); gates are "
        "decided one after the other."))]
    assert project.phase is Phase.CONTRACT_RESEARCH


def test_the_rule_as_a_table(app):
    start = date(2019, 3, 1)
    with app.test_request_context():
        cases = {
            ((1, date(2019, 1, 1)), (2, date(2019, 6, 1))): [],
            ((1, date(2019, 6, 1)), (2, date(2019, 6, 1))): [],
            ((1, date(2019, 6, 1)), (2, date(2019, 5, 1))): [2],
            ((1, date(2019, 1, 1)), (2, date(2019, 2, 1))): [2],
            ((1, date(2099, 1, 1)),): [1],
        }
        for days, refused in cases.items():
            assert [g for g, _why in dating.problems(start, days)] == refused, days


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_a_gate_the_phase_says_was_decided_needs_its_date(client, monkeypatch, path):
    """Each gate a row's phase implies was decided gives its day: one left out was taken as
    passed on the start date (or the gate before's), a day the HQ never gave, said nowhere.
    It is refused beside Gates passed on, naming the gate and the phase, in the reader's
    language; a draft and a proposal waiting for gate 1 need none."""
    from tracker.imports.projects_bulk import BulkProjects

    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    admin, _pm = _setting()
    rows = [COLUMNS,
            _closed("TEST-2019-0001", "contract_research", passed=""),
            _closed("TEST-2019-0002", "spin_off", passed="1: 2019-05-20; 3: 2021-01-10"),
            _closed("TEST-2019-0003", "terminated", "", "No market", passed="1: 2019-05-20"),
            _closed("TEST-2019-0004", "proposal_review", passed=""),
            _closed("", "draft", title="A draft", passed="")]
    result = run(admin, "projects", rows, dry_run=True)
    assert [tuple(e) for e in result.errors] == [
        (2, "Gates passed on", "Gate 1 has no date under Gates passed on, though the "
         "project's phase, “Contract research”, says it was passed: write the day it was "
         "decided. An import dates a decision as its file does and makes up no day."),
        (3, "Gates passed on", "Gate 2 has no date under Gates passed on, though the "
         "project's phase, “Spin-off”, says it was passed: write the day it was decided. An "
         "import dates a decision as its file does and makes up no day."),
        (4, "Gates passed on", "Gate 2 has no date under Gates passed on, though the "
         "project's phase, “Terminated”, says its last decision was taken there: write the "
         "day it was decided. An import dates a decision as its file does and makes up no "
         "day.")]
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    assert ("阶段门 1 在“阶段门通过日期”中没有日期，而项目的阶段“合同科研”表明它已通过该阶段门"
            in page)
    done = run(admin, "projects", rows)
    assert done.state is ImportState.FAILED
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_an_imported_decision_was_requested_when_it_was_decided(monkeypatch, path):
    """The gate list and its export show each review's request: an imported decision's is its
    own day, never the import's moment after it (a 2020 GO "requested" today)."""
    from tracker.imports.projects_bulk import BulkProjects

    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(
        code="TEST-2019-0007", phase="investment_decision", start="2019-03-01",
        passed="1: 2019-01-15; 2: 2020-06-30")])
    assert result.state is ImportState.DONE, result.errors
    db.session.expire_all()  # as stored
    asked = sorted((d.review.gate, d.review.requested_at, d.decided_at)
                   for d in db.session.scalars(select(GateDecision)))
    assert [(gate, requested == decided, decided.date()) for gate, requested, decided in asked
            ] == [(1, True, date(2019, 1, 15)), (2, True, date(2020, 6, 30))]


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_a_date_for_a_gate_the_route_never_passes_is_refused(monkeypatch, path):
    """A date given for a gate the project's route does not pass was dropped without a word:
    the HQ admin believed it recorded."""
    from tracker.imports.projects_bulk import BulkProjects

    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    admin, _pm = _setting()
    rows = [HEADER,
            _row(code="TEST-2019-0001", passed="1: 2019-05-20; 3: 2021-01-10; 2: 2020-01-10"),
            _row(code="", title="A draft", phase="draft", passed="1: 2019-05-20"),
            _row(code="TEST-2019-0002", passed="1: 2019-05-20"),
            _row(code="TEST-2019-0003", phase="completed",  # by default at gate 2
                 passed="1: 2019-05-20; 2: 2020-01-10; 3: 2021-01-10")]
    result = run(admin, "projects", rows)
    assert [tuple(e) for e in result.errors] == [
        (2, "Gates passed on", "Gate 2 is not on the project's route: imported in “Contract "
         "research”, it passes gate 1. Give a date only for a gate it passes, or correct its "
         "phase."),
        (2, "Gates passed on", "Gate 3 is not on the project's route: imported in “Contract "
         "research”, it passes gate 1. Give a date only for a gate it passes, or correct its "
         "phase."),
        (3, "Gates passed on", "Gate 1 is not on the project's route: imported in “Draft”, "
         "it passes no gate. Give a date only for a gate it passes, or correct its phase."),
        (5, "Gates passed on", "Gate 3 is not on the project's route: “Completed” by a "
         "decision in “Contract research”, it passes gate 1, gate 2. Give a date only for a "
         "gate it passes, or name the phase whose gate decided it under Ended or held in.")]
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
    passed = [HEADER, _row(code="TEST-2019-0001", phase="spin_off",
                           passed="1: 2019-05-20; 2: 2020-01-10; 3: 2021-01-10")]
    assert run(admin, "projects", passed).state is ImportState.DONE
