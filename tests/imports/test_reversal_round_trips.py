"""Issue 13, round trips of reversals suspected of not coming whole into an empty database
(export, import in the README's order, export again: the same files), each told on the pages
after the round trip's network (`test_cross_kind_reversals.round_trip`): an exit reversed and
entries recorded after its reversal; a plain transfer out of an incentive pool after options
from it were forfeited, then reversed; an option exercise and a leaving reversed on the
grant's page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.imports import test_incentive_grants
from tests.imports.helpers import run
from tests.imports.test_cross_kind_reversals import _network, round_trip
from tests.imports.test_empty_database import _rows
from tests.imports.test_projects import _setting
from tracker import db
from tracker.companies import corrections, deals
from tracker.companies import services as companies
from tracker.companies.lines import IssueLine
from tracker.companies.models import Acquisition, ExitKind, HolderType, Shareholder
from tracker.dates import today
from tracker.imports import grant_columns
from tracker.imports.models import ImportState
from tracker.incentives import reversals
from tracker.incentives import services as incentives
from tracker.incentives.models import GrantKind


def _fund(company) -> Shareholder:
    return next(h for h in company.holders if h.name == "Fund Y")


def _options(admin, company, pool, person: str, shares: int, on: date):
    return incentives.grant(admin, company, user=None, person_name=person,
                            kind=GrantKind.OPTIONS, shares=Decimal(shares),
                            exercise_price=Decimal(1), pool_id=pool.id, granted_on=on,
                            vesting_start=on, vesting_months=48, cliff_months=12)


def _issue(admin, company, pool):
    companies.issue_shares(admin, company, IssueLine(
        "Fund Z", HolderType.INVESTOR, Decimal(500000), Acquisition.CASH), date(2024, 3, 1))


def _transfer(admin, company, pool):
    companies.transfer_shares(admin, company, _fund(company), "Fund Z", HolderType.INVESTOR,
                              Decimal(100000), date(2024, 3, 1))


def _grant(admin, company, pool):
    _options(admin, company, pool, "Sun Qi", 10000, date(2024, 3, 1))


@pytest.mark.parametrize("after", [_issue, _transfer, _grant])
def test_an_exit_reversed_then_an_entry_after_its_reversal_round_trip(app, tmp_path, after):
    """The exit and its reversal are written in the companies file's Exits reversed, which
    its first import reads (it leaves out only the exit that stands): they come in on their
    dates, before the entry after the reversal (an issue or a transfer of the companies file,
    recorded by the same import, a grant of the grants file, imported next)."""
    def story(admin, company, pool):
        exit_ = deals.record_exit(admin, company, kind=ExitKind.ACQUISITION,
                                  on=date(2024, 1, 10), proceeds=Decimal(90000000))
        corrections.reverse_exit(admin, exit_, date(2024, 1, 20), "the deal fell through")
        db.session.expire_all()  # each act a request of its own
        after(admin, company, pool)

    exported = round_trip(app, tmp_path, story)
    rows = _rows(exported["companies"])
    assert rows[1][rows[0].index("exit")] == ""
    assert rows[1][rows[0].index("reversed_exits")] == (
        "acquisition | 2024-01-10 | 90000000; reversal | 1 | 2024-01-20 | the deal fell "
        "through")


@pytest.mark.parametrize("reversed_", [True, False])
def test_a_transfer_out_of_a_pool_after_a_forfeiture_round_trips(app, tmp_path, reversed_):
    """Options granted from the pool (all it had free) and forfeited, then the shares they
    had promised transferred out of the pool. Reversed, the transfer counts in no cap table:
    the companies file writes it and its reversal, and records them before the grant. Standing,
    it needs the leaving first: the grants file writes it in the grant's leaving cell, after
    the leaving, and records it there (in the companies file the grant would find the pool
    short)."""
    def story(admin, company, pool):
        free = incentives.unallocated(company, pool, date(2022, 7, 1))
        record = _options(admin, company, pool, "Zhao Liu", int(free), date(2022, 7, 1))
        incentives.forfeit(admin, record, date(2022, 8, 1), "left before the cliff")
        moved = companies.transfer_shares(admin, company, pool, "Fund Z",
                                          HolderType.INVESTOR, free, date(2022, 9, 1))
        if reversed_:
            corrections.reverse_entry(admin, moved, date(2022, 10, 1), "never signed")

    exported = round_trip(app, tmp_path, story)
    rows = _rows(exported["companies"])
    grants = _rows(exported["incentive_grants"])
    leaving = next(r for r in grants[1:] if "Zhao Liu" in r)[grants[0].index("leaving")]
    written = "Incentive pool | Fund Z | investor"
    assert (written in rows[1][rows[0].index("transfers")]) is reversed_
    assert (f"2022-08-01 | left before the cliff; transfer | {written}" in leaving) is (
        not reversed_), leaving


def test_an_exercise_and_a_leaving_reversed_are_written_in_the_grants_file_and_round_trip(
        app, tmp_path):
    """Each reversal after what it reverses, dated the day the grant's page recorded it (as an
    import records it again), the leaving recorded again after its reversal."""
    def story(admin, company, pool):
        record = _options(admin, company, pool, "Qian Ba", 100000, date(2021, 6, 1))
        done = incentives.exercise(admin, record, date(2023, 1, 10), Decimal(20000))
        reversals.reverse_exercise(admin, done, "typed twice")
        incentives.exercise(admin, record, date(2023, 2, 10), Decimal(10000))
        incentives.forfeit(admin, record, date(2023, 6, 30), "moved")
        db.session.expire_all()
        reversals.reverse_leaving(admin, record, "did not leave")
        db.session.expire_all()
        incentives.forfeit(admin, record, date(2023, 9, 30), "left after all")

    exported = round_trip(app, tmp_path, story)
    rows = _rows(exported["incentive_grants"])
    cell = dict(zip(rows[0], next(r for r in rows[1:] if "Qian Ba" in r), strict=True))
    on = today().isoformat()
    assert cell["exercises"] == (f"2023-01-10 | 20000; 2023-02-10 | 10000; reversal | 1 | {on} "
                                 "| typed twice")
    assert cell["leaving"] == (f"2023-06-30 | moved; reversal | 1 | {on} | did not leave; "
                               "2023-09-30 | left after all")


@pytest.mark.parametrize(("exercises", "leaving", "column"), [
    ("2023-01-10 | 20000; reversal | 2 | 2023-02-01 | typed twice", "", "exercises"),
    ("", "2023-06-30 | moved; 2023-09-30 | left again", "leaving"),
    ("", "2023-06-30 | moved; reversal | 1 | 2023-07-01 | did not leave; "
         "reversal | 1 | 2023-07-02 | again", "leaving"),
    ("", "2023-06-30 | moved; transfer | Incentive pool | Fund Z", "leaving"),
    ("", "transfer | Incentive pool | Fund Z | investor | 100 | 2023-07-01; 2023-06-30 | moved",
     "leaving")])
def test_a_reversal_naming_no_entry_before_it_or_a_second_leaving_is_refused(
        exercises, leaving, column):
    admin, _pm = _setting()
    company, _pool = _network(admin)
    row = [company.uscc, "Chen Qi", "options", "5000", "1", "Incentive pool", "2022-03-01",
           "2022-03-01", "48", "12", "", "", "", exercises, leaving]
    result = run(admin, "incentive_grants", [test_incentive_grants.KEYS, row])
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, grant_columns.INCENTIVE_GRANTS.column(column).header)], result.errors


@pytest.mark.xfail(strict=True, reason=(
    "the round, in the companies file, is recorded before the issue's reversal, which waits "
    "in the grants file for the grant: it is priced on the shares the reversal takes away, "
    "and no_round_priced_on then refuses the reversal. The round (and what rests on it: its "
    "conversions, later rounds, transfers of its shares) would have to come after the "
    "grants file too: not done"))
def test_a_pool_reversal_in_the_grants_file_before_a_later_round_round_trips(app, tmp_path):
    """Shares issued to the pool, options granted against them and forfeited, the issue
    reversed (written in the grants file, after the leaving), then a round priced on the
    shares outstanding without them (e88bff8's known limit)."""
    def story(admin, company, pool):
        top_up = companies.issue_shares(admin, company, IssueLine(
            pool.shown_name, HolderType.INCENTIVE_POOL, Decimal(2000000), Acquisition.CASH),
            date(2022, 6, 1))
        record = _options(admin, company, pool, "Zhao Liu", 1500000, date(2022, 7, 1))
        incentives.forfeit(admin, record, date(2022, 8, 1), "left before the cliff")
        corrections.reverse_entry(admin, top_up, date(2022, 9, 1), "never paid")
        deals.record_round(admin, company, name="B", on=date(2022, 10, 1),
                           pre_money=Decimal(50000000), amount=Decimal(5000000),
                           investors=[deals.InvestorLine(name="Fund W",
                                                         kind=HolderType.INVESTOR,
                                                         amount=Decimal(5000000), lead=True)])

    exported = round_trip(app, tmp_path, story)
    rows = _rows(exported["companies"])
    assert "B | 2022-10-01" in rows[1][rows[0].index("rounds")]
