"""A project put on hold at a gate and resumed by HQ since, before the tracker, is imported
(issue 13, rows13 point 5: it could not be, having no cells for it): its row's Held and resumed
gives each hold (gate: held | revisit | resumed | why), recorded in its place among its
decisions by the same services as one held and resumed in the tracker (an imported HOLD, then
HQ's resume), so that it goes on as one resumed there; it exports as it came, imports again
unchanged, and what cannot have happened is refused beside the column."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.imports.helpers import run
from tests.imports.test_projects import _setting
from tracker import db
from tracker.gates import dating
from tracker.gates.models import GateDecision, Outcome
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

HEADER = ["Project code", "Title", "Field", "Type", "Institute code",
          "Project manager's e-mail", "TRL now", "TRL targeted", "Budget total (CNY)",
          "Start date", "End date", "Phase", "Gates passed on", "Held and resumed"]
HOLD = "2: 2020-05-01 | 2020-11-30 | 2020-09-01 | Funds came through"


def _row(**changes) -> list[str]:
    row = {"code": "TEST-2018-0002", "title": "Held, then resumed", "field": "Machinery",
           "type": "pm_major", "institute": "IMP-RB", "pm": "pm@import.cn", "trl_now": "4",
           "trl_target": "7", "budget": "2000000", "start": "2018-03-01",
           "end": "2024-02-28", "phase": "investment_decision",
           "passed": "1: 2018-05-01; 2: 2021-01-10", "holds": HOLD}
    row.update(changes)
    return list(row.values())


def test_it_is_recorded_as_one_held_and_resumed_in_the_tracker():
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(), _row(
        code="TEST-2018-0003", title="Held in its phase", phase="contract_research",
        passed="1: 2018-05-01")])
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    went_on, waiting = (db.session.scalar(select(Project).where(Project.code == code))
                        for code in ("TEST-2018-0002", "TEST-2018-0003"))
    assert [(c.from_phase, c.to_phase) for c in went_on.phase_changes] == [
        (Phase.DRAFT, Phase.PROPOSAL_REVIEW), (Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH),
        (Phase.CONTRACT_RESEARCH, Phase.ON_HOLD), (Phase.ON_HOLD, Phase.CONTRACT_RESEARCH),
        (Phase.CONTRACT_RESEARCH, Phase.INVESTMENT_DECISION)]
    resume = went_on.phase_changes[3]
    assert (resume.actor_id, resume.decision_id, resume.reason, resume.imported_in_id,
            resume.at) == (admin.id, None, "Funds came through", result.id,
                           dating.noon(date(2020, 9, 1)))
    held = db.session.scalars(select(GateDecision).where(
        GateDecision.project_id == went_on.id, GateDecision.outcome == Outcome.HOLD)).one()
    assert (held.revisit_date, held.imported_in_id) == (date(2020, 11, 30), result.id)
    assert (went_on.held_phase, went_on.revisit_date) == (None, None)
    # Resumed in the phase it was held in, it waits for its gate as any project resumed does.
    assert (waiting.phase, waiting.held_phase, waiting.revisit_date) == (
        Phase.CONTRACT_RESEARCH, None, None)


def test_it_exports_as_it_came_and_imports_again_unchanged():
    admin, _pm = _setting()
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    exported = export.export_csv("projects").decode().splitlines()
    assert exported[0].endswith("terminated_on,holds")
    assert exported[1].endswith(f"investment_decision,1: 2018-05-01; 2: 2021-01-10,,,,,,{HOLD}")
    again = run(admin, "projects", [HEADER, _row()])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    changed = run(admin, "projects", [HEADER, _row(holds=HOLD.replace("09-01", "09-02"))])
    assert changed.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in changed.errors] == [(2, "Held and resumed")], changed.errors


def test_two_holds_import_again_unchanged_in_whatever_order_written():
    """The export writes them in the order they happened; the file's order is not a change."""
    admin, _pm = _setting()
    first, second = HOLD, "2: 2020-10-01 | 2020-12-30 | 2020-11-01 | Partner back"
    assert run(admin, "projects", [HEADER, _row(holds=f"{second}; {first}")]).state is (
        ImportState.DONE)
    assert export.export_csv("projects").decode().splitlines()[1].endswith(f"{first}; {second}")
    for written in (f"{second}; {first}", f"{first}; {second}"):
        again = run(admin, "projects", [HEADER, _row(holds=written)])
        assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors


@pytest.mark.parametrize(("holds", "said"), [
    ("2: 2020-05-01 | 2020-11-30 | 2020-04-01 | Funds came through",
     ["resumed on Apr 1, 2020, before it was held"]),
    ("4: 2022-05-01 | 2022-11-30 | 2022-09-01 | Funds came through",
     ["never in the phase closed by gate 4"]),
    ("3: 2020-05-01 | 2020-11-30 | 2020-09-01 | Funds came through",
     ["Gate 3: May 1, 2020 is before the decision at gate 2"]),
    ("2: 2020-05-01 | 2020-04-30 | 2020-09-01 | ",
     ["give a revisit date after the day the project was held",
      "Say why the project resumes."]),
    ("2: 2020-05-01 | 2020-11-30 | 2021-02-01 | Funds came through",
     ["after the decision at its gate"]),
    ("2: 2020-05-01 | 2020-11-30 | 2020-09-01 | first; "
     "2: 2020-06-01 | 2020-12-30 | 2020-07-01 | second",
     ["Hold 2: held on Jun 1, 2020 while on hold since May 1, 2020 (hold 1, resumed Sep 1"]),
    ("2: 2020-06-01 | 2020-12-30 | 2020-09-01 | second; "
     "2: 2020-05-01 | 2020-11-30 | 2020-06-01 | first",
     ["Hold 1: held on Jun 1, 2020 while on hold since May 1, 2020 (hold 2, resumed Jun 1"]),
    ("2: 2020-05-01; 2: 2020-06-01 | soon | 2020-09-01 | x",
     ["Entry 1: Write each hold", "Entry 2: soon is not a date"]),
])
def test_what_cannot_have_happened_is_refused_beside_the_column(holds, said):
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(holds=holds)])
    assert result.state is ImportState.FAILED
    told = " ".join(m for _r, c, m in result.errors if c == "Held and resumed")
    for words in said:
        assert words in told, result.errors
    assert db.session.scalar(select(Project.id)) is None
