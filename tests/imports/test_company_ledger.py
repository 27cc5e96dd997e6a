"""A company's ledger after incorporation through the companies import: later issues through
`issue_shares` and transfers through `transfer_shares`, recorded in date order with its rounds,
so the cap tables are those of the same entries typed in on the company's pages."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tests.imports.helpers import run
from tests.imports.test_companies import KEYS as FOUNDING_KEYS
from tests.imports.test_companies import ROW as FOUNDING
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.companies import deals, ledger
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, Company, HolderType, ShareEntry
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.organisations import uscc
from tracker.projects.models import Project

KEYS = [*FOUNDING_KEYS, "issues", "transfers"]
ISSUES = ("Fund Y | investor | 2000000 | 2021-01-15; "
          "Team Li | team | 500000 | 2023-03-01 | ip | Pressure sensor | 2026-03-01")
TRANSFERS = ("JITRI | Park fund | park | 500000 | 2021-06-01; "
             "Fund X | Fund Y | investor | 1000000 | 2023-02-01")
ROW = FOUNDING[:9] + ["A | 2022-05-01 | 12000000 | Fund X: investor: 6000000: lead, "
                      "City fund: state_fund: 4000000", ISSUES, TRANSFERS]
DATES = [date(2020, 3, 1), date(2021, 1, 15), date(2021, 6, 1), date(2022, 5, 1),
         date(2023, 2, 1), date(2023, 3, 1)]


def _setting_with_projects():
    admin, _pm = _setting()
    result = run(admin, "projects", [
        HEADER, _row(phase="investment_decision", passed="1: 2019-05-20; 2: 2019-12-01"),
        _row(code="TEST-2019-0043", phase="investment_decision",
             passed="1: 2019-05-20; 2: 2019-12-01")])
    assert result.state is ImportState.DONE, result.errors
    return admin


def _typed_in(admin) -> Company:
    """The same company's history entered as its pages enter it, one form after another."""
    project = db.session.scalar(select(Project).where(Project.code == "TEST-2019-0043"))
    company = companies.record_company(
        admin, name="Typed in", uscc="91320000000000002" + uscc.check_character(
            "91320000000000002"), registered_on=date(2020, 3, 1),
        registered_capital=Decimal("10000000"), legal_representative="李明",
        project_ids=[project.id])
    line = companies.IssueLine
    companies.incorporate(admin, company, [
        line("Team Li", HolderType.TEAM, Decimal("6000000"), Acquisition.IP, "Pressure sensor",
             date(2025, 3, 1)),
        line("JITRI", HolderType.HQ, Decimal("3000000"), Acquisition.CASH),
        line("Incentive pool", HolderType.INCENTIVE_POOL, Decimal("1000000"), Acquisition.CASH),
    ], date(2020, 3, 1), Decimal("10000000"))
    companies.issue_shares(admin, company, line("Fund Y", HolderType.INVESTOR,
                                                Decimal("2000000"), Acquisition.CASH),
                           date(2021, 1, 15))
    holder = {h.name: h for h in company.holders}
    companies.transfer_shares(admin, company, holder["JITRI"], "Park fund", HolderType.PARK,
                              Decimal("500000"), date(2021, 6, 1))
    deals.record_round(admin, company, name="A", on=date(2022, 5, 1),
                       pre_money=Decimal("12000000"), amount=Decimal("10000000"), investors=[
                           deals.InvestorLine("Fund X", HolderType.INVESTOR, Decimal("6000000"),
                                              lead=True),
                           deals.InvestorLine("City fund", HolderType.STATE_FUND,
                                              Decimal("4000000"))])
    holder = {h.name: h for h in company.holders}
    companies.transfer_shares(admin, company, holder["Fund X"], "Fund Y", HolderType.INVESTOR,
                              Decimal("1000000"), date(2023, 2, 1))
    companies.issue_shares(admin, company, line("Team Li", HolderType.TEAM, Decimal("500000"),
                                                Acquisition.IP, "Pressure sensor",
                                                date(2026, 3, 1)), date(2023, 3, 1))
    return company


