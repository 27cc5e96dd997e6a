"""What the reminders do: scan for what is due, send the outbox, and what users change.

`scan` and `send` are the two halves of the scheduler's job (tracker/reminders/scheduler.py);
`flask reminders scan|send` run them by hand. Like every service they flush and never commit:
the command or the job commits (the sender after each batch, so a crash resends one batch at
most, and only to recipients whose server had not answered yet).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.audit import services as audit
from tracker.db import utcnow
from tracker.errors import Forbidden, Invalid, Refused
from tracker.reminders import mail
from tracker.reminders.models import (
    Audience,
    MessageState,
    OutboxMessage,
    ReminderOptOut,
    ReminderPreference,
    new_feed_token,
)
from tracker.reminders.rules import RULES, Item, Ladder, Query, Rule, item_path, open_deadlines

log = logging.getLogger("tracker.reminders")

# Temporary failures are retried after 1, 2, 4 ... minutes, at most 6 hours apart; the 12th
# failure (about a day of trying) marks the message failed, for an HQ admin to retry.
MAX_ATTEMPTS = 12
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
# Recipients per batch of `send`: one SMTP connection and one commit each.
BATCH_RECIPIENTS = 200
INSERT_CHUNK = 1000


# --- scan ---------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    as_of: date
    found: int = 0  # occurrences due on that date (already in the outbox or not)
    new: int = 0  # of which written now

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "found": self.found, "new": self.new}


def _active_users() -> dict[int, str | None]:
    return dict(db.session.execute(
        select(User.id, User.locale).where(User.active.is_(True))).tuples().all())


def _holders(role: Role) -> list[int]:
    return list(db.session.scalars(
        select(RoleGrant.user_id).join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role == role, User.active.is_(True)).order_by(RoleGrant.user_id)))


def _opted_out(rule: Rule) -> set[int]:
    if not rule.optional:
        return set()
    return set(db.session.scalars(
        select(ReminderOptOut.user_id).where(ReminderOptOut.rule == rule.name)))


def _recipients(item: Item, audience: Audience, staff: dict[Audience, list[int]]) -> list[int]:
    person = {Audience.OWNER: item.owner_id, Audience.DIRECTOR: item.director_id,
              Audience.CHAIR: item.chair_id}.get(audience)
    if audience in staff:
        return staff[audience]
    return [person] if person is not None else []


def _details(item: Item, ladder: Ladder, adapter: Any) -> dict[str, str]:
    return {"title": item.title, "project": item.project,
            "due_on": ladder.due_on(item.deadline).isoformat(),
            "path": item_path(item, adapter), **item.extra}


def scan(as_of: date, actor: User | None = None) -> ScanResult:
    """Write to the outbox every reminder due on `as_of` that is not there yet.

    For each rule and each open item, the latest rung of each audience that has fired by
    `as_of`; first rungs skip the users who turned the rule off. Inserting skips the keys
    already there (ON CONFLICT DO NOTHING), so two scans at once write each occurrence once.
    """
    users = _active_users()
    staff = {Audience.HQ: _holders(Role.HQ_ADMIN),
             Audience.COMMITTEE: _holders(Role.INVESTMENT_COMMITTEE)}
    default_locale = current_app.config["DEFAULT_LOCALE"]
    domain = mail.mail_domain()
    adapter = current_app.url_map.bind("localhost")
    now = utcnow()
    rows: dict[tuple[str, int, str, int], dict[str, Any]] = {}
    for rule in RULES.values():
        ladder = rule.ladder()
        items = rule.items(Query(until=as_of + timedelta(days=ladder.lookahead), on=as_of))
        opted_out = _opted_out(rule) if items else set()
        for item in items:
            details = None
            for rung in ladder.current(item.deadline, as_of):
                occurrence = rung.occurrence(item.deadline)
                for user_id in _recipients(item, rung.audience, staff):
                    key = (rule.name, item.id, occurrence, user_id)
                    if user_id not in users or key in rows or (
                            rung.audience is rule.first and user_id in opted_out):
                        continue
                    details = details or _details(item, ladder, adapter)
                    rows[key] = {
                        "rule": rule.name, "item_id": item.id, "occurrence": occurrence,
                        "recipient_id": user_id, "audience": rung.audience,
                        "deadline": item.deadline, "fire_on": rung.fire_on,
                        "project_id": item.project_id, "details": details,
                        "locale": users[user_id] or default_locale,
                        "state": MessageState.PENDING, "attempts": 0, "last_error": "",
                        "created_at": now,
                        "message_id": mail.message_id(rule.name, item.id, occurrence, user_id,
                                                      domain),
                    }
    new = _insert_new([rows[key] for key in sorted(rows)])
    return ScanResult(as_of=as_of, found=len(rows), new=new)


def _insert_new(rows: list[dict[str, Any]]) -> int:
    """Insert what is not in the outbox yet; return how many rows were new. Rows go in key
    order, so two scans inserting the same keys wait on each other instead of deadlocking.

    One statement executed for many rows (the driver's executemany: psycopg pipelines it),
    compiled and parsed once whatever the number of rows; both drivers sum the rows each
    parameter set inserted, and a key already there inserts none."""
    if not rows:
        return 0
    connection = db.session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    stmt = (insert(OutboxMessage.__table__)
            .on_conflict_do_nothing(
                index_elements=["rule", "item_id", "occurrence", "recipient_id"])
            .execution_options(preserve_rowcount=True))  # SQLAlchemy keeps it for INSERTs
    new = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        new += connection.execute(stmt, rows[start:start + INSERT_CHUNK]).rowcount
    return new


# --- send ---------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0  # outbox messages the server accepted
    emails: int = 0  # e-mails that carried them (a digest carries several)
    retrying: int = 0  # temporary failure: tried again later
    failed: int = 0  # refused for good, or out of attempts
    cancelled: int = 0  # the work was done before the message went out
    more: bool = False  # another batch may be waiting
    unreachable: bool = False  # the connection failed: the next batches wait for the next run
    mail_server: bool = True  # False: no MAIL_SERVER, everything stays in the outbox
    answers: list[str] = field(default_factory=list)

    def add(self, other: SendResult) -> None:
        for name in ("sent", "emails", "retrying", "failed", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.answers += other.answers
        self.mail_server = other.mail_server

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result.pop("more")
        result.pop("unreachable")
        return result


def _due(now: datetime):
    return (OutboxMessage.state == MessageState.PENDING,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.state == MessageState.PENDING)) or 0


def _next_batch(now: datetime, limit: int) -> tuple[list[OutboxMessage], bool]:
    recipients = list(db.session.scalars(
        select(OutboxMessage.recipient_id).where(*_due(now))
        .group_by(OutboxMessage.recipient_id).order_by(func.min(OutboxMessage.id))
        .limit(limit)))
    if not recipients:
        return [], False
    # Another sender's batch is locked: skip it rather than wait for it (PostgreSQL).
    messages = list(db.session.scalars(
        select(OutboxMessage).where(*_due(now), OutboxMessage.recipient_id.in_(recipients))
        .order_by(OutboxMessage.recipient_id, OutboxMessage.fire_on, OutboxMessage.id)
        .with_for_update(skip_locked=True, of=OutboxMessage)
        .options(selectinload(OutboxMessage.recipient))))
    return messages, len(recipients) == limit


def _still_due(messages: list[OutboxMessage]) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
    """Split into those to send and those whose work is done, whose deadline moved, or whose
    recipient turned the rule off (or left) since the scan."""
    by_rule: dict[str, list[OutboxMessage]] = defaultdict(list)
    for message in messages:
        by_rule[message.rule].append(message)
    keep, drop = [], []
    for name, group in by_rule.items():
        rule = RULES.get(name)
        if rule is None:
            drop += group
            continue
        open_now = open_deadlines(rule, {m.item_id for m in group})
        opted_out = _opted_out(rule)
        for message in group:
            done = open_now.get(message.item_id) != message.deadline
            declined = message.audience is rule.first and message.recipient_id in opted_out
            gone = not message.recipient.active
            (drop if done or declined or gone else keep).append(message)
    return keep, drop


def _history(messages: list[OutboxMessage]) -> mail.History:
    """Who was reminded of the escalated items before, and when."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        if message.is_escalation:
            wanted[message.rule].add(message.item_id)
    history: mail.History = defaultdict(list)
    for rule, item_ids in wanted.items():
        rows = db.session.execute(
            select(OutboxMessage.item_id, OutboxMessage.recipient_id, User.name,
                   OutboxMessage.audience, OutboxMessage.sent_at)
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.rule == rule, OutboxMessage.item_id.in_(item_ids),
                   OutboxMessage.state == MessageState.SENT)
            .order_by(OutboxMessage.sent_at, OutboxMessage.id))
        for item_id, recipient_id, name, audience, sent_at in rows:
            history[(rule, item_id)].append((recipient_id, name, audience, sent_at))
    return history


