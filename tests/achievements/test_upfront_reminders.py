"""A deal's upfront payment not received by its due date is a reminder rule
(`upfront_payment`, issue 16), tested through a real scan: the PM hears the day after, HQ
admins 30 days late, until what was received outside royalty reports reaches the upfront
amount; a due date without an upfront amount, or before the signing, is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_transfer
from tests.factories import _commit, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import deals
from tracker.errors import Invalid
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage
from tracker.reminders.rules import RULES


def _sent() -> list[int]:
    return [m.recipient_id for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == "upfront_payment")
        .order_by(OutboxMessage.id))]


def test_the_rule_is_in_the_catalogue_with_its_ladder():
    rule = RULES["upfront_payment"]
    assert [(s.audience.value, str(s.when), s.default) for s in rule.steps] == [
        ("owner", "after", 1), ("hq", "after", 30)]


def test_an_upfront_payment_not_received_reminds_the_pm_then_hq_until_received_in_full():
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()
    pm = achievement.project.pm
    # 100,000.00 upfront, due 15 February 2026; royalties are reported quarterly.
    transfer = make_transfer(achievement, hq, upfront_due_on=date(2026, 2, 15))
    scan.scan(date(2026, 2, 15))
    assert _sent() == []  # not late yet
    scan.scan(date(2026, 2, 16))  # the day after
    assert _sent() == [pm.id]
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.rule == "upfront_payment"))
    assert message.details["path"] == f"/transfers/{transfer.id}"
    deals.record_income(hq, transfer, received_on=date(2026, 3, 1), amount=Decimal("60000"),
                        costs=None, pays="upfront", report_id=None)
    _commit()
    scan.scan(date(2026, 3, 17))  # 40,000.00 still outstanding, 30 days late: HQ
    assert _sent() == [pm.id, hq.id]
    deals.record_income(hq, transfer, received_on=date(2026, 3, 20), amount=Decimal("40000"),
                        costs=None, pays="upfront", report_id=None)
    _commit()
    scan.scan(date(2026, 12, 31))
    assert _sent() == [pm.id, hq.id]  # received in full: nothing more


def test_a_due_date_needs_an_upfront_amount_and_follows_the_signing():
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()
    with pytest.raises(Invalid) as refused:
        make_transfer(achievement, hq, upfront=Decimal("0"), upfront_due_on=date(2026, 3, 1))
    assert refused.value.field == "upfront_due_on"
    with pytest.raises(Invalid) as refused:
        make_transfer(achievement, hq, upfront_due_on=date(2026, 1, 1))  # signed 15 January
    assert refused.value.field == "upfront_due_on"
    assert "once the deal is signed" in str(refused.value)
