"""Conversions of allocation-investment money and a company's exit through the companies
import: `convert` by the committee member who recorded the agreement, right after the round it
converts at, and `record_exit` after every entry, so the cap tables and the exit's proceeds are
those of the same history entered on the pages."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import func, select

from tests.factories import make_user
from tests.imports.helpers import another_company, run
from tests.imports.test_company_ledger import DATES, KEYS, ROW, _tables, _typed_in
from tests.imports.test_company_ledger import _setting_with_projects as _projects
from tests.imports.test_funding import KEYS as FUNDING_KEYS
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import deals
from tracker.companies.models import Company, CompanyExit, ExitKind
from tracker.funding import services as funding
from tracker.funding.models import AgreementOutcome, Conversion, FundingAgreement
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState

ALL_KEYS = [*KEYS, "conversions", "reversed_exits", "exit"]
FULL = [*ROW, "TEST-2019-0042 | A", "", "acquisition | 2024-06-30 | 90000000"]


def _agreement(code: str) -> list[str]:
    return [code, "committee@import.cn", "3000000", "1", "", "0", "5000000", "2019-06-01",
            "2031-06-01", "1000000 | gate 1", "1: 2019-06-10: 1000000", "", "", "", "", "",
            ""]


def _setting():
    admin = _projects()
    make_user(Role.INVESTMENT_COMMITTEE, email="committee@import.cn")
    result = run(admin, "funding", [FUNDING_KEYS, _agreement("TEST-2019-0042"),
                                    _agreement("TEST-2019-0043")])
    assert result.state is ImportState.DONE, result.errors
    return admin


def _agreement_of(code: str) -> FundingAgreement:
    return next(a for a in db.session.scalars(select(FundingAgreement))
                if a.project.code == code)


def test_a_conversion_and_an_exit_come_in_as_the_pages_record_them():
    admin = _setting()
    result = run(admin, "companies", [ALL_KEYS, FULL])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    imported = db.session.scalar(select(Company).where(Company.uscc == ROW[1]))
    agreement = _agreement_of("TEST-2019-0042")
    [conversion] = agreement.conversions
    assert (conversion.shares, conversion.decided_by.email, agreement.outcome) == (
        Decimal("1000000"), "committee@import.cn", AgreementOutcome.CONVERTED)
    # The same history typed in: the conversion on the round's page, then the exit.
    typed = _typed_in(admin)
    funding.convert(agreement.decided_by, _agreement_of("TEST-2019-0043"), typed.rounds[0])
    deals.record_exit(admin, typed, kind=ExitKind.ACQUISITION, on=date(2024, 6, 30),
                      proceeds=Decimal("90000000"))
    assert _tables(imported) == _tables(typed)
    assert [(e.hq_proceeds, e.institute_proceeds) for e in imported.exits] == [
        (e.hq_proceeds, e.institute_proceeds) for e in typed.exits]
    assert DATES[3] == imported.rounds[0].on_date == conversion.entry.on_date
    [exported] = list(csv.reader(io.StringIO(export_csv("companies").decode())))[1:2]
    assert exported == [*FULL, ""]  # each day in the order the rule of a day gives
    again = run(admin, "companies", [ALL_KEYS, FULL])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    assert db.session.scalar(select(func.count()).select_from(Conversion)) == 2


def test_what_cannot_convert_or_exit_is_refused_with_its_reason_and_nothing_is_written():
    admin = _setting()
    row = [*ROW, "TEST-2019-0042 | B; TEST-2019-9999 | A", "", "acquisition | 2022-01-01 | 1"]
    result = run(admin, "companies", [ALL_KEYS, row])
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Conversions of allocation-investment money"),
        (2, "Conversions of allocation-investment money"), (2, "Exit")], result.errors
    # In date order: a round the company does not have comes last, and the exit after all.
    assert "no allocation-investment agreement" in result.errors[0][2]
    assert "no round called B" in result.errors[1][2]
    assert "before the company's last share entry" in result.errors[2][2]
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_an_exit_dated_before_the_last_entry_is_refused_as_its_page_refuses_it():
    admin = _setting()
    # Tried twice in one session, as the upload page's user retries: the first run's rows,
    # rolled back, leave nothing behind for the second to trip on (on SQLite the second
    # run's rows get the same ids; `db.Savepoint` forgets the first run's objects).
    for _attempt in range(2):
        early = run(admin, "companies", [ALL_KEYS, [*ROW, "", "", "acquisition | 2022-01-01 | 1"]])
        assert [(r, c) for r, c, _m in early.errors] == [(2, "Exit")], early.errors
        assert "before the company's last share entry" in early.errors[0][2]
        assert db.session.scalar(select(func.count()).select_from(CompanyExit)) == 0
        assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_a_recorded_exit_is_not_changed_by_a_re_import():
    admin = _setting()
    assert run(admin, "companies", [ALL_KEYS, FULL]).state is ImportState.DONE
    changed = [*FULL[:-1], "listing | 2024-06-30 | 90000000"]
    result = run(admin, "companies", [ALL_KEYS, changed])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Exit")], result.errors
    assert "is recorded and missing from the file" in result.errors[0][2]


def test_each_of_several_refused_rows_is_named_and_none_trips_on_the_one_before():
    # Each row is tried in a savepoint and rolled back; on SQLite the next row's company and
    # shareholders get the same ids again (`db.Savepoint` forgets the refused row's objects).
    admin = _setting()
    bad = [*ROW, "", "", "acquisition | 2022-01-01 | 1"]
    result = run(admin, "companies", [ALL_KEYS, bad, another_company(bad, 1),
                                      another_company(bad, 2)])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Exit"), (3, "Exit"), (4, "Exit")]
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_an_exit_reversed_is_written_in_its_own_column_and_refused_in_the_exit_one():
    """The exit column holds the exit that stands (the second import's); an exit reversed,
    with its reversal, is Exits reversed (the first import's): each refused in the other,
    beside its column, naming the one it belongs in, in the importing person's language."""
    admin = _setting()
    reversed_ = "acquisition | 2024-06-30 | 1; reversal | 1 | 2024-07-01 | the buyer withdrew"
    standing = "acquisition | 2024-06-30 | 1"
    for locale, in_exit, in_reversed in (("en", "Exits reversed", "Exit"),
                                         ("zh_CN", "已冲销的退出", "退出")):
        with force_locale(locale):
            result = run(admin, "companies", [ALL_KEYS, [*ROW, "", "", reversed_],
                                              another_company([*ROW, "", standing, ""], 1)])
            errors = [(r, str(c), str(m)) for r, c, m in result.errors]
        assert result.state is ImportState.FAILED
        assert [(r, c) for r, c, _m in errors] == [(2, in_reversed), (3, in_exit)], errors
        assert in_exit in errors[0][2] and in_reversed in errors[1][2], errors
        # A file written before Exits reversed was: told what to do, in their language.
        assert errors[0][2] == {
            "en": "Write here only the exit that stands; an exit reversed on the company's "
                  "page is written with its reversal in Exits reversed.",
            "zh_CN": "此处只填写有效的退出；在公司页面上被冲销的退出连同其冲销填写在"
                     "已冲销的退出列。",
        }[locale], errors
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0