def _per_item_users(user_ids: Collection[int]) -> set[int]:
    return set(db.session.scalars(select(ReminderPreference.user_id).where(
        ReminderPreference.user_id.in_(list(user_ids)), ReminderPreference.per_item.is_(True))))


def _emails(messages: list[OutboxMessage]) -> list[list[OutboxMessage]]:
    """One e-mail per recipient and language (a digest), or per message for users who chose so;
    grouped by language so each language is switched to once."""
    per_item = _per_item_users({m.recipient_id for m in messages})
    groups: dict[tuple[str, int], list[OutboxMessage]] = defaultdict(list)
    emails = []
    for message in messages:
        if message.recipient_id in per_item:
            emails.append([message])
        else:
            groups[(message.locale, message.recipient_id)].append(message)
    emails += list(groups.values())
    return sorted(emails, key=lambda group: (group[0].locale, group[0].recipient_id))


def _retry_later(message: OutboxMessage, now: datetime, answer: str) -> bool:
    """Count a temporary failure; True when the message is now out of attempts."""
    message.attempts += 1
    message.last_error = answer
    if message.attempts >= current_app.config.get("MAIL_MAX_ATTEMPTS", MAX_ATTEMPTS):
        message.state = MessageState.FAILED
        message.next_attempt_at = None
        return True
    wait = min(RETRY_BASE * 2 ** (message.attempts - 1), RETRY_CAP)
    message.next_attempt_at = now + wait
    return False


