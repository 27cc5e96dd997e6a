"""A company's ledger comes in with its reversals (issue 13): a holding at incorporation, a
later issue, a transfer, a round, a conversion and an exit recorded by mistake and reversed,
each written in its own cell as `reversal | N | date | reason` after the entry it undoes, and
recorded in date order by the company page's reversing services (`ledger_order`); a network
that reversed them on its pages comes round trip into an empty database."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tests.imports.helpers import another_company, run
from tests.imports.test_company_events import ALL_KEYS
from tests.imports.test_company_events import _setting as _with_agreements
from tests.imports.test_company_ledger import ROW
from tests.imports.test_empty_database import _populate, empty_network, import_in_order
from tracker import db
from tracker.companies import corrections, ledger
from tracker.companies.models import Company, CompanyExit, ShareEntry
from tracker.companies.reversal_models import ExitReversal, RoundReversal
from tracker.funding import corrections as funding_corrections
from tracker.funding.models import Conversion, ConversionReversal, Disbursement, FundingAgreement
from tracker.imports import export
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.organisations import uscc

HOLDINGS = f"{ROW[8]}; reversal | 3 | 2020-03-05 | the pool was set up later"
ROUNDS = (f"{ROW[9]}; B | 2022-09-01 | 23000000 | Fund W: investor: 1000000: lead; "
          "reversal | 2 | 2022-09-20 | the round did not close")
ISSUES = ("Fund Y | investor | 2000000 | 2021-01-15; Fund Z | investor | 300000 | 2021-02-01; "
          "reversal | 2 | 2021-02-03 | entered against the wrong company; "
          "Incentive pool | incentive_pool | 1000000 | 2021-03-01; "
          "Team Li | team | 500000 | 2023-03-01 | ip | Pressure sensor | 2026-03-01")
TRANSFERS = ("JITRI | Park fund | park | 500000 | 2021-06-01; "
             "reversal | 1 | 2021-06-10 | the park fund never signed; "
             "Fund X | Fund Y | investor | 1000000 | 2023-02-01")
CONVERSIONS = ("TEST-2019-0042 | A; reversal | 1 | 2022-05-10 | computed on the wrong amount; "
               "TEST-2019-0042 | A")
REVERSED_EXITS = ("acquisition | 2024-06-30 | 90000000; "
                  "reversal | 1 | 2024-07-05 | the buyer withdrew")
EXIT = "listing | 2025-01-10 | 120000000"
REVERSED = [*ROW[:8], HOLDINGS, ROUNDS, ISSUES, TRANSFERS, CONVERSIONS, REVERSED_EXITS, EXIT]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _company() -> Company:
    return db.session.scalar(select(Company).where(Company.uscc == ROW[1]))


def test_every_ledger_column_comes_in_with_its_reversals_and_again_changes_nothing():
    admin = _with_agreements()
    dry = run(admin, "companies", [ALL_KEYS, REVERSED], dry_run=True)
    assert (dry.state, dry.created) == (ImportState.CHECKED, 1), dry.errors
    assert (_count(Company), _count(ShareEntry), _count(RoundReversal)) == (0, 0, 0)

    result = run(admin, "companies", [ALL_KEYS, REVERSED])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    company = _company()
    # The pool at incorporation, Fund Z's issue, the park fund's transfer, round B's shares
    # and the first conversion's shares, each reversed by an entry naming it.
    reversing = [e for e in company.entries if e.reverses_id is not None]
    assert sorted(e.reason for e in reversing) == sorted([
        "the pool was set up later", "entered against the wrong company",
        "the park fund never signed", "the round did not close",
        "computed on the wrong amount"])
    assert all(e.shares == -e.reverses.shares for e in reversing)
    assert [r.reason for r in db.session.scalars(select(RoundReversal))] == [
        "the round did not close"]
    assert [r.reason for r in db.session.scalars(select(ConversionReversal))] == [
        "computed on the wrong amount"]
    assert _count(Conversion) == 2
    assert [(e.kind.value, e.reversal is None) for e in company.exits] == [
        ("acquisition", False), ("listing", True)]
    # Hand-computed: round A priced at 12,000,000 / 12,000,000 shares = 1 CNY a share, so
    # the conversion of 1,000,000 disbursed gives HQ 1,000,000 shares; round B reversed.
    held = {h.holder.name: h.shares for h in ledger.cap_table(company, date(2025, 1, 1)).rows
            if h.shares}
    assert held == {"Team Li": Decimal("6500000"), "JITRI": Decimal("4000000"),
                    "Incentive pool": Decimal("1000000"), "Fund Y": Decimal("3000000"),
                    "Fund X": Decimal("5000000"), "City fund": Decimal("4000000")}
    [exported] = list(csv.reader(io.StringIO(export_csv("companies").decode())))[1:2]
    assert exported == [*REVERSED, ""]  # each day in the order the rule of a day gives
    again = run(admin, "companies", [ALL_KEYS, REVERSED])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    assert (_count(ShareEntry), _count(ExitReversal)) == (len(company.entries), 1)


def test_a_reversal_the_ledger_refuses_is_said_beside_its_column_and_nothing_is_written():
    admin = _with_agreements()
    # Round A reversed while the money converted at it stands: the round page's refusal.
    converted = [*ROW[:8], ROW[8], f"{ROW[9]}; reversal | 1 | 2022-06-01 | wrong", ROW[10],
                 ROW[11], "TEST-2019-0042 | A", "", ""]
    # A reversal naming an entry after it, and one of an entry reversed already.
    later = another_company([*ROW[:10], f"reversal | 2 | 2021-02-03 | early; {ROW[10]}",
                             ROW[11], "", "", ""], 1)
    twice = another_company([*ROW[:11], f"{ROW[11]}; reversal | 1 | 2021-06-10 | once; "
                             "reversal | 1 | 2021-06-11 | twice", "", "", ""], 2)
    result = run(admin, "companies", [ALL_KEYS, converted, later, twice])
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Financing rounds"), (3, "Later share issues"), (4, "Share transfers")], (
        result.errors)
    assert "The reversal on Jun 1, 2022 of The round A" in result.errors[0][2]
    assert "Reverse the conversion" in result.errors[0][2]
    assert "names an earlier entry of its cell" in result.errors[1][2]
    assert "names an earlier entry of its cell" in result.errors[2][2]
    assert (_count(Company), _count(ShareEntry), _count(RoundReversal)) == (0, 0, 0)


def test_a_recorded_reversal_the_file_leaves_out_is_refused_by_name():
    admin = _with_agreements()
    assert run(admin, "companies", [ALL_KEYS, REVERSED]).state is ImportState.DONE
    without = [*REVERSED[:11], "JITRI | Park fund | park | 500000 | 2021-06-01; "
               "Fund X | Fund Y | investor | 1000000 | 2023-02-01", *REVERSED[12:]]
    result = run(admin, "companies", [ALL_KEYS, without])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Share transfers")], result.errors
    assert result.errors[0][2].startswith(
        "The reversal on Jun 10, 2021 of The transfer of 500,000 shares from JITRI to Park "
        "fund on Jun 1, 2021 is recorded and missing from the file")


def test_a_disbursement_reversed_after_the_conversion_of_its_money_comes_after_it():
    """A disbursement can't be reversed while its money stands converted: reversed once the
    conversion was, it is written after that reversal in the companies file's conversions,
    naming the disbursement by its number in the funding file (recorded already), and
    recorded there, after the funding file, by the funding page's reversing service."""
    admin = _with_agreements()
    cell = ("TEST-2019-0042 | A; reversal | 1 | 2022-05-10 | the wrong round; "
            "reversal | TEST-2019-0042 disbursement 1 | 2022-05-11 | paid to the wrong account")
    row = [*ROW, cell, "", ""]
    result = run(admin, "companies", [ALL_KEYS, row])
    assert result.state is ImportState.DONE, result.errors
    agreement = db.session.scalar(select(Conversion)).agreement
    paid, reversal = sorted(agreement.tranches[0].disbursements, key=lambda d: d.id)
    assert (reversal.reverses_id, reversal.reason, reversal.recorded_by_id) == (
        paid.id, "paid to the wrong account", agreement.decided_by_id)
    assert agreement.disbursed == Decimal("0")
    funding_rows = list(csv.reader(io.StringIO(export_csv("funding").decode())))
    disbursed = funding_rows[0].index("disbursements")
    assert [r[disbursed] for r in funding_rows[1:]] == ["1: 2019-06-10: 1000000"] * 2
    [exported] = list(csv.reader(io.StringIO(export_csv("companies").decode())))[1:2]
    assert exported == [*row, ""]
    assert run(admin, "companies", [ALL_KEYS, row]).unchanged == 1
    assert run(admin, "funding", funding_rows).unchanged == 2
    # Named by a number the funding file does not give, or while the conversion stands.
    for cell, said in (
            ("TEST-2019-0043 | A; reversal | TEST-2019-0043 disbursement 5 | 2022-05-11 | x",
             "TEST-2019-0043 has no disbursement 5 recorded"),
            ("TEST-2019-0043 | A; reversal | TEST-2019-0043 disbursement 1 | 2022-05-11 | x",
             "Reverse the conversion")):
        other = [*ROW[:9], "A | 2022-05-01 | 12000000 | Fund X: investor: 6000000: lead, "
                 "City fund: state_fund: 4000000", "", "", cell, "", ""]
        other[:2] = ["另一家公司", "91320000000000002" + uscc.check_character(
            "91320000000000002")]
        other[5] = "TEST-2019-0043"
        result = run(admin, "companies", [ALL_KEYS, other])
        assert [(r, c) for r, c, _m in result.errors] == [
            (2, "Conversions of allocation-investment money")], result.errors
        assert said in result.errors[0][2], result.errors


