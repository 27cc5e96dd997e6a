"""A research contract or an allocation-investment agreement is signed in its project's life
(issue 9 point 3, tracker/projects/life.py): no earlier than the earlier of the project's
planned start and the day it was created, and not after the day it closed. Found: a contract
signed 2020-01-01 on a project starting 2026-01-01 was accepted, and so was an agreement.
Every way in asks the same check: the forms, the corrections, the import."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.contracts.test_corrections import save
from tests.factories import _commit, make_enterprise, make_project, make_user
from tests.funding.test_amendments import agreement_of, given
from tests.imports.helpers import run
from tests.imports.test_contracts import COLUMNS as CONTRACTS
from tests.imports.test_contracts import _row as contract_row
from tests.imports.test_projects import HEADER as PROJECTS
from tests.imports.test_projects import _row as import_row
from tests.imports.test_projects import _setting as import_setting
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType, ResearchContract
from tracker.dates import local_date, today
from tracker.display.formatting import day
from tracker.errors import Invalid
from tracker.funding import amendments
from tracker.funding import services as funding
from tracker.funding.models import FundingAgreement
from tracker.imports.models import ImportState
from tracker.projects import life
from tracker.projects.history_models import PhaseChange
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

D = Decimal
EARLY = date(2020, 1, 1)


def _error_of(page: str, field: str) -> str:
    """The messages shown beside `field` (templates/macros/forms.html)."""
    assert f'id="{field}-error"' in page, page
    return page.split(f'id="{field}-error">')[1].split("</div>")[0]


def _contract(project, signed: date) -> ResearchContract:
    return contracts.record_contract(
        project.pm, project, enterprise_id=make_enterprise().id, title="Sensor development",
        type=ContractType.DEVELOPMENT, amount=D("1000"), signed_on=signed, instalments=[])


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("locale,before,begun", [
    ("en", "is before the project began", "or the day it was created"),
    ("zh_CN", "早于项目开始", "项目创建或提交日期更早时取该日期"),
])
def test_a_contract_signed_before_its_project_began_is_refused_beside_its_date(
        client, locale, before, begun):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)  # starts 2026-01-01, created today
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    response = post(client, f"/projects/{project.id}/contracts/new", {
        "title": "Contract", "enterprise_id": str(make_enterprise().id), "type": "development",
        "amount": "1,000", "signed_on": EARLY.isoformat()})
    assert response.status_code == 400
    said = _error_of(response.get_data(as_text=True), "signed_on")
    assert before in said and begun in said
    assert ("2020" in said) and ("2026" in said)  # both dates, the signing and the first day
    assert _count(ResearchContract) == 0


@pytest.mark.parametrize("locale,before", [("en", "is before the project began"),
                                           ("zh_CN", "早于项目开始")])
def test_an_agreement_signed_before_its_project_began_is_refused_beside_its_date(
        client, locale, before):
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    login(client, make_user(Role.INVESTMENT_COMMITTEE, locale=locale))
    response = post(client, f"/projects/{project.id}/funding/agreement", {
        "committed": "6,000,000", "hq_ratio": "1", "discount_pct": "",
        "qualifying_round_min": "30000000", "signed_on": EARLY.isoformat(),
        "conversion_deadline": (today() + timedelta(days=700)).isoformat()})
    assert response.status_code == 400
    said = _error_of(response.get_data(as_text=True), "signed_on")
    assert before in said and "2020" in said and "2026" in said
    assert _count(FundingAgreement) == 0


def test_the_first_day_is_the_planned_start_or_the_creation_when_that_came_first():
    # Planned to start next year, created today: a contract signed today is in its life (a
    # contract is often signed before the work starts), yesterday is not.
    ahead = make_project(phase=Phase.CONTRACT_RESEARCH,
                         start_date=today() + timedelta(days=60))
    created = local_date(ahead.created_at)
    assert life.began(ahead) == created
    _contract(ahead, created)
    with pytest.raises(Invalid, match="before the project began") as refused:
        _contract(ahead, created - timedelta(days=1))
    assert refused.value.field == "signed_on"
    assert day(created) in str(refused.value) and day(created - timedelta(days=1)) in str(
        refused.value)
    # An imported project was created on the day of the import: its start date dates its
    # history, and a contract signed on that day is taken, the day before is not.
    imported = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2024, 3, 1))
    assert life.began(imported) == date(2024, 3, 1)
    _contract(imported, date(2024, 3, 1))
    with pytest.raises(Invalid, match="before the project began"):
        _contract(imported, date(2024, 2, 29))


def test_the_agreement_s_service_asks_the_same_first_day():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    with pytest.raises(Invalid, match="before the project began") as refused:
        funding.record_agreement(committee, project, committed=D("1000000"),
                                 qualifying_round_min=D("0"), signed_on=EARLY,
                                 conversion_deadline=today() + timedelta(days=365))
    assert refused.value.field == "signed_on" and day(date(2026, 1, 1)) in str(refused.value)


def test_a_correction_can_t_move_the_signing_before_the_project_began():
    contract = _contract(make_project(phase=Phase.CONTRACT_RESEARCH), date(2026, 2, 1))
    _commit()
    with pytest.raises(Invalid, match="before the project began") as refused:
        save(contract, signed_on=EARLY)
    assert refused.value.field == "signed_on"
    db.session.rollback()
    assert db.session.get(ResearchContract, contract.id).signed_on == date(2026, 2, 1)

    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = agreement_of(committee)
    began = life.began(agreement.project)
    with pytest.raises(Invalid, match="before the project began") as refused:
        amendments.save_agreement(committee, agreement,
                                  **given(agreement, signed_on=began - timedelta(days=1)))
    assert refused.value.field == "signed_on"


def test_a_correction_can_t_move_the_signing_after_the_project_closed():
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    contract = _contract(project, date(2026, 2, 1))
    closed = date(2026, 3, 1)
    project.phase = Phase.TERMINATED
    db.session.add(PhaseChange(project_id=project.id, from_phase=Phase.CONTRACT_RESEARCH,
                               to_phase=Phase.TERMINATED,
                               at=datetime(2026, 3, 1, 4, 0, tzinfo=UTC)))
    _commit()
    db.session.expire(project, ["phase_changes"])
    assert life.closed_on(project) == closed
    save(contract, signed_on=closed, title="Signed the day it closed")  # the last day
    with pytest.raises(Invalid, match="after the project closed") as refused:
        save(contract, signed_on=closed + timedelta(days=1))
    assert refused.value.field == "signed_on" and day(closed) in str(refused.value)


def test_a_correction_keeping_a_signing_recorded_before_the_rule_is_not_refused_for_it():
    """A contract or agreement signed before its project's start (recorded before the rule, or
    the start moved later since) is corrected in its other terms; moving its date is asked."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    contract = _contract(project, date(2026, 2, 1))
    agreement = agreement_of(make_user(Role.INVESTMENT_COMMITTEE))
    _commit()
    project.start_date = date(2026, 3, 1)
    project.created_at = datetime(2026, 3, 1, tzinfo=UTC)
    agreement.project.start_date = agreement.signed_on + timedelta(days=10)
    agreement.project.created_at = datetime.combine(agreement.project.start_date,
                                                    datetime.min.time(), tzinfo=UTC)
    _commit()
    save(contract, title="Sensor development, phase one")
    assert db.session.get(ResearchContract, contract.id).title == "Sensor development, phase one"
    with pytest.raises(Invalid, match="before the project began"):
        save(contract, signed_on=date(2026, 2, 2))
    db.session.rollback()
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    amendments.save_agreement(committee, agreement,
                              **given(agreement, qualifying_round_min=D("25000000")))
    assert agreement.qualifying_round_min == D("25000000")
    with pytest.raises(Invalid, match="before the project began"):
        amendments.save_agreement(committee, agreement, **given(
            agreement, signed_on=agreement.signed_on + timedelta(days=1)))


