"""The end of a centre's term reminds HQ through a real scan (60 and 14 days before, a day
after), until a renewal is recorded: then the new term's end is watched instead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.factories import make_centre, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.centres import services
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage


def _sent() -> list[tuple[int, str, str]]:
    return [(m.recipient_id, m.occurrence, m.details["title"]) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == "centre_expiry")
        .order_by(OutboxMessage.id))]


def test_the_end_of_a_term_reminds_hq_until_it_is_renewed(app):
    hq = make_user(Role.HQ_ADMIN)
    centre = make_centre(name="徐工-产研院联合创新中心", name_en="XCMG-JITRI Centre")
    term = services.record_agreement(hq, centre, signed_on=date(2024, 3, 20),
                                     starts_on=date(2024, 4, 1), ends_on=date(2027, 3, 31),
                                     committed=Decimal("3000000"))
    assert scan.scan(date(2027, 1, 29)).found == 0
    assert scan.scan(date(2027, 1, 30)).new == 1  # 60 days before
    assert _sent() == [(hq.id, "2027-03-31-60d", "徐工-产研院联合创新中心")]
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "centre_expiry")).one()
    assert message.details["path"] == f"/centres/{centre.id}"
    renewal = services.record_agreement(hq, centre, signed_on=date(2026, 11, 1),
                                        starts_on=date(2027, 4, 1), ends_on=date(2030, 3, 31),
                                        committed=Decimal("5000000"))
    assert renewal.renews_id == term.id
    assert scan.scan(date(2027, 3, 17)).new == 0  # 14 days before the old end: renewed
    assert scan.scan(date(2030, 3, 17)).new == 1  # 14 days before the new one
    assert _sent()[-1][1] == "2030-03-31-14d"


def test_a_term_that_lapses_is_said_a_day_after(app):
    hq = make_user(Role.HQ_ADMIN)
    centre = make_centre()
    services.record_agreement(hq, centre, signed_on=date(2024, 3, 20), starts_on=date(2024, 4, 1),
                              ends_on=date(2027, 3, 31), committed=Decimal("0"))
    scan.scan(date(2027, 4, 1))
    assert [occurrence for _r, occurrence, _t in _sent()] == ["2027-03-31+1d"]
