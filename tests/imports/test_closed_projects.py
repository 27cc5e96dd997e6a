"""Projects ended or held before the tracker: their last decision imported (a GO into
completed, a KILL, a HOLD) after the GOs on the way, and their history of milestones."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import make_project
from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS as MILESTONE_COLUMNS
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.gates.models import GateDecision, Outcome
from tracker.imports.column_notes import how_to_fill
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

COLUMNS = [*HEADER, "Ended or held in", "Rationale of the KILL", "Revisit date"]
AHEAD = (date.today() + timedelta(days=90)).isoformat()


def _closed(code, phase, ended_in="", rationale="", revisit="", **kw):
    return [*_row(code=code, phase=phase, **kw), ended_in, rationale, revisit]


def test_projects_ended_or_held_come_in_with_their_last_decision():
    admin, _pm = _setting()
    rows = [COLUMNS,
            _closed("TEST-2016-0001", "completed", "investment_decision", start="2016-06-01",
                    passed="1: 2016-05-01; 2: 2018-06-30; 3: 2019-12-01"),
            _closed("TEST-2016-0002", "terminated", "", "No market; funds settled",
                    passed="1: 2019-05-20; 2: 2020-01-10"),
            _closed("TEST-2016-0003", "rejected", "", "Out of scope", passed="1: 2016-05-01"),
            _closed("TEST-2016-0004", "on_hold", "contract_research", "", AHEAD,
                    passed="1: 2019-05-20; 2: 2020-01-10")]
    result = run(admin, "projects", rows)
    assert (result.state, result.created) == (ImportState.DONE, 4), result.errors
    by_code = {p.code: p for p in db.session.scalars(select(Project))}
    assert {c: p.phase for c, p in by_code.items()} == {
        "TEST-2016-0001": Phase.COMPLETED, "TEST-2016-0002": Phase.TERMINATED,
        "TEST-2016-0003": Phase.REJECTED, "TEST-2016-0004": Phase.ON_HOLD}
    held = by_code["TEST-2016-0004"]
    assert (held.held_phase, held.revisit_date.isoformat()) == (Phase.CONTRACT_RESEARCH, AHEAD)

    def last(code):
        return db.session.scalars(select(GateDecision).where(
            GateDecision.project_id == by_code[code].id).order_by(GateDecision.id)).all()[-1]

    completed = last("TEST-2016-0001")
    assert (completed.outcome, completed.target_phase, completed.review.gate,
            completed.decided_at.date()) == (Outcome.GO, Phase.COMPLETED, 3, date(2019, 12, 1))
    killed = last("TEST-2016-0002")
    assert (killed.outcome, killed.rationale, killed.review.gate, killed.imported_in_id) == (
        Outcome.KILL, "No market; funds settled", 2, result.id)
    assert last("TEST-2016-0003").review.gate == 1
    assert last("TEST-2016-0004").outcome is Outcome.HOLD
    # A closed project takes its history of milestones, and nothing still open.
    history = run(admin, "milestones", [
        MILESTONE_COLUMNS,
        ["TEST-2016-0001", "Pilot line", "contract_research", "2020-03-31", "accepted", "", ""],
        ["TEST-2016-0001", "Never done", "contract_research", "2020-05-31", "planned", "", ""]])
    assert [(r, m) for r, _c, m in history.errors] == [
        (3, f"{by_code['TEST-2016-0001'].name} is completed: nothing of it changes any more. If "
            "it was closed by mistake, HQ corrects the decision that closed it.")]


def test_a_kill_without_rationale_or_a_route_the_table_refuses_names_the_column():
    admin, _pm = _setting()
    rows = [COLUMNS,
            _closed("TEST-2016-0001", "terminated", passed="1: 2019-05-20; 2: 2020-01-10"),
            _closed("TEST-2016-0002", "completed", "proposal_review"),
            _closed("TEST-2016-0003", "on_hold", "", "", "2001-01-01",
                    passed="1: 2019-05-20; 2: 2020-01-10"),
            _closed("TEST-2016-0004", "contract_research", "proposal_review")]
    result = run(admin, "projects", rows)
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Rationale of the KILL"), (3, "Ended or held in"), (4, "Revisit date"),
        (5, "Ended or held in")], result.errors
    assert db.session.scalar(select(Project.id)) is None


def test_ended_in_a_phase_no_gate_closes_is_told_the_phases_a_gate_closes():
    """`ended_in` is the phase whose gate decided the end: on hold, spun off or draft were
    listed among its choices (upload page, template, README) and, written, were refused as
    "Choose where the project goes next." beside the phase, or as the project being closed
    (found by audit13: a project killed while on hold)."""
    admin, _pm = _setting()
    rows = [COLUMNS,
            _closed("TEST-2016-0001", "terminated", "on_hold", "No market"),
            _closed("TEST-2016-0002", "completed", "spun_off")]
    result = run(admin, "projects", rows)
    gates = ("one of proposal_review (Proposal review), contract_research (Contract research), "
             "investment_decision (Investment decision), spin_off (Spin-off).")
    assert [(r, c, m) for r, c, m in result.errors] == [
        (2, "Ended or held in", "On hold is closed by no gate: write the phase whose gate "
                                f"decided it, {gates}"),
        (3, "Ended or held in", "Spun off is closed by no gate: write the phase whose gate "
                                f"decided it, {gates}")], result.errors
    [ended_in] = [c for c in KINDS["projects"].columns if c.key == "ended_in"]
    with force_locale("en"):
        said = how_to_fill(ended_in, "`{}`".format)
    assert "Spin-off (`spin_off`), each by its label" in said and "on_hold" not in said


def test_a_closed_project_no_change_of_phase_dates_takes_no_history():
    """A closed project's history is what happened by the day it closed, one rule for its
    milestones, contracts and agreements (`tracker.projects.closed.open_refusal`): closed with
    no change of phase recorded (made so outside the tracker's paths), nothing dates it, and
    an accepted milestone is refused as anything new is (the milestones' import skipped the
    rule for its history)."""
    admin, _pm = _setting()
    project = make_project(phase=Phase.COMPLETED)
    assert project.phase_changes == []
    result = run(admin, "milestones", [
        MILESTONE_COLUMNS, [project.code, "Pilot line", "contract_research", "2026-03-31",
                            "accepted", "", ""]])
    assert [(r, m) for r, _c, m in result.errors] == [
        (2, f"{project.name} is completed: nothing of it changes any more. If it was closed "
            "by mistake, HQ corrects the decision that closed it.")], result.errors
