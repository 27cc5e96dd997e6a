"""A network's ledgers come in with their reversals (issue 13, 'reversals don't import into an
empty database'): a reversal written in its ledger's cell (`reversal | N | date | reason`)
names an earlier entry of the same cell, and is recorded by the ledger's own reversing
service after it, in one import, into a database that had neither; the export writes it so,
and an empty database given the exported files holds the same ledgers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tests.factories import make_enterprise
from tests.imports import test_contracts, test_funding, test_ip_deals
from tests.imports.helpers import run
from tests.imports.test_empty_database import _populate, _rows, empty_network, import_in_order
from tests.imports.test_milestones import _project
from tests.imports.test_projects import _setting
from tracker import db
from tracker.achievements import deal_corrections
from tracker.achievements.deal_models import IncomeReceipt, Transfer
from tracker.contracts import services as contracts
from tracker.contracts.models import Payment, ResearchContract
from tracker.funding.models import Disbursement, FundingAgreement
from tracker.imports import export
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState


def _exported(kind: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(export_csv(kind).decode())))
    return rows[1][rows[0].index(column)]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


PAYMENTS = ("1: 2019-07-05: 1500000; reversal | 1 | 2019-07-20 | recorded against the wrong "
            "contract; 1: 2019-07-25: 1500000; 2: 2020-07-10: 1000000")


def test_a_payment_and_its_reversal_come_in_together_and_again_change_nothing():
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    row = test_contracts._row(project.code, payments=PAYMENTS)
    result = run(admin, "contracts", [test_contracts.COLUMNS, row])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    contract = db.session.scalar(select(ResearchContract))
    first, reversal, again, second = db.session.scalars(select(Payment).order_by(Payment.id))
    assert (reversal.reverses_id, reversal.amount, reversal.received_on, reversal.reason) == (
        first.id, Decimal("-1500000"), date(2019, 7, 20), "recorded against the wrong contract")
    assert [i.received for i in contract.instalments] == [Decimal("1500000"),
                                                          Decimal("1000000")]
    assert _exported("contracts", "payments") == PAYMENTS
    assert run(admin, "contracts", [test_contracts.COLUMNS, row]).unchanged == 1
    assert _count(Payment) == 4


def test_a_reversal_that_names_no_entry_it_can_reverse_is_refused_and_nothing_written():
    admin, _pm = _setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    cells = {
        "reversal | 2 | 2019-07-20 | later": "names an earlier entry",
        "1: 2019-07-05: 1500000; reversal | 1 | 2019-07-20 | once; reversal | 1 | "
        "2019-07-21 | twice": "reversed already",
        "1: 2019-07-05: 1500000; reversal | 1 | 2019-07-20 | ": "say why",
        "1: 2019-07-05: 1500000; reversal | 1 | 2019-07-01 | too early": "on or after",
        "1: 2019-07-05: -1500000": "write a reversal as reversal |"}
    rows = [test_contracts._row(project.code, payments=text, number=f"RB-{n}")
            for n, text in enumerate(cells)]
    result = run(admin, "contracts", [test_contracts.COLUMNS, *rows])
    assert [(r, c) for r, c, _m in result.errors] == [
        (n, "Payments received") for n in range(2, 7)], result.errors
    for (_row, _column, message), expected in zip(result.errors, cells.values(), strict=True):
        assert expected.casefold() in message.casefold(), (expected, message)
    assert (_count(ResearchContract), _count(Payment)) == (0, 0)


def test_a_disbursement_and_its_reversal_come_in_together():
    admin, committee = test_funding._setting_with_history()
    paid = ("1: 2019-06-10: 1000000: HQ-2019-017; reversal | 1 | 2019-06-12 | paid to the "
            "wrong account; 1: 2019-06-15: 1000000: HQ-2019-018")
    row = [*test_funding.ROW[:10], paid, *test_funding.ROW[11:]]
    result = run(admin, "funding", [test_funding.KEYS, row])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    first, reversal, again = db.session.scalars(select(Disbursement).order_by(Disbursement.id))
    assert (reversal.reverses_id, reversal.amount, reversal.recorded_by_id) == (
        first.id, Decimal("-1000000"), committee.id)
    assert db.session.scalar(select(FundingAgreement)).disbursed == Decimal("1000000")
    assert _exported("funding", "disbursements") == paid
    assert run(admin, "funding", [test_funding.KEYS, row]).unchanged == 1


def test_a_receipt_and_its_reversal_come_in_together_with_the_contributors_parts_undone():
    admin = test_ip_deals._setting()
    receipts = ("2023-02-01 | 500000 | upfront; reversal | 1 | 2023-02-03 | the licensee's "
                "deposit, not the upfront payment; 2023-02-10 | 500000 | upfront")
    row = [*test_ip_deals.DEAL[:17], receipts]
    result = run(admin, "ip_deals", [test_ip_deals.KEYS, row])
    assert result.state is ImportState.DONE, result.errors
    first, reversal, again = db.session.scalars(select(IncomeReceipt).order_by(IncomeReceipt.id))
    assert reversal.reverses_id == first.id
    assert [s.amount for s in reversal.shares] == [-s.amount for s in first.shares]
    assert db.session.scalar(select(Transfer)).upfront_received == Decimal("500000")
    assert _exported("ip_deals", "receipts") == receipts
    assert run(admin, "ip_deals", [test_ip_deals.KEYS, row]).unchanged == 1


def test_ledgers_reversed_on_their_pages_come_round_trip_into_an_empty_database(app, tmp_path):
    """The reversals a network made on its pages (a contract's payment, a licence's income)
    are exported and imported into an empty database with the rest: the same files again
    there. (This world's disbursements were converted into shares, which no import reverses:
    a disbursement's reversal comes in by the test above.)"""
    admin = _populate()
    payment = db.session.scalars(select(Payment).order_by(Payment.id)).first()
    contracts.reverse_payment(admin, payment, payment.received_on, "entered twice")
    receipt = db.session.scalars(select(IncomeReceipt).order_by(IncomeReceipt.id)).first()
    deal_corrections.reverse_income(admin, receipt, receipt.received_on, "a deposit")
    db.session.commit()
    db.session.expire_all()  # read as a new request's export reads them, in the ledgers' order
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert all("reversal |" in exported[k].decode() for k in ("contracts", "ip_deals"))
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        assert (_count(Payment), _count(IncomeReceipt)) == (
            len(_rows(exported["contracts"])[1][-1].split(";")),
            len(_rows(exported["ip_deals"])[1][-1].split(";")))
        again = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert {k: v.decode() for k, v in again.items()} == {
        k: v.decode() for k, v in exported.items()}


def test_a_report_reversed_and_reported_again_comes_in_with_the_income_against_each():
    """A licensee's report of the first quarter, paid, found wrong: the receipt reversed,
    then the report, then the quarter reported again and paid. The reports cell names the
    reversal after its report; the receipts against the reversed report, and their reversal,
    are recorded before it, as the deal's page required."""
    admin = test_ip_deals._setting()
    reports = ("2023-04-10: 1000000; reversal | 1 | 2023-04-20 | the base included VAT; "
               "2023-04-25: 900000; 2023-07-08: 800000")
    receipts = ("2023-02-01 | 500000 | upfront; 2023-04-15 | 50000 | royalty | 1; "
                "reversal | 2 | 2023-04-18 | against a wrong report; "
                "2023-05-02 | 45000 | royalty | 3")
    row = [*test_ip_deals.DEAL[:16], reports, receipts]
    result = run(admin, "ip_deals", [test_ip_deals.KEYS, row])
    assert result.state is ImportState.DONE, result.errors
    deal = db.session.scalar(select(Transfer))
    first, again, later = sorted(deal.reports, key=lambda r: r.id)
    assert (first.reversal.reason, again.period_end, later.period_end) == (
        "the base included VAT", first.period_end, date(2023, 6, 30))
    assert [r.report_id for r in deal.receipts if r.pays.value == "royalty"] == [
        first.id, first.id, again.id]
    assert (_exported("ip_deals", "reports"), _exported("ip_deals", "receipts")) == (
        reports, receipts)
    assert run(admin, "ip_deals", [test_ip_deals.KEYS, row]).unchanged == 1
