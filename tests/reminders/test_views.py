"""The reminder pages by role: the outbox, the ladders, the calendar, a user's preferences."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_user
from tests.reminders import helpers
from tests.reminders.conftest import at
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Refused
from tracker.reminders import delivery, preferences, retries, scan
from tracker.reminders.models import (
    Audience,
    MessageState,
    OutboxMessage,
    ReminderOptOut,
)
from tracker.reminders.rules import RULES
from tracker.settings import services as settings
from tracker.settings.catalogue import CATALOGUE
from tracker.workdays import services as workdays
from tracker.workdays.models import CalendarDay

ADMIN_PAGES = ["/admin/reminders/", "/admin/reminders/settings", "/admin/calendar"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.OBSERVER, Role.EVALUATOR,
                                  Role.INVESTMENT_COMMITTEE])
def test_admin_pages_are_forbidden_to_other_roles(client, path, role):
    login(client, make_user(role))
    assert client.get(path).status_code == 403
    assert post(client, path, {}).status_code in (403, 405)


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/reminders/preferences"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_outbox_shows_failed_messages_with_the_servers_answer_and_retries(client, smtp):
    pm = make_user(Role.PROJECT_MANAGER, locale="en")
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 15), title="Prototype")
    scan.scan(date(2026, 5, 12))
    db.session.commit()
    smtp.mailbox.refuse[pm.email] = "550 5.7.1 Mailbox disabled for this recipient"
    delivery.send_all(at(date(2026, 5, 12)), commit=db.session.commit)
    message = db.session.scalar(select(OutboxMessage))
    assert message.state is MessageState.FAILED

    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    assert "Prototype" not in client.get("/admin/reminders/").get_data(as_text=True)
    page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
    assert "550 5.7.1 Mailbox disabled for this recipient" in page
    assert "Prototype" in page and pm.email in page
    # The message's language by its name, not its code (the newcomer's walk: "zh_CN", "en").
    assert "<td>English</td>" in page and "<td>en</td>" not in page

    response = post(client, f"/admin/reminders/{message.id}/retry")
    assert response.status_code == 302
    db.session.refresh(message)
    assert (message.state, message.attempts) == (MessageState.PENDING, 0)
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.action == "reminder.retry"))
    del smtp.mailbox.refuse[pm.email]
    assert delivery.send_all(at(date(2026, 5, 12), 10), commit=db.session.commit).sent == 1
    again = post(client, f"/admin/reminders/{message.id}/retry")
    assert again.status_code == 409
    assert ("This message is Sent: only a failed or cancelled message is sent again."
            in again.get_data(as_text=True))
    db.session.refresh(message)
    assert message.state is MessageState.SENT  # a sent message is not sent again
    assert post(client, "/admin/reminders/999999/retry").status_code == 404


def failed_message(recipient) -> OutboxMessage:
    message = OutboxMessage(
        rule="milestone_due", item_id=1, occurrence="2026-05-15-3d", recipient_id=recipient.id,
        audience=Audience.OWNER, deadline=date(2026, 5, 15), fire_on=date(2026, 5, 12),
        details={}, locale="en", state=MessageState.FAILED, attempts=12,
        message_id="<failed@example>")
    db.session.add(message)
    db.session.flush()
    return message


@pytest.mark.parametrize("role", list(Role))
def test_one_predicate_says_who_sends_the_outbox_again(app, role):
    """OutboxMessage.can_retry is who sends messages again: the rule of both routes, and the
    bulk service's own check, whoever asks."""
    user = make_user(role)
    for endpoint in ("reminders.retry", "reminders.retry_failed"):
        assert app.view_functions[endpoint].access_rule is OutboxMessage.can_retry
    # Nothing failed: who may retry is told there is nothing to send again; anyone else is
    # turned away before hearing it.
    with pytest.raises(Refused if OutboxMessage.can_retry(user) else Forbidden):
        retries.retry_failed(user)
    assert OutboxMessage.can_retry(user) is (role is Role.HQ_ADMIN)


