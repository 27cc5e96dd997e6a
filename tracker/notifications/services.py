"""Writing events to the outbox (`emit`), reading and marking them on the notifications page,
and each user's choices: channel per rule, robots' webhooks, at once or a daily digest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.db import utcnow
from tracker.errors import Problems
from tracker.notifications import webhooks, wecom_app
from tracker.notifications.events import EVENTS
from tracker.notifications.models import DEFAULT_DIGEST_AT, ChannelChoice, NotificationSettings
from tracker.notifications.unread import unread, unread_count_of
from tracker.reminders import mail
from tracker.reminders.models import Channel, MessageKind, MessageState, OutboxMessage
from tracker.settings import catalogue
from tracker.settings import services as settings

KEY = ("rule", "item_id", "occurrence", "recipient_id")


# --- each user's choices -----------------------------------------------------------------------


def settings_of(user_id: int) -> NotificationSettings:
    """The user's row, or an unsaved one with the defaults."""
    found = db.session.scalar(select(NotificationSettings).where(
        NotificationSettings.user_id == user_id))
    return found or NotificationSettings(user_id=user_id, channel=Channel.EMAIL, digest=False,
                                         digest_at=DEFAULT_DIGEST_AT)


def zone_of(choice: NotificationSettings) -> ZoneInfo:
    try:
        return ZoneInfo(choice.time_zone or current_app.config["ORG_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def next_digest(choice: NotificationSettings, now: datetime) -> datetime:
    """The first time after `now` the user's daily digest goes out: `digest_at` on the clock
    of their zone (a day of 23 or 25 hours in a zone with summer time moves it with the
    clock, as the user expects)."""
    zone = zone_of(choice)
    local = now.astimezone(zone)
    at: time = choice.digest_at or DEFAULT_DIGEST_AT
    when = datetime.combine(local.date(), at, zone)
    if when <= local:
        when = datetime.combine(local.date() + timedelta(days=1), at, zone)
    return when.astimezone(now.tzinfo)


def channels_for(user_ids: Iterable[int], rule: str) -> dict[int, tuple[Channel, Any]]:
    """Each user's channel for `rule` and their settings (defaults for users without a row):
    two statements, whatever the number of users."""
    ids = list(set(user_ids))
    rows = {s.user_id: s for s in db.session.scalars(select(NotificationSettings).where(
        NotificationSettings.user_id.in_(ids)))}
    chosen = dict(db.session.execute(select(ChannelChoice.user_id, ChannelChoice.channel).where(
        ChannelChoice.user_id.in_(ids), ChannelChoice.rule == rule)).tuples().all())
    result = {}
    for user_id in ids:
        row = rows.get(user_id) or settings_of_default(user_id)
        result[user_id] = (chosen.get(user_id, row.channel), row)
    return result


def settings_of_default(user_id: int) -> NotificationSettings:
    return NotificationSettings(user_id=user_id, channel=Channel.EMAIL, digest=False,
                                digest_at=DEFAULT_DIGEST_AT)


# --- writing events ----------------------------------------------------------------------------


def emit(actor: User | None, name: str, obj: Any, only: Iterable[int] | None = None) -> int:
    """Write event `name` about `obj` to the outbox for each of its recipients but the actor
    (in the caller's transaction: flushed, never committed); with `only`, for those of them
    among these users alone (a panel named again: the evaluators it adds). Returns how many
    rows.

    Each row is due when the recipient wants it: a digest user's at their next digest time;
    otherwise after the quiet window (setting), or with the message already waiting for them
    about the same project (or item), so a burst of events becomes one message."""
    if audit.current_import() is not None:  # rows brought in from before the tracker: old news
        return 0
    event = EVENTS[name]
    about = event.about(obj)
    wanted: dict[int, Any] = {}
    among = None if only is None else set(only)
    for user_id, audience in event.recipients(obj):
        if user_id is not None and user_id not in wanted and (
                actor is None or user_id != actor.id) and (among is None or user_id in among):
            wanted[user_id] = audience
    if not wanted:
        return 0
    users = dict(db.session.execute(select(User.id, User.locale).where(
        User.id.in_(list(wanted)), User.active.is_(True))).tuples().all())
    if not users:
        return 0
    now = utcnow()
    occurrence = now.strftime("%Y%m%dT%H%M%S.%f")
    quiet = timedelta(minutes=int(settings.get(catalogue.EVENT_QUIET_MINUTES)))
    waiting = _waiting(users, about, now)
    domain = mail.mail_domain()
    default_locale = current_app.config["DEFAULT_LOCALE"]
    rows = []
    for user_id, (channel, choice) in channels_for(users, name).items():
        in_app = channel is Channel.IN_APP
        if in_app:
            due = None
        elif choice.digest:
            due = next_digest(choice, now)
        else:
            due = waiting.get(user_id) or now + quiet
        today = now.astimezone(ZoneInfo(current_app.config["ORG_TIMEZONE"])).date()
        rows.append({
            "rule": name, "item_id": about.item_id, "occurrence": occurrence,
            "recipient_id": user_id, "audience": wanted[user_id].value, "deadline": today,
            "fire_on": today, "project_id": about.project_id, "details": about.details,
            "locale": users[user_id] or default_locale,
            # In the tracker only: nothing goes out; the row is the notification.
            "state": (MessageState.SENT if in_app else MessageState.PENDING).value,
            "attempts": 0, "next_attempt_at": due, "last_error": "", "created_at": now,
            "sent_at": now if in_app else None,
            "message_id": mail.message_id(name, about.item_id, occurrence, user_id, domain),
            "kind": MessageKind.EVENT.value, "channel": channel.value})
    return _insert(rows)


def _waiting(users: dict[int, Any], about: Any, now: datetime) -> dict[int, datetime]:
    """When the event messages already waiting for these users about the same project (or
    the same item, without a project) go out: a new event joins them."""
    same = (OutboxMessage.project_id == about.project_id if about.project_id is not None
            else OutboxMessage.item_id == about.item_id)
    return dict(db.session.execute(
        select(OutboxMessage.recipient_id, func.min(OutboxMessage.next_attempt_at))
        .where(OutboxMessage.kind == MessageKind.EVENT,
               OutboxMessage.state == MessageState.PENDING, OutboxMessage.attempts == 0,
               OutboxMessage.recipient_id.in_(list(users)), same,
               OutboxMessage.next_attempt_at > now)
        .group_by(OutboxMessage.recipient_id)).tuples().all())


def _insert(rows: list[dict]) -> int:
    """The unique key keeps one row per (rule, item, occurrence, recipient), whatever
    happens: a second write of the same event is skipped."""
    dialect = db.session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=list(KEY))
            .execution_options(preserve_rowcount=True))
    return db.session.execute(stmt, rows).rowcount


