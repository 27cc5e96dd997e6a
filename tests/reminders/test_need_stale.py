"""A need left in one state longer than the setting (`reminder_need_stale_after`, 30 days by
default) reminds HQ admins, through a real scan and delivery; once it moves, the count starts
again from its new state, and a closed need reminds nobody."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import make_enterprise, make_need, make_user
from tests.reminders.conftest import at, run_day, text_of
from tracker import db
from tracker.accounts.models import Role
from tracker.organisations.models import NeedState
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage
from tracker.settings import services as settings

COLLECTED = date(2026, 3, 2)


def _need_mail(smtp, need):
    return [(to, message) for to, message in smtp.take() if need.title in text_of(message)]


def test_a_need_left_collected_reminds_hq_after_the_setting(smtp):
    hq = make_user(Role.HQ_ADMIN, locale="en")
    need = make_need(enterprise=make_enterprise(name="徐工"), title="Seal wear")
    need.created_at = need.state_since = at(COLLECTED)
    db.session.commit()

    run_day(date(2026, 3, 31))  # 29 days
    assert _need_mail(smtp, need) == []
    run_day(date(2026, 4, 1))  # 30 days: the default
    [(to, message)] = _need_mail(smtp, need)
    assert to == [hq.email]
    assert "has not moved since" in text_of(message) and f"/needs/{need.id}" in text_of(message)
    run_day(date(2026, 4, 2))
    assert _need_mail(smtp, need) == []  # each rung once

    # Analysed on 10 April: the count starts again from there.
    need.state, need.state_since = NeedState.ANALYSED, at(date(2026, 4, 10))
    db.session.commit()
    assert scan.scan(date(2026, 5, 9)).new == 0
    assert scan.scan(date(2026, 5, 10)).new == 1
    occurrences = list(db.session.scalars(select(OutboxMessage.occurrence).where(
        OutboxMessage.rule == "need_stale").order_by(OutboxMessage.id)))
    assert occurrences == ["2026-03-02+30d", "2026-04-10+30d"]


def test_the_setting_moves_the_reminder_and_a_closed_need_reminds_nobody(smtp):
    admin = make_user(Role.HQ_ADMIN, locale="en")
    settings.set_value(admin, "reminder_need_stale_after", "10")
    need = make_need(title="Antenna")
    need.created_at = need.state_since = at(COLLECTED)
    db.session.commit()
    run_day(date(2026, 3, 12))
    assert len(_need_mail(smtp, need)) == 1
    closed = make_need(title="Given up", state=NeedState.CLOSED)
    closed.created_at = closed.state_since = at(COLLECTED)
    db.session.commit()
    run_day(date(2026, 6, 1))
    assert _need_mail(smtp, closed) == []


def test_each_admin_reads_the_enterprise_in_their_own_language(smtp):
    """Issue 9: the reminder names the enterprise, kept in both languages, in each recipient's
    language (stored as both, chosen when the e-mail is written), not the Chinese one for
    everyone; one without an English name is shown in Chinese to both."""
    english = make_user(Role.HQ_ADMIN, locale="en")
    chinese = make_user(Role.HQ_ADMIN, locale="zh_CN")
    need = make_need(enterprise=make_enterprise(name="徐工集团", name_en="XCMG Group"),
                     title="Seal wear")
    plain = make_need(enterprise=make_enterprise(name="恒瑞医药"), title="Assay")
    for each in (need, plain):
        each.created_at = each.state_since = at(COLLECTED)
    db.session.commit()
    run_day(date(2026, 4, 1))
    by = {to[0]: text_of(message) for to, message in _need_mail(smtp, need)}
    assert "XCMG Group" in by[english.email] and "徐工集团" not in by[english.email]
    assert "徐工集团" in by[chinese.email] and "XCMG Group" not in by[chinese.email]
    assert "恒瑞医药" in by[english.email]  # one digest each: no English name, the Chinese
