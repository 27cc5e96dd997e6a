"""The bulk path and the row-by-row path of an import write the same, every column of every
table, the audit records and the import they name included (`tests.imports.paths`)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import make_enterprise, make_need, make_user
from tests.imports.helpers import run
from tests.imports.paths import both_paths
from tests.imports.test_closed_projects import AHEAD
from tests.imports.test_contracts_bulk import _projects as contract_projects
from tests.imports.test_contracts_bulk import _rows as contract_rows
from tests.imports.test_contracts_bulk import _with_needs as with_needs
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.budgets.defaults import NINE_CATEGORY_CODE, nine_category
from tracker.imports import bulk
from tracker.imports.contracts_bulk import BulkContracts
from tracker.imports.milestones import Milestones
from tracker.imports.models import ImportState
from tracker.imports.projects_bulk import BulkProjects
from tracker.milestones.models import Milestone
from tracker.organisations.models import Institute
from tracker.projects.models import Project
from tracker.techfields.models import TechnicalField


def same(by_batch, one_by_one, tables: set[str]) -> None:
    """The two wrote the same, `tables` among what they wrote."""
    assert tables <= set(by_batch.tables), sorted(by_batch.tables)
    differences = by_batch.differences(one_by_one)
    assert not differences, "\n".join(
        f"{table}:\n  bulk only: {mine}\n  row only:  {theirs}"
        for table, (mine, theirs) in differences.items())


MILESTONES = ["Project code", "Title", "Phase", "Deliverable", "Due date", "Weight", "State",
              "Percent complete", "Reviewer's e-mail", "Waiver reason", "Submitted on"]
STATES = ["", "planned", "in_progress", "submitted", "accepted", "waived"]


def test_milestones_in_every_state(monkeypatch):
    """Each state, with its progress, waiver reason, deliverable and weight, of a project under
    way and (its history: accepted, waived) of a completed one; a submitted one with its
    reviewer (a row the row-by-row path saves, between the batch's)."""
    admin, _pm = _setting()
    make_user(Role.EVALUATOR, email="reviewer@import.cn")
    result = run(admin, "projects", [HEADER, _row(), _row(
        code="TEST-2019-0050", title="Closed", phase="completed", members="",
        passed="1: 2019-05-20; 2: 2020-05-20")])
    assert result.state is ImportState.DONE, result.errors
    rows = [MILESTONES]
    for n in range(16):
        state = STATES[n % len(STATES)]
        rows.append(["TEST-2019-0042", f"Step {n:02d}", "contract_research",
                     f"Deliverable {n}" if n % 2 else "", f"2026-{n % 12 + 1:02d}-15",
                     "" if n % 3 else "2.5", state, "30" if n % 3 == 1 else "",
                     "reviewer@import.cn" if n == 9 else "",
                     "Not needed" if state == "waived" else "",
                     # the day of submission: a submitted one's, and an accepted one's or not
                     f"2025-{n % 12 + 1:02d}-10" if state == "submitted" or n == 4 else ""])
    for n, state in enumerate(["accepted", "waived", "accepted"]):
        rows.append(["TEST-2019-0050", f"Done {n}", ["proposal_review", "contract_research",
                                                     "investment_decision"][n], "",
                     f"202{n}-04-30", "", state, "", "", "Dropped" if state == "waived" else "",
                     "2020-04-20" if n == 2 else ""])
    monkeypatch.setattr(bulk, "BATCH_SIZE", 5)
    same(*both_paths(admin, "milestones", rows, Milestones, monkeypatch),
          {"milestones", "milestone_events", "audit_records", "import_runs"})
    assert db.session.scalar(select(Milestone.reviewer_id).where(Milestone.title == "Step 09"))


PROJECT_COLUMNS = [*HEADER, "Summary", "Partner enterprise credit code or name",
                   "Technology need (title)", "Ended or held in", "Rationale of the KILL",
                   "Revisit date", "Conditions of a CONDITIONAL GO"]
G1, G2, G3 = "1: 2019-05-20", "2: 2020-02-01", "3: 2021-01-10"
PASSED = {"contract_research": G1, "investment_decision": f"{G1}; {G2}",
          "completed": f"{G1}; {G2}"}  # completed by default at gate 2


def _project(n, phase, passed="", ended_in="", rationale="", revisit="", conditions="",
             **kw) -> list[str]:
    code = "" if phase == "draft" else f"TEST-2019-{n + 1:04d}"
    return [*_row(code=code, title=f"Project {n}", phase=phase, passed=passed,
                  members="member@import.cn" if n % 2 else "",
                  lines="" if n % 3 == 0 else "设备费: 1000000; 劳务费: 500000",
                  start=f"2019-0{n % 3 + 1}-01", end=f"202{7 + n % 2}-12-31", **kw),
            f"Summary {n}" if n % 2 else "", "Pump Works" if n % 4 == 1 else "",
            "Pump noise" if n == 3 else "", ended_in, rationale, revisit, conditions]


def test_projects_in_every_phase_killed_and_closed(monkeypatch):
    """Each phase under way; ended by a KILL at each gate (terminated, rejected), completed,
    spun off; held and passed with conditions (rows the row-by-row path saves, between the
    batch's)."""
    admin, _pm = _setting()
    make_need(institute=db.session.scalar(select(Institute).where(Institute.code == "IMP-RB")),
              enterprise=make_enterprise(name="Pump Works"), title="Pump noise")
    rows = [PROJECT_COLUMNS,
            _project(0, "draft"), _project(1, "draft"),
            _project(2, "proposal_review"), _project(3, "contract_research", G1),
            _project(4, "investment_decision", f"{G1}; {G2}"),
            _project(5, "spin_off", f"{G1}; {G2}; {G3}"),
            _project(6, "completed", f"{G1}; {G2}"),
            _project(7, "terminated", f"{G1}; 2: 2021-01-10", rationale="Route failed"),
            _project(8, "terminated", f"{G1}; {G2}; 3: 2021-01-10", "investment_decision",
                     " Market gone "),
            _project(9, "rejected", "1: 2019-05-20", rationale="Not novel"),
            _project(10, "on_hold", f"{G1}; 2: 2021-01-10", "contract_research",
                     revisit=AHEAD),
            _project(11, "investment_decision", f"{G1}; {G2}",
                     conditions="2: Second customer | pm@import.cn | 2021-12-31"),
            _project(12, "contract_research", G1), _project(13, "draft"),
            _project(14, "spun_off", f"{G1}; {G2}; {G3}; 4: 2022-03-01")]
    monkeypatch.setattr(bulk, "BATCH_SIZE", 3)
    same(*both_paths(admin, "projects", rows, BulkProjects, monkeypatch),
          {"projects", "project_members", "budget_lines", "gate_reviews", "review_criteria",
           "gate_decisions", "phase_changes", "conditions", "project_code_counters",
           "audit_records"})


def test_contracts_with_instalments_payments_and_a_reversal(monkeypatch):
    """Paid in full, in parts, not at all; one with a payment reversed (the row-by-row path's
    between the batch's rows); each project's need made contracted."""
    admin, _pm = _setting()
    make_enterprise(name="Pump Works")
    codes = ["TEST-2019-0042", "TEST-2019-0043", "TEST-2019-0044"]
    projects = contract_projects(admin, codes)
    with_needs(projects, codes)
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    same(*both_paths(admin, "contracts", contract_rows(codes, "B"), BulkContracts,
                      monkeypatch),
          {"research_contracts", "instalments", "payments", "technology_needs",
           "audit_records"})


def test_projects_with_a_programme_a_classified_field_and_another_budget_template(monkeypatch):
    """The columns the first test leaves empty: a government programme (level, name, the
    funder's number, its managing body), a field the list of fields classifies, a budget
    template named by its code, a partner named by its credit code."""
    admin, _pm = _setting()
    db.session.add(nine_category())
    db.session.add(TechnicalField(code="AM", name="先进制造", name_en="Advanced manufacturing"))
    partner = make_enterprise(name="Pump Works")
    db.session.flush()
    header = [*HEADER, "Funding source", "Programme level", "Programme",
              "The funder's project number", "Managing body", "Budget template (code)",
              "Partner enterprise credit code or name"]
    rows = [header]
    for n, phase in enumerate(["draft", "contract_research", "investment_decision",
                               "completed", "draft", "proposal_review"]):
        government = n % 2 == 1
        rows.append([*_row(code="" if phase == "draft" else f"TEST-2019-{n + 1:04d}",
                           title=f"Programme {n}", phase=phase,
                           field="先进制造" if n % 3 else "Advanced manufacturing",
                           passed=PASSED.get(phase, ""),
                           lines="设备费: 1000000; 材料费: 500000" if n % 2 else ""),
                     "government" if government else "enterprise",
                     "provincial" if government else "", "省重点研发计划" if government else "",
                     f"BE20190{n}" if government else "", "省科技厅" if government else "",
                     NINE_CATEGORY_CODE if n % 2 else "",
                     "" if government else partner.uscc if n % 4 else "Pump Works"])
    monkeypatch.setattr(bulk, "BATCH_SIZE", 4)
    same(*both_paths(admin, "projects", rows, BulkProjects, monkeypatch),
          {"projects", "budget_lines", "gate_decisions", "audit_records"})
    projects = db.session.scalars(select(Project)).all()
    assert {p.field_id for p in projects} != {None}
    assert {p.budget_template.code for p in projects} == {NINE_CATEGORY_CODE, "CN-2021"}


def test_milestone_rows_are_refused_alike_by_either_path(monkeypatch):
    """Each row's problems, with row, column and message, the same by both paths: a date out
    of the project's, a waiver without its reason, a percentage out of range, progress on a
    closed project's milestone, a phase no gate closes, a title given twice (once by a row
    the row-by-row path saves), no project."""
    admin, _pm = _setting()
    make_user(Role.EVALUATOR, email="reviewer@import.cn")
    run(admin, "projects", [HEADER, _row(), _row(
        code="TEST-2019-0050", title="Closed", phase="completed", members="",
        passed="1: 2019-05-20; 2: 2020-05-20")])
    rows = [MILESTONES] + [
        [code, title, phase, "", due, "", state, percent, reviewer, "",
         "2026-01-05" if state == "submitted" else ""]
        for code, title, phase, due, state, percent, reviewer in (
            ("TEST-2019-0042", "Fine", "contract_research", "2026-09-30", "", "", ""),
            ("TEST-2019-0042", "Too late", "contract_research", "2031-01-01", "", "", ""),
            ("TEST-2019-0042", "No reason", "contract_research", "2026-09-30", "waived", "",
             ""),
            ("TEST-2019-0042", "Too far", "contract_research", "2026-09-30", "in_progress",
             "130", ""),
            ("TEST-2019-0050", "Still going", "contract_research", "2021-01-30",
             "in_progress", "40", ""),
            ("TEST-2019-0042", "Nowhere", "spun_off", "2026-09-30", "", "", ""),
            ("TEST-2019-0042", "Fine", "contract_research", "2026-10-30", "", "", ""),
            ("TEST-1999-0001", "No project", "contract_research", "2026-09-30", "", "", ""),
            ("TEST-2019-0042", "Reviewed", "contract_research", "2026-09-30", "submitted", "",
             "nobody@import.cn"),
            # Saved row by row (a reviewer), then given again: refused as given twice.
            ("TEST-2019-0042", "Checked", "contract_research", "2026-09-30", "submitted", "",
             "reviewer@import.cn"),
            ("TEST-2019-0042", "Checked", "contract_research", "2026-10-30", "", "", ""))]
    in_bulk = run(admin, "milestones", rows)
    assert in_bulk.state is ImportState.FAILED
    assert sorted({r for r, _c, _m in in_bulk.errors}) == [*range(3, 11), 12], in_bulk.errors
    monkeypatch.setattr(Milestones, "batch", lambda self, actor: None)
    assert run(admin, "milestones", rows).errors == in_bulk.errors
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0
