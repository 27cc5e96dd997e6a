"""Importing spin-off companies: the company through its form and `record_company`, the cap
table at incorporation through `incorporate` and each financing round through `record_round`;
the imported cap tables give the percentages they had, and the export writes the file back."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tests.imports.helpers import another_company, run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.companies import ledger
from tracker.companies.models import (
    Acquisition,
    Company,
    FinancingRound,
    HolderType,
    ShareEntry,
)
from tracker.imports.cap_tables import holdings
from tracker.imports.companies import rounds
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState

KEYS = ["name", "uscc", "registered_on", "registered_capital", "legal_representative",
        "project_codes", "incorporated_on", "total_shares", "holdings", "rounds"]
ROW = ["苏州精密传感科技有限公司", "913200000000000013", "2020-03-01", "10000000", "李明",
       "TEST-2019-0042", "2020-03-01", "10000000",
       "Team Li | team | 6000000 | ip | Pressure sensor | 2025-03-01; JITRI | hq | 3000000; "
       "Incentive pool | incentive_pool | 1000000",
       "A | 2022-05-01 | 10000000 | Fund X: investor: 6000000: lead, "
       "City fund: state_fund: 4000000"]


def _setting_with_project():
    admin, pm = _setting()
    result = run(admin, "projects", [HEADER, _row(phase="investment_decision",
                                                  passed="1: 2019-05-20; 2: 2019-12-01")])
    assert result.state is ImportState.DONE, result.errors
    return admin


def test_a_company_comes_in_with_its_cap_table_and_rounds_at_the_same_percentages():
    admin = _setting_with_project()
    result = run(admin, "companies", [KEYS, ROW])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    company = db.session.scalar(select(Company))
    assert ([p.code for p in company.projects], company.registered_on) == (
        ["TEST-2019-0042"], date(2020, 3, 1))
    founders = ledger.cap_table(company, date(2020, 3, 1))
    assert [(h.holder.name, h.shares, h.pct) for h in founders.rows] == [
        ("Team Li", Decimal("6000000"), Decimal("60.00")),
        ("JITRI", Decimal("3000000"), Decimal("30.00")),
        ("Incentive pool", Decimal("1000000"), Decimal("10.00"))]
    # The round at 1 CNY a share (10 M pre-money over 10 M shares).
    financing = db.session.scalar(select(FinancingRound))
    assert (financing.price_per_share, financing.amount) == (Decimal("1"), Decimal("10000000"))
    after = ledger.cap_table(company, date(2022, 5, 1))
    assert after.issued == Decimal("20000000")
    assert [(h.holder.name, h.pct) for h in after.rows] == [
        ("Fund X", Decimal("30.00")), ("Team Li", Decimal("30.00")),
        ("City fund", Decimal("20.00")), ("JITRI", Decimal("15.00")),
        ("Incentive pool", Decimal("5.00"))]
    assert list(csv.reader(io.StringIO(export_csv("companies").decode()))) == [
        [*KEYS, "issues", "transfers", "conversions", "reversed_exits", "exit",
         "recorded_order"],
        [*ROW, "", "", "", "", "", ""]]
    entries = db.session.scalar(select(func.count()).select_from(ShareEntry))
    again = run(admin, "companies", [KEYS, ROW])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    # A second round the file adds is recorded; the rest changes nothing.
    more = ROW[:9] + [ROW[9] + "; B | 2024-01-10 | 80000000 | Fund Z: investor: 20000000"]
    third = run(admin, "companies", [KEYS, more])
    assert (third.state, third.updated) == (ImportState.DONE, 1), third.errors
    assert db.session.scalar(select(func.count()).select_from(ShareEntry)) == entries + 1


def test_a_bad_company_row_imports_nothing_and_names_row_and_column():
    admin = _setting_with_project()
    too_much_team = ROW[:8] + ["Team Li | team | 9500000; JITRI | hq | 500000", ""]
    bad_code = [ROW[0], "913200000000000014"] + ROW[2:8] + [ROW[8], ""]
    no_date = another_company(ROW[:6] + ["", ""] + [ROW[8], ""], 1)
    bad_round = another_company(ROW[:9] + ["A | 2022-05-01 | 30000000 | Fund X: investor: 0"], 2)
    result = run(admin, "companies", [KEYS, too_much_team, bad_code, no_date, bad_round])
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Cap table at incorporation"), (3, "Unified social credit code"),
        (4, "Incorporated on"),
        # A round of nothing: both its amount and its one investor's, in the same answer.
        (5, "Financing rounds"), (5, "Financing rounds")], result.errors
    assert "Team holding" in result.errors[0][2]
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_holder_types_payment_and_the_lead_are_read_in_chinese_as_the_notes_write_them():
    lines, total = holdings("李明团队 | 研发团队 | 6000000 | 知识产权 | 传感器 | 2027-12-31; "
                            "产研院 | 总部 | 4000000", "2020-03-01", "")
    assert [(n, k, a) for n, k, _s, a, _t, _lock in lines] == [
        ("李明团队", HolderType.TEAM, Acquisition.IP), ("产研院", HolderType.HQ, Acquisition.CASH)]
    assert total == Decimal("10000000")
    [(_name, _on, _pre, investors)] = rounds(
        "A | 2022-05-01 | 30000000 | X 基金: 外部投资方: 8000000: 领投, "
        "市引导基金: 国有基金: 2000000")
    assert [(n, k, lead) for n, k, _a, lead in investors] == [
        ("X 基金", HolderType.INVESTOR, True), ("市引导基金", HolderType.STATE_FUND, False)]


def test_a_company_imported_before_its_registration_is_found_again_once_registered_or_renamed():
    """A company without a credit code is found by its name (issue 13): a row giving it the
    code it was registered with since updates it, rather than recording a second company;
    a row without a code whose name finds none, while its projects are the company's,
    changes its name, and is refused beside the name, naming it."""
    admin = _setting_with_project()
    unregistered = [ROW[0], "", "", "", "", ROW[5]]  # no cap table before registration
    keys = KEYS[:6]
    first = run(admin, "companies", [keys, unregistered])
    assert first.created == 1, first.errors
    renamed = ["苏州精密传感有限公司", *unregistered[1:]]
    result = run(admin, "companies", [keys, renamed])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Name")], result.errors
    assert f"{ROW[0]} is recorded without a credit code for these projects" in (
        result.errors[0][2])
    registered = ROW[:6]
    result = run(admin, "companies", [keys, registered])
    assert (result.state, result.updated) == (ImportState.DONE, 1), result.errors
    [company] = db.session.scalars(select(Company)).all()
    assert (company.uscc, company.registered_on) == (ROW[1], date(2020, 3, 1))
