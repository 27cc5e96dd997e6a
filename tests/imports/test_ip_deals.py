"""The IP deals import: a transfer or licence of an achievement by the deal form and
`save_transfer`, its royalty reports by `record_report` and its income by `record_income`, as
the deal's page records them (article 45 checked, each receipt split among the contributors);
all or nothing, unchanged again, a recorded report or receipt never changed."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.factories import make_enterprise
from tests.imports import test_achievements
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import User
from tracker.achievements import deals, queries
from tracker.achievements.deal_models import IncomeReceipt, RoyaltyReport, Transfer
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid
from tracker.imports import services
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState

KEYS = ["project_code", "achievement", "enterprise", "kind", "signed_on", "ends_on", "upfront",
        "upfront_due_on", "royalty_pct", "royalty_base", "minimum_royalty", "reporting_months",
        "report_days", "payment_days", "contributor_pct", "override_reason", "reports",
        "receipts"]
DEAL = ["TEST-2019-0042", "Low-leak pump seal", "913200000000000013", "exclusive_licence",
        "2023-01-01", "", "500000", "2023-02-01", "5", "net_sales", "0", "3", "30", "30", "60",
        "", "2023-04-10: 1000000; 2023-07-08: 800000",
        "2023-02-01 | 500000 | upfront; 2023-05-02 | 50000 | royalty | 1 | 2000"]


def _setting():
    admin, _pm = test_achievements._projects()
    achievements = run(admin, "achievements", [test_achievements.KEYS, test_achievements.ROW])
    assert achievements.state is ImportState.DONE, achievements.errors
    make_enterprise(name="Pump Works", uscc="913200000000000013")
    return admin


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_deal_comes_in_with_its_reports_and_income_split_as_its_page_splits_them():
    admin = _setting()
    result = run(admin, "ip_deals", [KEYS, DEAL])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    deal = db.session.scalar(select(Transfer))
    assert [(r.period_end.isoformat(), r.royalty_due) for r in deal.reports] == [
        ("2023-03-31", Decimal("50000")), ("2023-06-30", Decimal("40000"))]
    upfront, royalty = deal.receipts
    assert (upfront.pool, royalty.report_id) == (Decimal("300000"), deal.reports[0].id)
    # 60 % of the net 48,000 to the contributors, 60:30:10 among them.
    assert [s.amount for s in royalty.shares] == [
        Decimal("17280"), Decimal("8640"), Decimal("2880")]
    [exported] = list(csv.reader(io.StringIO(export_csv("ip_deals").decode())))[1:]
    assert exported == DEAL
    records = _count(AuditRecord)
    again = run(admin, "ip_deals", [KEYS, DEAL])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    assert _count(AuditRecord) == records + 1


def test_a_bad_row_imports_nothing_and_names_each_problem_in_its_column():
    admin = _setting()
    other = DEAL[:4]
    below = [*other, "2023-01-02", *DEAL[5:14], "40", *DEAL[15:]]
    no_report = [*other, "2023-01-03", *DEAL[5:17], "2023-05-02 | 50000 | royalty"]
    unknown = ["TEST-2019-0042", "No such thing", *DEAL[2:]]
    # (Not after a good row of the same exclusive licence: one in force leaves no room.)
    result = run(admin, "ip_deals", [KEYS, below, no_report, unknown])
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Reason for a share below the minimum"), (3, "Income received"),
        (4, "Achievement")], result.errors
    assert "below the minimum" in result.errors[0][2]
    assert "the report whose royalty it pays" in result.errors[1][2]
    assert (_count(Transfer), _count(RoyaltyReport), _count(IncomeReceipt)) == (0, 0, 0)


def test_what_the_file_adds_is_recorded_and_a_recorded_receipt_is_never_changed():
    admin = _setting()
    first = [*DEAL[:16], DEAL[16].split(";")[0], DEAL[17].split(";")[0]]
    assert run(admin, "ip_deals", [KEYS, first]).state is ImportState.DONE
    result = run(admin, "ip_deals", [KEYS, DEAL])
    assert (result.state, result.updated) == (ImportState.DONE, 1), result.errors
    assert (_count(RoyaltyReport), _count(IncomeReceipt)) == (2, 2)
    changed = [*DEAL[:17], DEAL[17].replace("500000 | upfront", "400000 | upfront")]
    result = run(admin, "ip_deals", [KEYS, changed])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Income received")], result.errors
    assert "reverse it on the deal's page" in result.errors[0][2]
    assert _count(IncomeReceipt) == 2


def test_a_deal_with_income_keeps_its_licensee_so_a_reimport_finds_it_again():
    """The import finds a deal by its achievement, licensee, kind and signing: with reports
    and income standing the licensee is not changed on the page, so the same file finds the
    same deal again, and a row naming another licensee is another deal (here refused: the
    exclusive licence in force leaves no room for it), never a change of this one."""
    admin = _setting()
    assert run(admin, "ip_deals", [KEYS, DEAL]).state is ImportState.DONE
    deal = db.session.scalar(select(Transfer))
    other = make_enterprise(name="Seal Co")
    values = {k: getattr(deal, k) for k in (
        "kind", "signed_on", "ends_on", "upfront", "upfront_due_on", "royalty_pct",
        "royalty_base", "minimum_royalty", "reporting_months", "report_days", "payment_days",
        "contributor_pct", "override_reason", "ip_deal_id")}
    with pytest.raises(Invalid) as caught:
        deals.save_transfer(admin, deal.achievement, deal, enterprise_id=other.id, **values)
    assert "reverse those first" in dict(caught.value.problems)["enterprise_id"]
    again = run(admin, "ip_deals", [KEYS, DEAL])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    moved = run(admin, "ip_deals", [KEYS, [*DEAL[:2], other.uscc, *DEAL[3:]]])
    assert [c for _r, c, _m in moved.errors] == ["Kind of deal"], moved.errors
    assert _count(Transfer) == 1 and deal.enterprise_id != other.id


def test_income_from_before_the_shares_changed_is_split_by_the_shares_then_in_force():
    """A network's history: the achievement's contributors stand at 60:30:10 today, but the
    royalty of 2023 was received while the PM and the member held 70:30. Its receipt says so,
    and is split so, as the deal's page split it that day; the statements read as the UI
    would have them, and the export writes the shares back."""
    admin = _setting()
    then = "pm@import.cn: 70, member@import.cn: 30"
    row = [*DEAL[:17], f"2023-02-01 | 500000 | upfront; 2023-05-02 | 50000 | royalty | 1 | "
                       f"2000 |  | {then}"]
    result = run(admin, "ip_deals", [KEYS, row])
    assert result.state is ImportState.DONE, result.errors
    deal = db.session.scalar(select(Transfer))
    upfront, royalty = deal.receipts
    # 60 % of the net 48,000 is 28,800: 70:30 then; the upfront's 300,000 by today's shares.
    assert [(s.name, s.share_pct, s.amount) for s in royalty.shares] == [
        (upfront.shares[0].name, Decimal("70"), Decimal("20160")),
        (upfront.shares[1].name, Decimal("30"), Decimal("8640"))]
    assert [s.amount for s in upfront.shares] == [
        Decimal("180000"), Decimal("90000"), Decimal("30000")]
    pm = db.session.scalar(select(User).where(User.email == "pm@import.cn"))
    assert sum(s.amount for s in queries.statement(pm)) == Decimal("200160")
    [exported] = list(csv.reader(io.StringIO(export_csv("ip_deals").decode())))[1:]
    assert exported == row
    assert run(admin, "ip_deals", [KEYS, row]).unchanged == 1


def test_shares_of_a_receipt_are_checked_as_the_contributors_table_is():
    admin = _setting()
    bad = [*DEAL[:17], "2023-02-01 | 500000 | upfront | | | | pm@import.cn: 70, Wang Wu: 20"]
    result = run(admin, "ip_deals", [KEYS, bad])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Income received")], result.errors
    assert "add up to 90" in result.errors[0][2]
    stranger = [*DEAL[:17], "2023-02-01 | 500000 | upfront | | | | x@import.cn: 100"]
    assert "No account has the e-mail x@import.cn" in run(
        admin, "ip_deals", [KEYS, stranger]).errors[0][2]
    assert _count(IncomeReceipt) == 0


def test_a_rate_typed_as_a_percentage_in_excel_is_the_percentage_shown():
    """Typed as 5 % and 60 % into the XLSX template, a royalty rate and the contributors'
    share are kept by Excel as 0.05 and 0.6 in a cell formatted as a percentage: the import
    reads what the sheet shows, 5 and 60, where it read 0.05 % and 0.6 % (the share then
    refused as below the article 45 minimum, the rate imported silently; found by an HQ
    admin's check, issue 13). A number not so formatted is read as it is."""
    admin = _setting()
    book = Workbook()
    sheet = book.active
    sheet.append(KEYS)
    sheet.append([*DEAL[:8], 0.05, *DEAL[9:14], 0.6, *DEAL[15:]])
    sheet.cell(row=2, column=KEYS.index("royalty_pct") + 1).number_format = "0%"
    sheet.cell(row=2, column=KEYS.index("contributor_pct") + 1).number_format = "0.0%"
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    result = services.run_import(admin, "ip_deals", "deals.xlsx", data)
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    deal = db.session.scalar(select(Transfer))
    assert (deal.royalty_pct, deal.contributor_pct) == (Decimal("5"), Decimal("60"))