def test_the_outbox_offers_sending_again_as_the_predicate_says(client, monkeypatch):
    """The buttons, one message's and every failed one's, follow the predicate, not a role
    read again by the page."""
    admin = make_user(Role.HQ_ADMIN)
    failed_message(make_user(Role.PROJECT_MANAGER))
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
    assert "Send every failed message again" in page and "Send again" in page
    pending = client.get("/admin/reminders/?state=pending").get_data(as_text=True)
    assert "Send every failed message again" not in pending
    monkeypatch.setattr(OutboxMessage, "can_retry", staticmethod(lambda user: False))
    page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
    assert "Send every failed message again" not in page and "Send again" not in page


@pytest.mark.parametrize("locale, owner_rung, director_rung, hq_rung, audience_alone", [
    ("en", "3 days before the deadline",
     "Escalation to the institute director: 7 days after the deadline",
     "Escalation to HQ admins: 30 days after the deadline", r"(?<!to )HQ admins:"),
    ("zh_CN", "截止日前 3 天", "升级提醒至研究所所长：截止日后 7 天",
     "升级提醒至总部管理员：截止日后 30 天", r"(?<!至)总部管理员："),
])
def test_the_outbox_names_the_rung_not_only_the_audience(client, locale, owner_rung,
                                                         director_rung, hq_rung, audience_alone):
    """HQ's escalation read "HQ admins: 30 days after the deadline" (总部管理员：...) beside
    the director's "Escalation to the institute director: ..." (issue 9 point 10)."""
    pm = make_user(Role.PROJECT_MANAGER, locale="en")
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 15), title="Prototype")
    helpers.milestone(helpers.project_for(pm, make_user()), date(2026, 5, 5), title="Late one")
    helpers.milestone(helpers.project_for(pm, make_user()), date(2026, 4, 12), title="Later one")
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    scan.scan(date(2026, 5, 12))
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/reminders/").get_data(as_text=True)
    assert owner_rung in page and director_rung in page and hq_rung in page
    assert re.search(audience_alone, page) is None


def _pending(recipient, rule: str, occurrence: str, audience: Audience) -> OutboxMessage:
    message = OutboxMessage(
        rule=rule, item_id=1, occurrence=occurrence, recipient_id=recipient.id,
        audience=audience, deadline=date(2026, 5, 1), fire_on=date(2026, 5, 11), details={},
        locale="en", state=MessageState.PENDING, message_id=f"<{rule}@example>")
    db.session.add(message)
    db.session.flush()
    return message


@pytest.mark.parametrize("locale, rungs", [
    ("en", ["30 days after it entered its state", "3 days after the request",
            "Escalation to HQ admins: 10 days after it reached the level",
            "5 business days after submission"]),
    ("zh_CN", ["进入当前状态后 30 天", "提出申请后 3 天",
               "升级提醒至总部管理员：到达该审批层级后 10 天",
               "提交后 5 个工作日"]),
])
def test_the_outbox_counts_a_rung_from_what_its_rule_counts_from(client, locale, rungs):
    """A need left in its state, a handover request, an approval waiting at a level and a
    submitted milestone have no deadline: their rungs were "30 days after the deadline"
    (and "5 business days after", from nothing) on the outbox."""
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    _pending(admin, "need_stale", "2026-04-11+30", Audience.HQ)
    _pending(make_user(Role.PROJECT_MANAGER), "handover_request", "2026-05-08+3", Audience.DIRECTOR)
    _pending(admin, "approval_waiting", "2026-05-01+10", Audience.HQ)
    _pending(make_user(Role.EVALUATOR), "milestone_review", "2026-05-04+5bd", Audience.OWNER)
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/reminders/").get_data(as_text=True)
    assert [rung for rung in rungs if rung not in page] == []
    assert ("after the deadline" if locale == "en" else "截止日后") not in page