def test_an_imported_project_s_contract_signed_after_its_gate_1_before_its_start_is_taken():
    """Issue 13, adoption finding F8: a project imported as history was created on the day of
    the import, so its first day was its planned start (2019-08-01), and the contract signed
    after its gate-1 GO (2019-07-20) but before the work started, the usual order, was refused:
    the record of an imported project begins as the file dates it."""
    admin, _pm = import_setting()
    rows = [PROJECTS, import_row(start="2019-08-01", passed="1: 2019-07-20")]
    assert run(admin, "projects", rows).state is ImportState.DONE
    project = db.session.scalar(select(Project))
    assert life.began(project) == date(2019, 7, 20)
    make_enterprise(name="Pump Works")
    taken = run(admin, "contracts", [CONTRACTS, contract_row(
        project.code, signed="2019-07-28", instalments="2019-09-01: 4500000", payments="")])
    assert (taken.state, taken.created) == (ImportState.DONE, 1), taken.errors
    refused = run(admin, "contracts", [CONTRACTS, contract_row(
        project.code, number="RB-2019-008", signed="2019-07-19",
        instalments="2019-09-01: 4500000", payments="")])
    assert refused.state is ImportState.FAILED
    assert [(column, "before the project began" in message)
            for _row, column, message in refused.errors] == [("Signed on", True)], refused.errors
