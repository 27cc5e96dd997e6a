"""The companies import's bulk path (`tracker/imports/companies_bulk.py`) writes what the
row-by-row path (`record_company`, `incorporate`, `record_round` in the ledger's order) writes
for the same rows: every column of every table, the audit records included, the chain intact,
the same cap tables on every date; the rows it leaves to that path (no credit code, a ledger
column it does not write, a problem in a cap table or a round) are saved between its own in
the file's order; and a bad row imports nothing and is named, row and column, as that path
names it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.imports.helpers import run
from tests.imports.paths import both_ways
from tests.imports.test_paths_agree import same
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.audit import chain
from tracker.companies import ledger
from tracker.companies.models import Company
from tracker.demo_tables import uscc
from tracker.errors import Invalid
from tracker.imports import companies_bulk
from tracker.imports.companies_bulk import BulkCompanies
from tracker.imports.models import ImportState

KEYS = ["name", "uscc", "registered_on", "registered_capital", "legal_representative",
        "project_codes", "incorporated_on", "total_shares", "holdings", "rounds", "issues"]
TABLE = ("Team {n} | team | 6000000 | ip | Sensor {n} | 2023-03-01; Test HQ | hq | 2000000; "
         "Pool {n} | incentive_pool | 2000000")
ROUNDS = ("A | 2021-05-01 | 30000000 | Fund X: investor: 6000000: lead, "
          "City fund: state_fund: 4000000; "
          "B | 2022-05-01 | 90000000 | Fund X: investor: 9000000, Fund Y: investor: 1000000")


def _codes(count: int) -> list[str]:
    return [f"TEST-2019-{n:04d}" for n in range(1, count + 1)]


def _projects(admin, count: int) -> None:
    result = run(admin, "projects", [HEADER] + [
        _row(code=code, title=f"Spin-off {code}", phase="investment_decision",
             passed="1: 2019-05-20; 2: 2019-12-01") for code in _codes(count)])
    assert result.state is ImportState.DONE, result.errors


def _company(n: int, *, code: str | None = None, table: str | None = None,
             rounds: str = ROUNDS, issues: str = "") -> list[str]:
    on = "2020-03-01" if code != "" else ""  # a company not registered yet: no date
    return [f"Spin-off {n} Ltd", uscc(n, "320583") if code is None else code, on,
            "10000000", "Li", f"TEST-2019-{n:04d}", on, "",
            TABLE.format(n=n) if table is None else table, rounds, issues]


def _rows() -> list[list[str]]:
    """Companies with a cap table and two rounds (one investor in both, HQ the holder the app
    knows), with a table only, with a round of two investors the same day as another
    company's, and between them rows the row-by-row path saves: one without a credit code
    (and no ledger), one with a later issue."""
    return [KEYS, _company(1), _company(2, rounds=""),
            _company(3, code="", table="", rounds=""),
            _company(4, issues="Pool 4 | incentive_pool | 500000 | 2022-06-01"),
            _company(5, rounds=ROUNDS.split("; ")[0]), _company(6, table="", rounds=""),
            _company(7, rounds="; ".join(reversed(ROUNDS.split("; "))))]


@pytest.fixture
def held(monkeypatch) -> list[list[str]]:
    """The credit codes of the companies the bulk path wrote, a list each batch written."""
    written: list[list[str]] = []
    insert = companies_bulk.CompanyBatch.insert

    def spy(self, rows):
        written.append([v["uscc"] for v in rows])
        insert(self, rows)

    monkeypatch.setattr(companies_bulk.CompanyBatch, "insert", spy)
    return written


def test_companies_with_their_cap_tables_and_rounds_are_written_the_same_by_either_path(
        monkeypatch, held):
    admin, _pm = _setting()
    _projects(admin, 7)
    tables: list[dict] = []

    def imported():
        result = run(admin, "companies", _rows())
        tables.append(_cap_tables())
        return [result]

    same(*both_ways(imported, [BulkCompanies], monkeypatch),
         {"companies", "company_projects", "shareholders", "share_entries",
          "financing_rounds", "round_investments", "audit_records"})
    # One batch: the rows the row-by-row path saved between them did not write it.
    assert held == [[uscc(n, "320583") for n in (1, 2, 5, 6, 7)]]
    # The same cap tables, percentages included, on every day of every ledger.
    assert tables[0] == tables[1] and len(tables[0]) == 7
    assert tables[0]["Spin-off 1 Ltd"][-1][1][:2] == [
        ("Team 1", "40.50"), ("Fund X", "22.50")]  # 6 M and 2 M + 1.33 M of 14.81 M
    assert chain.verify(db.session).intact


def _cap_tables() -> dict[str, list]:
    """Each company's cap table on each day its ledger changed: its holders, percentages."""
    found = {}
    for company in db.session.scalars(select(Company)):
        days = sorted({e.on_date for e in company.entries})
        found[company.name] = [(day, [(h.holder.shown_name, str(h.pct))
                                      for h in ledger.cap_table(company, day).rows])
                               for day in days]
    return found