def test_the_outbox_says_when_no_mail_server_is_configured(client):
    login(client, make_user(Role.HQ_ADMIN))
    assert "No mail server is configured" in client.get("/admin/reminders/").get_data(
        as_text=True)


def test_an_admin_edits_a_ladder_and_the_next_scan_follows_it(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    assert client.get("/admin/reminders/settings").headers["Location"].endswith(
        "/admin/settings#reminders")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Milestone due date" in page and 'value="14"' in page
    form = {key: str(settings.get(key)) for key in CATALOGUE}
    form["reminder_milestone_due_before_first"] = "21"
    response = post(client, "/admin/settings", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert settings.get("reminder_milestone_due_before_first") == 21
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "setting.update").order_by(AuditRecord.id)).all()
    assert [r.changes for r in records] == [{"value": ["14", "21"]}]

    pm = make_user(Role.PROJECT_MANAGER)
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 22))
    assert scan.scan(date(2026, 5, 1)).new == 1  # 21 days before, no longer 14

    form["reminder_milestone_due_before_first"] = "-3"
    response = post(client, "/admin/settings", form)
    assert response.status_code == 400
    assert settings.get("reminder_milestone_due_before_first") == 21


def test_the_calendar_warning_stays_until_hq_declares_the_year_complete(client, clock):
    clock.set(date(2026, 11, 20))  # the library lacks 2027
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    warning = "The working-day calendar has no complete data for 2027"
    assert warning in client.get("/").get_data(as_text=True)
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "no complete data for 2027" in page
    # Not offered while no date of 2027 is added (found by the walk: the form was offered and
    # refused); the page says why, and a form sent from an old page is refused saying it too.
    offered = 'action="/admin/calendar/years/2027/complete"'
    assert offered not in page and "No date of 2027 has been added yet" in page
    refused = post(client, "/admin/calendar/years/2027/complete")
    assert refused.status_code == 409
    assert "No date of 2027 has been added yet" in refused.get_data(as_text=True)
    response = post(client, "/admin/calendar", {"day": "2027-02-08", "kind": "holiday",
                                                 "note": "Spring Festival"})
    assert response.status_code == 302
    row = db.session.scalar(select(CalendarDay))
    assert (row.day, row.is_workday, row.note) == (date(2027, 2, 8), False, "Spring Festival")
    # One date is not the year: the warning stays on both pages.
    assert warning in client.get("/").get_data(as_text=True)
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "Spring Festival" in page and "no complete data for 2027" in page
    assert offered in page  # a date added: the year can be declared complete
    twice = post(client, "/admin/calendar", {"day": "2027-02-08", "kind": "workday"})
    assert twice.status_code == 400
    assert "already in the calendar" in twice.get_data(as_text=True)

    assert post(client, "/admin/calendar/years/2027/complete").status_code == 302
    assert warning not in client.get("/").get_data(as_text=True)
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "no complete data for 2027" not in page
    assert "2027: not included with the tracker; HQ declared its dates complete." in page
    assert [r.changes for r in db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "calendar.complete"))] == [{"year": [None, 2027]}]


