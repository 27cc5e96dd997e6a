"""Delivery: send the outbox over SMTP and the robots' webhooks.

The other half of the scheduler's job (`flask reminders send` by hand). Sending re-checks that
each item is still open, writes one e-mail per recipient per run (or per item), retries
temporary failures with backoff and records the server's answers. A batch is claimed
(`sending`) and committed before anything goes out, then each message's answer is committed as
it comes (through the `commit` `send_all` is given): a sender that crashes or is killed leaves
one message in doubt, which the next run sends again, so a crash costs at most one duplicate.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.db import utcnow
from tracker.notifications import senders
from tracker.notifications.diagnoses import said
from tracker.notifications.models import NotificationSettings
from tracker.reminders import claims, mail, transport
from tracker.reminders.items import Query
from tracker.reminders.models import Channel, MessageState, OutboxMessage, ReminderPreference
from tracker.reminders.rules import RULES, Rule
from tracker.reminders.scan import opted_out

log = logging.getLogger("tracker.reminders")

# Temporary failures are retried after 1, 2, 4 ... minutes, at most 6 hours apart; the 12th
# failure (about a day of trying) marks the message failed, for an HQ admin to retry.
MAX_ATTEMPTS = 12
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
# Recipients per batch of `send`: one claim, one SMTP connection (opened again if the server
# closes it), one commit per message.
BATCH_RECIPIENTS = 200


@dataclass
class SendResult:
    sent: int = 0  # outbox messages the server accepted
    emails: int = 0  # e-mails that carried them (a digest carries several)
    retrying: int = 0  # temporary failure: tried again later
    failed: int = 0  # refused for good, or out of attempts
    cancelled: int = 0  # the work was done before the message went out
    more: bool = False  # another batch may be waiting
    stopped: bool = False  # `go_on` said stop: the rest of the batch was given back
    unreachable: bool = False  # the connection failed: the next batches wait for the next run
    mail_server: bool = True  # False: no MAIL_SERVER, everything stays in the outbox
    answers: list[str] = field(default_factory=list)

    def add(self, other: SendResult) -> None:
        for name in ("sent", "emails", "retrying", "failed", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.answers += other.answers
        self.mail_server = other.mail_server
        self.unreachable = self.unreachable or other.unreachable

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result.pop("more")
        result.pop("stopped")
        result.pop("unreachable")
        return result


def _unsent():
    """The SQL of the outbox's partial index of unsent messages, written as it is."""
    return OutboxMessage.state == db.inline(OutboxMessage.state, MessageState.PENDING)


def _due(now: datetime):
    return (_unsent(),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))


def next_attempt() -> datetime | None:
    """When the earliest pending message is due to be tried again (None: at the next run)."""
    return db.session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(
        _unsent()))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        _unsent())) or 0