# --- the notifications page --------------------------------------------------------------------


def unread_count(user: User) -> int:
    """The bell's number (each request reads it with its session: User.unread_notifications)."""
    return db.session.scalar(select(unread_count_of(user.id))) or 0


def mark_read(user: User, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's events read: these ones, or all. Returns how many were unread."""
    stmt = update(OutboxMessage).where(*unread(user.id))
    if message_ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(message_ids)))
    result = db.session.execute(stmt.values(read_at=utcnow()),
                                execution_options={"synchronize_session": False})
    return result.rowcount


# --- saving a user's choices -------------------------------------------------------------------


def save_settings(actor: User, *, channel: Channel, digest: bool, digest_at: time | None,
                  time_zone: str | None, rules: dict[str, Channel | None],
                  wecom_webhook: str | None = None, dingtalk_webhook: str | None = None,
                  dingtalk_secret: str | None = None, remove_wecom: bool = False,
                  remove_dingtalk: bool = False, wecom_user: str | None = None) -> bool:
    """The actor's own choices. An address or secret left empty keeps the one saved; a robot
    chosen for any rule must have its address, on a host of WEBHOOK_HOSTS; a WeCom
    application message, a server set up for it and the user's WeCom account ID. The audit
    record says that an address changed, never what it is. Returns whether anything changed:
    choices saved as they were (the defaults, for a user with no row yet) write nothing, not
    even an audit record."""
    choice = db.session.scalar(select(NotificationSettings).where(
        NotificationSettings.user_id == actor.id)) or NotificationSettings(user_id=actor.id)
    problems = Problems()
    for field, url in (("wecom_webhook", wecom_webhook), ("dingtalk_webhook", dingtalk_webhook)):
        if url and not webhooks.allowed(url.strip()):
            problems.add(field, _("Give the address the robot's settings show: https://%(host)s"
                                  "/…", host=" or https://".join(
                                      current_app.config["WEBHOOK_HOSTS"])))
    if wecom_webhook:
        choice.wecom_webhook = wecom_webhook.strip()
    elif remove_wecom:
        choice.wecom_webhook = None
    if dingtalk_webhook:
        choice.dingtalk_webhook = dingtalk_webhook.strip()
    if dingtalk_secret:
        choice.dingtalk_secret = dingtalk_secret.strip()
    if remove_dingtalk and not dingtalk_webhook:
        choice.dingtalk_webhook = choice.dingtalk_secret = None
    if wecom_user is not None:
        choice.wecom_user = wecom_user.strip() or None
    used = {channel, *(c for c in rules.values() if c is not None)}
    if Channel.WECOM_APP in used and not wecom_app.configured():
        problems.add("channel", _("WeCom application messages are not set up on this server: "
                                  "choose another way."))
    elif Channel.WECOM_APP in used and not choice.wecom_user:
        problems.add("wecom_user", _("Give your WeCom account ID to receive application "
                                     "messages."))
    if Channel.WECOM in used and not choice.wecom_webhook:
        problems.add("wecom_webhook", _("Give the WeCom robot's address to send by WeCom."))
    if Channel.DINGTALK in used and not choice.dingtalk_webhook:
        problems.add("dingtalk_webhook", _("Give the DingTalk robot's address to send by "
                                           "DingTalk."))
    problems.raise_any()
    choice.channel = channel
    choice.digest = digest
    choice.digest_at = digest_at or choice.digest_at or DEFAULT_DIGEST_AT
    choice.time_zone = time_zone or None
    changes = audit.changes_from_defaults(choice, settings_of_default(actor.id))
    kept = {c.rule: c for c in db.session.scalars(select(ChannelChoice).where(
        ChannelChoice.user_id == actor.id))}
    before = {rule: row.channel.value for rule, row in kept.items()}
    for rule, wanted in rules.items():
        if rule not in EVENTS:
            continue
        row = kept.get(rule)
        if wanted is None and row is not None:
            db.session.delete(row)
        elif wanted is not None and row is None:
            db.session.add(ChannelChoice(user_id=actor.id, rule=rule, channel=wanted))
        elif wanted is not None and row.channel is not wanted:
            row.channel = wanted
    after = {rule: c.value for rule, c in rules.items() if c is not None and rule in EVENTS}
    if after != before:
        changes["rule_channels"] = [_listed(before), _listed(after)]
    return audit.choices_saved(actor, "notification.settings", choice, changes)


def _listed(channels: dict[str, str]) -> str:
    """The channel of each rule, in the audit trail: "decision_recorded: wecom; ..."."""
    return "; ".join(f"{rule}: {channel}" for rule, channel in sorted(channels.items()))


def rule_choices(user: User) -> dict[str, Channel]:
    return dict(db.session.execute(select(ChannelChoice.rule, ChannelChoice.channel).where(
        ChannelChoice.user_id == user.id)).tuples().all())
