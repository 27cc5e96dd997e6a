"""Issue 13, round trips of reversals suspected of not coming whole into an empty database
(export, import in the README's order, export again: the same files), each told on the pages
after the round trip's network (`test_cross_kind_reversals.round_trip`): an exit reversed and
entries recorded after its reversal; a plain transfer out of an incentive pool after options
from it were forfeited, then reversed; an option exercise and a leaving reversed on the
grant's page; and, imported with the grants file in one run (`tracker/imports/replay.py`),
a round after the pool's shares were reversed, and a transfer of shares that came out of the
pool, each after what the grants file records before it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.imports import test_incentive_grants
from tests.imports.helpers import run
from tests.imports.test_cross_kind_reversals import round_trip
from tests.imports.test_empty_database import ORDER, _rows, _without, empty_network
from tracker import db
from tracker.companies import corrections, deals, ledger
from tracker.companies import services as companies
from tracker.companies.lines import IssueLine
from tracker.companies.models import Acquisition, Company, ExitKind, HolderType, Shareholder
from tracker.dates import today
from tracker.imports import export, grant_columns
from tracker.imports.models import ImportState
from tracker.incentives import reversals
from tracker.incentives import services as incentives
from tracker.incentives.models import GrantKind


def _priced() -> list[tuple]:
    """Each round's price per share and each holder's shares today: what the files do not
    write but the order of their entries decides."""
    company = db.session.scalar(select(Company))
    table = ledger.cap_table(company, today())
    return [*((r.name, r.price_per_share) for r in company.rounds),
            *sorted((h.holder.name, h.shares, h.pct) for h in table.rows)]


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
def test_an_exit_reversed_then_an_entry_after_its_reversal_round_trip(app, tmp_path, network,
                                                                      after):
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

    exported = round_trip(app, tmp_path, network, story)
    rows = _rows(exported["companies"])
    assert rows[1][rows[0].index("exit")] == ""
    assert rows[1][rows[0].index("reversed_exits")] == (
        "acquisition | 2024-01-10 | 90000000; reversal | 1 | 2024-01-20 | the deal fell "
        "through")


def _freed_and_moved(admin, company, pool):
    """Options granted from the pool (all it had free) and forfeited, then the shares they had
    promised transferred out of the pool to Fund Z: the transfer."""
    free = incentives.unallocated(company, pool, date(2022, 7, 1))
    record = _options(admin, company, pool, "Zhao Liu", int(free), date(2022, 7, 1))
    incentives.forfeit(admin, record, date(2022, 8, 1), "left before the cliff")
    return companies.transfer_shares(admin, company, pool, "Fund Z", HolderType.INVESTOR,
                                     free, date(2022, 9, 1))


@pytest.mark.parametrize("reversed_", [True, False])
def test_a_transfer_out_of_a_pool_after_a_forfeiture_round_trips(app, tmp_path, network,
                                                                  reversed_):
    """Options granted from the pool (all it had free) and forfeited, then the shares they
    had promised transferred out of the pool. Reversed, the transfer counts in no cap table:
    the companies file writes it and its reversal, and records them before the grant. Standing,
    it needs the leaving first: the grants file writes it in the grant's leaving cell, after
    the leaving, and records it there (in the companies file the grant would find the pool
    short)."""
    def story(admin, company, pool):
        moved = _freed_and_moved(admin, company, pool)
        if reversed_:
            corrections.reverse_entry(admin, moved, date(2022, 10, 1), "never signed")

    exported = round_trip(app, tmp_path, network, story)
    rows = _rows(exported["companies"])
    grants = _rows(exported["incentive_grants"])
    leaving = next(r for r in grants[1:] if "Zhao Liu" in r)[grants[0].index("leaving")]
    written = "Incentive pool | Fund Z | investor"
    assert (written in rows[1][rows[0].index("transfers")]) is reversed_
    assert (f"2022-08-01 | left before the cliff; transfer | {written}" in leaving) is (
        not reversed_), leaving


def test_an_exercise_and_a_leaving_reversed_are_written_in_the_grants_file_and_round_trip(
        app, tmp_path, network):
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

    exported = round_trip(app, tmp_path, network, story)
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
        network, exercises, leaving, column):
    admin, company, _pool = network
    row = [company.uscc, "Chen Qi", "options", "5000", "1", "Incentive pool", "2022-03-01",
           "2022-03-01", "48", "12", "", "", "", exercises, leaving]
    result = run(admin, "incentive_grants", [test_incentive_grants.KEYS, row])
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, grant_columns.INCENTIVE_GRANTS.column(column).header)], result.errors


def _reversed_then_round(admin, company, pool):
    """Shares issued to the pool, options granted against them and forfeited, the issue
    reversed, then round B."""
    top_up = companies.issue_shares(admin, company, IssueLine(
        pool.shown_name, HolderType.INCENTIVE_POOL, Decimal(2000000), Acquisition.CASH),
        date(2022, 6, 1))
    record = _options(admin, company, pool, "Zhao Liu", 1500000, date(2022, 7, 1))
    incentives.forfeit(admin, record, date(2022, 8, 1), "left before the cliff")
    corrections.reverse_entry(admin, top_up, date(2022, 9, 1), "never paid")
    deals.record_round(admin, company, name="B", on=date(2022, 10, 1),
                       pre_money=Decimal(50000000), amount=Decimal(5000000),
                       investors=[deals.InvestorLine(name="Fund W", kind=HolderType.INVESTOR,
                                                     amount=Decimal(5000000), lead=True)])


def test_a_pool_reversal_in_the_grants_file_before_a_later_round_round_trips(app, tmp_path,
                                                                              network):
    """Shares issued to the pool, options granted against them and forfeited, the issue
    reversed (written in the grants file, after the leaving), then a round priced on the
    shares outstanding without them. Imported one after the other, the round (companies file)
    came before the reversal (grants file), was priced on the shares it takes away, and the
    reversal was refused; imported together, each company's ledger is replayed in date order
    across both files (`tracker/imports/replay.py`)."""
    exported = round_trip(app, tmp_path, network, _reversed_then_round, together=True, same=_priced)
    rows = _rows(exported["companies"])
    grants = _rows(exported["incentive_grants"])
    leaving = next(r for r in grants[1:] if "Zhao Liu" in r)[grants[0].index("leaving")]
    assert "B | 2022-10-01 | 50000000 | Fund W: investor: 5000000: lead" in rows[1][
        rows[0].index("rounds")]
    assert leaving.endswith("reversal | issue 2 | 2022-09-01 | never paid"), leaving


def test_a_pool_reversal_imported_after_its_companies_file_says_to_import_them_together(
        app, tmp_path, network):
    """Imported one after the other, round B (companies file) comes in before the reversal
    (grants file) and is priced on the shares it takes away: the reversal is refused beside the
    grant's Leaving, and the refusal says to import both files in one run, in the importing
    person's language."""
    admin, company, pool = network
    _reversed_then_round(admin, company, pool)
    db.session.flush()
    db.session.expire_all()
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    with empty_network(app, tmp_path, admin) as importer:
        for kind in ORDER[:ORDER.index("incentive_grants")]:
            rows = _rows(exported[kind])
            result = run(importer, kind, _without(rows, "exit") if kind == "companies" else rows)
            assert result.state is ImportState.DONE, (kind, result.errors)
            db.session.commit()
        grants = _rows(exported["incentive_grants"])
        for locale, column, words in (
                ("en", "Leaving", ("The round B of Oct 1, 2022 was priced on these shares",
                                   "flask import companies FILE --grants GRANTS_FILE",
                                   "“Their incentive grants file”")),
                ("zh_CN", "离职", ("以这些股份定价", "请在一次导入中同时导入公司文件",
                                   "“其股权激励授予文件”"))):
            with force_locale(locale):
                result = run(importer, "incentive_grants", grants)
                errors = [(r, str(c), str(m)) for r, c, m in result.errors]
            assert result.state is ImportState.FAILED
            [(_row, said_in, message)] = errors
            assert said_in == column and all(w in message for w in words), errors



def test_a_transfer_of_shares_that_came_out_of_the_pool_in_the_grants_file_round_trips(
        app, tmp_path, network):
    """Options granted from the pool (all it had free) and forfeited, the freed shares
    transferred out of the pool (written in the grants file, after the leaving), then passed
    on by their new holder (the companies file's transfers). Imported one after the other,
    the later transfer came before its giver held the shares and was refused; together, it
    comes after the transfer that gave them."""
    def story(admin, company, pool):
        moved = _freed_and_moved(admin, company, pool)
        companies.transfer_shares(admin, company, moved.to_holder, "Fund W",
                                  HolderType.INVESTOR, moved.shares, date(2022, 10, 1))

    exported = round_trip(app, tmp_path, network, story, together=True, same=_priced)
    rows = _rows(exported["companies"])
    grants = _rows(exported["incentive_grants"])
    leaving = next(r for r in grants[1:] if "Zhao Liu" in r)[grants[0].index("leaving")]
    assert "Fund Z | Fund W | investor" in rows[1][rows[0].index("transfers")]
    assert "transfer | Incentive pool | Fund Z | investor" in leaving, leaving
