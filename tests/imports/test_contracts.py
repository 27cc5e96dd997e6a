"""Importing research contracts with their instalments and payments: the contract form and
`record_contract`, then `record_payment` for each payment; found again by number in the
institute."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from tests.factories import make_enterprise
from tests.imports.helpers import run
from tests.imports.test_milestones import _project
from tests.imports.test_projects import _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.contracts.models import Payment, ResearchContract
from tracker.imports.models import ImportState

COLUMNS = ["Project code", "Contract number", "Title", "Enterprise credit code or name",
           "Type", "Amount (CNY)", "Signed on", "Instalments", "Payments received"]


def _row(code, **changes) -> list[str]:
    row = {"project": code, "number": "RB-2019-007", "title": "Hydraulic pump development",
           "enterprise": "Pump Works", "type": "技术开发", "amount": "4,500,000",
           "signed": "2019-06-01", "instalments": "2019-07-01: 1500000; 2020-07-01: 3000000",
           "payments": "1: 2019-07-05: 1500000; 2: 2020-07-10: 1000000"}
    row.update(changes)
    return list(row.values())


def test_a_contract_comes_in_with_its_schedule_and_payments_and_again_changes_nothing():
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    result = run(admin, "contracts", [COLUMNS, _row(project.code)])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    contract = db.session.scalar(select(ResearchContract))
    assert (contract.number, contract.amount, contract.type.value) == (
        "RB-2019-007", Decimal("4500000.00"), "development")
    assert [(i.due_date.isoformat(), i.amount, i.received) for i in contract.instalments] == [
        ("2019-07-01", Decimal("1500000.00"), Decimal("1500000.00")),
        ("2020-07-01", Decimal("3000000.00"), Decimal("1000000.00"))]
    assert {p.recorded_by_id for p in db.session.scalars(select(Payment))} == {admin.id}
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    again = run(admin, "contracts", [COLUMNS, _row(project.code)])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 1
    # A payment the file adds is recorded; the contract is found by its number, not doubled.
    more = run(admin, "contracts", [COLUMNS, _row(
        project.code, payments="1: 2019-07-05: 1500000; 2: 2020-07-10: 1000000; "
                               "2: 2021-01-10: 2000000")])
    assert (more.state, more.updated) == (ImportState.DONE, 1), more.errors
    assert db.session.scalar(select(func.count()).select_from(ResearchContract)) == 1
    assert contract.received == Decimal("4500000.00")


def test_bad_contract_rows_import_nothing_and_name_row_and_column():
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    rows = [COLUMNS,
            _row(project.code),
            _row(project.code, number="RB-2019-008", instalments="2019-05-01: 100"),
            _row(project.code, number="RB-2019-009", payments="1: 2019-07-05: 9000000"),
            _row(project.code, number="RB-2019-010", type="gift"),
            _row(project.code, number="RB-2019-011", payments="3: 2019-07-05: 10"),
            _row(project.code, number="")]
    result = run(admin, "contracts", rows)
    assert result.state is ImportState.FAILED
    assert db.session.scalar(select(func.count()).select_from(ResearchContract)) == 0
    by_row = {(r, c) for r, c, _m in result.errors}
    assert by_row == {(3, "Instalments"), (4, "Payments received"), (5, "Type"),
                      (6, "Payments received"), (7, "Contract number")}, result.errors
    messages = {r: m for r, _c, m in result.errors}
    assert "before the signing date" in messages[3]
    assert "outstanding" in messages[4]


def test_a_changed_contract_updates_and_a_dropped_payment_is_refused():
    """Issue 13, F19: a changed row corrects the contract's terms as its edit page does, and
    the audit names the import; a payment is reversed on its page, not dropped by a file."""
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    assert run(admin, "contracts", [COLUMNS, _row(project.code)]).state is ImportState.DONE
    changed = run(admin, "contracts", [COLUMNS, _row(project.code, amount="5000000",
                                                     title="Pump development")])
    assert (changed.state, changed.updated) == (ImportState.DONE, 1), changed.errors
    contract = db.session.scalar(select(ResearchContract))
    assert (contract.amount, contract.title) == (Decimal("5000000.00"), "Pump development")
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "contract.update"))
    assert record.changes["import"] == [None, changed.id]
    again = run(admin, "contracts", [COLUMNS, _row(project.code, amount="5000000",
                                                   title="Pump development")])
    assert (again.state, again.unchanged, again.updated) == (ImportState.DONE, 1, 0)
    dropped = run(admin, "contracts", [COLUMNS, _row(
        project.code, amount="5000000", title="Pump development",
        payments="1: 2019-07-05: 1500000")])
    assert [(r, c) for r, c, _m in dropped.errors] == [(2, "Payments received")]


def _schedule(contract) -> list[tuple[str, Decimal, Decimal]]:
    db.session.expire(contract, ["instalments"])
    return [(i.due_date.isoformat(), i.amount, i.received) for i in contract.instalments]


def test_a_changed_schedule_is_corrected_instalment_by_instalment_as_on_the_contracts_page():
    """Issue 13: a changed schedule is corrected by the contract page's own services (an
    instalment moved or changed by `save_instalment`, added by `add_instalment`, removed by
    `remove_instalment`), each audited with the import's id; together with a lower value, the
    instalments make room first. What the page refuses is refused beside the column, naming
    the instalment: one with payments against it is not removed, nor asks less than was
    received."""
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    assert run(admin, "contracts", [COLUMNS, _row(project.code)]).state is ImportState.DONE
    contract = db.session.scalar(select(ResearchContract))
    moved = run(admin, "contracts", [COLUMNS, _row(
        project.code, instalments="2019-07-01: 1500000; 2020-08-01: 2000000; "
                                  "2021-01-01: 1000000")])
    assert (moved.state, moved.updated) == (ImportState.DONE, 1), moved.errors
    assert _schedule(contract) == [
        ("2019-07-01", Decimal("1500000.00"), Decimal("1500000.00")),
        ("2020-08-01", Decimal("2000000.00"), Decimal("1000000.00")),
        ("2021-01-01", Decimal("1000000.00"), Decimal("0"))]
    actions = [(r.action, r.changes["import"]) for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.action.like("instalment.%"))
        .order_by(AuditRecord.id))]
    assert actions == [("instalment.update", [None, moved.id]),
                       ("instalment.create", [None, moved.id])]
    again = run(admin, "contracts", [COLUMNS, _row(
        project.code, instalments="2019-07-01: 1500000; 2020-08-01: 2000000; "
                                  "2021-01-01: 1000000")])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    # A lower value with the instalment that made room for it: the schedule first, then the
    # terms (the other way round the page would refuse the value).
    lower = run(admin, "contracts", [COLUMNS, _row(
        project.code, amount="3500000", instalments="2019-07-01: 1500000; 2020-08-01: 2000000")])
    assert (lower.state, lower.updated) == (ImportState.DONE, 1), lower.errors
    assert (contract.amount, len(_schedule(contract))) == (Decimal("3500000.00"), 2)
    refused = run(admin, "contracts", [COLUMNS, _row(
        project.code, amount="3500000", instalments="2019-07-01: 1500000")])
    assert refused.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in refused.errors] == [(2, "Instalments")]
    assert "Jul 1, 2020" not in refused.errors[0][2]
    assert "Aug 1, 2020" in refused.errors[0][2] and "Payments were recorded" in (
        refused.errors[0][2])
    below = run(admin, "contracts", [COLUMNS, _row(
        project.code, amount="3500000", instalments="2019-07-01: 1500000; 2020-08-01: 500000")])
    assert [(r, c) for r, c, _m in below.errors] == [(2, "Instalments")]
    assert "received against this instalment" in below.errors[0][2]
    assert _schedule(contract)[1][1] == Decimal("2000000.00")


def test_an_enterprise_is_found_by_its_english_name_as_its_pages_show_it():
    """Found by a newcomer: a contract file naming the enterprise as English pages show it
    (XCMG Construction Machinery Co., Ltd.) was refused, only the Chinese name or the credit
    code being read, and the refusal ended 'Ltd..'."""
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="徐工集团工程机械股份有限公司",
                    name_en="XCMG Construction Machinery Co., Ltd.")
    refused = run(admin, "contracts", [COLUMNS, _row(project.code, enterprise="Nobody Co., Ltd.")])
    assert refused.state is ImportState.FAILED
    assert refused.errors[0][2] == "No enterprise has the credit code or name Nobody Co., Ltd."
    result = run(admin, "contracts", [COLUMNS, _row(
        project.code, enterprise="xcmg construction machinery co., ltd.")])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert db.session.scalar(select(ResearchContract)).enterprise.name_en == (
        "XCMG Construction Machinery Co., Ltd.")


def test_an_imported_contract_is_signed_in_its_project_s_life():
    """The import asks `record_contract`'s check (tracker/projects/life.py): its project was
    created by the import today, so its start date is the first day of its history."""
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    began = project.start_date.isoformat()
    early = (project.start_date - timedelta(days=1)).isoformat()
    rows = [COLUMNS, _row(project.code, signed=began, instalments="", payments=""),
            _row(project.code, number="RB-2019-008", signed=early, instalments="",
                 payments="")]
    result = run(admin, "contracts", rows)
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [(3, "Signed on")], result.errors
    assert "before the project began" in result.errors[0][2]
    assert run(admin, "contracts", rows[:2]).state is ImportState.DONE
