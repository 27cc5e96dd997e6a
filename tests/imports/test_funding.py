"""Importing allocation-investment agreements: the agreement through its form and
`record_agreement`, by the committee member the row names, then its tranches, disbursements
and outcome through their services; all or nothing, every error named by row and column."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import func, select

from tests.factories import make_user
from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS as MILESTONE_COLUMNS
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.funding.models import AgreementOutcome, Disbursement, FundingAgreement, Tranche
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState

KEYS = ["project_code", "decided_by_email", "committed", "hq_ratio", "co_funders", "discount_pct",
        "qualifying_round_min", "signed_on", "conversion_deadline", "tranches",
        "disbursements", "outcome", "outcome_on", "repaid_amount", "substitute",
        "outcome_note", "co_funder_payments"]
ROW = ["TEST-2019-0042", "committee@import.cn", "3000000", "1", "苏州市: 1; 工业园区: 0.5", "0",
       "10000000", "2019-06-01", "2031-06-01", "1000000 | gate 1; 2000000 | Prototype",
       "1: 2019-06-10: 1000000: HQ-2019-017; 2: 2020-05-02: 500000", "", "", "", "", "", ""]


def _setting_with_history():
    admin, pm = _setting()
    committee = make_user(Role.INVESTMENT_COMMITTEE, email="committee@import.cn")
    assert run(admin, "projects", [HEADER, _row(),
                                   _row(code="TEST-2016-0001", start="2016-03-01",
                                        passed="1: 2016-05-01")]).state is ImportState.DONE
    milestones = run(admin, "milestones", [
        MILESTONE_COLUMNS,
        ["TEST-2019-0042", "Prototype", "contract_research", "2020-04-30", "accepted", "", ""],
        ["TEST-2019-0042", "Field trial", "contract_research", "2026-09-30", "planned", "", ""]])
    assert milestones.state is ImportState.DONE, milestones.errors
    return admin, committee


def test_an_agreement_comes_in_with_its_tranches_and_disbursements_and_goes_round_trip():
    admin, committee = _setting_with_history()
    result = run(admin, "funding", [KEYS, ROW])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    agreement = db.session.scalar(select(FundingAgreement))
    assert (agreement.committed, agreement.decided_by_id, agreement.signed_on) == (
        Decimal("3000000"), committee.id, date(2019, 6, 1))
    assert [(c.name, c.ratio) for c in agreement.co_funders] == [
        ("苏州市", Decimal("1")), ("工业园区", Decimal("0.5"))]
    assert [(t.number, t.amount, t.gate, t.milestone and t.milestone.title)
            for t in agreement.tranches] == [
        (1, Decimal("1000000"), 1, None), (2, Decimal("2000000"), None, "Prototype")]
    assert [(d.tranche.number, d.paid_on, d.amount, d.reference, d.recorded_by_id)
            for d in db.session.scalars(select(Disbursement).order_by(Disbursement.id))] == [
        (1, date(2019, 6, 10), Decimal("1000000"), "HQ-2019-017", committee.id),
        (2, date(2020, 5, 2), Decimal("500000"), "", committee.id)]
    assert agreement.disbursed == Decimal("1500000")
    # Recorded as the committee member's acts, each naming the import.
    actions = db.session.execute(select(AuditRecord.action, AuditRecord.actor_id).where(
        AuditRecord.object_type.in_(["funding_agreements", "tranches", "disbursements"]))
        .order_by(AuditRecord.id)).all()
    assert actions == [("funding.agree", committee.id), ("funding.tranche", committee.id),
                       ("funding.tranche", committee.id), ("funding.disburse", committee.id),
                       ("funding.disburse", committee.id)]
    # The export writes the file it came from.
    assert list(csv.reader(io.StringIO(export_csv("funding").decode()))) == [KEYS, ROW]
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    again = run(admin, "funding", [KEYS, ROW])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 1
    # A changed row adds what it adds (a disbursement), and nothing else.
    more = ROW[:10] + [ROW[10] + "; 2: 2021-01-05: 250000"] + ROW[11:]
    third = run(admin, "funding", [KEYS, more])
    assert (third.state, third.updated) == (ImportState.DONE, 1), third.errors
    assert agreement.disbursed == Decimal("1750000")


def test_a_bad_row_imports_nothing_and_names_every_problem_by_row_and_column():
    admin, committee = _setting_with_history()
    make_user(Role.PROJECT_MANAGER, email="not-committee@import.cn")
    rows = [KEYS,
            ROW,
            # The agreement form's service: every problem at once.
            ["TEST-2016-0001", "committee@import.cn", "0", "1", "", "0", "10000000",
             "2019-06-01", "2019-01-01", "", "", "", "", "", "", ""]]
    result = run(admin, "funding", rows)
    assert [(r, c) for r, c, _m in result.errors] == [
        (3, "Committed by HQ (CNY)"), (3, "Conversion deadline")], result.errors
    assert db.session.scalar(select(func.count()).select_from(FundingAgreement)) == 0
    rows = [KEYS,
            ["TEST-2019-0042", "not-committee@import.cn"] + ROW[2:],
            ["TEST-2016-0001", "committee@import.cn", "3000000", "", "", "", "10000000",
             "2016-04-01", "2030-01-01", "1000000 | gate 2; 500000 | Nothing; 9000000 | gate 1",
             "", "", "", "", "", ""]]
    result = run(admin, "funding", rows)
    assert [(r, c, m) for r, c, m in result.errors] == [
        (2, "Committee member's e-mail",
         "Only the investment committee decides allocation-investment funding. Give them "
         "the role in the users file, or name someone who has it."),
        (3, "Tranches", "The project has no milestone called Nothing."),
        (3, "Tranches", result.errors[2][2])], result.errors
    assert "more than the" in result.errors[2][2]
    # A disbursement before its tranche became payable (gate 1 passed on 2016-05-01).
    early = ["TEST-2016-0001", "committee@import.cn", "3000000", "", "", "", "10000000",
             "2016-04-01", "2030-01-01", "1000000 | gate 1", "1: 2016-04-20: 1000000", "", "",
             "", "", ""]
    with force_locale("zh_CN"):
        result = run(admin, "funding", [KEYS, early])
        # Read in Chinese, as the problems are said again in the reader's language.
        assert [(r, c) for r, c, _m in result.errors] == [(2, "拨付记录")], result.errors
    assert db.session.scalar(select(func.count()).select_from(Tranche)) == 0


def test_an_outcome_after_the_deadline_is_recorded_and_exported():
    admin, committee = _setting_with_history()
    row = ["TEST-2016-0001", "committee@import.cn", "2000000", "", "", "", "10000000",
           "2016-06-01", "2020-06-01", "1000000 | gate 1", "1: 2016-07-01: 1000000", "repaid",
           "2021-01-15", "400000", "", "Partly repaid", ""]
    result = run(admin, "funding", [KEYS, row])
    assert result.state is ImportState.DONE, result.errors
    agreement = db.session.scalar(select(FundingAgreement))
    assert (agreement.outcome, agreement.outcome_on, agreement.repaid_amount,
            agreement.outcome_by_id) == (AgreementOutcome.REPAID, date(2021, 1, 15),
                                         Decimal("400000"), committee.id)
    exported = export_csv("funding").decode().splitlines()[1]
    assert exported.endswith(",repaid,2021-01-15,400000,,Partly repaid,"), exported
    again = run(admin, "funding", [KEYS, row])
    assert again.unchanged == 1, again.errors


def test_joined_problems_are_said_again_in_the_readers_language():
    """Issue 9: a cell's several form errors are joined into one message, and the list of
    columns an unknown header is told; both were frozen in the uploader's language. Each
    part is now stored as it was said: an English reader reads a Chinese uploader's
    problems in English."""
    admin, _committee = _setting_with_history()
    bad = ["TEST-2016-0001", "committee@import.cn", "3000000", "", "", "", "10000000",
           "2016-04-01", "2030-01-01", "1000000 | gate 1", "1: 2016-99-20: abc", "", "",
           "", "", ""]
    with force_locale("zh_CN"):
        result = run(admin, "funding", [KEYS, bad])
        [(_row, column, chinese)] = result.errors
        assert column == "拨付记录" and "; " in chinese, result.errors
        header = run(admin, "enterprises", [["名称", "Nom"], ["甲公司", "x"]])
        assert "名称" in header.errors[0][2]
    with force_locale("en"):
        [(_row, column, english)] = result.errors
        assert column == "Disbursements" and english != chinese
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), english
        assert "Name" in header.errors[0][2] and "名称" not in header.errors[0][2]


def test_a_voided_tranche_or_agreement_is_history_the_file_does_not_carry():
    """Issue 9 point 5: the export writes what stands. A tranche voided (its disbursement
    reversed first) is left out, the disbursements column numbering the tranches that stand,
    and the file re-imports as unchanged; an agreement voided is left out, and its row brings
    the agreement back as a new one (one agreement stands per project)."""
    from tracker.funding import corrections, voids

    admin, committee = _setting_with_history()
    assert run(admin, "funding", [KEYS, ROW]).state is ImportState.DONE
    agreement = db.session.scalar(select(FundingAgreement))
    first = agreement.tranches[0]
    corrections.reverse_disbursement(committee, first.disbursements[0], date(2019, 6, 11),
                                     "Paid on the wrong tranche")
    voids.void_tranche(committee, first, "Gate 1 released nothing")
    db.session.commit()
    [header, row] = list(csv.reader(io.StringIO(export_csv("funding").decode())))
    assert row[9:11] == ["2000000 | Prototype", "1: 2020-05-02: 500000"]
    again = run(admin, "funding", [header, row])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    more = row[:10] + [row[10] + "; 1: 2021-01-05: 250000"] + row[11:]
    assert run(admin, "funding", [header, more]).state is ImportState.DONE
    db.session.expire_all()
    assert [d.amount for d in agreement.tranches[1].disbursements] == [
        Decimal("500000"), Decimal("250000")]  # "1" is the first tranche that stands

    for tranche in agreement.tranches:
        for paid in tranche.disbursements:
            if paid.reversed_by is None and not paid.is_reversal:
                corrections.reverse_disbursement(committee, paid, date(2021, 1, 6), "Wrong")
    db.session.commit()
    voids.void_agreement(committee, agreement, "The wrong project")
    db.session.commit()
    assert list(csv.reader(io.StringIO(export_csv("funding").decode()))) == [KEYS]
    back = run(admin, "funding", [KEYS, ROW])
    assert (back.state, back.created) == (ImportState.DONE, 1), back.errors
    assert db.session.scalar(select(func.count(FundingAgreement.id))) == 2
