"""A daily digest at the time a user chose, on the clock of their time zone, in their
language: with the clock stopped where the test puts it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.notifications.test_robots import returned_milestone
from tests.reminders.conftest import text_of
from tracker import db
from tracker.accounts.models import Role
from tracker.notifications import services as notices
from tracker.notifications.models import NotificationSettings
from tracker.reminders import delivery
from tracker.reminders.models import OutboxMessage

BERLIN = ZoneInfo("Europe/Berlin")


def digest_user(**kw):
    pm = make_user(Role.PROJECT_MANAGER, locale="zh_CN", name="李强")
    db.session.add(NotificationSettings(user_id=pm.id, digest=True, **kw))
    _commit()
    return pm


def test_the_digest_goes_at_the_chosen_time_in_the_users_zone_once_a_day(smtp, clock):
    pm = digest_user(digest_at=time(8, 30), time_zone="Europe/Berlin")
    # 04:00 in Berlin (summer time, UTC+2) on 12 May: the digest is due at 08:30 there.
    clock.set(datetime(2026, 5, 12, 4, 0, tzinfo=BERLIN))
    returned_milestone(pm)
    due = datetime(2026, 5, 12, 8, 30, tzinfo=BERLIN).astimezone(UTC)
    clock.set(datetime(2026, 5, 12, 7, 0, tzinfo=BERLIN))
    returned_milestone(pm)  # another project, later the same morning: the same digest
    assert {m.next_attempt_at for m in db.session.scalars(select(OutboxMessage))} == {due}

    assert delivery.send_all(due - timedelta(minutes=1), commit=db.session.commit).sent == 0
    assert smtp.take() == []
    result = delivery.send_all(due, commit=db.session.commit)
    assert (result.sent, result.emails) == (2, 1)
    [(to, email)] = smtp.take()
    assert to == [pm.email]
    body = text_of(email)
    assert "您的项目中有 2 项新动态" in body and body.count("被退回修改") == 2, body

    # An event after this morning's digest waits for tomorrow's.
    clock.set(datetime(2026, 5, 12, 9, 0, tzinfo=BERLIN))
    returned_milestone(pm)
    tomorrow = datetime(2026, 5, 13, 8, 30, tzinfo=BERLIN).astimezone(UTC)
    newest = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert newest.next_attempt_at == tomorrow


def test_without_a_zone_the_digest_follows_the_organisations_clock(clock):
    choice = NotificationSettings(digest=True, digest_at=time(18, 0))
    now = clock.set(datetime(2026, 11, 26, 17, 59, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert notices.next_digest(choice, now) == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    now = clock.set(datetime(2026, 11, 26, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert notices.next_digest(choice, now) == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_the_digest_keeps_its_local_time_across_a_change_to_summer_time(clock):
    choice = NotificationSettings(digest=True, digest_at=time(8, 0), time_zone="Europe/Berlin")
    # Sunday 29 March 2026 the clocks in Berlin go from 02:00 to 03:00.
    now = clock.set(datetime(2026, 3, 28, 9, 0, tzinfo=BERLIN))
    assert notices.next_digest(choice, now) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    now = clock.set(datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN))
    assert notices.next_digest(choice, now) == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)


def test_a_user_chooses_the_digest_time_and_zone_on_the_settings_page(client, clock):
    clock.set(datetime(2026, 5, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    user = make_user()
    login(client, user)
    answer = post(client, "/notifications/settings", {
        "channel": "email", "delivery": "digest", "digest_at": "07:45",
        "time_zone": "Europe/Berlin"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    choice = db.session.scalars(select(NotificationSettings)).one()
    assert (choice.digest, choice.digest_at, choice.time_zone) == (
        True, time(7, 45), "Europe/Berlin")
    refused = post(client, "/notifications/settings", {
        "channel": "email", "delivery": "digest", "digest_at": "07:45",
        "time_zone": "Mars/Olympus"})
    assert refused.status_code == 400 and "Asia/Shanghai" in refused.get_data(as_text=True)


def test_at_once_is_the_default(clock):
    now = clock.set(datetime(2026, 5, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    returned_milestone(make_user(Role.PROJECT_MANAGER))
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.next_attempt_at == now + timedelta(minutes=5)
