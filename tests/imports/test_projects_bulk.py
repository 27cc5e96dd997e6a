"""The projects import's bulk path writes what the row-by-row path (the services one call at a
time) writes for the same rows: the same rows in every table and the same audit records, by
the same people; and refuses what it refuses."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.audit import chain
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.gates.models import GateDecision, GateReview, Outcome
from tracker.imports import bulk
from tracker.imports.models import ImportState
from tracker.imports.projects_bulk import BulkProjects, ProjectBatch
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, Project, ProjectCodeCounter

PHASES = ["draft", "proposal_review", "contract_research", "investment_decision", "spin_off"]
# The days of the gates each phase's route passes (a date for another gate is refused).
_PASSED = {"draft": "", "proposal_review": "", "contract_research": "1: 2019-05-20",
           "investment_decision": "1: 2019-05-20; 2: 2021-01-10",
           "spin_off": "1: 2019-05-20; 2: 2021-01-10; 3: 2021-01-10"}


def _rows(year: int, mark: str) -> list[list[str]]:
    rows = [HEADER]
    for n, phase in enumerate(PHASES * 2):
        code = "" if phase == "draft" else f"TEST-{year}-{n + 1:04d}"
        rows.append(_row(code=code, title=f"Project {n}{mark}", phase=phase,
                         members="member@import.cn" if n % 2 else "",
                         lines="" if n % 3 == 0 else "设备费: 1000000; 劳务费: 500000",
                         passed=_PASSED[phase]))
    return rows


def _written(run_id: int, mark: str) -> list:
    """Per project, in title order: what the import wrote, without ids, codes and instants."""
    out = []
    for project in db.session.scalars(select(Project).where(
            Project.title.like(f"%{mark}")).order_by(Project.title)):
        reviews = db.session.scalars(select(GateReview).where(
            GateReview.project_id == project.id).order_by(GateReview.id)).all()
        decisions = db.session.scalars(select(GateDecision).where(
            GateDecision.project_id == project.id).order_by(GateDecision.id)).all()
        changes = db.session.scalars(select(PhaseChange).where(
            PhaseChange.project_id == project.id).order_by(PhaseChange.id)).all()
        ids = {"projects": [project.id], "gate_reviews": [r.id for r in reviews],
               "gate_decisions": [d.id for d in decisions]}
        records = sorted(
            (r.action, r.actor_id, r.object_type,
             str(sorted((k, v) for k, v in r.changes.items()
                        if k not in ("import", "code", "title", "imported_in_id", "project_id"))))
            for kind, object_ids in ids.items()
            for r in db.session.scalars(select(AuditRecord).where(
                AuditRecord.object_type == kind, AuditRecord.object_id.in_(object_ids))))
        out.append((
            project.title.removesuffix(mark), project.phase, project.seq, project.pm_id,
            project.budget_total, [(b.category, b.amount) for b in project.budget_lines],
            sorted(m.user_id for m in project.members),
            [(c.from_phase, c.to_phase, c.actor_id, c.decision_id is not None)
             for c in changes],
            [(r.gate, r.state, r.requested_by_id, r.chair_id, r.name, r.name_en, r.quorum,
              [(c.position, c.kind, c.text, c.text_en) for c in r.criteria]) for r in reviews],
            [(d.outcome, d.target_phase, d.decided_by_id, d.decided_at, d.imported_in_id
              == run_id, d.weighted_score, len(d.snapshot["criteria"]),
              [c["id"] for c in d.snapshot["criteria"]] == [c.id for c in d.review.criteria],
              _kept(d.snapshot, mark))
             for d in decisions],
            sorted((m.user_id, m.role, m.confirmed_by_id, m.confirmed_at is not None)
                   for m in project.members),
            records))
    return out


def _kept(snapshot: dict, mark: str) -> dict:
    """A decision's snapshot but its criteria's ids (compared above), its project's title
    without the file's mark and the project's version (the row path's flushes count)."""
    kept = {k: v for k, v in snapshot.items() if k != "criteria"}
    kept["criteria"] = [{k: v for k, v in c.items() if k != "id"} for c in snapshot["criteria"]]
    project = {k: v for k, v in kept.pop("project").items() if k != "version"}
    kept["project"] = {**project, "title": project["title"].removesuffix(mark),
                       "budget_total": Decimal(project["budget_total"])}
    return kept


def test_the_bulk_path_writes_what_the_services_write(monkeypatch):
    admin, _pm = _setting()
    monkeypatch.setattr(bulk, "BATCH_SIZE", 4)  # three batches
    in_bulk = run(admin, "projects", _rows(2019, ""))
    assert (in_bulk.state, in_bulk.created) == (ImportState.DONE, 10), in_bulk.errors
    monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    one_by_one = run(admin, "projects", _rows(2018, " (b)"))
    assert (one_by_one.state, one_by_one.created) == (ImportState.DONE, 10), one_by_one.errors
    bulk_written = [p for p in _written(in_bulk.id, "") if not p[0].endswith(" (b)")]
    row_written = _written(one_by_one.id, " (b)")
    for a, b in zip(bulk_written, row_written, strict=True):
        for x, y in zip(a, b, strict=True):
            assert x == y, (a[0], x, y)
    assert bulk_written == row_written
    assert chain.verify(db.session).intact
    counters = dict(db.session.execute(select(ProjectCodeCounter.year,
                                              ProjectCodeCounter.last)).tuples().all())
    assert counters == {2018: 10, 2019: 10}
    # Drafts of either path are numbered, each PM's apart (the bulk path's INSERT passes by
    # the session's numbering: tracker.projects.drafts.number_rows).
    numbered = db.session.execute(select(Project.pm_id, Project.draft_number).where(
        Project.code.is_(None))).all()
    assert len(numbered) == 4 and None not in {n for _, n in numbered}
    assert len(set(numbered)) == len(numbered)


def test_the_bulk_path_refuses_a_code_given_twice_and_writes_nothing():
    admin, _pm = _setting()
    rows = [HEADER, _row(), _row(title="Another"), _row(code="TEST-2019-0043", title="Fine")]
    result = run(admin, "projects", rows)
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [(3, "Project code")]
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def _faulty_rows() -> list[list[str]]:
    future = f"1: {today().year + 1}-01-10"
    return [HEADER,
            # Three problems of three kinds in one row: its dates (the proposal's check), a
            # gate passed in the future (the route's) and a code no cell could name again
            # (the code's: a space and a slash separate a cell's entries).
            _row(code="OTHER 2019/0001", start="2020-03-01", end="2019-12-31",
                 passed=future),
            _row(code="TEST-2019-0050", title="Fine"),
            # The number of a project recorded before the import, written without its zeros:
            # that project, which a changed row no longer edits once submitted.
            _row(code="TEST-2019-7", title="Taken", trl_now="8", trl_target="3")]


def test_the_bulk_path_reports_every_problem_of_the_file_in_one_pass(monkeypatch):
    """Every problem of every row, each with its row and column, in one run, and the same as
    the row-by-row path finds (the bulk path used to stop at a row's first problem)."""
    admin, _pm = _setting()
    taken = run(admin, "projects", [HEADER, _row(code="TEST-2019-0007", title="Before")])
    assert taken.state is ImportState.DONE, taken.errors
    in_bulk = run(admin, "projects", _faulty_rows())
    assert in_bulk.state is ImportState.FAILED
    found = [(row, column, message) for row, column, message in in_bulk.errors]
    columns_of = {}
    for row, column, _message in found:
        columns_of.setdefault(row, set()).add(column)
    assert columns_of[2] >= {"Project code", "End date", "Gates passed on"}, found
    assert ("The proposal was submitted: changes to the project now go through a change "
            "request.") in [m for r, _c, m in found if r == 4]
    assert any(r == 4 and "TRL" in c for r, c, _m in found), found
    assert 3 not in columns_of
    monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    one_by_one = run(admin, "projects", _faulty_rows())
    assert sorted(map(tuple, one_by_one.errors)) == sorted(found)
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1


def test_a_cell_naming_nothing_does_not_hide_the_forms_problems_with_the_others():
    """A type that is no type and an empty title in one row: both, in one run, and what the
    service then finds wrong with the cells the form let pass (the targeted TRL below the
    current one as given), as the page's form answers."""
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(type="nonsense", title="", trl_now="12")])
    assert result.state is ImportState.FAILED
    assert sorted(c for r, c, _m in result.errors if r == 2) == [
        "TRL now", "TRL targeted", "Title", "Type"], result.errors


