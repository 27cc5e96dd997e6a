"""The end of a PM's term reminds HQ admins through a real scan (90 and 30 days before, a day
after), until the appointment is renewed (then the new term's end is watched) or ended."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import make_institute, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.pms import services
from tracker.pms.models import InterviewOutcome, Origin
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage


def _sent() -> list[tuple[int, str, str]]:
    return [(m.recipient_id, m.occurrence, m.details["title"]) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == "pm_term_end")
        .order_by(OutboxMessage.id))]


def _appointed(admin, institute, email):
    pm = make_user(Role.PROJECT_MANAGER, email=email, name=email.split("@")[0])
    record = services.save_record(admin, None, name=pm.name, email=email,
                                  origin=Origin.ENTERPRISE, institute_id=institute.id)
    services.record_interview(admin, record, held_on=date(2024, 1, 10), panel_ids=[admin.id],
                              outcome=InterviewOutcome.RECOMMENDED)
    services.appoint(admin, record, institute_id=institute.id, starts_on=date(2024, 2, 1),
                     ends_on=date(2027, 1, 31))
    return record


def test_the_end_of_a_term_reminds_hq_until_it_is_renewed(app):
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    record = _appointed(admin, institute, "sun.li@example.cn")
    assert scan.scan(date(2026, 11, 1)).found == 0  # 91 days before
    assert scan.scan(date(2026, 11, 2)).new == 1  # 90 days before
    assert _sent() == [(admin.id, "2027-01-31-90d", "sun.li")]
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "pm_term_end")).one()
    assert message.details["path"] == f"/pms/{record.id}"
    services.renew(admin, record, institute_id=institute.id, starts_on=date(2027, 2, 1),
                   ends_on=date(2030, 1, 31))
    assert scan.scan(date(2027, 1, 1)).new == 0  # 30 days before the old end: renewed
    assert scan.scan(date(2030, 1, 1)).new == 1  # 30 days before the new one
    assert _sent()[-1][1] == "2030-01-31-30d"


def test_a_term_ended_early_is_not_reminded_and_one_that_lapses_is_said_a_day_after(app):
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    ended = _appointed(admin, institute, "early@example.cn")
    _appointed(admin, institute, "lapsed@example.cn")
    services.end_appointment(admin, ended, ended_on=date(2025, 6, 30), reason="Left JITRI")
    scan.scan(date(2027, 2, 1))
    assert _sent() == [(admin.id, "2027-01-31+1d", "lapsed")]
