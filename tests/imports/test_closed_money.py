"""A project imported as closed (completed, spun off, terminated) takes its money history too
(issue 13 point 1): the contracts file and the funding file bring in what was signed, decided
and paid on or before the day it closed, through the services the forms use
(`tracker.projects.closed.open_refusal`: a closed project takes no new record dated after it
closed). Again, the same files change nothing; a row dated after the closing is refused in its
column, in the reader's language; the forms, which record now, still refuse."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_enterprise, make_user
from tests.imports.helpers import run
from tests.imports.paths import both_paths
from tests.imports.test_closed_projects import COLUMNS as PROJECT_COLUMNS
from tests.imports.test_closed_projects import _closed
from tests.imports.test_contracts import COLUMNS as CONTRACT_COLUMNS
from tests.imports.test_contracts import _row as _contract
from tests.imports.test_funding import KEYS
from tests.imports.test_paths_agree import same
from tests.imports.test_projects import _setting
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.contracts.models import Payment, ResearchContract
from tracker.funding.models import Disbursement, FundingAgreement, Tranche
from tracker.imports.contracts_bulk import BulkContracts
from tracker.imports.funding_bulk import BulkFunding
from tracker.imports.models import ImportRun, ImportState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

# Each closed on 30 June 2018: gate 2's GO into completed, gate 4's into spun off, gate 2's
# KILL.
COMPLETED, SPUN_OFF, TERMINATED = "TEST-2016-0001", "TEST-2016-0002", "TEST-2016-0003"
CLOSED_ON = "2018-06-30"


def _network():
    admin, _pm = _setting()
    make_enterprise(name="Pump Works")
    make_user(Role.INVESTMENT_COMMITTEE, email="committee@import.cn")
    result = run(admin, "projects", [
        PROJECT_COLUMNS,
        _closed(COMPLETED, "completed", start="2016-03-01",
                passed=f"1: 2016-05-01; 2: {CLOSED_ON}"),
        _closed(SPUN_OFF, "spun_off", start="2016-03-01",
                passed=f"1: 2016-05-01; 2: 2017-06-30; 3: 2018-01-15; 4: {CLOSED_ON}"),
        _closed(TERMINATED, "terminated", "contract_research", "No market; funds settled",
                start="2016-03-01", passed=f"1: 2016-05-01; 2: {CLOSED_ON}")])
    assert (result.state, result.created) == (ImportState.DONE, 3), result.errors
    projects = {p.code: p for p in db.session.scalars(select(Project))}
    assert [projects[c].phase for c in (COMPLETED, SPUN_OFF, TERMINATED)] == [
        Phase.COMPLETED, Phase.SPUN_OFF, Phase.TERMINATED]
    return admin, projects


def _contracts(signed: str = "2016-06-01") -> list[list[str]]:
    """A contract a project, signed and paid before it closed (the completed one's second
    payment after: money a closed project's contract brings is recorded, by its form too)."""
    return [CONTRACT_COLUMNS] + [
        _contract(code, number=f"RB-2016-{n}", signed=signed,
                  instalments="2016-07-01: 1500000; 2018-07-01: 3000000",
                  payments="1: 2016-07-05: 1500000; 2: " + (
                      "2018-08-10" if code == COMPLETED else "2018-06-20") + ": 1000000")
        for n, code in enumerate((COMPLETED, SPUN_OFF, TERMINATED), start=1)]


def _agreement(code: str, signed: str = "2016-06-01", tranches: str = "",
               paid: str = "") -> list[str]:
    return [code, "committee@import.cn", "3000000", "", "", "", "10000000", signed,
            "2031-06-01", tranches, paid, "", "", "", "", "", ""]


def _funding() -> list[list[str]]:
    """An agreement a project, with tranches on gates 1 and 2, paid before it closed (the
    terminated one's gate 2 was its KILL: its tranche was never payable)."""
    return [KEYS,
            _agreement(COMPLETED, tranches="1000000 | gate 1; 2000000 | gate 2",
                       paid=f"1: 2016-06-10: 1000000; 2: {CLOSED_ON}: 500000"),
            _agreement(SPUN_OFF, tranches="1000000 | gate 1; 2000000 | gate 2",
                       paid="1: 2016-06-10: 1000000; 2: 2017-07-01: 2000000"),
            _agreement(TERMINATED, tranches="1000000 | gate 1; 2000000 | gate 2",
                       paid="1: 2016-06-10: 600000; 1: 2018-06-01: 400000")]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _imported(kind: str, rows: list[list[str]], adapter: type, tables: set[str],
              monkeypatch) -> tuple[User, ImportRun]:
    """`rows` imported into the closed projects by the bulk path and by the row-by-row path,
    which write the same; the importing admin, and the row-by-row path's run, which stays."""
    admin, _projects = _network()
    same(*both_paths(admin, kind, rows, adapter, monkeypatch), tables)
    result = db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()).limit(1))
    assert (result.state, result.created) == (ImportState.DONE, 3), result.errors
    return admin, result


