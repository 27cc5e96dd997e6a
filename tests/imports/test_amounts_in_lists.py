"""An amount in a list of a cell is written as in a cell of its own, thousands separators
included (`1,500,000`, as every amount column and the forms read it): a round's investors,
separated by commas, were split inside their amounts ("X 基金: 外部投资方: 5,000,000: 领投,
市引导基金: 国有基金: 2,000,000" was refused as "At most 5 investors a round", found by an HQ
admin importing a company with two)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.imports.helpers import run
from tests.imports.test_companies import KEYS, ROW, _setting_with_project
from tracker import db
from tracker.companies.models import FinancingRound
from tracker.imports.companies import rounds
from tracker.imports.models import ImportState


@pytest.mark.parametrize("investors", [
    "X 基金: 外部投资方: 8,000,000: 领投, 市引导基金: 国有基金: 2,000,000.00",
    "X 基金: 外部投资方: 8，000，000: 领投，市引导基金: 国有基金: 2000000",
    "X 基金: 外部投资方: 8000000: 领投,市引导基金: 国有基金: 2,000,000"])
def test_a_rounds_investors_amounts_may_have_thousands_separators(investors):
    [(_name, _on, pre_money, read)] = rounds(f"A | 2022-05-01 | 30,000,000 | {investors}")
    assert pre_money == Decimal("30000000")
    assert [(n, a, lead) for n, _k, a, lead in read] == [
        ("X 基金", Decimal("8000000"), True), ("市引导基金", Decimal("2000000"), False)]


def test_a_company_whose_round_writes_amounts_so_is_imported():
    admin = _setting_with_project()
    row = ROW[:9] + ["A | 2022-05-01 | 10,000,000 | Fund X: investor: 6,000,000: lead, "
                     "City fund: state_fund: 4,000,000"]
    result = run(admin, "companies", [KEYS, row])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    financing = db.session.scalar(select(FinancingRound))
    assert financing.amount == Decimal("10000000")
    again = run(admin, "companies", [KEYS, ROW])  # the same round, written without them
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