def send(now: datetime | None = None, batch: int = BATCH_RECIPIENTS) -> SendResult:
    """Deliver one batch of the pending messages due at `now`; `more` says whether to call
    again (after committing). Without MAIL_SERVER nothing is sent: the outbox keeps them."""
    now = now or utcnow()
    result = SendResult()
    if not current_app.config["MAIL_SERVER"]:
        result.mail_server = False
        return result
    messages, result.more = _next_batch(now, batch)
    keep, drop = _still_due(messages)
    for message in drop:
        message.state = MessageState.CANCELLED
        message.next_attempt_at = None
    result.cancelled = len(drop)
    history = _history(keep)
    transport = mail.Transport()
    broken: mail.Outcome | None = None
    try:
        for group in _emails(keep):
            recipient = group[0].recipient
            if broken is not None:
                outcome = broken
            else:
                try:
                    email = mail.compose(recipient, group, group[0].locale, now, history)
                except Exception as error:  # one unwritable message must not block the rest
                    log.exception("could not compose the reminder to %s", recipient.email)
                    outcome = mail.Outcome(mail.FAILED, f"not composed: {error!r}")
                else:
                    outcome = transport.deliver(email, recipient.email)
                if outcome.connection_lost:
                    broken = outcome  # the rest of the batch waits for the next attempt
            _record(group, outcome, now, result)
    finally:
        transport.close()
    result.unreachable = broken is not None
    db.session.flush()
    return result


def _record(group: list[OutboxMessage], outcome: mail.Outcome, now: datetime,
            result: SendResult) -> None:
    if outcome.result == mail.SENT:
        result.emails += 1
        for message in group:
            message.state = MessageState.SENT
            message.sent_at = now
            message.attempts += 1
            message.next_attempt_at = None
            message.last_error = ""
        result.sent += len(group)
        return
    if outcome.answer not in result.answers:
        result.answers.append(outcome.answer)
    for message in group:
        if outcome.result == mail.FAILED:
            message.attempts += 1
            message.state = MessageState.FAILED
            message.last_error = outcome.answer
            message.next_attempt_at = None
            result.failed += 1
        elif _retry_later(message, now, outcome.answer):
            result.failed += 1
        else:
            result.retrying += 1