def _again_nothing(admin: User, kind: str, rows: list[list[str]]) -> None:
    """The same file again: every row found unchanged, no audit record but the run's own."""
    records = _count(AuditRecord)
    again = run(admin, kind, rows)
    assert (again.state, again.unchanged) == (ImportState.DONE, 3), again.errors
    assert _count(AuditRecord) == records + 1


def test_closed_projects_take_their_contracts_by_either_path_and_again_nothing(monkeypatch):
    admin, result = _imported("contracts", _contracts(), BulkContracts, {
        "research_contracts", "instalments", "payments", "audit_records"}, monkeypatch)
    contracts = {c.project.code: c for c in db.session.scalars(select(ResearchContract))}
    assert {code: (str(c.signed_on), c.received) for code, c in contracts.items()} == {
        code: ("2016-06-01", 2500000) for code in (COMPLETED, SPUN_OFF, TERMINATED)}
    # The audit says the import recorded each, and its payments.
    for contract in contracts.values():
        assert sorted((r.action, r.changes["import"][1]) for r in db.session.scalars(
            select(AuditRecord).where(AuditRecord.object_type == "research_contracts",
                                      AuditRecord.object_id == contract.id))) == [
            ("contract.payment", result.id), ("contract.payment", result.id),
            ("contract.record", result.id)]
    _again_nothing(admin, "contracts", _contracts())
    assert (_count(ResearchContract), _count(Payment)) == (3, 6)


def test_closed_projects_take_their_funding_by_either_path_and_again_nothing(monkeypatch):
    admin, result = _imported("funding", _funding(), BulkFunding, {
        "funding_agreements", "tranches", "disbursements", "audit_records"}, monkeypatch)
    agreements = {a.project.code: a for a in db.session.scalars(select(FundingAgreement))}
    assert {code: (len(a.tranches), a.disbursed) for code, a in agreements.items()} == {
        COMPLETED: (2, 1500000), SPUN_OFF: (2, 3000000), TERMINATED: (2, 1000000)}
    agreed = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action.in_(["funding.agree", "funding.tranche", "funding.disburse"])))
    assert {r.changes["import"][1] for r in agreed} == {result.id}
    _again_nothing(admin, "funding", _funding())
    assert (_count(FundingAgreement), _count(Tranche), _count(Disbursement)) == (3, 6, 6)


