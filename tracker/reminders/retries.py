"""What an HQ admin does to the outbox: send a failed or cancelled message again, or every
failed message at once after an outage of the mail server (the outbox page,
tracker/reminders/views.py). The next run of the sender (tracker/reminders/delivery.py) sends
them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord
from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.errors import Forbidden, Refused, require
from tracker.reminders.models import MessageState, OutboxMessage


def refusal(message: OutboxMessage) -> str | None:
    """Why the message is not sent again: it is neither failed nor cancelled; None if it is."""
    if message.state in (MessageState.FAILED, MessageState.CANCELLED):
        return None
    return _("This message is %(state)s: only a failed or cancelled message is sent again.",
             state=label(message.state))


def retry(actor: User, message: OutboxMessage) -> None:
    require(message.can_retry(actor), lambda: refusal(message))
    before = message.state
    message.state = MessageState.PENDING
    message.attempts = 0
    message.next_attempt_at = None
    db.session.flush()
    audit.record(actor, "reminder.retry", message,
                 {"state": [before.value, MessageState.PENDING.value]})


def nothing_failed() -> str:
    """Why no failed message is sent again: none is failed now, and when the last were put
    back to be sent (by whom; another admin, or a second click), if ever."""
    last = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "reminder.retry")
                              .order_by(AuditRecord.id.desc()).limit(1)).first()
    if last is None:
        return _("No message has failed: there is nothing to send again.")
    return _("No message is failed now: the last were put back to be sent on %(date)s by "
             "%(name)s, and the outbox lists them as pending until they go. There is nothing to "
             "send again.", date=on_day(last.at), name=last.actor.name if last.actor else "—")


def retry_failed(actor: User) -> int:
    """Every failed message pending again, its attempts counted afresh: after a mail server
    outage that outlasted the attempts, one action instead of one per message. Audited as
    `retry` audits one, a record per message. Returns how many."""
    if not OutboxMessage.can_retry(actor):
        raise Forbidden()
    retried = list(db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.state == MessageState.FAILED)
        .values(state=MessageState.PENDING, attempts=0, next_attempt_at=None)
        .returning(OutboxMessage.id), execution_options={"synchronize_session": False}))
    if not retried:
        raise Refused(nothing_failed())
    audit.record_many(actor, "reminder.retry", OutboxMessage.__tablename__,
                      [(message_id, {"state": [MessageState.FAILED.value,
                                               MessageState.PENDING.value]})
                       for message_id in sorted(retried)])
    return len(retried)