KILLED = [*HEADER, "Ended or held in", "Rationale of the KILL"]


def _killed(year: int, mark: str) -> list[list[str]]:
    """Projects a KILL ended, among others: terminated in contract research (gate 2) or in
    the investment decision (gate 3), rejected at gate 1; one KILL without its rationale."""
    rows = [KILLED]
    cases = [("terminated", "", "1: 2019-05-20; 2: 2021-01-10", "Route failed"),
             ("terminated", "investment_decision", "1: 2019-05-20; 2: 2020-02-01; "
                                                   "3: 2021-01-10", " Market gone "),
             ("rejected", "", "1: 2019-05-20", "Not novel"),
             ("contract_research", "", "1: 2019-05-20", ""),
             ("completed", "", "1: 2019-05-20; 2: 2020-02-01", "")]
    for n, (phase, ended_in, passed, rationale) in enumerate(cases * 2):
        rows.append([*_row(code=f"TEST-{year}-{n + 1:04d}", title=f"Killed {n}{mark}",
                           phase=phase, passed=passed, members=""), ended_in, rationale])
    return rows


def test_a_kill_takes_the_bulk_path_and_writes_what_the_services_write(monkeypatch):
    """A project a KILL ended (terminated, rejected) is written by the bulk path too, its
    last decision a KILL with its rationale, which its phase change gives as its reason."""
    admin, _pm = _setting()
    monkeypatch.setattr(bulk, "BATCH_SIZE", 3)
    checked, check = [], ProjectBatch.check
    monkeypatch.setattr(ProjectBatch, "check", lambda self, values: checked.append(
        check(self, values)) or checked[-1])
    in_bulk = run(admin, "projects", _killed(2019, ""))
    assert (in_bulk.state, in_bulk.created) == (ImportState.DONE, 10), in_bulk.errors
    assert checked == [True] * 10  # every row held by the batch, none saved alone
    monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    one_by_one = run(admin, "projects", _killed(2018, " (b)"))
    assert (one_by_one.state, one_by_one.created) == (ImportState.DONE, 10), one_by_one.errors
    bulk_written = [p for p in _written(in_bulk.id, "") if not p[0].endswith(" (b)")]
    row_written = _written(one_by_one.id, " (b)")
    for a, b in zip(bulk_written, row_written, strict=True):
        for x, y in zip(a, b, strict=True):
            assert x == y, (a[0], x, y)
    reasons = sorted((c.project.title.removesuffix(" (b)"), c.to_phase, c.reason)
                     for c in db.session.scalars(select(PhaseChange).where(
                         PhaseChange.decision_id.is_not(None), PhaseChange.reason != "")))
    assert reasons[::2] == reasons[1::2]  # each the same by both paths
    assert ("Killed 2", Phase.REJECTED, "Not novel") in reasons
    kills = db.session.scalars(select(GateDecision).where(GateDecision.outcome == Outcome.KILL))
    assert sorted(d.rationale for d in kills) == sorted(
        ["Route failed", "Market gone", "Not novel"] * 4)
    assert chain.verify(db.session).intact
    monkeypatch.undo()
    again = run(admin, "projects", _killed(2019, ""))
    assert (again.state, again.unchanged) == (ImportState.DONE, 10), again.errors


def test_a_kill_without_its_rationale_is_refused_as_the_services_refuse_it(monkeypatch):
    admin, _pm = _setting()
    rows = _killed(2019, "")
    rows[1][-1] = ""
    in_bulk = run(admin, "projects", rows)
    assert in_bulk.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in in_bulk.errors] == [(2, "Rationale of the KILL")]
    monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    assert run(admin, "projects", rows).errors == in_bulk.errors