@pytest.mark.parametrize("locale, warning, history", [
    ("en", "The working-day calendar has no complete data for 2027",
     "Calendar year no longer complete: its last date was removed"),
    ("zh_CN", "工作日日历缺少 2027 年的完整数据", "日历年度不再视为录入完整：其最后一个日期已删除"),
])
def test_removing_the_last_date_of_a_year_declared_complete_brings_the_warning_back(
        client, clock, locale, warning, history):
    """Declared complete after one date, then that date removed (found probing the demo):
    the year had no date at all and no warning. Its declaration goes with its last date,
    audited; while another date of the year stays, the declaration stays too."""
    clock.set(date(2026, 11, 20))  # the library lacks 2027
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    login(client, admin)
    first = workdays.add_day(admin, date(2027, 2, 8), False, "")
    second = workdays.add_day(admin, date(2027, 2, 9), False, "")
    workdays.complete_year(admin, 2027)
    db.session.commit()
    assert post(client, f"/admin/calendar/{first.id}/remove").status_code == 302
    assert warning not in client.get("/").get_data(as_text=True)
    assert workdays.missing_years(date(2026, 11, 20)) == []
    assert post(client, f"/admin/calendar/{second.id}/remove").status_code == 302
    assert warning in client.get("/").get_data(as_text=True)
    assert workdays.missing_years(date(2026, 11, 20)) == [2027]
    assert [r.changes for r in db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "calendar.reopen"))] == [{"year": [2027, None]}]
    assert history in client.get("/audit/").get_data(as_text=True)


@pytest.mark.parametrize("day, kind, message", [
    ("2027-02-06", "holiday", "Feb 6, 2027 is a weekend day, off already"),
    ("2027-02-08", "workday", "Feb 8, 2027 is a weekday: only a weekend day"),
])
def test_a_weekend_holiday_or_a_weekday_make_up_day_is_refused(client, day, kind, message):
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    response = post(client, "/admin/calendar", {"day": day, "kind": kind})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(CalendarDay)) is None


def test_a_date_hq_added_is_removed_and_counts_as_before_again(client):
    admin = make_user(Role.HQ_ADMIN, locale="en")
    login(client, admin)
    workdays.add_day(admin, date(2027, 2, 8), False, "typo")
    assert not workdays.is_workday(date(2027, 2, 8))
    row = db.session.scalar(select(CalendarDay))
    assert "typo" in client.get("/admin/calendar").get_data(as_text=True)
    response = post(client, f"/admin/calendar/{row.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(select(CalendarDay)) is None
    assert workdays.is_workday(date(2027, 2, 8))
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "Removed from the calendar." in page and "typo" not in page
    removed = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "calendar.remove"))
    assert removed.changes["day"] == ["2027-02-08", None]
    kept = workdays.add_day(admin, date(2027, 2, 9), False, "kept")
    post(client, "/logout")
    login(client, make_user(Role.OBSERVER))
    assert post(client, f"/admin/calendar/{kept.id}/remove").status_code == 403
    assert db.session.scalar(select(CalendarDay)) is kept


def test_the_home_page_warning_is_for_hq_admins_only(client, clock):
    clock.set(date(2026, 11, 20))
    login(client, make_user(Role.PROJECT_MANAGER))
    assert "working-day calendar" not in client.get("/").get_data(as_text=True)


def test_a_user_turns_an_optional_reminder_off_but_escalations_still_come(client):
    pm = make_user(Role.PROJECT_MANAGER)
    director = make_user()
    helpers.milestone(helpers.project_for(pm, director), date(2026, 5, 15))
    login(client, pm)
    page = client.get("/reminders/preferences").get_data(as_text=True)
    assert "Milestone due date" in page and "Gate review scores" in page
    # Every optional rule ticked but milestone_due (the catalogue grows: patent annuities,
    # royalties, centres' terms ... are optional too).
    form = {"delivery": "per_item", **{f"want_{name}": "y" for name, rule in RULES.items()
                                       if rule.optional and name != "milestone_due"}}
    assert post(client, "/reminders/preferences", form).status_code == 302
    assert preferences.preferences_of(pm).per_item is True
    assert preferences.opted_out_rules(pm) == {"milestone_due"}

    scan.scan(date(2026, 5, 22))
    recipients = set(db.session.scalars(select(OutboxMessage.recipient_id)))
    assert recipients == {director.id}  # the PM's +1 skipped, the director's +7 written