def _tables(company: Company) -> list:
    return [[(h.holder.name, h.shares, h.pct) for h in ledger.cap_table(company, on).rows]
            for on in DATES]


def test_issues_and_transfers_come_in_and_give_the_percentages_typed_in_ones_give():
    admin = _setting_with_projects()
    result = run(admin, "companies", [KEYS, ROW])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    imported = db.session.scalar(select(Company).where(Company.uscc == ROW[1]))
    assert _tables(imported) == _tables(_typed_in(admin))
    # The round after the issue: 12 M pre-money over 12 M shares, 1 CNY a share.
    assert imported.rounds[0].price_per_share == Decimal("1")
    last = ledger.cap_table(imported, date(2023, 3, 1))
    # 22.5 M shares: 10 M founding, 2 M issued, 10 M in the round, 0.5 M issued.
    assert [(h.holder.name, h.pct) for h in last.rows][:4] == [
        ("Team Li", Decimal("28.89")), ("Fund X", Decimal("22.22")),
        ("City fund", Decimal("17.78")), ("Fund Y", Decimal("13.33"))]
    [exported] = list(csv.reader(io.StringIO(export_csv("companies").decode())))[1:2]
    assert exported == [*ROW, "", "", "", ""]  # no conversion, no exit, no day ordered otherwise
    entries = db.session.scalar(select(func.count()).select_from(ShareEntry))
    again = run(admin, "companies", [KEYS, ROW])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    # Entries the file adds are recorded, in any order of the cell; nothing else changes.
    more = ROW[:10] + ["Pool top-up | incentive_pool | 100000 | 2024-01-10; " + ISSUES,
                       TRANSFERS + "; Fund Y | Fund Z | investor | 300000 | 2024-02-01"]
    third = run(admin, "companies", [KEYS, more])
    assert (third.state, third.updated) == (ImportState.DONE, 1), third.errors
    assert db.session.scalar(select(func.count()).select_from(ShareEntry)) == entries + 2


def test_a_changed_or_impossible_entry_is_refused_by_row_and_column_and_nothing_is_written():
    admin = _setting_with_projects()
    assert run(admin, "companies", [KEYS, ROW]).state is ImportState.DONE
    entries = db.session.scalar(select(func.count()).select_from(ShareEntry))
    changed = ROW[:10] + [ISSUES.replace("2000000", "2500000"), TRANSFERS]
    result = run(admin, "companies", [KEYS, changed])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Later share issues")], result.errors
    assert "is recorded and missing from the file" in result.errors[0][2]
    # Team shares locked up; more than the holder has; a holder nobody knows.
    locked = "Team Li | Fund Z | investor | 100000 | 2024-01-01"
    too_many = "City fund | Fund Z | investor | 99000000 | 2024-01-01"
    nobody = "Nobody | Fund Z | investor | 1 | 2024-01-01"
    bad = run(admin, "companies", [KEYS, ROW[:11] + [f"{TRANSFERS}; {locked}; {too_many}; "
                                                     f"{nobody}"]])
    assert [(r, c) for r, c, _m in bad.errors] == [
        (2, "Share transfers"), (2, "Share transfers"), (2, "Share transfers")], bad.errors
    assert "locked up" in bad.errors[0][2]
    assert "negative holding" in bad.errors[1][2]
    assert "Nobody holds no shares" in bad.errors[2][2]
    assert db.session.scalar(select(func.count()).select_from(ShareEntry)) == entries


def test_a_later_issue_paid_with_ip_names_its_technology_as_the_page_asks():
    admin = _setting_with_projects()
    row = ROW[:10] + ["Team Li | 研发团队 | 500000 | 2023年3月1日 | 知识产权", ""]
    result = run(admin, "companies", [KEYS, row])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Later share issues")], result.errors
    assert "name the technology" in result.errors[0][2]
