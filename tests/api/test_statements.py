"""The API's lists and records run as many SQL statements on more data as on less (issue 21
point 1: every page, the API's lists included): a few of everything, then more of everything,
for HQ, a PM and a director."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.api.helpers import bearer, token_for
from tests.companies import helpers as company_helpers
from tests.factories import (
    _commit,
    install_gates,
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tests.gates import helpers
from tests.test_query_counts import HARNESS, counting, grown
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts.models import ResearchContract
from tracker.funding import services as funding
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone
from tracker.projects.lifecycle import Phase
from tracker.reminders import scan as reminders


@pytest.fixture
def world():
    install_gates()
    director = make_user(name="Director")
    institute = make_institute(director=director)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    project = make_project(pm=pm, institute=institute)
    helpers.go(helpers.submit(project))
    company = company_helpers.ready_for_spin_off(make_project(phase=Phase.SPIN_OFF, pm=pm,
                                                              institute=institute))

    agreements = []

    def grow():
        for n in range(3):
            other = make_project(pm=pm, institute=institute)
            helpers.go(helpers.submit(other))
            for target in (project, other):
                milestones.plan_milestone(
                    pm, target, phase=Phase.CONTRACT_RESEARCH, title=f"Late {n}",
                    deliverable="", due_date=date.today() - timedelta(days=10 + n),
                    weight=Decimal("1"))
            helpers.sign_contract(project)
            make_need(institute=institute, enterprise=make_enterprise())
            make_centre(enterprise=make_enterprise())
            make_institute(director=make_user())
            agreed = make_project(phase=Phase.INVESTMENT_DECISION, pm=pm, institute=institute)
            agreements.append(agreed)
            funding.record_agreement(
                committee, agreed, committed=Decimal("1000000"),
                qualifying_round_min=Decimal("0"), signed_on=date.today() - timedelta(days=5),
                conversion_deadline=date.today() + timedelta(days=300),
                co_funders=[(f"City {agreed.id}", Decimal("1"))])
            company_helpers.record_round(company, on=date.today(), name=f"Round {agreed.id}",
                                         investors=((f"Fund {agreed.id}", "1000"),))
            company_helpers.ready_for_spin_off(make_project(phase=Phase.SPIN_OFF, pm=pm,
                                                            institute=institute))
        _commit()
        reminders.scan(date.today() + timedelta(days=len(agreements)))  # a day of its own
        _commit()

    grow()  # one of everything
    return {"grow": grow, "project": project, "company": company, "agreed": agreements[0],
            "people": {"admin": make_user(Role.HQ_ADMIN), "pm": pm, "director": director,
                       "committee": committee}}


def _paths(world) -> list[tuple[str, str]]:
    project, company = world["project"], world["company"]
    milestone = db.session.scalar(select(Milestone).where(Milestone.project_id == project.id)
                                  .limit(1))
    contract = db.session.scalar(select(ResearchContract)
                                 .where(ResearchContract.project_id == project.id).limit(1))
    mine = [f"/api/v1/projects/{project.id}", f"/api/v1/projects/{project.id}/milestones",
            f"/api/v1/projects/{project.id}/reviews", f"/api/v1/milestones/{milestone.id}",
            f"/api/v1/contracts/{contract.id}", f"/api/v1/companies/{company.id}/cap-table",
            "/api/v1/projects", "/api/v1/milestones/overdue", "/api/v1/contracts",
            "/api/v1/needs", "/api/v1/institutes", "/api/v1/enterprises", "/api/v1/centres",
            "/api/v1/companies", "/api/v1/me"]
    return ([(who, path) for who in ("admin", "pm", "director") for path in mine]
            + [("admin", "/api/v1/outbox"), ("admin", "/api/v1/funding"),
               ("committee", "/api/v1/funding"),
               ("committee", f"/api/v1/projects/{world['agreed'].id}/funding")])


def _statements(client, engine, secret: str, path: str) -> list[str]:
    db.session.expire_all()
    with counting(engine) as statements:
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    # A token's first use of the day writes when it was used: the token's cost, not the data's.
    return [s for s in statements
            if not s.startswith(HARNESS) and not s.startswith("UPDATE access_tokens")]


def test_the_api_does_not_grow_with_the_data(client, engine, world):
    secrets = {who: token_for(user) for who, user in world["people"].items()}
    paths = _paths(world)
    before = [_statements(client, engine, secrets[who], path) for who, path in paths]

    def items(path: str) -> int:
        return len(client.get(path, headers=bearer(secrets["admin"])).json["items"])

    lists = ("/api/v1/projects", "/api/v1/milestones/overdue", "/api/v1/contracts",
             "/api/v1/needs", "/api/v1/centres", "/api/v1/companies", "/api/v1/funding")
    # (The outbox's first page is full already: 50 messages.)
    fewer = {path: items(path) for path in lists}
    world["grow"]()
    assert [(p, fewer[p], items(p)) for p in lists if items(p) <= fewer[p]] == []
    for (who, path), earlier in zip(paths, before, strict=True):
        later = _statements(client, engine, secrets[who], path)
        assert len(later) == len(earlier), (who, path, grown(earlier, later))
