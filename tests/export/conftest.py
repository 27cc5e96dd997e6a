"""A small organisation with something in every list: two institutes, projects in contract
research with overdue milestones, contracts paid in part, needs, centres, an agreement converted
into a company's shares, reminders in the outbox and the audit records of all of it. `grow()`
adds more of everything (for the statement counts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.companies import helpers as company_helpers
from tests.conftest import shared_data
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
from tracker import db
from tracker.accounts.models import Role, User
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, Company, HolderType
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.dates import today
from tracker.funding.models import FundingAgreement
from tracker.milestones.models import Milestone, MilestoneState
from tracker.organisations.models import Institute
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.reminders import scan as reminders
from tracker.spending.services import record_spending


def _late_milestone(project, days: int, title: str) -> None:
    db.session.add(Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title=title,
                             due_date=today() - timedelta(days=days),
                             state=MilestoneState.IN_PROGRESS))


def _contract(project, amount: str, title: str) -> None:
    contract = contracts.record_contract(
        project.pm, project, enterprise_id=make_enterprise(name=f"{title} 企业").id, title=title,
        type=ContractType.DEVELOPMENT, amount=Decimal(amount), signed_on=date(2026, 2, 1),
        instalments=[(date(2026, 3, 1), Decimal(amount))])
    contracts.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5),
                             Decimal(amount) / 4)


def _grow(people: dict, made: dict) -> None:
    """One more project of each institute, with all that hangs on it."""
    mine, other, company = made["mine"], made["other"], made["company"]
    n = len(made.setdefault("projects", []))
    for institute, pm in ((mine, people["pm"]), (other, None)):
        project = make_project(pm=pm, institute=institute, phase=Phase.CONTRACT_RESEARCH,
                               title=f"碳化硅 {n} {institute.code}")
        made["projects"].append(project)
        _late_milestone(project, 10 + n, f"样品 {n}")
        _contract(project, "1200000.00", f"合同 {n} {institute.code}")
        record_spending(project.pm, project, budget_line_id=project.budget_lines[0].id,
                        spent_on=today(), amount=Decimal("1200000.00"),
                        description=f"=设备 {n}")
        need = make_need(institute=institute, enterprise=make_enterprise())
        make_centre(enterprise=need.enterprise)
    companies.issue_shares(company_helpers.manager(), company, companies.IssueLine(
        f"Investor {n}", HolderType.INVESTOR, Decimal("10"), Acquisition.CASH), today())
    make_user(Role.EVALUATOR, name=f"=Evaluator {n}")
    _commit()
    reminders.scan(today())
    _commit()


# What `world` holds, by key: the model of each object.
MADE = {"mine": Institute, "other": Institute, "company": Company, "agreement": FundingAgreement}


@pytest.fixture(scope="module")
def world_ids(app, module_connection) -> dict:
    """The organisation, built once for the module's tests (each test rolls back its own
    changes): the ids of its people and things."""
    with shared_data(app, module_connection):
        install_gates()
        director = make_user(Role.PROJECT_MANAGER, name="Director Zhang")
        mine, other = make_institute(director=director, name="苏州材料所"), make_institute()
        committee = make_user(Role.INVESTMENT_COMMITTEE)
        people = {
            "admin": make_user(Role.HQ_ADMIN), "observer": make_user(Role.OBSERVER),
            "committee": committee, "director": director,
            "pm": make_user(Role.PROJECT_MANAGER, name="王工", institute_id=mine.id),
        }
        agreement, company = company_helpers.worked_example(committee=committee)
        made = {"mine": mine, "other": other, "company": company, "agreement": agreement}
        _grow(people, made)
        return {"people": {who: user.id for who, user in people.items()},
                "made": {key: thing.id for key, thing in made.items() if key in MADE},
                "projects": [project.id for project in made["projects"]]}


@pytest.fixture
def world(world_ids: dict) -> dict:
    """The module's organisation, loaded in the test's session; `grow()` adds to it (until the
    test ends)."""
    people = {who: db.session.get(User, id_) for who, id_ in world_ids["people"].items()}
    made: dict = {key: db.session.get(MADE[key], id_) for key, id_ in world_ids["made"].items()}
    made["projects"] = [db.session.get(Project, id_) for id_ in world_ids["projects"]]
    return {"people": people, "made": made, "grow": lambda: _grow(people, made)}