def _next_batch(now: datetime, limit: int,
                email: bool = True) -> tuple[list[OutboxMessage], bool]:
    """The due messages of the next `limit` recipients; without `email` (no mail server), those
    that go by another channel."""
    due = _due(now) if email else (*_due(now), OutboxMessage.channel != Channel.EMAIL)
    recipients = list(db.session.scalars(
        select(OutboxMessage.recipient_id).where(*due)
        .group_by(OutboxMessage.recipient_id).order_by(func.min(OutboxMessage.id))
        .limit(limit)))
    if not recipients:
        return [], False
    # Another sender's batch is locked: skip it rather than wait for it (PostgreSQL).
    messages = list(db.session.scalars(
        select(OutboxMessage).where(*due, OutboxMessage.recipient_id.in_(recipients))
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
        if group[0].is_event:  # what happened stays true: only a recipient who left is dropped
            for message in group:
                (keep if message.recipient.active else drop).append(message)
            continue
        rule = RULES.get(name)
        if rule is None:
            drop += group
            continue
        open_now = open_deadlines(rule, {m.item_id for m in group})
        turned_off = opted_out(rule)
        for message in group:
            done = open_now.get(message.item_id) != message.deadline
            declined = message.audience is rule.first and message.recipient_id in turned_off
            gone = not message.recipient.active
            (drop if done or declined or gone else keep).append(message)
    return keep, drop


def _history(messages: list[OutboxMessage]) -> mail.History:
    """Who was reminded of the escalated items before, and when."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        rule = RULES.get(message.rule)
        if rule is not None and rule.is_escalation(message.audience):
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
    """One message per recipient and language (a digest), or per reminder for users who chose
    so; events apart, one message per channel; grouped by language so each language is
    switched to once."""
    per_item = _per_item_users({m.recipient_id for m in messages})
    groups: dict[tuple[str, int, bool, str], list[OutboxMessage]] = defaultdict(list)
    emails = []
    for message in messages:
        if message.recipient_id in per_item and not message.is_event:
            emails.append([message])
        else:
            # Events apart from reminders, one message per channel: the events due together
            # (a burst on one item, a day's digest) in one message.
            groups[(message.locale, message.recipient_id, message.is_event,
                    message.channel.value)].append(message)
    emails += list(groups.values())
    return sorted(emails, key=lambda group: (group[0].locale, group[0].recipient_id))


def _retry_later(message: OutboxMessage, now: datetime, answer: str) -> bool:
    """Count a temporary failure; True when the message is now out of attempts."""
    message.attempts += 1
    message.last_error = answer
    message.state = MessageState.PENDING
    if message.attempts >= current_app.config.get("MAIL_MAX_ATTEMPTS", MAX_ATTEMPTS):
        message.state = MessageState.FAILED
        message.next_attempt_at = None
        return True
    wait = min(RETRY_BASE * 2 ** (message.attempts - 1), RETRY_CAP)
    message.next_attempt_at = now + wait
    return False


def send(now: datetime | None = None, batch: int = BATCH_RECIPIENTS, commit=None,
         go_on: Callable[[], bool] = lambda: True) -> SendResult:
    """Deliver one batch of the pending messages due at `now`; `more` says whether to call
    again. Without MAIL_SERVER no e-mail is sent (the outbox keeps them); the robots' messages
    still go.

    The batch is claimed (`sending`) and committed before the first message goes out; then
    each message's answer is recorded and committed as it comes. A sender killed in the middle
    leaves one message in doubt, the one in hand; the rest of its claim is sent by the next
    run once the claim has ended (`claims.recover`). `go_on` is asked before each message: false
    (SIGTERM, the scheduler's lead lost) finishes the one in hand, gives the rest of the claim
    back and returns."""
    now = now or utcnow()
    commit = commit or db.session.flush
    result = SendResult()
    result.mail_server = bool(current_app.config["MAIL_SERVER"])
    messages, result.more = _next_batch(now, batch, email=result.mail_server)
    keep, drop = _still_due(messages)
    for message in drop:
        message.state = MessageState.CANCELLED
        message.next_attempt_at = None
    result.cancelled = len(drop)
    history = _history(keep)
    chats = _settings({m.recipient_id for m in keep if m.channel in CHATS})
    groups = _emails(keep)
    items = mail.Items()  # each item written once for the batch's recipients it reads the same to
    claims.claim(keep, now)
    commit()
    relay = transport.Transport()
    handed = 0
    in_flight: tuple[list[OutboxMessage], Future[mail.Outcome]] | None = None
    try:
        # One thread talks SMTP while this one composes the next e-mail and records the
        # answer about the one before: each waits for the other less. Only this thread
        # touches the session; the other one gets finished e-mails, one at a time.
        with ThreadPoolExecutor(max_workers=1) as smtp, transport.prompt_switches():
            for group in groups:
                if not go_on():
                    break
                recipient = group[0].recipient
                if group[0].channel in CHATS:
                    in_flight = _settle(in_flight, now, result, commit)
                    _answered(group, _to_chat(group, chats.get(recipient.id), now, history),
                              now, result, commit)
                    handed += 1
                    continue
                try:
                    email = mail.compose(recipient, group, group[0].locale, now, history, items)
                except Exception as error:  # one unwritable message must not block the rest
                    log.exception("could not compose the reminder to %s", recipient.email)
                    in_flight = _settle(in_flight, now, result, commit)
                    _answered(group, mail.Outcome(mail.FAILED, said("not_composed", repr(error))),
                              now, result, commit)
                else:  # its envelope goes out while the answer before it is committed
                    turn = transport.Turn()
                    future = smtp.submit(relay.deliver, email, recipient.email, turn)
                    try:
                        _settle(in_flight, now, result, commit)
                    except BaseException:
                        turn.go(False)
                        raise
                    turn.go()
                    in_flight = (group, future)
                handed += 1
            _settle(in_flight, now, result, commit)
    finally:
        relay.close()
    rest = [message for group in groups[handed:] for message in group]
    if rest:  # stopped: what was claimed and not tried goes back, due at once
        claims.give_back(rest)
        result.more = True
        result.stopped = True
    result.unreachable = relay.broken is not None
    commit()
    return result


def _settle(in_flight: tuple[list[OutboxMessage], Future[mail.Outcome]] | None, now: datetime,
            result: SendResult, commit) -> None:
    """Wait for the e-mail in flight, record its answer, commit."""
    if in_flight is not None:
        group, future = in_flight
        _answered(group, future.result(), now, result, commit)


def _answered(group: list[OutboxMessage], outcome: mail.Outcome, now: datetime,
              result: SendResult, commit) -> None:
    sent: list[OutboxMessage] = []
    _record(group, outcome, now, result, sent)
    claims.sent(sent, now) if sent else claims.without_waiting_for_disk()  # sent says it too
    commit()


# The channels that go out through a sender of tracker/notifications/senders.py.
CHATS = tuple(senders.SENDERS)


def _settings(user_ids: Collection[int]) -> dict[int, NotificationSettings]:
    if not user_ids:
        return {}
    return {s.user_id: s for s in db.session.scalars(select(NotificationSettings).where(
        NotificationSettings.user_id.in_(list(user_ids))))}


def _to_chat(group: list[OutboxMessage], choice: NotificationSettings | None, now: datetime,
             history: mail.History) -> mail.Outcome:
    """Post one message through the sender of its channel: a WeCom or DingTalk robot, a WeCom
    application message (synchronously: a platform answers in milliseconds)."""
    try:
        title, text = mail.chat_message(group, group[0].locale, now, history)
    except Exception as error:
        log.exception("could not compose the notification to user %s", group[0].recipient_id)
        return mail.Outcome(mail.FAILED, said("not_composed", repr(error)))
    return senders.SENDERS[group[0].channel](choice, title, text, now)


def _record(group: list[OutboxMessage], outcome: mail.Outcome, now: datetime,
            result: SendResult, sent: list[OutboxMessage]) -> None:
    if outcome.result == mail.SENT:
        result.emails += 1
        sent += group
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


def send_all(now: datetime | None = None, commit=None, batch: int = BATCH_RECIPIENTS,
             go_on: Callable[[], bool] = lambda: True) -> SendResult:
    """`send` batch after batch until nothing due is left (committing after each message
    through `commit`), first taking back the claims of senders that stopped (`claims.recover`); an
    unreachable server ends the run (the rest waits for the next one, no attempt counted);
    `go_on` false stops after the message in hand."""
    commit = commit or db.session.flush
    claims.recover(now)
    commit()
    total = SendResult()
    while go_on():
        result = send(now, batch, commit, go_on)
        total.add(result)
        if result.unreachable or result.stopped or not result.more or not (
                result.sent or result.failed or result.retrying or result.cancelled):
            return total
    return total


def open_deadlines(rule: Rule, item_ids: Collection[int]) -> dict[int, date]:
    """The deadline of each of these items still open (the others are done)."""
    if not item_ids:
        return {}
    found: dict[int, date] = {}
    ids = list(item_ids)
    for start in range(0, len(ids), 500):
        for item in rule.items(Query(item_ids=ids[start:start + 500])):
            found[item.id] = item.deadline
    return found
