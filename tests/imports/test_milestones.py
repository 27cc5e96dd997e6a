"""Importing milestones with their state: planned by the project's PM through the milestone
form and service, then put in the state they had, which their history says was imported."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.imports.models import ImportState
from tracker.milestones.models import Milestone, MilestoneEvent, MilestoneState
from tracker.projects.models import Project

COLUMNS = ["Project code", "Title", "Phase", "Due date", "State", "Percent complete",
           "Waiver reason"]


def _project(admin):
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    return db.session.scalar(select(Project))


def test_milestones_come_in_with_their_state_and_a_reimport_changes_nothing():
    admin, _pm = _setting()
    project = _project(admin)
    rows = [COLUMNS,
            [project.code, "Prototype", "proposal_review", "2019-04-30", "accepted", "", ""],
            [project.code, "Bench test", "contract_research", "2026/9/30", "进行中", "40", ""],
            [project.code, "Field trial", "contract_research", "2027-06-30", "", "", ""],
            [project.code, "Old study", "contract_research", "2020-01-31", "waived", "",
             "Superseded by the bench test"]]
    result = run(admin, "milestones", rows)
    assert (result.state, result.created) == (ImportState.DONE, 4), result.errors
    by_title = {m.title: m for m in db.session.scalars(select(Milestone))}
    assert (by_title["Prototype"].state, by_title["Prototype"].percent_complete) == (
        MilestoneState.ACCEPTED, 100)
    assert (by_title["Bench test"].state, by_title["Bench test"].percent_complete) == (
        MilestoneState.IN_PROGRESS, 40)
    assert by_title["Field trial"].state is MilestoneState.PLANNED
    assert by_title["Old study"].waiver_reason == "Superseded by the bench test"
    event = db.session.scalar(select(MilestoneEvent).where(
        MilestoneEvent.milestone_id == by_title["Prototype"].id))
    assert (event.from_state, event.to_state, event.actor_id, event.comment) == (
        MilestoneState.PLANNED, MilestoneState.ACCEPTED, admin.id, f"import #{result.id}")
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    again = run(admin, "milestones", rows)
    assert (again.state, again.unchanged) == (ImportState.DONE, 4), again.errors
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 1


def test_a_bad_milestone_row_imports_none_and_names_row_and_column():
    admin, _pm = _setting()
    project = _project(admin)
    rows = [COLUMNS,
            [project.code, "Fine", "contract_research", "2026-09-30", "", "", ""],
            [project.code, "Too late", "contract_research", "2031-01-01", "", "", ""],
            [project.code, "No reason", "contract_research", "2026-09-30", "waived", "", ""],
            ["TEST-1999-0001", "Nowhere", "contract_research", "2026-09-30", "", "", ""]]
    result = run(admin, "milestones", rows)
    assert [(r, c) for r, c, _m in result.errors] == [
        (3, "Due date"), (4, "Waiver reason"), (5, "Project code")]
    assert "within the project's dates" in result.errors[0][2]
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0
