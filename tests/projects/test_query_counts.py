"""The project, milestone and contract pages, and the project list, run the same number of SQL
statements for a small project as for a large one (team, milestones, contracts, conditions,
decisions, history), for every kind of viewer."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.factories import (
    _commit,
    install_gates,
    make_enterprise,
    make_institute,
    make_project,
    make_user,
)
from tests.gates import helpers
from tests.test_query_counts import assert_steady, page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.db import utcnow
from tracker.gates.condition_models import Condition
from tracker.gates.models import Outcome
from tracker.milestones import services as milestones
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, ProjectMember

PDF = helpers.PDF


@pytest.fixture
def world():
    """A project through gate 1 with a conditional GO, the people who look at it, and a
    `grow()` that adds a few of everything its pages show."""
    install_gates()
    director = make_user(name="Director")
    admin = make_user(Role.HQ_ADMIN)
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm, institute=make_institute(director=director))
    review = helpers.submit(project)
    decision = helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
        {"text": "Sign a second contract", "owner": pm,
         "due_date": date.today() + timedelta(days=30)}])
    evaluator = review.panel[0].user
    milestone = milestones.plan_milestone(
        pm, project, phase=Phase.CONTRACT_RESEARCH, title="Prototype", deliverable="",
        due_date=date(2026, 12, 1), weight=Decimal("1"))
    milestone.reviewer_id = evaluator.id
    contract = helpers.sign_contract(project)
    _commit()

    def grow():
        for n in range(3):
            member = make_user(Role.EVALUATOR)
            make_institute(director=member)  # a director too: more to load per person
            db.session.add(ProjectMember(project_id=project.id, user_id=member.id,
                                         confirmed_at=utcnow()))
            milestones.plan_milestone(
                pm, project, phase=Phase.CONTRACT_RESEARCH, title=f"Step {n}", deliverable="",
                due_date=date(2026, 3, 1) + timedelta(days=n),
                weight=Decimal("1")).reviewer_id = make_user(Role.EVALUATOR).id
            milestones.post_update(pm, milestone, 10 * n, f"Progress {n}",
                                   [(io.BytesIO(PDF), f"evidence-{n}.pdf")])
            contracts.record_contract(
                pm, project, enterprise_id=make_enterprise().id, title=f"Contract {n}",
                type=ContractType.SERVICE, amount=Decimal("100000"), signed_on=date(2026, 2, 1),
                instalments=[(date(2026, 4, 1), Decimal("50000")),
                             (date(2026, 5, 1), Decimal("50000"))])
            contracts.record_payment(pm, contract.instalments[0], date(2026, 3, 1),
                                     Decimal("1000"))
            db.session.add(Condition(decision_id=decision.id, project_id=project.id,
                                     text=f"Condition {n}", owner_id=make_user().id,
                                     due_date=date(2026, 6, 1)))
            db.session.add(PhaseChange(project_id=project.id, from_phase=project.phase,
                                       to_phase=project.phase, actor_id=make_user().id,
                                       at=datetime.now(UTC), reason=f"Note {n}"))
        _commit()

    return {"project": project, "milestone": milestone, "contract": contract, "grow": grow,
            "viewers": {"pm": pm, "admin": admin, "director": director,
                        "evaluator": evaluator}}


def _steady(app, engine, grow, viewers, paths):
    grow()  # one of everything: every kind of row the page loads is there
    assert_steady(app, engine, grow, [(user, path) for user in viewers.values()
                                      for path in paths])


def test_project_page_does_not_grow_with_team_milestones_or_contracts(app, engine, world):
    project = world["project"]
    _steady(app, engine, world["grow"], world["viewers"], [f"/projects/{project.id}"])


def test_milestone_and_contract_pages_do_not_grow(app, engine, world):
    viewers = {k: v for k, v in world["viewers"].items() if k != "evaluator"}
    milestone, pm = world["milestone"], world["viewers"]["pm"]
    pages = [(user, path) for user in viewers.values()
             for path in (f"/milestones/{milestone.id}", f"/contracts/{world['contract'].id}")]
    pages += [(pm, f"/projects/{world['project'].id}/milestones/new"),
              (pm, f"/milestones/{milestone.id}/edit")]
    world["grow"]()
    assert_steady(app, engine, world["grow"], pages)


def test_project_list_and_its_filters_do_not_grow(app, engine, world):
    project = world["project"]
    institute, pm = project.institute_id, project.pm_id

    def grow():
        world["grow"]()
        for _ in range(3):
            make_project(pm=make_user(Role.PROJECT_MANAGER), phase=Phase.CONTRACT_RESEARCH)
            make_project(pm=project.pm)

    paths = ["/projects/", "/projects/?q=Project", f"/projects/?institute={institute}",
             f"/projects/?pm={pm}", "/projects/?phase=contract_research",
             "/projects/?type=pm_major&field=Mat"]
    _steady(app, engine, grow, world["viewers"], paths)


def test_proposal_form_does_not_grow_with_users(app, engine):
    pm = make_user(Role.PROJECT_MANAGER)
    draft = make_project(pm=pm)

    def grow():
        for _ in range(3):
            make_user(Role.PROJECT_MANAGER)
            make_institute(director=make_user())
            make_project(pm=pm)

    _steady(app, engine, grow, {"pm": pm}, ["/projects/new", f"/projects/{draft.id}/edit"])


def test_project_list_reads_no_list_of_managers_and_counts_nothing(client, engine):
    """With a thousand PMs a drop-down of them would load and render a thousand names: the PM
    is searched by name instead; and the pager knows whether a next page exists without
    counting every project."""
    pms = [make_project(pm=make_user(Role.PROJECT_MANAGER, name=f"Manager {n}")).pm
           for n in range(3)]
    login(client, make_user(Role.HQ_ADMIN))
    for path in ("/projects/", f"/projects/?pm={pms[0].id}", "/projects/?manager=Manager+1"):
        statements = page_statements(client, engine, path)
        assert [s for s in statements if "FROM users" in s and "users.name" in s
                and "WHERE" not in s.split("FROM users", 1)[1]] == [], path
        # The session's own statement counts the bell's unread notifications, not projects.
        assert [s for s in statements if "count(" in s.lower()
                and "FROM user_sessions" not in s] == [], path
    page = client.get("/projects/").get_data(as_text=True)
    # HQ's technical fields are a short list of their own; no list of every manager.
    assert '<select name="pm"' not in page and "<option" not in page.split('name="institute"')[1]\
        .split("</select>")[1].split('<select name="field_id"')[0]
    assert "3 results" in page
    page = client.get("/projects/?manager=manager+1").get_data(as_text=True)
    assert "1 result<" in page and "<td>Manager 1</td>" in page and "Manager 2" not in page
    page = client.get(f"/projects/?pm={pms[2].id}").get_data(as_text=True)
    assert "Projects of Manager 2" in page and f'name="pm" value="{pms[2].id}"' in page


def test_project_list_pages_without_a_count(client):
    pm = make_user(Role.PROJECT_MANAGER)
    for _ in range(27):
        make_project(pm=pm)
    login(client, pm)
    first = client.get("/projects/").get_data(as_text=True)
    assert "Results 1 to 25" in first and 'href="/projects/?page=2">Next' in first
    second = client.get("/projects/?page=2").get_data(as_text=True)
    assert "Results 26 to 27" in second and "Next</a>" not in second