def send_all(now: datetime | None = None, commit=None,
             batch: int = BATCH_RECIPIENTS) -> SendResult:
    """`send` batch after batch until nothing due is left, calling `commit` after each; an
    unreachable server ends the run (the rest waits for the next one, no attempt counted)."""
    total = SendResult()
    while True:
        result = send(now, batch)
        if commit is not None:
            commit()
        total.add(result)
        if result.unreachable or not result.more or not (
                result.sent or result.failed or result.retrying or result.cancelled):
            return total


# --- what an HQ admin does to the outbox and the ladders ----------------------------------------


def retry(actor: User, message: OutboxMessage) -> None:
    if not actor.is_hq_admin:
        raise Forbidden()
    if not message.can_retry(actor):
        raise Refused(_("Only a failed or cancelled message can be sent again."))
    before = message.state
    message.state = MessageState.PENDING
    message.attempts = 0
    message.next_attempt_at = None
    db.session.flush()
    audit.record(actor, "reminder.retry", message,
                 {"state": [before.value, MessageState.PENDING.value]})


def save_ladder(actor: User, values: dict[str, int]) -> int:
    """Change the offsets given (setting key -> days); return how many changed."""
    from tracker.settings import services as settings

    if not actor.is_hq_admin:
        raise Forbidden()
    known = {rule.setting_key(step) for rule in RULES.values() for step in rule.steps}
    changed = 0
    for key, value in values.items():
        if key not in known:
            raise Invalid(key, _("Unknown setting."))
        if settings.get(key) != value:
            settings.set_value(actor, key, str(value))
            changed += 1
    return changed


# --- what each user chooses ---------------------------------------------------------------------


def preferences_of(user: User) -> ReminderPreference:
    """The user's row, or an unsaved one with the defaults."""
    return db.session.get(ReminderPreference, user.id) or ReminderPreference(
        user_id=user.id, per_item=False)


def opted_out_rules(user: User) -> set[str]:
    return set(db.session.scalars(
        select(ReminderOptOut.rule).where(ReminderOptOut.user_id == user.id)))


def save_preferences(actor: User, per_item: bool, opted_out: Collection[str]) -> None:
    """The actor's own choices: a digest or one message per item, and the optional rules they
    do not want. Rules that may not be turned off are refused."""
    unknown = [name for name in opted_out if name not in RULES]
    mandatory = [name for name in opted_out if name in RULES and not RULES[name].optional]
    if unknown or mandatory:
        raise Invalid("opted_out", _("These reminders cannot be turned off."))
    preference = preferences_of(actor)
    db.session.add(preference)
    preference.per_item = per_item
    before = opted_out_rules(actor)
    wanted = set(opted_out)
    for name in wanted - before:
        db.session.add(ReminderOptOut(user_id=actor.id, rule=name))
    if before - wanted:
        for row in db.session.scalars(select(ReminderOptOut).where(
                ReminderOptOut.user_id == actor.id, ReminderOptOut.rule.in_(before - wanted))):
            db.session.delete(row)
    changes = audit.pending_changes(preference)
    if before != wanted:
        changes["opted_out"] = [sorted(before), sorted(wanted)]
    db.session.flush()
    if changes:
        audit.record(actor, "reminder.preferences", preference, changes)


def regenerate_feed_token(actor: User) -> str:
    """A new secret calendar URL for the actor; the old one stops working."""
    preference = preferences_of(actor)
    db.session.add(preference)
    preference.feed_token = new_feed_token()
    preference.feed_token_created_at = utcnow()
    db.session.flush()
    audit.record(actor, "reminder.feed_token", preference, {"feed_token": ["***", "***"]})
    return preference.feed_token


def revoke_feed_token(actor: User) -> None:
    preference = db.session.get(ReminderPreference, actor.id)
    if preference is None or preference.feed_token is None:
        return
    preference.feed_token = None
    preference.feed_token_created_at = None
    db.session.flush()
    audit.record(actor, "reminder.feed_revoke", preference, {"feed_token": ["***", None]})


def user_for_feed(token: str) -> User | None:
    """The active user whose calendar this secret opens, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(User).join(ReminderPreference, ReminderPreference.user_id == User.id)
        .where(ReminderPreference.feed_token == token, User.active.is_(True)))
