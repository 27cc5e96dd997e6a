"""Importing projects in any phase: the proposal through its form and service, the code it had,
and a GO recorded as imported for each gate passed; such a project then goes on in the tracker
like one decided there."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.factories import (
    install_gates,
    make_enterprise,
    make_hq,
    make_institute,
    make_need,
    make_user,
)
from tests.gates import helpers as gate_steps
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.gates.models import GateDecision, GateReview, ReviewState
from tracker.imports.models import ImportState
from tracker.imports.projects_bulk import BulkProjects
from tracker.organisations.models import Institute
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, Project, ProjectCodeCounter

HEADER = ["Project code", "Title", "Field", "Type", "Institute code",
          "Project manager's e-mail", "Team members' e-mails", "TRL now", "TRL targeted",
          "Budget total (CNY)", "Budget lines", "Start date", "End date", "Phase",
          "Gates passed on"]


def _setting():
    make_hq()  # code TEST
    install_gates()
    institute = make_institute(code="IMP-RB")
    pm = make_user(Role.PROJECT_MANAGER, email="pm@import.cn", institute_id=institute.id)
    make_user(email="member@import.cn", institute_id=institute.id)  # a colleague of the PM
    return make_user(Role.HQ_ADMIN), pm


def _row(**changes) -> list[str]:
    row = {"code": "TEST-2019-0042", "title": "Hydraulics", "field": "Machinery",
           "type": "contract_research", "institute": "IMP-RB", "pm": "pm@import.cn",
           "members": "member@import.cn", "trl_now": "4", "trl_target": "7",
           "budget": "3,000,000", "lines": "设备费: 1000000; 劳务费: 500000",
           "start": "2019-03-01", "end": "2027-12-31", "phase": "contract_research",
           "passed": "1: 2019-05-20"}
    row.update(changes)
    return list(row.values())


def test_a_project_imported_in_contract_research_goes_on_to_request_gate_2():
    admin, pm = _setting()
    result = run(admin, "projects", [HEADER, _row()])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    project = db.session.scalar(select(Project))
    assert (project.code, project.phase, project.year, project.seq) == (
        "TEST-2019-0042", Phase.CONTRACT_RESEARCH, 2019, 42)
    # By the default template (none named): a line per category.
    assert [(b.category, b.amount) for b in project.budget_lines] == [
        ("设备费", Decimal("1000000.00")), ("业务费", Decimal("0.00")),
        ("劳务费", Decimal("500000.00")), ("间接费用", Decimal("0.00"))]
    assert [m.user.email for m in project.members] == ["member@import.cn"]
    # The team it had, confirmed by the importing admin: it counts as the team at once.
    member = project.members[0]
    assert project.member_ids == {member.user_id}
    assert (member.confirmed_by_id, member.confirmed_at is not None) == (admin.id, True)
    confirm = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "project.member_confirm"))
    assert (confirm.actor_id, confirm.object_id, confirm.changes["members"],
            confirm.changes["import"]) == (admin.id, project.id, [None, [member.user_id]],
                                           [None, result.id])
    decision = db.session.scalar(select(GateDecision))
    # The decision says it was imported, in which import and by whom, on the day it was taken.
    assert (decision.imported_in_id, decision.decided_by_id) == (result.id, admin.id)
    assert decision.decided_at.date() == date(2019, 5, 20)
    assert decision.review.state is ReviewState.DECIDED and decision.review.gate == 1
    assert [(c.from_phase, c.to_phase) for c in db.session.scalars(select(PhaseChange))] == [
        (Phase.DRAFT, Phase.PROPOSAL_REVIEW), (Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH)]
    # As for a project decided in the tracker: gate 2 opens once the contract is signed.
    review = gate_steps.request(project)
    assert (review.gate, review.state) == (2, ReviewState.REQUESTED)
    # The year's counter moved past the imported code: the next submission of 2019 is 43.
    counter = db.session.scalar(select(ProjectCodeCounter.last).where(
        ProjectCodeCounter.year == 2019))
    assert counter == 42


def test_reimporting_changes_nothing_and_a_drafts_change_updates_it():
    admin, pm = _setting()
    rows = [HEADER, _row(), _row(code="", title="A draft", phase="draft", passed="")]
    first = run(admin, "projects", rows)
    assert (first.state, first.created) == (ImportState.DONE, 2), first.errors
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    again = run(admin, "projects", rows)
    assert (again.state, again.created, again.updated, again.unchanged) == (
        ImportState.DONE, 0, 0, 2), again.errors
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 1
    changed = [HEADER, _row(), _row(code="", title="A draft", phase="draft", passed="",
                                    trl_target="8")]
    third = run(admin, "projects", changed)
    assert (third.updated, third.unchanged) == (1, 1), third.errors
    draft = db.session.scalar(select(Project).where(Project.title == "A draft"))
    assert draft.trl_target == 8
    assert db.session.scalar(select(func.count()).select_from(Project)) == 2


def test_a_project_naming_a_need_is_found_again_and_its_draft_updated():
    """A row naming a technology need, read again (its form offers the need by id and
    title, as the page does): the project under way unchanged, the draft updated."""
    admin, _pm = _setting()
    make_need(institute=db.session.scalar(select(Institute)), title="Pump noise")
    need = ["Technology need (title)"]
    rows = [[*HEADER, *need], [*_row(), "Pump noise"],
            [*_row(code="", title="A draft", phase="draft", passed=""), "Pump noise"]]
    first = run(admin, "projects", rows)
    assert (first.state, first.created) == (ImportState.DONE, 2), first.errors
    rows[2][HEADER.index("TRL targeted")] = "8"
    again = run(admin, "projects", rows)
    assert (again.state, again.updated, again.unchanged) == (ImportState.DONE, 1, 1), again.errors
    assert {p.need.title for p in db.session.scalars(select(Project))} == {"Pump noise"}


def test_a_submitted_project_is_not_edited_by_a_changed_row():
    admin, pm = _setting()
    run(admin, "projects", [HEADER, _row()])
    result = run(admin, "projects", [HEADER, _row(trl_target="9")])
    assert result.state is ImportState.FAILED
    assert result.errors[0][:2] == [2, "TRL targeted"]
    assert "changes to the project now go through a change request" in result.errors[0][2]


def test_the_proposal_forms_and_services_rules_name_row_and_column():
    admin, pm = _setting()
    other = make_institute(code="IMP-XX")
    rows = [HEADER,
            _row(code="TEST-2019-0001", trl_now="8", trl_target="5"),     # the service
            _row(code="TEST-2019-0002", institute=other.code,            # the service (a
                 phase="proposal_review", passed=""),                    # proposal of today)
            _row(code="TEST-2019-0003", lines="设备费: lots"),            # the money field
            _row(code="TEST-2019-0004", passed="first: yesterday"),      # the gate dates
            _row(code="WRONG/1", title="Bad code"),                      # the code's shape
            _row(code="TEST-2019-0006", phase="terminated",              # a KILL needs why
                 passed="1: 2019-05-20; 2: 2020-01-10")]
    result = run(admin, "projects", rows)
    columns = [(row, column) for row, column, _m in result.errors]
    assert columns == [(2, "TRL targeted"), (3, "Institute code"), (4, "Budget lines"),
                       (5, "Gates passed on"), (6, "Project code"),
                       (7, "Rationale of the KILL")]
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
    assert db.session.scalar(select(func.count()).select_from(GateReview)) == 0


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_a_project_in_proposal_review_waits_for_its_gate_1_panel(monkeypatch, path):
    """Its gate-1 request is the importing admin's, as its submission is: its PM requested
    nothing in the tracker (issue 13: /reviews/N said "requested by" the PM)."""
    admin, pm = _setting()
    make_enterprise()
    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    result = run(admin, "projects", [HEADER, _row(phase="proposal_review", passed="")])
    assert result.state is ImportState.DONE, result.errors
    project = db.session.scalar(select(Project))
    review = project.gate_reviews[-1]
    assert (project.phase, review.gate, review.state, review.requested_by_id) == (
        Phase.PROPOSAL_REVIEW, 1, ReviewState.REQUESTED, admin.id)
    request = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "gate.request", AuditRecord.object_id == review.id))
    assert request.actor_id == admin.id


def test_an_imported_project_page_dates_its_decision_by_day_and_flags_its_budget(client):
    """An import knows the day of a decision, not its hour: the stepper and the review say
    the day (not 12:00 PM); a budget total not broken down into lines is flagged, since
    spending is recorded against lines."""
    admin, pm = _setting()
    result = run(admin, "projects", [HEADER, _row(lines="")])
    assert result.state is ImportState.DONE, result.errors
    project = db.session.scalar(select(Project))
    login(client, pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    # the printed-at line (the clock's time, which may be 5:12:00 PM) is not the decision's
    page = re.sub(r'<p class="print-only printed">.*?</p>', "", page)
    assert "May 20, 2019" in page and "12:00" not in page
    assert "CN¥3,000,000.00 of the total is in no budget line" in page
    review = client.get(f"/reviews/{project.gate_reviews[0].id}").get_data(as_text=True)
    assert "taken on May 20, 2019 before the tracker" in review


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_no_imported_decision_is_dated_in_the_future(monkeypatch, path):
    """As in the tracker, a decision is dated the day it was taken: a gate passed on a day
    to come is refused beside its column, and so is a gate given no day (it was taken as
    passed on the start date, here a day to come)."""
    from tracker.imports.projects_bulk import BulkProjects

    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    admin, _pm = _setting()
    rows = [HEADER,
            _row(code="TEST-2019-0001", passed="1: 2099-05-20"),
            _row(code="TEST-2019-0002", start="2099-03-01", end="2100-12-31", passed=""),
            _row(code="TEST-2019-0003", phase="investment_decision",
                 passed="1: 2019-05-20; 2: 2099-01-01")]
    result = run(admin, "projects", rows)
    assert [(row, column) for row, column, _m in result.errors] == [
        (2, "Gates passed on"), (3, "Gates passed on"), (4, "Gates passed on")]
    assert "in the future" in result.errors[0][2] and "Gate 2" in result.errors[2][2]
    assert result.errors[1][2].startswith("Gate 1 has no date under Gates passed on")
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
