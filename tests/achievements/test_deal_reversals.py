"""A receipt of income or a royalty report recorded by mistake is reversed the way every ledger
of the tracker is (issue 16): a reversing entry with a reason, audited, shown on the deal's page
and in its history, never deleted; every figure that reads them follows (the deal's income, the
contributors' statements, the reminders). A receipt says what it pays, and only upfront
receipts count towards the upfront payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_transfer
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import deal_corrections, deals, queries
from tracker.achievements.deal_models import IncomeReceipt, ReceiptFor, RoyaltyReportReversal
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid, Refused
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage

D = Decimal


def _sent(rule: str) -> list[int]:
    return [m.recipient_id for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == rule).order_by(OutboxMessage.id))]


def _receive(hq, transfer, amount="100000.00", pays="upfront", report=None, on=None):
    receipt = deals.record_income(hq, transfer, received_on=on or date(2026, 2, 1),
                                  amount=D(amount), costs=D("10000.00"), pays=pays,
                                  report_id=report.id if report else None)
    _commit()
    return receipt


def test_a_reversed_receipt_nets_to_nothing_in_the_deal_and_the_statements(client):
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()  # the PM 60 %, Zhou Min 40 %
    pm = achievement.project.pm
    transfer = make_transfer(achievement, hq, contributor_pct=D("50"))
    receipt = _receive(hq, transfer)  # net 90,000.00: 45,000.00 to the contributors
    assert [s.amount for s in queries.statement(pm)] == [D("27000.00")]
    for on, reason, field in ((date(2026, 3, 1), " ", "reason"),
                              (date(2026, 1, 31), "Typed twice", "on_date")):
        with pytest.raises(Invalid) as refused:
            deal_corrections.reverse_income(hq, receipt, on, reason)
        assert refused.value.field == field
    reversal = deal_corrections.reverse_income(hq, receipt, date(2026, 3, 1),
                                               "Recorded against the wrong licence")
    _commit()
    assert (reversal.amount, reversal.costs, reversal.pool, reversal.pays) == (
        D("-100000.00"), D("-10000.00"), D("-45000.00"), ReceiptFor.UPFRONT)
    assert [s.amount for s in reversal.shares] == [D("-27000.00"), D("-18000.00")]
    db.session.expire(transfer)
    assert transfer.income == transfer.distributed == transfer.upfront_received == 0
    assert [s.amount for s in queries.statement(pm)] == [D("27000.00"), D("-27000.00")]
    with pytest.raises(Refused):
        deal_corrections.reverse_income(hq, receipt, date(2026, 3, 1), "Again")
    with pytest.raises(Refused):
        deal_corrections.reverse_income(hq, reversal, date(2026, 3, 1), "A reversal's")
    assert db.session.get(IncomeReceipt, receipt.id) is not None  # never deleted
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "income.reverse"))
    assert record.object_id == reversal.id and "Zhou Min" in str(record.changes["shares"])

    login(client, hq)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Reverses the receipt of" in page and "Reversed on" in page
    assert "Recorded against the wrong licence" in page
    history = client.get(f"/history/ip_transfers/{transfer.id}").get_data(as_text=True)
    assert "Receipt of income reversed, contributors&#39; parts taken back" in history
    statement = client.get(f"/ip/statements/{pm.id}").get_data(as_text=True)
    assert "Reverses the receipt of" in statement and "\u2212CN¥27,000.00" in statement


def test_a_receipt_is_reversed_through_its_page_by_whoever_records_income(client):
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(make_achievement(), hq)
    receipt = _receive(hq, transfer)
    login(client, hq)
    path = f"/ip-income/{receipt.id}/reverse"
    assert client.get(path).status_code == 200
    empty = post(client, path, {"on_date": "2026-03-01", "reason": "", "once": "r1"})
    assert empty.status_code == 400
    done = post(client, path, {"on_date": "2026-03-01", "reason": "Twice", "once": "r2"})
    assert done.status_code == 302
    assert db.session.scalar(select(IncomeReceipt).where(
        IncomeReceipt.reverses_id == receipt.id)).reason == "Twice"
    again = post(client, path, {"on_date": "2026-03-01", "reason": "Thrice", "once": "r3"})
    assert again.status_code == 409


def test_a_reversed_upfront_receipt_is_reminded_again_and_other_income_never_counts():
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()
    pm = achievement.project.pm
    transfer = make_transfer(achievement, hq, upfront_due_on=date(2026, 2, 15))
    # Other income of the full amount is no upfront payment: the PM is reminded.
    _receive(hq, transfer, pays="other", on=date(2026, 2, 10))
    paid = _receive(hq, transfer, on=date(2026, 2, 12))
    scan.scan(date(2026, 2, 16))
    assert _sent("upfront_payment") == []  # received in full, by its own receipt
    deal_corrections.reverse_income(hq, paid, date(2026, 2, 20), "The bank returned it")
    _commit()
    scan.scan(date(2026, 2, 21))
    assert _sent("upfront_payment") == [pm.id]  # no longer counts as paid


def test_what_a_receipt_pays_is_said_and_checked():
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(make_achievement(), hq)
    free = make_transfer(make_achievement(), hq, upfront=D("0"))
    report = deals.record_report(hq, transfer, received_on=date(2026, 5, 1),
                                 base_amount=D("1000000.00"))
    _commit()
    cases = [(transfer, None, None, "pays"), (free, "upfront", None, "pays"),
             (transfer, "royalty", None, "report_id"),
             (transfer, "other", report.id, "report_id")]
    for deal, pays, report_id, field in cases:
        with pytest.raises(Invalid) as refused:
            deals.record_income(hq, deal, received_on=date(2026, 5, 2), amount=D("1"),
                                costs=None, pays=pays, report_id=report_id)
        assert refused.value.field == field, (pays, report_id)
    royalty = _receive(hq, transfer, "50000.00", pays="royalty", report=report)
    assert royalty.report is report and transfer.upfront_received == 0


def test_a_reversed_report_is_owed_again_and_its_royalty_no_longer_due():
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()
    pm = achievement.project.pm
    transfer = make_transfer(achievement, hq)  # quarterly from 15 January: first due 14 May
    first = deals.record_report(hq, transfer, received_on=date(2026, 5, 1),
                                base_amount=D("1000000.00"))  # royalty due 31 May
    _commit()
    second = deals.record_report(hq, transfer, received_on=date(2026, 7, 20),
                                 base_amount=D("10.00"))
    _commit()
    with pytest.raises(Refused) as later:
        deal_corrections.reverse_report(hq, first, date(2026, 8, 1), "Wrong base")
    assert "reverse the latest report first" in later.value.message
    deal_corrections.reverse_report(hq, second, date(2026, 8, 1), "The licensee's draft")
    _commit()
    paid = _receive(hq, transfer, "50000.00", pays="royalty", report=first,
                    on=date(2026, 5, 20))
    with pytest.raises(Refused) as received:
        deal_corrections.reverse_report(hq, first, date(2026, 8, 1), "Wrong base")
    assert "reverse that receipt first" in received.value.message
    deal_corrections.reverse_income(hq, paid, date(2026, 8, 1), "Paid to the wrong account")
    reversal = deal_corrections.reverse_report(hq, first, date(2026, 8, 1), "Wrong base")
    _commit()
    assert deals.next_period(transfer)[0] == 1  # the first quarter is owed again
    assert transfer.standing_reports == []
    with pytest.raises(Refused):
        deal_corrections.reverse_report(hq, first, date(2026, 8, 1), "Again")
    scan.scan(date(2026, 8, 2))
    assert _sent("royalty_report") == [pm.id, hq.id]  # a day and 30 days past 14 May
    assert _sent("royalty_payment") == []  # a reversed report's royalty is due no more
    again = deals.record_report(hq, transfer, received_on=date(2026, 8, 3),
                                base_amount=D("900000.00"))
    _commit()
    assert (again.period_start, again.royalty_due) == (first.period_start, D("45000.00"))
    assert db.session.scalar(select(AuditRecord.object_id).where(
        AuditRecord.action == "royalty_report.reverse").order_by(AuditRecord.id.desc())) == (
        reversal.id)
    assert db.session.get(RoyaltyReportReversal, reversal.id).title == first.title


def test_a_report_is_reversed_through_its_page_and_marked(client):
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(make_achievement(), hq)
    report = deals.record_report(hq, transfer, received_on=date(2026, 5, 1),
                                 base_amount=D("1000000.00"))
    _commit()
    login(client, hq)
    path = f"/royalty-reports/{report.id}/reverse"
    assert client.get(path).status_code == 200
    assert post(client, path, {"on_date": "2026-05-02", "reason": "Draft figures",
                               "once": "x"}).status_code == 302
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Reversed on" in page and "Draft figures" in page
    assert "Record the report of" in page  # its period is owed again
    history = client.get(f"/history/ip_transfers/{transfer.id}").get_data(as_text=True)
    assert "Royalty report reversed" in history and "Draft figures" in history
