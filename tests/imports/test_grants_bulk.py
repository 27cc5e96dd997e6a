"""The companies file and the grants file imported together (`tracker/imports/replay.py`): a new
company the companies import's bulk path takes goes in bulk with its grants of shares
(`tracker/imports/grants_bulk.py`), each checked by `check_grant` in the replay's order among
its rounds, and is written as the row-by-row path writes it (`grant`, replayed): every column
of every table, the audit records included, the chain intact, the same cap tables on every
date; the companies whose grants it leaves to that path (options, an exercise, a person's
second grant, a company named by its name, a grant with a problem) are replayed between its
own; and a bad grant imports nothing and is named, file, row and column, as that path names
it."""

from __future__ import annotations

import pytest

from tests.imports.helpers import csv_bytes
from tests.imports.paths import both_ways
from tests.imports.test_companies_bulk import (
    KEYS,
    _cap_tables,
    _company,
    _errors_both_ways,
    _projects,
)
from tests.imports.test_paths_agree import same
from tests.imports.test_projects import _setting
from tests.imports.test_replay import together
from tracker import db
from tracker.audit import chain
from tracker.demo_tables import uscc
from tracker.imports import companies_bulk
from tracker.imports.companies_bulk import BulkCompanies
from tracker.imports.models import ImportState
from tracker.incentives.models import IncentiveGrant

GRANTS = ["company", "person", "kind", "shares", "exercise_price", "granted_on",
          "vesting_start", "exercises"]
TABLES = {"companies", "company_projects", "shareholders", "share_entries", "financing_rounds",
          "round_investments", "incentive_grants", "audit_records"}


def _grant(n: int, person: str, shares: str, on: str, *, kind: str = "shares",
           exercises: str = "", company: str | None = None) -> list[str]:
    return [uscc(n, "320583") if company is None else company, person, kind, shares,
            "1" if kind == "options" else "", on, on, exercises]


def _companies() -> bytes:
    return csv_bytes([KEYS, *(_company(n) for n in range(1, 8)),
                      _company(8, rounds="")])


def _grants() -> list[list[str]]:
    """Company 1: the PM's grant on round A's day (after it), and one the file gives after it
    dated before (recorded on that day too); company 2 one before its rounds; company 8 (no
    round) one; and the companies the replay takes: 3 an option with an exercise, 4 a person
    granted twice, 5 named by its name, 6 an option."""
    return [GRANTS, _grant(1, "pm@import.cn", "200000", "2021-05-01"),
            _grant(1, "Wang Wu", "100000", "2020-06-01"),
            _grant(3, "Li Si", "300000", "2020-06-01", kind="options",
                   exercises="2024-06-01 | 1000"),
            _grant(2, "Zhao Liu", "300000", "2020-04-01"),
            _grant(4, "Qian Qi", "100000", "2020-06-01"),
            _grant(4, "Qian Qi", "50000", "2021-06-01"),
            _grant(5, "Sun Ba", "100000", "2020-06-01", company="Spin-off 5 Ltd"),
            _grant(6, "Zhou Jiu", "100000", "2020-06-01", kind="options"),
            _grant(8, "pm@import.cn", "50000", "2020-05-01")]


@pytest.fixture
def held(monkeypatch) -> list[list[tuple[str, int]]]:
    """Each batch the bulk path wrote: each company's credit code and how many grants."""
    written: list[list[tuple[str, int]]] = []
    insert = companies_bulk.CompanyBatch.insert

    def spy(self, rows):
        written.append([(n.company.uscc, len(n.grants)) for n in self._made])
        insert(self, rows)

    monkeypatch.setattr(companies_bulk.CompanyBatch, "insert", spy)
    return written


def test_companies_with_their_grants_are_written_the_same_by_either_path(monkeypatch, held):
    admin, _pm = _setting()
    _projects(admin, 8)
    tables: list[dict] = []

    def imported():
        result = together(admin, _companies(), csv_bytes(_grants()))
        tables.append(_cap_tables())
        return [result]

    same(*both_ways(imported, [BulkCompanies], monkeypatch), TABLES)
    assert held == [[(uscc(1, "320583"), 2), (uscc(2, "320583"), 1), (uscc(7, "320583"), 0),
                     (uscc(8, "320583"), 1)]]
    assert tables[0] == tables[1] and len(tables[0]) == 8
    # Spin-off 1's grants on the ledger by round A's day (the PM's that day, after it).
    table = {str(day): rows for day, rows in tables[0]["Spin-off 1 Ltd"]}["2021-05-01"]
    assert {"Wang Wu", _pm.name} <= {name for name, _pct in table}
    assert chain.verify(db.session).intact


def test_the_grants_written_in_bulk_are_found_again_and_change_nothing(held):
    admin, _pm = _setting()
    _projects(admin, 8)
    result = together(admin, _companies(), csv_bytes(_grants()))
    assert (result.state, result.created) == (ImportState.DONE, 17), result.errors
    assert sum(count for _code, count in held[0]) == 4
    assert db.session.query(IncentiveGrant).count() == 9
    assert chain.verify(db.session).intact
    again = together(admin, _companies(), csv_bytes(_grants()))
    assert (again.state, again.created, again.unchanged) == (ImportState.DONE, 0, 17), (
        again.errors)


def test_a_bad_grant_imports_nothing_and_is_named_as_the_row_by_row_path_names_it(
        monkeypatch, held):
    """A grant beyond the pool, one before the company was registered, one of no share, one
    to HQ's holder: each company and its grants left to the replay, which says
    each where it says it; the other companies still go in bulk with theirs."""
    admin, _pm = _setting()
    _projects(admin, 8)
    grants = [GRANTS, _grant(1, "Wang Wu", "3000000", "2020-06-01"),
              _grant(2, "Zhao Liu", "100000", "2019-06-01"),
              _grant(3, "Li Si", "0", "2020-06-01"),
              _grant(4, "Test HQ", "100000", "2020-06-01"),
              _grant(8, "pm@import.cn", "50000", "2020-05-01")]
    found = _errors_both_ways(admin, [], monkeypatch, lambda: together(
        admin, _companies(), csv_bytes(grants)))
    assert [(row, column) for row, column, _message in found] == [
        (2, "incentive_grants.csv, Number granted (shares or options)"),
        (3, "incentive_grants.csv, Granted on"), (3, "incentive_grants.csv, Vesting starts on"),
        (4, "incentive_grants.csv, Number granted (shares or options)"),
        (5, "incentive_grants.csv, Person")], found
    assert "can be granted, not 3,000,000" in found[0][2]
    assert [(code, count) for code, count in held[0] if count] == [(uscc(8, "320583"), 1)]
