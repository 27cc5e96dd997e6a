"""The annual report's licence income and its distribution net a reversed receipt out, in the
year of the reversal (issue 16): the world's 2025 receipt of X2 (50,000, 30,000 to the
contributors) reversed in 2026 leaves 2025 as it was reported and takes it back from 2026."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from tests.factories import _commit
from tracker import db
from tracker.achievements import deal_corrections
from tracker.achievements.deal_models import IncomeReceipt
from tracker.reports import annual


def _licence(report) -> dict:
    return {row.figure: (row.previous.amount, row.current.amount) for row in report.rows()
            if not row.institute_code and row.figure.startswith("licence_income")}


def test_a_reversed_receipt_leaves_the_licence_income_and_its_distribution(net):
    assert _licence(annual.build(2026)) == {
        "licence_income": (D("50000"), D("100000")),
        "licence_income_distributed": (D("30000"), D("45000"))}
    x2 = db.session.scalar(select(IncomeReceipt).where(
        IncomeReceipt.received_on == date(2025, 11, 1)))
    t1 = db.session.scalar(select(IncomeReceipt).where(
        IncomeReceipt.received_on == date(2026, 3, 1)))
    deal_corrections.reverse_income(net["admin"], x2, date(2026, 1, 10), "Another licence's")
    deal_corrections.reverse_income(net["admin"], t1, date(2026, 3, 1), "Typed twice")
    _commit()
    assert _licence(annual.build(2026)) == {
        "licence_income": (D("50000"), D("-50000")),
        "licence_income_distributed": (D("30000"), D("-30000"))}
