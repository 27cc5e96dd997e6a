"""A number in an entry of a list cell (a ledger's shares, a payment's amount, a contributor's
share) is read by the one rule every number field and single-value cell reads
(`tracker.numbers.ungrouped`, through `cells.number`): thousands separators in groups of three
read, any other comma refused beside its row and column with the form's message, nothing
imported. The lists stripped every comma instead, so "30,00" was 3000 and a European
1000000,00 a hundred times the amount, silently (found by review, issue 13); where a comma
also separates the entries (a round's investors, a receipt's shares) one between digits is the
number's, so that "62,5" is refused as a number, not split in two."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from flask_babel import force_locale

from tests.factories import make_enterprise
from tests.imports import (
    test_achievements,
    test_companies,
    test_company_ledger,
    test_contracts,
    test_funding,
    test_incentive_grants,
    test_ip_deals,
)
from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS as MILESTONE_COLUMNS
from tests.imports.test_milestones import _project
from tests.imports.test_projects import _setting
from tracker import db
from tracker.imports import ip_deals, ledger_lines
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.milestones.models import Milestone
from tracker.numbers import ungrouped


def _contracts_setting():
    admin, _pm = _setting()
    _project(admin)
    make_enterprise(name="Pump Works")
    return admin


def _keys(kind: str) -> list[str]:
    return [c.shown for c in KINDS[kind].columns]


GRANTS = (test_incentive_grants._setting, "incentive_grants", test_incentive_grants.KEYS,
          test_incentive_grants.OPTIONS)
FOUNDING = (test_companies._setting_with_project, "companies", test_companies.KEYS,
            test_companies.ROW)
LEDGER = (test_company_ledger._setting_with_projects, "companies", test_company_ledger.KEYS,
          test_company_ledger.ROW)
EXIT = (test_company_ledger._setting_with_projects, "companies",
        [*test_company_ledger.KEYS, "exit"], [*test_company_ledger.ROW, ""])
ACHIEVEMENTS = (lambda: test_achievements._projects()[0], "achievements",
                test_achievements.KEYS, test_achievements.ROW)
DEALS = (test_ip_deals._setting, "ip_deals", test_ip_deals.KEYS, test_ip_deals.DEAL)
FUNDING = (lambda: test_funding._setting_with_history()[0], "funding", test_funding.KEYS,
           test_funding.ROW)
OUTCOME = (lambda: test_funding._setting_with_history()[0], "funding", test_funding.KEYS,
           ["TEST-2016-0001", "committee@import.cn", "2000000", "", "", "", "10000000",
            "2016-06-01", "2020-06-01", "1000000 | gate 1", "1: 2016-07-01: 1000000", "repaid",
            "2021-01-15", "", "", "Partly repaid", ""])
CONTRACTS = (_contracts_setting, "contracts", _keys("contracts"),
             test_contracts._row("TEST-2019-0042"))

# (the kind's setting, kind, keys and row), the column, the cell with {n} for the number, a
# number grouped and one with a comma out of place.
CASES = {
    "grant exercises": (GRANTS, "exercises", "2023-01-10 | {n}; 2023-08-01 | 20000",
                        "30,000", "30,00"),
    "cap table holdings": (FOUNDING, "holdings",
                           "Team Li | team | {n} | ip | Pressure sensor | 2025-03-01; JITRI | "
                           "hq | 3000000; Incentive pool | incentive_pool | 1000000",
                           "6,000,000", "60,00000"),
    "total shares": (FOUNDING, "total_shares", "{n}", "10,000,000", "10000,000"),
    "round pre-money": (FOUNDING, "rounds", "A | 2022-05-01 | {n} | Fund X: investor: "
                        "6000000: lead, City fund: state_fund: 4000000", "10，000，000",
                        "10000000,00"),
    "round investor": (FOUNDING, "rounds", "A | 2022-05-01 | 10000000 | Fund X: investor: "
                       "{n}: lead, City fund: state_fund: 4000000", "6 000 000", "6000000,00"),
    "issues": (LEDGER, "issues", "Fund Y | investor | {n} | 2021-01-15; Team Li | team | "
               "500000 | 2023-03-01 | ip | Pressure sensor | 2026-03-01", "2,000,000",
               "2000,0000"),
    "transfers": (LEDGER, "transfers", "JITRI | Park fund | park | {n} | 2021-06-01; Fund X | "
                  "Fund Y | investor | 1000000 | 2023-02-01", "500,000", "50,0000"),
    "exit proceeds": (EXIT, "exit", "acquisition | 2024-06-30 | {n}", "90,000,000",
                      "90000000,00"),
    "contributors": (ACHIEVEMENTS, "contributors",
                     "pm@import.cn: {n}; member@import.cn: 30; Wang Wu: 10", "60.00", "62,5"),
    "attorney costs": (ACHIEVEMENTS, "rights", f"{test_achievements.PATENT} |  | {{n}}; "
                       f"{test_achievements.KNOW_HOW}", "12,000", "12000,50"),
    "annuity fee": (ACHIEVEMENTS, "annuities", "CN201910123456.7 | 3 | 2021-09-01 | 900 | "
                    "2021-08-20 | 900; CN201910123456.7 | 4 | 2022-09-01 | {n}", "1,200",
                    "1200,00"),
    "royalty reports": (DEALS, "reports", "2023-04-10: {n}; 2023-07-08: 800000", "1,000,000",
                        "1000000,00"),
    "receipt amount": (DEALS, "receipts", "2023-02-01 | {n} | upfront; 2023-05-02 | 50000 | "
                       "royalty | 1 | 2000", "500,000", "500000,00"),
    "receipt shares": (DEALS, "receipts", "2023-02-01 | 500000 | upfront; 2023-05-02 | 50000 | "
                       "royalty | 1 | 2000 |  | pm@import.cn: {n}, member@import.cn: 20, "
                       "Wang Wu: 10", "70.0", "62,5"),
    "disbursements": (FUNDING, "disbursements", "1: 2019-06-10: {n}: HQ-2019-017; 2: "
                      "2020-05-02: 500000", "1,000,000", "1000000,00"),
    "co-funders' payments": (FUNDING, "co_funder_payments", "苏州市: 2019-07-01: {n}: SZ-2019-01",
                             "1,000,000", "100,0000"),
    "repaid amount": (OUTCOME, "repaid_amount", "{n}", "400,000", "400000,00"),
    "instalments": (CONTRACTS, "instalments", "2019-07-01: {n}; 2020-07-01: 3000000",
                    "1,500,000", "1500000,00"),
}


def _with(keys: list[str], row: list[str], key: str, cell: str) -> list[str]:
    return [cell if k == key else v for k, v in zip(keys, row, strict=True)]


def _exported(kind: str, key: str) -> str:
    header, *rows = csv.reader(io.StringIO(export_csv(kind).decode()))
    [row] = rows
    return row[header.index(key)]


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_a_number_in_a_list_cell_reads_grouped_and_a_comma_out_of_place_is_refused(case):
    (setting, kind, keys, row), key, cell, grouped, misplaced = case
    admin = setting()
    refused = run(admin, kind, [keys, _with(keys, row, key, cell.format(n=misplaced))])
    assert (refused.state, refused.created, refused.updated) == (ImportState.FAILED, 0, 0)
    assert [(r, str(c), m) for r, c, m in refused.errors] == [(
        2, header_in(KINDS[kind].column(key).header, "en"),
        f"{misplaced}: a comma separates thousands, in groups of three digits (100,000 or "
        "100000); decimals follow a point (62.5).")]
    result = run(admin, kind, [keys, _with(keys, row, key, cell.format(n=grouped))])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    plain = format(Decimal(ungrouped(grouped)).normalize(), "f")
    assert _exported(kind, key) == cell.format(n=plain)


def test_the_refusal_is_said_in_the_importing_persons_language():
    (setting, kind, keys, row), key, cell, _grouped, misplaced = CASES["instalments"]
    admin = setting()
    with force_locale("zh_CN"):
        refused = run(admin, kind, [keys, _with(keys, row, key, cell.format(n=misplaced))])
        with pytest.raises(ValueError) as form_says:  # what a form's number field says
            ungrouped(misplaced)
        assert [(r, str(c), m) for r, c, m in refused.errors] == [
            (2, header_in(KINDS[kind].column(key).header, "zh_CN"), str(form_says.value))]
    assert "三位一组" in str(form_says.value)


def test_only_a_comma_between_digits_stays_with_its_number_in_a_list_separated_by_commas():
    assert ip_deals._SHARES.split("li@example.cn: 60, Wang Wu: 40") == [
        "li@example.cn: 60", " Wang Wu: 40"]
    assert ip_deals._SHARES.split("李: 62,5、王: 37,5") == ["李: 62,5", "王: 37,5"]
    assert ledger_lines.COMMAS.split("X: investor: 1,500,000，3号基金: investor: 1,5") == [
        "X: investor: 1,500,000", "3号基金: investor: 1,5"]


def test_a_milestones_progress_is_read_as_the_progress_form_reads_it():
    """A single cell, the same class: 62.5 % was cut to 62 (`int(Decimal(...))`), where the
    progress form refuses it as not a whole number; 1,5 is refused as any number is. Read by
    the form's own field: 40.0 is refused as the form refuses it (the import's rule of its own
    took it for 40), and so is a cell that is no number, in the form's words."""
    admin, _pm = _setting()
    _project(admin)

    def row(percent: str, title: str = "Bench test") -> list[str]:
        return ["TEST-2019-0042", title, "contract_research", "2026-09-30", "in_progress",
                percent, ""]

    refused = run(admin, "milestones", [MILESTONE_COLUMNS, row("62.5"), row("1,5", "Trial"),
                                        row("40.0", "Pilot"), row("most", "Field test")])
    assert [(r, str(c), m) for r, c, m in refused.errors] == [
        (2, "Percent complete", "Must be a whole number."),
        (3, "Percent complete", "1,5: a comma separates thousands, in groups of three digits "
                                "(100,000 or 100000); decimals follow a point (62.5)."),
        (4, "Percent complete", "Must be a whole number."),
        (5, "Percent complete", "Must be a whole number.")]
    assert db.session.query(Milestone).count() == 0
    result = run(admin, "milestones", [MILESTONE_COLUMNS, row("40")])
    assert result.state is ImportState.DONE, result.errors
    assert db.session.query(Milestone).one().percent_complete == 40