def test_a_row_dated_after_the_closing_is_refused_in_its_column(monkeypatch):
    """A contract or an agreement signed after the project closed, a disbursement of the
    terminated project paid after it ended: each refused beside its column, in English and in
    Chinese, by either path, and nothing is written."""
    admin, _projects = _network()
    contract_rows = [CONTRACT_COLUMNS, *_contracts()[1:2], _contract(
        SPUN_OFF, number="RB-2016-9", signed="2018-07-02", instalments="2018-08-01: 100",
        payments="")]
    funding_rows = [KEYS, _agreement(COMPLETED, signed="2018-07-02"), _agreement(
        TERMINATED, tranches="1000000 | gate 1", paid="1: 2018-07-10: 1000")]
    contracts, funding = run(admin, "contracts", contract_rows), run(admin, "funding",
                                                                     funding_rows)
    with force_locale("en"):
        assert [tuple(e) for e in contracts.errors] == [
            (3, "Signed on", "Jul 2, 2018 is after the project closed on Jun 30, 2018: its "
                             "contracts and agreements are signed by then.")]
        assert [tuple(e) for e in funding.errors] == [
            (2, "Signed on", "Jul 2, 2018 is after the project closed on Jun 30, 2018: its "
                             "contracts and agreements are signed by then."),
            (3, "Disbursements", "Jul 10, 2018 is after the project closed on Jun 30, 2018: a "
                                 "closed project takes only what happened by then.")]
    with force_locale("zh_CN"):
        assert [(r, c) for r, c, _m in contracts.errors + funding.errors] == [
            (3, "Signed on"), (2, "签订日期"), (3, "拨付记录")]  # headers as the file wrote them
        assert [m for _r, _c, m in funding.errors] == [
            "2018年7月2日晚于项目关闭日期2018年6月30日：项目的合同和协议在此之前签订。",
            "2018年7月10日晚于项目关闭日期2018年6月30日：已关闭的项目只接收此前发生的记录。"]
    assert (contracts.state, funding.state) == (ImportState.FAILED, ImportState.FAILED)
    assert (_count(ResearchContract), _count(FundingAgreement)) == (0, 0)
    # The row-by-row path refuses them alike.
    monkeypatch.setattr(BulkContracts, "batch", lambda self, actor: None)
    monkeypatch.setattr(BulkFunding, "batch", lambda self, actor: None)
    assert run(admin, "contracts", contract_rows).errors == contracts.errors
    assert run(admin, "funding", funding_rows).errors == funding.errors


def test_the_forms_still_refuse_a_closed_projects_money(client):
    """The forms record now, after every closing day: a contract or an agreement of a closed
    project, dated before it closed, is refused (409) with the project's state; so is a
    disbursement of the terminated project's imported agreement."""
    admin, projects = _network()
    funding = [row for row in _funding() if row[0] != SPUN_OFF]
    assert run(admin, "funding", funding).state is ImportState.DONE
    login(client, admin)
    completed = projects[COMPLETED]
    response = post(client, f"/projects/{completed.id}/contracts/new", {
        "number": "RB-2016-8", "title": "Pump", "enterprise_id": "1", "type": "development",
        "amount": "1000", "signed_on": "2016-06-01", "instalments-0-due_date": "2016-07-01",
        "instalments-0-amount": "1000"})
    assert response.status_code == 409
    assert "is completed: nothing of it changes any more" in response.get_data(as_text=True)
    login(client, db.session.scalar(select(FundingAgreement)).decided_by)
    spun_off = projects[SPUN_OFF]
    response = post(client, f"/projects/{spun_off.id}/funding/agreement", {
        "committed": "1000", "hq_ratio": "1", "qualifying_round_min": "0",
        "signed_on": "2016-06-01", "conversion_deadline": "2030-01-01"})
    assert response.status_code == 409
    assert "is spun off: nothing of it changes any more" in response.get_data(as_text=True)
    tranche = db.session.scalar(select(Tranche).join(FundingAgreement).where(
        FundingAgreement.project_id == projects[TERMINATED].id, Tranche.number == 1))
    response = post(client, f"/funding/tranches/{tranche.id}/disburse", {
        "amount": "1000", "paid_on": "2018-06-01"})
    assert response.status_code == 409
    assert "only the settlement of what was paid remains" in response.get_data(as_text=True)
    assert (_count(ResearchContract), _count(Disbursement)) == (0, 4)
