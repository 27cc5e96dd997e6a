"""A company's ledger as it was recorded, round trip (issue 13): built on the pages' services,
exported, imported into an empty database and exported again, the same files. A founders'
table voided whole and entered again comes with its void and the void's reason
(`cap_tables`); entries recorded, reversed and recorded again on one day come in the order
they were recorded (`ledger_order`)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.imports.helpers import run
from tests.imports.test_company_ledger import _setting_with_projects
from tests.imports.test_empty_database import empty_network, import_in_order
from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.companies import corrections, deals
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, Company, ExitKind, HolderType
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.organisations import uscc
from tracker.projects.models import Project

LINE = companies.IssueLine


def _code(n: int) -> str:
    first = f"9132000000000000{n}"
    return first + uscc.check_character(first)


def _company(admin, name: str, n: int, project: str) -> Company:
    found = db.session.scalar(select(Project).where(Project.code == project))
    return companies.record_company(admin, name=name, uscc=_code(n),
                                    registered_on=date(2020, 2, 1),
                                    registered_capital=None, legal_representative="",
                                    project_ids=[found.id])


def _table(team: str, hq: str, pool: str = "1000000") -> list:
    return [LINE("Team Li", HolderType.TEAM, Decimal(team), Acquisition.IP, "Pressure sensor"),
            LINE("JITRI", HolderType.HQ, Decimal(hq), Acquisition.CASH),
            LINE("Incentive pool", HolderType.INCENTIVE_POOL, Decimal(pool), Acquisition.CASH)]


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def _round_trip(app, tmp_path, admin) -> tuple[dict[str, bytes], list[str]]:
    """Every kind exported, imported into an empty database in the README's order and
    exported there: the files, and the actions of the void audit records written there."""
    db.session.commit()
    db.session.expire_all()  # read as a new request's export reads them
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        again = {kind: export.export_csv(kind) for kind in export.ROWS}
        voids = [str(r.changes["reason"][1]) for r in db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "company.void_founders")
            .order_by(AuditRecord.id))]
    assert {k: v.decode() for k, v in again.items()} == {
        k: v.decode() for k, v in exported.items()}
    return exported, voids


def test_a_founders_table_voided_and_entered_again_comes_round_trip(app, tmp_path):
    admin = _setting_with_projects()
    later = _company(admin, "Voided once", 5, "TEST-2019-0042")
    companies.incorporate(admin, later, _table("6000000", "3000000"), date(2020, 3, 1),
                          Decimal("10000000"))
    corrections.void_founders(admin, later, "the split was agreed otherwise")
    db.session.expire_all()  # each act a request of its own
    companies.incorporate(admin, later, _table("5500000", "3500000"), date(2020, 3, 20),
                          Decimal("10000000"))
    # Voided twice on its own day, a holding of the second table reversed first.
    twice = _company(admin, "Voided twice", 6, "TEST-2019-0043")
    companies.incorporate(admin, twice, _table("6000000", "3000000"), date(2020, 4, 1),
                          Decimal("10000000"))
    corrections.void_founders(admin, twice, "typed against the wrong company")
    db.session.expire_all()
    companies.incorporate(admin, twice, _table("6000000", "3000000", "2000000"),
                          date(2020, 4, 1), Decimal("11000000"))
    pool = next(e for e in twice.entries if e.standing and e.to_holder.name == "Incentive pool")
    corrections.reverse_entry(admin, pool, date(2020, 4, 1), "no pool yet")
    db.session.expire_all()
    corrections.void_founders(admin, twice, "the shares were counted twice")
    db.session.expire_all()
    companies.incorporate(admin, twice, _table("6000000", "4000000", "0")[:2],
                          date(2020, 4, 1), Decimal("10000000"))

    exported, voids = _round_trip(app, tmp_path, admin)
    rows = {row[0]: row for row in _rows(exported["companies"])}
    header = _rows(exported["companies"])[0]
    cell = dict(zip(header, rows["Voided once"], strict=True))
    assert cell["holdings"] == (
        "Team Li | team | 6000000 | ip | Pressure sensor | ; JITRI | hq | 3000000; "
        "Incentive pool | incentive_pool | 1000000; "
        "void | 2020-03-01 | the split was agreed otherwise; "
        "Team Li | team | 5500000 | ip | Pressure sensor | ; JITRI | hq | 3500000; "
        "Incentive pool | incentive_pool | 1000000")
    assert (cell["incorporated_on"], cell["total_shares"]) == ("2020-03-20", "10000000")
    cell = dict(zip(header, rows["Voided twice"], strict=True))
    assert cell["holdings"].count("void | 2020-04-01 |") == 2
    assert "Incentive pool | incentive_pool | 2000000; reversal | 7 | 2020-04-01 | no pool yet; "\
        "void | 2020-04-01 | the shares were counted twice" in cell["holdings"]
    assert (cell["incorporated_on"], cell["total_shares"]) == ("2020-04-01", "10000000")
    # Replayed by the page's own void, with its reason.
    assert voids == ["the split was agreed otherwise", "typed against the wrong company",
                     "the shares were counted twice"]


def test_a_void_the_file_adds_is_recorded_and_a_recorded_one_it_leaves_out_is_refused():
    admin = _setting_with_projects()
    company = _company(admin, "Voided later", 5, "TEST-2019-0042")
    companies.incorporate(admin, company, _table("6000000", "3000000"), date(2020, 3, 1),
                          Decimal("10000000"))
    db.session.flush()
    rows = _rows(export.export_csv("companies"))
    at = {key: n for n, key in enumerate(rows[0])}
    first = rows[1][at["holdings"]]
    rows[1][at["holdings"]] = (f"{first}; void | 2020-03-01 | wrong split; Team Li | team | "
                               "7000000 | ip | Pressure sensor; JITRI | hq | 3000000")
    rows[1][at["incorporated_on"]] = "2020-03-02"
    rows[1][at["total_shares"]] = ""
    result = run(admin, "companies", rows)
    assert (result.state, result.updated) == (ImportState.DONE, 1), result.errors
    assert [(e.to_holder.name, e.shares, e.on_date) for e in company.entries if e.standing] == [
        ("Team Li", Decimal("7000000"), date(2020, 3, 2)),
        ("JITRI", Decimal("3000000"), date(2020, 3, 2))]
    assert run(admin, "companies", rows).unchanged == 1
    # The void left out, or dated other than the table it voids: refused, nothing written.
    rows[1][at["holdings"]] = rows[1][at["holdings"]].replace(
        "void | 2020-03-01 | wrong split; ", "")
    result = run(admin, "companies", rows)
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Cap table at incorporation")]
    assert "The void of the cap table of Mar 1, 2020 is recorded and missing" in (
        result.errors[0][2])
    other = _company(admin, "Voided on the wrong day", 6, "TEST-2019-0043")
    companies.incorporate(admin, other, _table("6000000", "3000000"), date(2020, 3, 1),
                          Decimal("10000000"))
    rows = _rows(export.export_csv("companies"))
    row = rows[2]
    row[at["holdings"]] += "; void | 2020-03-05 | wrong day"
    row[at["incorporated_on"]] = row[at["total_shares"]] = ""
    result = run(admin, "companies", [rows[0], row])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Cap table at incorporation")]
    assert "the cap table it voids is of Mar 1, 2020" in result.errors[0][2]
    assert len([e for e in other.entries if e.standing]) == 3


def test_entries_recorded_reversed_and_recorded_again_on_one_day_come_round_trip(
        app, tmp_path):
    """On one day an issue recorded, reversed and recorded again, then its shares passed on:
    the rule for a day (issues, transfers, then reversals) would reverse the first issue
    after the transfer, which the ledger refuses (the holder would hold too few), so the file
    says the order recorded; a round recorded, reversed and recorded again on its day comes
    in its cell's order, and so does an exit (the one reversed, in Exits reversed, with the
    first companies import; the one that stands with the second)."""
    admin = _setting_with_projects()
    company = _company(admin, "Busy day", 5, "TEST-2019-0042")
    companies.incorporate(admin, company, _table("6000000", "3000000"), date(2020, 3, 1),
                          Decimal("10000000"))
    day, fund = date(2021, 6, 1), LINE("Fund Z", HolderType.INVESTOR, Decimal("300000"),
                                        Acquisition.CASH)
    first = companies.issue_shares(admin, company, fund, day)
    corrections.reverse_entry(admin, first, day, "entered twice")
    db.session.expire_all()
    companies.issue_shares(admin, company, fund, day)
    holder = next(h for h in company.holders if h.name == "Fund Z")
    companies.transfer_shares(admin, company, holder, "Fund Y", HolderType.INVESTOR,
                              Decimal("300000"), day)
    closed = date(2022, 5, 1)
    for n in range(2):
        financing = deals.record_round(
            admin, company, name="A", on=closed, pre_money=Decimal("12000000"),
            amount=Decimal("6000000"),
            investors=[deals.InvestorLine("Fund X", HolderType.INVESTOR, Decimal("6000000"),
                                          lead=True)])
        if n == 0:
            corrections.reverse_round(admin, financing, closed, "the wrong valuation")
            db.session.expire_all()
    exited = date(2024, 6, 30)
    for n in range(2):
        exit_ = deals.record_exit(admin, company, kind=ExitKind.ACQUISITION, on=exited,
                                  proceeds=Decimal("90000000"))
        if n == 0:
            corrections.reverse_exit(admin, exit_, exited, "the wrong buyer")
            db.session.expire_all()

    exported, _voids = _round_trip(app, tmp_path, admin)
    admin = db.session.scalar(select(User).where(User.email == admin.email))
    header, row = _rows(exported["companies"])[:2]
    cell = dict(zip(header, row, strict=True))
    assert cell["issues"] == ("Fund Z | investor | 300000 | 2021-06-01; "
                              "reversal | 1 | 2021-06-01 | entered twice; "
                              "Fund Z | investor | 300000 | 2021-06-01")
    assert cell["recorded_order"] == "issues 1; issues 2; issues 3; transfers 1"
    assert cell["rounds"].count("A | 2022-05-01 | 12000000 | Fund X: investor: 6000000: lead"
                                ) == 2
    assert "lead; reversal | 1 | 2022-05-01 | the wrong valuation; A |" in cell["rounds"]
    assert cell["reversed_exits"] == ("acquisition | 2024-06-30 | 90000000; "
                                      "reversal | 1 | 2024-06-30 | the wrong buyer")
    assert cell["exit"] == "acquisition | 2024-06-30 | 90000000"
    # The same ledger without the order recorded: the rule of a day reverses the first issue
    # after the transfer, which the ledger refuses; nothing is written. With it, recorded.
    other = dict(cell, name="Busy day again", uscc=_code(6), project_codes="TEST-2019-0043",
                 recorded_order="")
    result = run(admin, "companies", [header, list(other.values())])
    assert result.state is ImportState.FAILED
    assert any("Fund Z would hold" in message for _r, _c, message in result.errors), (
        result.errors)
    other["recorded_order"] = "issues 1; issues 2; issues 3; transfers 1"
    result = run(admin, "companies", [header, list(other.values())])
    assert result.state is ImportState.DONE, result.errors


@pytest.mark.parametrize(("reasons", "dates", "again", "written"), [
    (("the split was wrong", "HQ paid less"), (1, 1), False,
     "void | 2020-03-01 | HQ paid less"),
    (("the split was wrong", "the split was wrong"), (1, 5), False,
     "reversal | 2 | 2020-03-05 | the split was wrong"),
    (("the split was wrong", "HQ paid less"), (1, 1), True,
     "void | 2020-03-01 | HQ paid less; Team Li | team | 5000000 | ip | Pressure sensor | ; "
     "JITRI | hq | 4000000")])
def test_a_founders_table_reversed_line_by_line_round_trips(app, tmp_path, reasons, dates,
                                                            again, written):
    """Each line of the founders' table reversed on its own, not voided whole, with reasons
    (or dates) of their own: the lines and their reversals come back, then the table entered
    again, if it was. The last line left reversed on the table's date is the same entry as a
    void of the table would write (a void reverses the lines that stand), and is written and
    recorded as one."""
    admin = _setting_with_projects()
    company = _company(admin, "One by one", 5, "TEST-2019-0042")
    companies.incorporate(admin, company, _table("6000000", "3000000")[:2], date(2020, 3, 1),
                          Decimal("9000000"))
    for line, reason, on in zip(list(company.entries), reasons, dates, strict=True):
        corrections.reverse_entry(admin, line, date(2020, 3, on), reason)
        db.session.expire_all()
    if again:
        companies.incorporate(admin, company, _table("5000000", "4000000")[:2],
                              date(2020, 3, 10), Decimal("9000000"))

    exported, voids = _round_trip(app, tmp_path, admin)
    header, row = _rows(exported["companies"])[:2]
    cell = dict(zip(header, row, strict=True))
    assert cell["holdings"] == (
        "Team Li | team | 6000000 | ip | Pressure sensor | ; JITRI | hq | 3000000; "
        f"reversal | 1 | 2020-03-01 | {reasons[0]}; {written}")
    assert voids == (["HQ paid less"] if written.startswith("void") else [])
