"""A project HQ ended while it was on hold (its page's Terminate: `terminate_held`, no gate)
is imported (issue 13 point 1, projects in any phase): the row's Terminated while on hold on
gives the day, its HOLD is the decision in the phase Ended or held in names, with its revisit
date, and Rationale of the KILL HQ's reason. It is recorded by the same services, so that it
ends as one ended in the tracker does: the same phase change, audit and timeline, imported;
it exports as it came, a file of it imports again unchanged, and what cannot have happened is
refused beside its column."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.imports.helpers import run
from tests.imports.test_projects import _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.gates import dating
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, Project

AHEAD = (date.today() + timedelta(days=60)).isoformat()
HEADER = ["Project code", "Title", "Field", "Type", "Institute code",
          "Project manager's e-mail", "TRL now", "TRL targeted", "Budget total (CNY)",
          "Start date", "End date", "Phase", "Gates passed on", "Ended or held in",
          "Rationale of the KILL", "Revisit date", "Terminated while on hold on"]


def _row(**changes) -> list[str]:
    row = {"code": "TEST-2018-0002", "title": "Held, then ended", "field": "Machinery",
           "type": "pm_major", "institute": "IMP-RB", "pm": "pm@import.cn", "trl_now": "4",
           "trl_target": "7", "budget": "2000000", "start": "2018-03-01",
           "end": "2022-02-28", "phase": "terminated", "passed": "1: 2018-05-01; 2: 2019-06-01",
           "ended_in": "contract_research", "rationale": "Partner withdrew",
           "revisit": "2019-12-31", "terminated": "2020-03-15"}
    row.update(changes)
    return list(row.values())


def _ending(project: Project) -> tuple[PhaseChange, AuditRecord]:
    change = project.phase_changes[-1]
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "project.phase", AuditRecord.object_id == project.id)
        .order_by(AuditRecord.id.desc())).first()
    return change, record


def test_it_ends_as_one_ended_in_the_tracker(client):
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(), _row(
        code="TEST-2018-0003", title="Held", phase="on_hold", rationale="", revisit=AHEAD,
        terminated="")])
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    imported, held = (db.session.scalar(select(Project).where(Project.code == code))
                      for code in ("TEST-2018-0002", "TEST-2018-0003"))
    login(client, admin)  # the other ended on its page, by the same HQ admin
    response = post(client, f"/projects/{held.id}/terminate", {"reason": "Partner withdrew"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    for project in (imported, held):
        assert (project.phase, project.held_phase) == (Phase.TERMINATED,
                                                      Phase.CONTRACT_RESEARCH)
        assert [(c.from_phase, c.to_phase) for c in project.phase_changes] == [
            (Phase.DRAFT, Phase.PROPOSAL_REVIEW), (Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH),
            (Phase.CONTRACT_RESEARCH, Phase.ON_HOLD), (Phase.ON_HOLD, Phase.TERMINATED)]
    (change, record), (app_change, app_record) = _ending(imported), _ending(held)
    assert (change.actor_id, change.decision_id, change.reason) == (
        app_change.actor_id, app_change.decision_id, app_change.reason) == (
        admin.id, None, "Partner withdrew")
    # the imported one says its import and is dated the day it was ended
    assert (change.imported_in_id, change.at) == (result.id, dating.noon(date(2020, 3, 15)))
    assert imported.revisit_date == date(2019, 12, 31)
    assert record.changes == {**app_record.changes, "import": [None, result.id]}
    assert app_record.changes == {"phase": ["on_hold", "terminated"]}
    for project in (imported, held):
        page = client.get(f"/projects/{project.id}").get_data(as_text=True)
        assert "On hold → Terminated" in page and "Partner withdrew" in page
        assert f'action="/projects/{project.id}/terminate"' not in page


def test_it_exports_as_it_came_and_imports_again_unchanged():
    admin, _pm = _setting()
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    exported = export.export_csv("projects").decode().splitlines()
    assert exported[0].endswith("ended_in,rationale,revisit_date,terminated_on,holds")
    assert exported[1].endswith(
        "terminated,1: 2018-05-01; 2: 2019-06-01,,contract_research,Partner withdrew,"
        "2019-12-31,2020-03-15,")
    again = run(admin, "projects", [HEADER, _row()])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    changed = run(admin, "projects", [HEADER, _row(terminated="2020-03-16")])
    assert changed.state is ImportState.FAILED
    assert changed.errors == [[2, "Terminated while on hold on", (
        "The project was ended while on hold on Mar 15, 2020, not Mar 16, 2020. An import does "
        "not change a recorded decision: write the recorded day here.")]]
    revisited = run(admin, "projects", [HEADER, _row(revisit="2020-01-31")])
    assert revisited.errors == [[2, "Revisit date", (
        "The HOLD before the project was ended set its revisit date to Dec 31, 2019, not Jan "
        "31, 2020. An import does not change a recorded decision: write the recorded date "
        "here.")]]


@pytest.mark.parametrize(("changes", "column", "message"), [
    ({"phase": "on_hold", "revisit": AHEAD}, "Terminated while on hold on",
     "Only a project terminated was ended while on hold: leave this cell empty for a project "
     "“On hold”."),
    ({"terminated": "2019-05-31"}, "Terminated while on hold on",
     "May 31, 2019 is before the HOLD (Jun 1, 2019): a project is ended while on hold after it "
     "was held."),
    ({"terminated": AHEAD}, "Terminated while on hold on", "is in the future"),
    ({"rationale": ""}, "Rationale of the KILL", "Give the rationale for ending the project."),
    ({"revisit": "2019-06-01"}, "Revisit date",
     "Give a revisit date after the day the project was held (Jun 1, 2019)."),
])
def test_what_cannot_have_happened_is_refused_beside_its_column(changes, column, message):
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(**changes)])
    assert result.state is ImportState.FAILED
    assert [(row, col) for row, col, _m in result.errors] == [(2, column)], result.errors
    assert message in result.errors[0][2]
    assert db.session.scalar(select(Project.id)) is None