def test_reminders_of_reviews_cannot_be_turned_off(client):
    from tracker.errors import Invalid

    evaluator = make_user(Role.EVALUATOR)
    with pytest.raises(Invalid):
        preferences.save_preferences(evaluator, per_item=False, opted_out=["gate_scores"])
    login(client, evaluator)
    post(client, "/reminders/preferences", {"delivery": "digest"})  # every box unticked
    opted_out = set(db.session.scalars(select(ReminderOptOut.rule)))
    assert "milestone_due" in opted_out
    assert not opted_out & {"gate_scores", "milestone_review"}


def test_preferences_sent_as_they_were_say_no_change_and_write_no_record(client):
    """Every reminder wanted, as a digest: the defaults of a user with no row yet. Sent as
    they are, they say "No change." and write no audit record; a change says "Saved."."""
    login(client, make_user(Role.PROJECT_MANAGER))
    everything = {"delivery": "digest", **{f"want_{name}": "y" for name, rule in RULES.items()
                                          if rule.optional}}

    def records() -> int:
        return len(db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "reminder.preferences")).all())

    page = post(client, "/reminders/preferences", everything,
                follow_redirects=True).get_data(as_text=True)
    assert "No change." in page and "Saved." not in page and records() == 0
    page = post(client, "/reminders/preferences", {**everything, "delivery": "per_item"},
                follow_redirects=True).get_data(as_text=True)
    assert "Saved." in page and records() == 1
    page = post(client, "/reminders/preferences", {**everything, "delivery": "per_item"},
                follow_redirects=True).get_data(as_text=True)
    assert "No change." in page and records() == 1


def test_menu_items_by_role(client):
    login(client, make_user(Role.PROJECT_MANAGER))
    page = client.get("/").get_data(as_text=True)
    assert "/reminders/preferences" in page and "/admin/reminders/" not in page
    client.get("/logout")
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN))
    assert "/admin/reminders/" in client.get("/").get_data(as_text=True)


def test_the_outbox_filters_by_channel_and_keeps_the_filter_across_states(client):
    """E-mail, robots, WeCom application messages: an HQ admin looks at one kind at a time,
    each link saying how many; the export holds what the page shows."""
    from tracker.notifications.models import NotificationSettings
    from tracker.reminders.models import Channel

    by_robot = make_user(Role.PROJECT_MANAGER, locale="en", name="Robot Reader")
    by_mail = make_user(Role.PROJECT_MANAGER, locale="en", name="Mail Reader")
    db.session.add(NotificationSettings(user_id=by_robot.id, channel=Channel.WECOM,
                                        wecom_webhook="https://qyapi.weixin.qq.com/x?key=k"))
    helpers.milestone(helpers.project_for(by_robot), date(2026, 5, 15), title="Robot item")
    helpers.milestone(helpers.project_for(by_mail), date(2026, 5, 15), title="Mail item")
    scan.scan(date(2026, 5, 12))
    db.session.commit()
    login(client, make_user(Role.HQ_ADMIN, locale="en"))

    every = client.get("/admin/reminders/").get_data(as_text=True)
    assert "Robot item" in every and "Mail item" in every
    assert "Every channel (2)" in every and "WeCom robot (1)" in every and "E-mail (1)" in every
    robots = client.get("/admin/reminders/?state=pending&channel=wecom").get_data(as_text=True)
    assert "Robot item" in robots and "Mail item" not in robots
    assert 'href="/admin/reminders/?state=failed&amp;channel=wecom"' in robots
    mails = client.get("/admin/reminders/?channel=email").get_data(as_text=True)
    assert "Mail item" in mails and "Robot item" not in mails
    exported = client.get("/admin/reminders/?channel=wecom&export=csv").get_data(as_text=True)
    assert "Robot item" in exported and "Mail item" not in exported
    # An unknown channel is refused, naming it, not silently no filter (tests/test_filter_values)
    unknown = client.get("/admin/reminders/?channel=fax")
    assert unknown.status_code == 400 and "“fax”" in unknown.get_data(as_text=True)
