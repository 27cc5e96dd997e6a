"""Importing milestones with their state: planned by the project's PM through the milestone
form and service, then put in the state they had, which their history says was imported."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import login, post
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
    assert (event.from_state, event.to_state, event.actor_id, event.comment,
            event.imported_in_id) == (
        MilestoneState.PLANNED, MilestoneState.ACCEPTED, admin.id, "", result.id)
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


def _written(run_id):
    """What an import of milestones wrote, without ids, the moments it wrote and the run's
    number (the days of submission are the file's: issue 13)."""
    milestones = [(m.title, m.phase, m.state, m.percent_complete, m.waiver_reason, m.due_date,
                   m.weight, m.deliverable, m.review_due, m.submitted_at)
                  for m in db.session.scalars(select(Milestone).order_by(Milestone.title))]
    events = sorted((e.from_state, e.to_state, e.actor_id, e.comment, e.imported_in_id == run_id)
                    for e in db.session.scalars(select(MilestoneEvent)))
    records = sorted(
        (r.action, r.actor_id, str(sorted((k, v) for k, v in r.changes.items()
                                          if k != "import")))
        for r in db.session.scalars(select(AuditRecord).where(
            AuditRecord.action.like("milestone.%"))) if r.changes["import"][1] == run_id)
    return milestones, events, records


def test_the_bulk_path_writes_what_the_row_by_row_path_writes(monkeypatch):
    from tracker.audit import chain
    from tracker.imports import bulk
    from tracker.imports.milestones import Milestones

    admin, _pm = _setting()
    project = _project(admin)
    states = ["", "in_progress", "accepted", "waived", "submitted"]
    # A submitted milestone with the day it was submitted, an accepted one with or without.
    rows = [[*COLUMNS, "Submitted on"]] + [
        [project.code, f"Step {n:02d}", "contract_research", f"2026-{n % 12 + 1:02d}-15",
         states[n % 5], "30" if n % 5 == 1 else "", "Not needed" if n % 5 == 3 else "",
         f"2025-{n % 12 + 1:02d}-10" if n % 5 == 4 or n == 2 else ""]
        for n in range(12)]
    monkeypatch.setattr(bulk, "BATCH_SIZE", 5)  # three batches
    in_bulk = run(admin, "milestones", rows)
    assert (in_bulk.state, in_bulk.created) == (ImportState.DONE, 12), in_bulk.errors
    written = _written(in_bulk.id)
    assert chain.verify(db.session).intact
    # The same file again, on the row-by-row path, into a project without milestones.
    for milestone in db.session.scalars(select(Milestone)):
        db.session.delete(milestone)
    db.session.flush()
    monkeypatch.setattr(Milestones, "batch", lambda self, actor: None)
    one_by_one = run(admin, "milestones", rows)
    assert (one_by_one.state, one_by_one.created) == (ImportState.DONE, 12)
    assert _written(one_by_one.id) == written
    assert chain.verify(db.session).intact


def test_the_history_of_an_imported_milestone_names_its_import_in_the_readers_language(
        client):
    admin, _pm = _setting()
    project = _project(admin)
    result = run(admin, "milestones", [
        COLUMNS, [project.code, "Prototype", "proposal_review", "2019-04-30", "accepted", "", ""]])
    milestone = db.session.scalar(select(Milestone))
    for locale, said in (("en", f"in import #{result.id}, as it stood before the tracker"),
                         ("zh_CN", f"导入 #{result.id}")):
        admin.locale = locale
        db.session.flush()
        login(client, admin)
        page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
        assert said in page
        if locale == "zh_CN":
            assert "import #" not in page
        post(client, "/logout")
