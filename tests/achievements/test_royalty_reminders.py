"""A licence's royalty reports and payments are reminder rules (`royalty_report`,
`royalty_payment`), tested through a real scan: the PM hears before and after the due date,
HQ admins 30 days late; recording the report moves the deal on to the next period, and
receiving the royalty stops the payment's reminders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_transfer
from tests.factories import _commit, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import deals, periods
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage


def _sent(rule: str) -> list[tuple[int, str]]:
    return [(m.recipient_id, m.occurrence) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == rule).order_by(OutboxMessage.id))]


def test_periods_follow_the_calendar():
    assert periods.period(date(2026, 1, 31), 1, 1) == (date(2026, 1, 31), date(2026, 2, 27))
    assert periods.period(date(2026, 1, 15), 3, 2) == (date(2026, 4, 15), date(2026, 7, 14))
    assert periods.report_due(date(2026, 1, 15), 3, 1, 30) == date(2026, 5, 14)


def test_a_royalty_report_then_its_payment_remind_the_pm_and_hq():
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()
    pm = achievement.project.pm
    transfer = make_transfer(achievement, hq)  # quarterly from 15 January: first due 14 May
    assert scan.scan(date(2026, 5, 6)).found == 0
    scan.scan(date(2026, 5, 7))  # 7 days before
    scan.scan(date(2026, 5, 15))  # the day after
    scan.scan(date(2026, 6, 13))  # 30 days late: HQ
    assert [who for who, _o in _sent("royalty_report")] == [pm.id, pm.id, hq.id]
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.rule == "royalty_report").order_by(OutboxMessage.id))
    assert message.details["path"] == f"/transfers/{transfer.id}"
    # 1,000,000.00 of net sales at 5 % is 50,000.00, above the minimum of 20,000.00.
    report = deals.record_report(hq, transfer, received_on=date(2026, 6, 14),
                                 base_amount=Decimal("1000000.00"))
    _commit()
    assert (report.period_end, report.royalty_due, report.payment_due_on) == (
        date(2026, 4, 14), Decimal("50000.00"), date(2026, 7, 14))
    assert scan.scan(date(2026, 6, 15)).found == 0  # the next report is due 14 August
    scan.scan(date(2026, 7, 15))  # the royalty a day late
    assert [who for who, _o in _sent("royalty_payment")] == [pm.id]
    deals.record_income(hq, transfer, received_on=date(2026, 7, 20), amount=Decimal("30000"),
                        costs=None, pays="royalty", report_id=report.id)
    _commit()
    scan.scan(date(2026, 8, 13))  # still 20,000.00 outstanding, 30 days late: HQ
    assert [who for who, _o in _sent("royalty_payment")] == [pm.id, hq.id]
    deals.record_income(hq, transfer, received_on=date(2026, 8, 14), amount=Decimal("20000"),
                        costs=None, pays="royalty", report_id=report.id)
    _commit()
    found = scan.scan(date(2026, 8, 16))
    assert _sent("royalty_payment") == _sent("royalty_payment")[:2]
    assert found.found == 1  # the second quarter's report, due 14 August, not the payment


def test_a_small_base_owes_the_minimum_and_an_ended_deal_owes_no_report():
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(make_achievement(), hq, ends_on=date(2026, 4, 1))
    report = deals.record_report(hq, transfer, received_on=date(2026, 5, 1),
                                 base_amount=Decimal("100000.00"))
    _commit()
    assert report.royalty_due == Decimal("20000.00")  # 5,000.00 is below the minimum
    assert deals.next_period(transfer) is None
    scan.scan(date(2026, 12, 31))
    assert _sent("royalty_report") == []  # the one report owed came
    assert _sent("royalty_payment") != []  # its royalty never did
