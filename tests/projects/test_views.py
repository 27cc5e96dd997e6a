"""Project pages by role: who sees, writes, submits and acts on what."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import (
    install_gates,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.projects import visibility
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectMember


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _proposal(institute, **overrides):
    data = {"title": "高性能碳纤维复合材料", "summary": "", "field": "Materials",
            "type": "pm_major", "institute_id": str(institute.id), "partner_enterprise_id": "0",
            "need_id": "0", "trl_now": "3", "trl_target": "6", "budget_total": "3,000,000",
            "start_date": "2026-03-01", "end_date": "2028-02-28",
            "budget_lines-0-category": "Equipment", "budget_lines-0-amount": "1,200,000",
            "budget_lines-1-category": "Labour", "budget_lines-1-amount": "800000"}
    data.update(overrides)
    return data


def test_pm_writes_a_proposal_with_a_provisional_reference(client):
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    teammate = make_user(institute_id=institute.id)
    login(client, pm)
    assert client.get("/projects/new").status_code == 200
    response = post(client, "/projects/new", _proposal(institute, member_ids=[str(teammate.id)]))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    project = db.session.scalar(select(Project).where(Project.pm_id == pm.id))
    assert project.code is None  # the official code comes on submission
    assert project.phase is Phase.DRAFT
    # By the default template (the national one): a line per category, named in Chinese.
    assert [(b.category, b.amount) for b in project.budget_lines] == [
        ("设备费", Decimal("1200000.00")), ("业务费", Decimal("0.00")),
        ("劳务费", Decimal("800000.00")), ("间接费用", Decimal("0.00"))]
    assert project.team_ids == {teammate.id}
    assert project.member_ids == set()  # until the teammate, or the director, confirms
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert project.draft_number == 1  # the PM's first: its provisional reference, never the id
    assert "Draft 1" in page and "高性能碳纤维复合材料" in page


def test_proposal_errors_are_beside_the_fields(client):
    institute = make_institute()
    login(client, make_user(Role.PROJECT_MANAGER))
    response = post(client, "/projects/new", _proposal(
        institute, end_date="2025-01-01", title="Kept"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end date is before the start date." in page and 'value="Kept"' in page
    over = post(client, "/projects/new", _proposal(institute, budget_total="100"))
    assert "more than the total" in over.get_data(as_text=True)
    nameless = post(client, "/projects/new", _proposal(
        institute, **{"budget_lines-0-category": ""}))
    assert "Name this budget line." in nameless.get_data(as_text=True)
    trl = post(client, "/projects/new", _proposal(institute, trl_now="12"))
    assert trl.status_code == 400


def test_need_must_be_of_the_partner_enterprise(client):
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    need = make_need(institute=institute)
    other = make_enterprise()
    login(client, pm)
    response = post(client, "/projects/new", _proposal(
        institute, need_id=str(need.id), partner_enterprise_id=str(other.id)))
    assert "another enterprise than the partner" in response.get_data(as_text=True)


def test_only_pms_create_and_only_the_pm_edits_a_draft(client):
    login(client, make_user(Role.EVALUATOR, Role.OBSERVER))
    assert client.get("/projects/new").status_code == 403
    project = make_project()
    admin = make_user(Role.HQ_ADMIN)
    client2 = client.application.test_client()
    login(client2, admin)
    assert client2.get(f"/projects/{project.id}/edit").status_code == 403


def test_submitting_needs_the_deliverables_and_then_opens_gate_one(client):
    project = make_project()
    login(client, project.pm)
    refused = post(client, f"/projects/{project.id}/submit")
    assert refused.status_code == 409
    assert "Upload the required deliverables first" in refused.get_data(as_text=True)
    upload = post(client, f"/projects/{project.id}/deliverables", {
        "name": "项目申报书",
        "file": (io.BytesIO(helpers.PDF), "申报书 2026.pdf")}, content_type="multipart/form-data")
    assert upload.status_code == 302
    response = post(client, f"/projects/{project.id}/submit")
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.phase is Phase.PROPOSAL_REVIEW
    assert client.get(f"/projects/{project.id}/edit").status_code == 409
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "申报书 2026.pdf" in page
    # Pressed again from a page left open: told it is submitted, not what gate 2 will need.
    again = post(client, f"/projects/{project.id}/submit")
    assert again.status_code == 409
    assert (f"This proposal has already been submitted ({project.code}); it is now in Proposal "
            "review.") in again.get_data(as_text=True)


def test_a_pm_is_offered_only_their_own_institute_for_a_proposal(client):
    mine, other = make_institute(name="本所"), make_institute(name="他所")
    login(client, make_user(Role.PROJECT_MANAGER, institute_id=mine.id))
    page = client.get("/projects/new").get_data(as_text=True)
    assert f'<option selected value="{mine.id}">' in page
    assert f'value="{other.id}"' not in page  # posted anyway: refused, see the next test


def test_a_renamed_executable_is_refused_and_nothing_is_stored(client, app):
    from pathlib import Path

    from tracker.files.models import StoredFile

    project = make_project()
    login(client, project.pm)
    before = {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}
    response = post(client, f"/projects/{project.id}/deliverables", {
        "name": "项目申报书",
        "file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "proposal.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "is not a PDF file" in response.get_data(as_text=True)
    assert db.session.scalar(select(StoredFile).where(StoredFile.project_id == project.id)) is None
    assert {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()} == before


def test_downloads_keep_the_chinese_name_and_are_404_to_outsiders(client, app):
    project = make_project()
    helpers.upload_deliverables(project, 1)
    from tracker.gates.models import Deliverable

    deliverable = db.session.scalar(select(Deliverable).where(
        Deliverable.project_id == project.id))
    login(client, project.pm)
    response = client.get(f"/files/{deliverable.file_id}")
    assert response.status_code == 200
    assert response.data == helpers.PDF
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E9%A1%B9%E7%9B%AE" in disposition
    outsider = app.test_client()
    login(outsider, make_user(Role.PROJECT_MANAGER))
    assert outsider.get(f"/files/{deliverable.file_id}").status_code == 404


@pytest.mark.parametrize("who,sees", [
    ("pm", True), ("teammate", True), ("director", True), ("other_director", False),
    ("observer", True), ("admin", True), ("committee", True), ("other_pm", False),
    ("evaluator_not_on_panel", False), ("named", False),
])
def test_who_sees_a_project(client, who, sees):
    director = make_user()
    institute = make_institute(director=director)
    teammate, named = make_user(), make_user()
    project = make_project(institute=institute)
    project.members.append(ProjectMember(user_id=teammate.id, confirmed_at=utcnow()))
    project.members.append(ProjectMember(user_id=named.id))  # not confirmed yet
    db.session.commit()
    people = {
        "pm": project.pm, "teammate": teammate, "named": named, "director": director,
        "other_director": make_institute(director=make_user()).director,
        "observer": make_user(Role.OBSERVER), "admin": make_user(Role.HQ_ADMIN),
        "committee": make_user(Role.INVESTMENT_COMMITTEE),
        "other_pm": make_user(Role.PROJECT_MANAGER),
        "evaluator_not_on_panel": make_user(Role.EVALUATOR),
    }
    login(client, people[who])
    assert client.get(f"/projects/{project.id}").status_code == (200 if sees else 404)
    listing = client.get("/projects/").get_data(as_text=True)
    assert (project.title in listing) is sees


def test_an_evaluator_sees_the_project_after_declaring_no_conflict(client):
    project = make_project()
    review = helpers.submit(project)
    evaluators = helpers.name_panel(review)
    login(client, evaluators[1])
    assert client.get(f"/projects/{project.id}").status_code == 404
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Declare before you see the material" in page
    assert "Proposal document" not in page
    post(client, f"/reviews/{review.id}/declare", {"conflict": "no"})
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert "Proposal document" in client.get(f"/reviews/{review.id}").get_data(as_text=True)


def test_project_list_filters(client):
    institute = make_institute()
    a = make_project(institute=institute, title="Alpha graphene", field="Materials")
    b = make_project(title="Beta robot", field="Robotics")
    login(client, make_user(Role.OBSERVER))
    page = client.get(f"/projects/?institute={institute.id}").get_data(as_text=True)
    assert a.title in page and b.title not in page
    page = client.get("/projects/?field=robot").get_data(as_text=True)
    assert b.title in page and a.title not in page
    page = client.get("/projects/?q=graphene&phase=draft&type=pm_major").get_data(as_text=True)
    assert a.title in page and b.title not in page
    page = client.get(f"/projects/?pm={b.pm_id}").get_data(as_text=True)
    assert b.title in page and a.title not in page


def test_list_query_count_does_not_grow_with_projects(client, engine):
    from sqlalchemy import event

    login(client, make_user(Role.OBSERVER))
    counts = []
    for _ in range(2):
        for _ in range(5):
            make_project()
        statements: list[int] = []

        def count(*args, statements=statements, **kwargs):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            client.get("/projects/")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_hold_resume_and_terminate_from_the_page(client):
    from datetime import timedelta

    from tracker.dates import today
    from tracker.gates.models import Outcome

    project = make_project()
    # Held at the proposal gate (research acceptance ends in one of its conclusions, no HOLD).
    helpers.go(helpers.submit(project), Outcome.HOLD, revisit_date=today() + timedelta(days=5))
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    assert "Resume in" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    empty = post(client, f"/projects/{project.id}/resume", {"reason": ""})
    assert empty.status_code == 400 and "Resume in" in empty.get_data(as_text=True)
    db.session.refresh(project)
    assert project.phase is Phase.ON_HOLD
    post(client, f"/projects/{project.id}/resume", {"reason": "Co-funding confirmed"})
    db.session.refresh(project)
    assert project.phase is Phase.PROPOSAL_REVIEW
    # A PM cannot end a project.
    pm_client = client.application.test_client()
    login(pm_client, project.pm)
    assert post(pm_client, f"/projects/{project.id}/terminate",
                {"reason": "x"}).status_code in (403, 409)


def test_a_pm_proposes_for_their_own_institute(client):
    mine, other = make_institute(), make_institute()
    login(client, make_user(Role.PROJECT_MANAGER, institute_id=mine.id))
    response = post(client, "/projects/new", _proposal(other))
    assert response.status_code == 400
    assert "for your own institute" in response.get_data(as_text=True)


def test_project_visible_to_agrees_with_can_view():
    from tracker.projects.models import ProjectMember

    director = make_user()
    institute = make_institute(director=director)
    teammate, named = make_user(), make_user()
    mine = make_project(institute=institute)
    mine.members.append(ProjectMember(user_id=teammate.id, confirmed_at=utcnow()))
    mine.members.append(ProjectMember(user_id=named.id))
    reviewed = make_project()
    review = helpers.submit(reviewed)
    evaluators = helpers.name_panel(review)
    from tracker.gates import services as gates

    gates.declare(evaluators[0], review, conflict=False)
    gates.declare(evaluators[1], review, conflict=True, note="x")
    db.session.commit()
    projects = [mine, reviewed, make_project()]
    people = [director, teammate, named, mine.pm, *evaluators, make_user(Role.OBSERVER),
              make_user(Role.PROJECT_MANAGER),
              make_user(Role.EVALUATOR, enterprise_id=make_enterprise().id)]
    for user in people:
        by_sql = set(db.session.scalars(select(Project.id).where(visibility.visible_to(user))))
        # The form built once a process for the user's kind, run with their values.
        built_once = set(db.session.scalars(
            select(Project.id).where(visibility.condition(visibility.shape_of(user))),
            visibility.values(user)))
        by_python = {p.id for p in projects if p.can_view(user)}
        assert by_sql & {p.id for p in projects} == by_python, user
        assert built_once == by_sql, user


def test_has_stake_agrees_with_stake_of():
    from tests.factories import make_enterprise
    from tracker.accounts.models import User
    from tracker.projects.models import ProjectMember

    partner = make_enterprise()
    teammate, insider, outsider = make_user(), make_user(enterprise_id=partner.id), make_user()
    named = make_user()
    with_partner = make_project(partner_enterprise_id=partner.id)
    with_partner.members.append(ProjectMember(user_id=teammate.id, confirmed_at=utcnow()))
    with_partner.members.append(ProjectMember(user_id=named.id))  # pending: no stake
    without = make_project()
    db.session.commit()
    people = [teammate, named, insider, outsider, with_partner.pm, without.pm]
    for project in (with_partner, without):
        by_sql = set(db.session.scalars(select(User.id).where(project.has_stake(User))))
        by_python = {u.id for u in people if project.stake_of(u) is not None}
        assert by_sql & {u.id for u in people} == by_python, project


@pytest.mark.parametrize("phase", [Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH,
                                   Phase.TERMINATED])
def test_a_pm_refused_an_edit_is_told_the_state_not_the_role(client, phase):
    """The newcomer's walk: /projects/1/edit in contract research answered the PM 403 "Your
    roles do not allow this". A refusal caused by the project's state says that state, and
    links where changes go now (the change requests of a project under way, else the
    project); who may not edit it at all still gets 403 first."""
    project = make_project(phase=phase)
    login(client, project.pm)
    said, back = {
        # At gate 1 the proposal is reviewed as submitted: no change request before the gate.
        Phase.PROPOSAL_REVIEW: ("The proposal was submitted to HQ and is reviewed at gate 1 as "
                                "submitted", f"/projects/{project.id}"),
        Phase.CONTRACT_RESEARCH: ("The proposal was submitted: changes to the project now go "
                                  "through a change request.",
                                  f"/projects/{project.id}/changes"),
        # Closed: no change request either, and the way back is HQ's correction.
        Phase.TERMINATED: ("nothing of it changes any more", f"/projects/{project.id}"),
    }[phase]
    for response in (client.get(f"/projects/{project.id}/edit"),
                     post(client, f"/projects/{project.id}/edit", {"title": "Renamed"})):
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        assert said in page
        assert "Your roles do not allow" not in page
        assert f'href="{back}"' in page
    assert client.get(back).status_code == 200  # where the refusal sends the PM opens
    admin = client.application.test_client()
    login(admin, make_user(Role.HQ_ADMIN))
    assert admin.get(f"/projects/{project.id}/edit").status_code == 403


def test_a_proposal_at_the_institute_does_not_look_unsubmitted(client):
    """The newcomer's walk: /projects/5 after upload and submission still said "Draft", showed
    the checklist of what the submission needs (all done) and "Nothing has happened yet". The
    page says where the proposal is, drops that checklist and lists the upload and the
    submission in the timeline."""
    project = make_project(institute=make_institute(director=make_user()))
    login(client, project.pm)
    assert post(client, f"/projects/{project.id}/deliverables", {
        "name": "项目申报书", "file": (io.BytesIO(helpers.PDF), "申报书.pdf")},
        content_type="multipart/form-data").status_code == 302
    assert post(client, f"/projects/{project.id}/submit").status_code == 302
    db.session.refresh(project)
    assert project.phase is Phase.DRAFT and project.proposal_at_institute is not None
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    heading = page[page.index('<div class="heading">'):page.index("</div>",
                                                                   page.index('class="heading"'))]
    assert "Awaiting the institute" in heading and ">Draft<" not in heading
    assert "Before the proposal can be submitted" not in page
    assert "Nothing has happened yet." not in page
    timeline = page[page.index("Timeline"):]
    assert "Uploaded for gate 1" in timeline and "Proposal submitted to the institute" in timeline


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_resume_and_terminate_are_offered_exactly_while_the_project_is_held(client, locale):
    """The page drew them under `project.phase.value == 'on_hold'`, its own copy of the rule
    (issue 9 point 6): now `closed.hold_refusal` decides the page's forms, `resume` and
    `terminate_held` alike; the latter ended a project that was not held (the page never
    offered it, a post did) and is refused now, saying why."""
    from datetime import timedelta

    from tracker.dates import today
    from tracker.gates.models import Outcome
    from tracker.projects import closed

    held, running = make_project(), make_project(phase=Phase.CONTRACT_RESEARCH)
    helpers.go(helpers.submit(held), Outcome.HOLD, revisit_date=today() + timedelta(days=5))
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    for project, offered in ((held, True), (running, False)):
        page = client.get(f"/projects/{project.id}").get_data(as_text=True)
        for action in ("resume", "terminate"):
            assert (f'action="/projects/{project.id}/{action}"' in page) is offered
        assert (closed.hold_refusal(project) is None) is offered
    refused = post(client, f"/projects/{running.id}/terminate", {"reason": "No longer needed"})
    assert refused.status_code == 409
    assert closed.hold_refusal(running) in refused.get_data(as_text=True)
    db.session.refresh(running)
    assert running.phase is Phase.CONTRACT_RESEARCH