def test_a_ledger_reversed_on_the_company_page_comes_round_trip_into_an_empty_database(
        app, tmp_path):
    """The network of `test_empty_database` (a company with a conversion, an exit and
    incentive grants), whose exit, conversion, a transfer, the round and a later issue were
    reversed on their pages: the same files from an empty database given them."""
    admin = _populate()
    company = db.session.scalar(select(Company))
    committee = db.session.scalar(select(Conversion)).decided_by
    on = date(2023, 3, 10)  # before the exit, reversed first: the exit comes in after them
    corrections.reverse_exit(admin, company.exits[0], date(2024, 7, 1), "the buyer withdrew")
    funding_corrections.reverse_conversion(committee, db.session.scalar(select(Conversion)),
                                           on, "the wrong round")
    entries = {(e.to_holder.name, e.on_date): e for e in company.entries}
    corrections.reverse_entry(admin, entries["Fund Y", date(2023, 2, 1)], on, "not signed")
    corrections.reverse_round(admin, company.rounds[0], on, "the round did not close")
    corrections.reverse_entry(admin, entries["Team Li", date(2023, 3, 1)], on, "no such IP")
    [paid] = db.session.scalars(select(Disbursement)).all()  # once the conversion is not
    funding_corrections.reverse_disbursement(committee, paid, on, "paid twice")
    db.session.commit()
    db.session.expire_all()  # read as a new request's export reads them
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    row = list(csv.reader(io.StringIO(exported["companies"].decode())))[1]
    assert [cell.count("reversal |") for cell in row[9:14]] == [1, 1, 1, 2, 1], row
    assert "reversal | TEST-2019-0042 disbursement 1 | 2023-03-10 | paid twice" in row[12]
    assert "reversal" not in exported["funding"].decode()
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        assert (_count(RoundReversal), _count(ConversionReversal), _count(ExitReversal)) == (
            1, 1, 1)
        assert _count(CompanyExit) == 1
        assert db.session.scalar(select(FundingAgreement)).disbursed == Decimal("0")
        again = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert {k: v.decode() for k, v in again.items()} == {
        k: v.decode() for k, v in exported.items()}


def test_a_conversion_and_a_disbursement_name_their_project_as_every_other_cell_does():
    """A project code written without its zeros (TEST-2019-42, as an older system wrote it)
    names TEST-2019-0042 in every project cell (`codes.find_id`); the conversions cell and
    a disbursement's reversal compared the code as written, so a companies file was refused
    ("has no allocation-investment agreement") after its projects and funding had come in
    (found by review); read so, the same file imported again changes nothing (the cell is
    compared with the recorded entries as they are written: TEST-2019-0042)."""
    admin = _with_agreements()
    cell = ("TEST-2019-42 | A; reversal | 1 | 2022-05-10 | the wrong round; "
            "reversal | TEST-2019-42 disbursement 1 | 2022-05-11 | paid to the wrong account")
    result = run(admin, "companies", [ALL_KEYS, [*ROW, cell, "", ""]])
    assert result.state is ImportState.DONE, result.errors
    again = run(admin, "companies", [ALL_KEYS, [*ROW, cell, "", ""]])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    agreement = db.session.scalar(select(Conversion)).agreement
    assert agreement.project.code == "TEST-2019-0042"
    assert agreement.disbursed == Decimal("0")
