"""Research contracts: schedules, partial payments, refusals, the need, roll-ups."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import (
    _commit,
    install_gates,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import rollups, services
from tracker.contracts.models import ContractType, ResearchContract
from tracker.errors import Forbidden, Invalid
from tracker.organisations.models import NeedState
from tracker.projects.models import Project

D = Decimal


def record(project, amount="1000000", signed=date(2026, 2, 1), schedule=None, **kw):
    schedule = schedule if schedule is not None else [(date(2026, 3, 1), D(amount))]
    contract = services.record_contract(
        project.pm, project, enterprise_id=kw.pop("enterprise_id", make_enterprise().id),
        title=kw.pop("title", "Contract"), type=kw.pop("type", ContractType.DEVELOPMENT),
        amount=D(amount), signed_on=signed, instalments=schedule)
    _commit()
    return contract


def test_partial_payments_add_up_and_never_exceed_the_instalment():
    project = make_project()
    contract = record(project, "1000000", schedule=[(date(2026, 3, 1), D("600000")),
                                                    (date(2026, 9, 1), D("400000"))])
    first = contract.instalments[0]
    services.record_payment(project.pm, first, date(2026, 3, 5), D("250000"))
    services.record_payment(project.pm, first, date(2026, 3, 20), D("350000"))
    assert first.is_paid and contract.received == D("600000")
    with pytest.raises(Invalid, match="Only CN¥400,000.00 of this instalment is outstanding"):
        services.record_payment(project.pm, contract.instalments[1], date(2026, 9, 2),
                                D("400000.01"))
    with pytest.raises(Invalid, match="more than zero"):
        services.record_payment(project.pm, contract.instalments[1], date(2026, 9, 2), D("-1"))


def test_bad_schedules_are_refused_with_the_numbers():
    project = make_project()
    with pytest.raises(Invalid, match="add up to CN¥1,200,000.00, more than the contract's "
                                      "CN¥1,000,000.00"):
        record(project, "1000000", schedule=[(date(2026, 3, 1), D("600000")),
                                             (date(2026, 4, 1), D("600000"))])
    with pytest.raises(Invalid, match="more than zero"):
        record(project, "-5")
    with pytest.raises(Invalid, match="before the signing date"):
        record(project, "100", signed=date(2026, 5, 1), schedule=[(date(2026, 4, 1), D("100"))])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ResearchContract)) == 0


def test_only_the_pm_or_hq_record_contracts():
    project = make_project()
    with pytest.raises(Forbidden):
        services.record_contract(make_user(Role.PROJECT_MANAGER), project,
                                 enterprise_id=make_enterprise().id, title="x",
                                 type=ContractType.SERVICE, amount=D("1"),
                                 signed_on=date(2026, 1, 1), instalments=[])


def test_the_need_becomes_contracted_when_its_project_signs():
    institute = make_institute()
    enterprise = make_enterprise()
    need = make_need(institute=institute, enterprise=enterprise)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    project = make_project(pm=pm, institute=institute, partner_enterprise_id=enterprise.id,
                           need_id=need.id)
    assert need.state is NeedState.MATCHED
    record(project, enterprise_id=enterprise.id)
    assert need.state is NeedState.CONTRACTED


def test_rollups_by_project_institute_and_year():
    a, b = make_institute(code="RA"), make_institute(code="RB")
    p1 = make_project(institute=a, start_date=date(2025, 1, 1))
    p2, p3 = make_project(institute=a), make_project(institute=b)
    c1 = record(p1, "1000000", signed=date(2025, 5, 1),
                schedule=[(date(2025, 6, 1), D("1000000"))])
    record(p2, "500000.50", signed=date(2026, 2, 1))
    c3 = record(p3, "2000000", signed=date(2026, 3, 1))
    record(p3, "300000", signed=date(2026, 4, 1), schedule=[])
    services.record_payment(p1.pm, c1.instalments[0], date(2025, 6, 2), D("400000"))
    services.record_payment(p1.pm, c1.instalments[0], date(2025, 7, 2), D("100000"))
    services.record_payment(p3.pm, c3.instalments[0], date(2026, 3, 9), D("2000000"))
    _commit()
    scope = Project.id.in_([p1.id, p2.id, p3.id])
    by_institute = {r["key"][1]: (r["contracts"], r["value"], r["received"])
                    for r in rollups.rollup("institute", scope)}
    assert by_institute == {"RA": (2, D("1500000.50"), D("500000")),
                            "RB": (2, D("2300000"), D("2000000"))}
    by_year = {int(r["key"][0]): (r["value"], r["received"])
               for r in rollups.rollup("year", scope)}
    assert by_year == {2025: (D("1000000"), D("500000")), 2026: (D("2800000.50"), D("2000000"))}
    by_project = {r["key"][0]: r["value"] for r in rollups.rollup("project", scope)}
    assert by_project == {p1.id: D("1000000"), p2.id: D("500000.50"), p3.id: D("2300000")}


def test_contract_pages_by_role(client, app):
    install_gates()
    project = make_project()
    enterprise = make_enterprise()
    login(client, project.pm)
    response = post(client, f"/projects/{project.id}/contracts/new", {
        "title": "技术开发合同", "enterprise_id": str(enterprise.id), "type": "development",
        "amount": "1,000,000", "signed_on": "2026-02-01",
        "instalments-0-due_date": "2026-03-01", "instalments-0-amount": "700000",
        "instalments-1-due_date": "2026-06-01", "instalments-1-amount": "400000"})
    assert response.status_code == 400
    assert "more than the contract" in response.get_data(as_text=True)
    response = post(client, f"/projects/{project.id}/contracts/new", {
        "title": "技术开发合同", "enterprise_id": str(enterprise.id), "type": "development",
        "amount": "1,000,000", "signed_on": "2026-02-01",
        "instalments-0-due_date": "2026-03-01", "instalments-0-amount": "700000",
        "instalments-1-due_date": "2026-06-01"})
    assert "Give both the due date and the amount." in response.get_data(as_text=True)
    short = {"title": "技术开发合同", "enterprise_id": str(enterprise.id), "type": "development",
             "amount": "1,000,000", "signed_on": "2026-02-01",
             "instalments-0-due_date": "2026-03-01", "instalments-0-amount": "700000"}
    response = post(client, f"/projects/{project.id}/contracts/new", short)
    # a schedule short of the value is shown for confirmation, with what no instalment asks for
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Confirm and record" in text and "CN¥300,000.00 less than the contract" in text
    assert db.session.scalar(select(ResearchContract).where(
        ResearchContract.project_id == project.id)) is None
    response = post(client, f"/projects/{project.id}/contracts/new", dict(short, confirmed="1"))
    assert response.status_code == 302
    contract = db.session.scalar(select(ResearchContract).where(
        ResearchContract.project_id == project.id))
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "CN¥300,000.00 less than the contract" in page  # and the contract page says so
    instalment = contract.instalments[0]
    too_much = post(client, f"/instalments/{instalment.id}/payments",
                    {"received_on": "2026-03-02", "amount": "800000"})
    assert too_much.status_code == 400 and "outstanding" in too_much.get_data(as_text=True)
    ok = post(client, f"/instalments/{instalment.id}/payments",
              {"received_on": "2026-03-02", "amount": "700000"})
    assert ok.status_code == 302
    assert "技术开发合同" in client.get("/contracts/?by=project").get_data(as_text=True)
    outsider = app.test_client()
    login(outsider, make_user(Role.PROJECT_MANAGER))
    assert outsider.get(f"/contracts/{contract.id}").status_code == 404
    assert post(outsider, f"/instalments/{instalment.id}/payments",
                {"received_on": "2026-03-02", "amount": "1"}).status_code == 404
    assert "技术开发合同" not in outsider.get("/contracts/").get_data(as_text=True)
    evaluator = app.test_client()
    login(evaluator, make_user(Role.EVALUATOR))
    assert evaluator.get("/contracts/").status_code == 403


def test_payments_are_dated_between_the_signing_and_today():
    from datetime import timedelta

    from tracker.dates import today

    project = make_project()
    contract = record(project, "1000", signed=date(2026, 2, 1))
    with pytest.raises(Invalid, match="future"):
        services.record_payment(project.pm, contract.instalments[0], today() + timedelta(days=1),
                                D("10"))
    with pytest.raises(Invalid, match="before the contract was signed"):
        services.record_payment(project.pm, contract.instalments[0], date(2026, 1, 31), D("10"))


def test_a_contract_number_is_unique_in_its_institute_only(client):
    project = make_project()
    sibling = make_project(institute=project.institute)
    elsewhere = make_project()
    kw = {"enterprise_id": make_enterprise().id, "title": "Contract",
          "type": ContractType.DEVELOPMENT, "amount": D("1000"), "signed_on": date(2026, 2, 1),
          "instalments": []}
    services.record_contract(project.pm, project, number=" AM-2026-01 ", **kw)
    with pytest.raises(Invalid) as refused:
        services.record_contract(sibling.pm, sibling, number="AM-2026-01", **kw)
    assert refused.value.field == "number"
    assert services.record_contract(elsewhere.pm, elsewhere, number="AM-2026-01",
                                    **kw).number == "AM-2026-01"
    # The page asks for it and says the same.
    login(client, sibling.pm)
    page = post(client, f"/projects/{sibling.id}/contracts/new", {
        "number": "AM-2026-01", "title": "Second", "enterprise_id": kw["enterprise_id"],
        "type": "development", "amount": "1000", "signed_on": "2026-02-01"})
    assert page.status_code == 400
    assert "The institute has a contract numbered AM-2026-01 already." in page.get_data(
        as_text=True)
