"""Least privilege in the domain: who may change a submitted milestone and its reviewer, and
how long an evaluator sees a project's material."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import (
    _commit,
    install_gates,
    make_enterprise,
    make_institute,
    make_project,
    make_user,
)
from tests.gates import helpers as gate_helpers
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.changes import services as changes
from tracker.dates import today
from tracker.errors import Invalid, Refused
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import Outcome
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone
from tracker.projects import services as projects
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectType

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _submitted_milestone(reviewer):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    milestone = milestones.plan_milestone(
        project.pm, project, phase=Phase.CONTRACT_RESEARCH, title="Prototype", deliverable="",
        due_date=date(2026, 9, 30), weight=1)
    milestones.assign_reviewer(make_user(Role.HQ_ADMIN), milestone, reviewer.id)
    milestones.post_update(project.pm, milestone, 100, "", [(io.BytesIO(PNG), "photo.png")])
    milestones.submit_milestone(project.pm, milestone)
    _commit()
    return milestone


def _reviewer_of(milestone_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Milestone, milestone_id).reviewer_id


def test_the_pm_can_not_swap_the_reviewer_of_a_submitted_milestone(client):
    assigned, chosen = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    milestone = _submitted_milestone(assigned)
    login(client, milestone.project.pm)
    edited = post(client, f"/milestones/{milestone.id}/edit", {
        "phase": "contract_research", "title": "Prototype", "due_date": "2026-09-30",
        "weight": "1", "reviewer_id": str(chosen.id)})
    assert edited.status_code == 409
    assert "under review" in edited.get_data(as_text=True)
    assert post(client, f"/milestones/{milestone.id}/reviewer",
                {"reviewer_id": str(chosen.id)}).status_code == 403
    assert _reviewer_of(milestone.id) == assigned.id
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert "Edit milestone" not in page and "Assign a reviewer" not in page


@pytest.mark.parametrize("new_date", ["2026-10-07", "2026-12-20"])  # within the limit, beyond
def test_the_pm_can_not_move_the_due_date_of_a_submitted_milestone(client, new_date):
    """Every route that edits a milestone: the form, and the re-baseline (short moves need no
    HQ approval, so the PM alone would move it)."""
    milestone = _submitted_milestone(make_user(Role.EVALUATOR))
    login(client, milestone.project.pm)
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert "Move the due date" not in page
    moved = post(client, f"/milestones/{milestone.id}/rebaseline",
                 {"new_date": new_date, "reason": "The supplier is late."})
    assert moved.status_code == 409
    assert "under review" in moved.get_data(as_text=True)
    edited = post(client, f"/milestones/{milestone.id}/edit", {
        "phase": "contract_research", "title": "Prototype v2", "due_date": new_date,
        "weight": "3"})
    assert edited.status_code == 409
    db.session.expire_all()
    kept = db.session.get(Milestone, milestone.id)
    assert (kept.due_date, kept.title, kept.weight, kept.rebaselines) == (
        date(2026, 9, 30), "Prototype", 1, [])


def test_only_hq_changes_a_reviewer_and_never_to_someone_with_a_stake(client):
    assigned, other = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    milestone = _submitted_milestone(assigned)
    partner = make_enterprise()
    milestone.project.partner_enterprise_id = partner.id
    insider = make_user(Role.EVALUATOR, enterprise_id=partner.id)
    login(client, make_user(Role.HQ_ADMIN))
    assert "Change the reviewer" in client.get(f"/milestones/{milestone.id}").get_data(
        as_text=True)
    post(client, f"/milestones/{milestone.id}/reviewer", {"reviewer_id": str(insider.id)})
    assert _reviewer_of(milestone.id) == assigned.id
    assert post(client, f"/milestones/{milestone.id}/reviewer",
                {"reviewer_id": str(other.id)}).status_code == 302
    assert _reviewer_of(milestone.id) == other.id


def test_the_reviewer_sees_the_evidence_only_while_the_milestone_waits_for_them(client):
    reviewer = make_user(Role.EVALUATOR)
    milestone = _submitted_milestone(reviewer)
    evidence = milestone.updates[0].evidence[0].file_id
    login(client, reviewer)
    assert client.get(f"/files/{evidence}").status_code == 200
    milestones.review_milestone(reviewer, milestone, True, "")
    _commit()
    assert client.get(f"/files/{evidence}").status_code == 404
    # The milestone they reviewed stays theirs to read (what they decided), its evidence
    # named but no longer opened from it; the project is not theirs to see.
    page = client.get(f"/milestones/{milestone.id}")
    assert page.status_code == 200 and f"/files/{evidence}" not in page.get_data(as_text=True)
    assert client.get(f"/projects/{milestone.project_id}").status_code == 404


def test_a_stake_gained_later_ends_the_reviewers_access_at_once(client):
    reviewer = make_user(Role.EVALUATOR)
    milestone = _submitted_milestone(reviewer)
    evidence = milestone.updates[0].evidence[0].file_id
    login(client, reviewer)
    assert client.get(f"/milestones/{milestone.id}").status_code == 200
    partner = make_enterprise()
    milestone.project.partner_enterprise_id = partner.id
    reviewer.enterprise_id = partner.id  # joins the partner enterprise
    _commit()
    assert client.get(f"/milestones/{milestone.id}").status_code == 404
    assert client.get(f"/files/{evidence}").status_code == 404


def _open_review_seen_by_an_evaluator(client):
    project = make_project()
    review = gate_helpers.submit(project)
    evaluators = gate_helpers.name_panel(review)
    for evaluator in evaluators:
        gate_helpers.score(review, evaluator)
    material = review.deliverables[0].file_id
    evaluator = evaluators[1]
    login(client, evaluator)
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert client.get(f"/files/{material}").status_code == 200
    return project, review, evaluator, material


def test_after_the_decision_an_evaluator_keeps_only_the_decisions_record(client):
    project, review, evaluator, material = _open_review_seen_by_an_evaluator(client)
    decisions.decide(review.chair, review, review.version, Outcome.GO)
    _commit()
    assert client.get(f"/projects/{project.id}").status_code == 404
    assert client.get(f"/files/{material}").status_code == 404
    record = client.get(f"/reviews/{review.id}")
    assert record.status_code == 200 and "GO" in record.get_data(as_text=True)
    listed = client.get("/projects/").get_data(as_text=True)
    assert project.code not in listed


def test_a_stake_gained_during_the_review_ends_the_evaluators_access_at_once(client):
    project, review, evaluator, material = _open_review_seen_by_an_evaluator(client)
    partner = make_enterprise()
    project.partner_enterprise_id = partner.id
    evaluator.enterprise_id = partner.id
    _commit()
    assert client.get(f"/projects/{project.id}").status_code == 404
    assert client.get(f"/files/{material}").status_code == 404
    assert client.get(f"/reviews/{review.id}").status_code == 404
    assert project.code not in client.get("/projects/").get_data(as_text=True)


def test_the_history_of_reference_data_is_for_hq_wide_roles_only(client):
    from tracker.organisations import services as organisations

    admin = make_user(Role.HQ_ADMIN)
    enterprise = organisations.save_enterprise(admin, None, name="Acme", uscc=None, city="",
                                               industry="")
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm)
    _commit()
    login(client, pm)
    assert client.get(f"/enterprises/{enterprise.id}").status_code == 200
    assert client.get(f"/history/enterprises/{enterprise.id}").status_code == 404
    own = client.get(f"/history/projects/{project.id}", environ_base={"REMOTE_ADDR": "1.2.3.4"})
    assert own.status_code == 200 and "Address" not in own.get_data(as_text=True)
    observer = client.application.test_client()
    login(observer, make_user(Role.OBSERVER))
    page = observer.get(f"/history/enterprises/{enterprise.id}")
    assert page.status_code == 200 and "Address" in page.get_data(as_text=True)


def test_the_project_managers_filter_names_only_managers_of_visible_projects(client):
    mine, theirs = make_project(), make_project()
    login(client, mine.pm)
    page = client.get("/projects/").get_data(as_text=True)
    assert mine.pm.name in page and theirs.pm.name not in page


# --- a place on a team counts once its holder or the director confirms -----------------------


def _proposal_naming(client, pm, institute, *people):
    """The PM writes a proposal naming `people` to the team, through the form."""
    login(client, pm)
    response = post(client, "/projects/new", {
        "title": "Solid-state battery cell", "summary": "", "field": "Energy",
        "type": "pm_major", "institute_id": str(institute.id), "partner_enterprise_id": "0",
        "need_id": "0", "trl_now": "3", "trl_target": "5", "budget_total": "900000",
        "start_date": "2026-02-01", "end_date": "2027-07-31",
        "budget_lines-0-category": "Equipment", "budget_lines-0-amount": "500000",
        "member_ids": [str(p.id) for p in people]})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    return db.session.scalar(select(Project).where(Project.pm_id == pm.id))


def test_a_pm_can_not_bar_an_evaluator_from_a_panel_by_naming_them_to_the_team(client):
    director = make_user()
    institute = make_institute(director=director)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    evaluator = make_user(Role.EVALUATOR, institute_id=institute.id)
    project = _proposal_naming(client, pm, institute, evaluator)
    assert project.team_ids == {evaluator.id}
    assert project.stake_of(evaluator) is None  # named, not confirmed: no stake
    assert evaluator.id not in set(db.session.scalars(select(User.id).where(
        project.has_stake(User))))
    assert "Awaiting confirmation" in client.get(f"/projects/{project.id}").get_data(
        as_text=True)
    # Still free to sit on the project's panel, and still without access to it.
    review = gate_helpers.submit(project)
    admin = make_user(Role.HQ_ADMIN)
    others = [make_user(Role.EVALUATOR) for _ in range(2)]
    gates.name_panel(admin, review, others[0], [*others, evaluator], today() + timedelta(days=9))
    _commit()
    post(client, "/logout")
    login(client, evaluator)
    assert client.get(f"/projects/{project.id}").status_code == 404  # not declared yet
    place = project.members[0]
    home = client.get("/").get_data(as_text=True)
    assert "Places on a team to confirm" in home and project.title in home
    assert f"/team/{place.id}/confirm" in home
    # A stake gained on an open panel is HQ's to see first (issue 14): the place waits.
    refused = post(client, f"/team/{place.id}/confirm")
    assert refused.status_code == 409
    assert "sits on the open panel" in refused.get_data(as_text=True)
    # The proposal under review is what the panel judges: its PM asks no change to it before
    # the gate is passed (refused by its stage), so the place waits for the review to close.
    with pytest.raises(Refused, match="once it has passed gate 1"):
        changes.add_member(pm, project, user_id=evaluator.id, reason="Knows the furnace")
    db.session.rollback()
    gate_helpers.go(review)
    # Confirming makes the stake, and it is audited.
    assert post(client, f"/team/{place.id}/confirm").status_code == 302
    db.session.expire_all()
    assert project.stake_of(evaluator) == "team"
    assert client.get(f"/projects/{project.id}").status_code == 200  # as a team member now
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "project.member_confirm"))
    assert (record.actor_id, record.object_id, record.changes) == (
        evaluator.id, project.id, {"members": [None, [evaluator.id]]})


def test_the_director_confirms_or_declines_a_place_and_no_one_else_answers(client):
    director = make_user(locale="zh_CN")
    institute = make_institute(director=director)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    kept, refused = (make_user(institute_id=institute.id) for _ in range(2))
    project = _proposal_naming(client, pm, institute, kept, refused)
    places = {m.user_id: m.id for m in project.members}
    # The PM who named them, another PM, an HQ admin: none of them answers for the person.
    assert post(client, f"/team/{places[kept.id]}/confirm").status_code == 403
    for someone in (make_user(Role.PROJECT_MANAGER), make_user(Role.HQ_ADMIN)):
        post(client, "/logout")
        login(client, someone)
        assert post(client, f"/team/{places[kept.id]}/confirm").status_code in (403, 404)
    db.session.expire_all()
    assert project.member_ids == set()
    post(client, "/logout")
    login(client, director)
    home = client.get("/").get_data(as_text=True)
    assert "待确认的团队成员" in home and kept.name in home and refused.name in home
    # The project page offers the answer while the place waits (the view passes
    # team.answerable), and no longer once it is confirmed.
    answer_form = f'action="/team/{places[kept.id]}/confirm"'
    assert answer_form in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert post(client, f"/team/{places[kept.id]}/confirm").status_code == 302
    assert answer_form not in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert post(client, f"/team/{places[refused.id]}/decline").status_code == 302
    assert post(client, f"/team/{places[kept.id]}/confirm").status_code == 409  # answered
    db.session.expire_all()
    assert project.member_ids == project.team_ids == {kept.id}
    assert [r.action for r in db.session.scalars(select(AuditRecord).where(
        AuditRecord.actor_id == director.id, AuditRecord.object_type == "projects")
        .order_by(AuditRecord.id))] == [
        "project.member_confirm", "project.member_decline"]
    history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "团队成员身份已确认" in history and kept.name in history and refused.name in history


def test_the_team_picker_lists_only_people_of_the_projects_institute(client):
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    colleague = make_user(institute_id=institute.id, name="Colleague Zhou")
    outsider = make_user(Role.EVALUATOR, institute_id=make_institute().id, name="Outsider Qian")
    hq_evaluator = make_user(Role.EVALUATOR, name="HQ Evaluator Sun")
    gone = make_user(institute_id=institute.id, name="Departed Li", active=False)
    login(client, pm)
    page = client.get("/projects/new").get_data(as_text=True)
    assert "Colleague Zhou" in page
    for name in ("Outsider Qian", "HQ Evaluator Sun", "Departed Li"):
        assert name not in page, name
    with pytest.raises(Invalid, match="institute"):  # the service checks it too
        projects.create_proposal(
            pm, budget_lines=[], member_ids=[outsider.id], title="X", summary="", field="F",
            type=ProjectType.PM_MAJOR, institute_id=institute.id, partner_enterprise_id=None,
            need_id=None, trl_now=1, trl_target=2, budget_total=Decimal("1"),
            start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    for person in (outsider, hq_evaluator, gone):
        with pytest.raises(Invalid, match="institute"):
            projects.create_proposal(
                pm, budget_lines=[], member_ids=[colleague.id, person.id], title="Y",
                summary="", field="F", type=ProjectType.PM_MAJOR, institute_id=institute.id,
                partner_enterprise_id=None, need_id=None, trl_now=1, trl_target=2,
                budget_total=Decimal("1"), start_date=date(2026, 1, 1),
                end_date=date(2026, 12, 31))