def test_the_bulk_path_is_verified_audit_chain_and_all(held):
    admin, _pm = _setting()
    _projects(admin, 7)
    result = run(admin, "companies", _rows())
    assert (result.state, result.created) == (ImportState.DONE, 7), result.errors
    assert len(held[0]) == 5
    assert chain.verify(db.session).intact
    again = run(admin, "companies", _rows())  # each found by its key: nothing changes
    assert (again.state, again.unchanged) == (ImportState.DONE, 7), again.errors


def _errors_both_ways(admin, rows, monkeypatch, imported=None) -> list:
    """The errors of `rows` by the bulk path, then by the row-by-row path: the same
    (`imported`: a run of the rows, other than the companies import's)."""
    imported = imported or (lambda: run(admin, "companies", rows))
    found = []
    for patched in (False, True):
        with monkeypatch.context() as m:
            if patched:
                m.setattr(BulkCompanies, "batch", lambda self, actor: None)
            savepoint = db.Savepoint(forget_loaded=True)
            result = imported()
            savepoint.rollback()
            db.session.expire_all()
        assert result.state is ImportState.FAILED
        found.append(result.errors)
    assert found[0] == found[1]
    assert db.session.scalar(select(Company.id)) is None  # nothing imported
    return found[0]


def test_a_bad_row_imports_nothing_and_is_named_as_the_row_by_row_path_names_it(
        monkeypatch):
    """A company refused by `record_company`'s rules (its code another's; a project another
    row's company comes from, named by a row either path saves); a cap table or a round
    refused by its service's (the team's holding too high, a round of a holder typed HQ, a
    round's name given twice, a round before the table) said by the row-by-row path, every
    problem where it says it."""
    admin, _pm = _setting()
    _projects(admin, 8)
    rows = [KEYS, _company(1),
            _company(2, table="Team 2 | team | 9500000; Test HQ | hq | 500000"),
            _company(3, rounds="A | 2021-05-01 | 30000000 | Test HQ: investor: 100000"),
            _company(4, rounds=ROUNDS.replace("B |", "A |")),
            _company(5, rounds="A | 2019-05-01 | 30000000 | Fund X: investor: 100000"),
            _company(6, code=uscc(1, "320583")),  # the first row's code
            [*_company(7)[:5], "TEST-2019-0001", *_company(7)[6:]],  # the first row's project
            # The same, by a row the row-by-row path saves: the batch is written before it.
            [*_company(8, code="", table="", rounds="")[:5], "TEST-2019-0001",
             *_company(8, code="", table="", rounds="")[6:]]]
    errors = _errors_both_ways(admin, rows, monkeypatch)
    assert [(row, column) for row, column, _message in errors] == [
        (3, "Cap table at incorporation"), (4, "Financing rounds"), (5, "Financing rounds"),
        (6, "Financing rounds"), (7, "Unified social credit code"), (8, "Project codes"),
        (9, "Project codes")], errors
    assert "already has a round called A" in errors[2][2]


def test_a_company_a_row_gives_twice_is_refused_by_either_path(monkeypatch):
    admin, _pm = _setting()
    _projects(admin, 2)
    errors = _errors_both_ways(admin, [KEYS, _company(1), _company(1), _company(2, code="x")],
                               monkeypatch)
    assert [(row, column) for row, column, _message in errors] == [
        (3, "Unified social credit code"), (4, "Unified social credit code")], errors


def test_a_refused_company_raises_what_record_company_raises(held):
    """The bulk path's own refusal of a company (not the row-by-row path's after it)."""
    admin, _pm = _setting()
    _projects(admin, 1)
    batch = BulkCompanies().batch(admin)
    values = {**dict.fromkeys(companies_bulk.ELSEWHERE), "name": "X", "uscc": "913205830000",
              "registered_on": None, "registered_capital": None, "legal_representative": "",
              "project_ids": [], "holdings": None, "rounds": None, "incorporated_on": None,
              "_total_shares": None}
    with pytest.raises(Invalid) as refused:
        batch.take(values, 2)
    assert {f for f, _m in refused.value.problems} == {"uscc", "registered_on", "project_ids"}
