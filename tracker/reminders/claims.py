"""A sender's claim on the messages it is sending (state `sending`): made and committed
before the first of a batch goes out, so that no other sender takes them meanwhile and a
sender that dies is known by the claims it left; settled message by message as the server
answers (`sent`). `next_attempt_at` of a claimed message is
when the claim ends (`MAIL_SENDING_TIMEOUT_SECONDS` after it was made): from then the next run
takes it back (`recover`) and sends it. tracker/reminders/delivery.py makes and settles them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value

from tracker import db
from tracker.db import utcnow
from tracker.reminders.models import MessageState, OutboxMessage

log = logging.getLogger("tracker.reminders")


def claim(messages: list[OutboxMessage], now: datetime) -> None:
    length = timedelta(seconds=current_app.config["MAIL_SENDING_TIMEOUT_SECONDS"])
    _set(messages, state=MessageState.SENDING, next_attempt_at=now + length)


def give_back(messages: list[OutboxMessage]) -> None:
    """Claimed and not tried (the sender was told to stop): pending again, due at once."""
    _set(messages, state=MessageState.PENDING, next_attempt_at=None)


def recover(now: datetime | None = None) -> int:
    """The messages a sender claimed and never answered for (it died or was killed, the
    process or its host): pending again once the claim has ended. The one it had in hand may
    have reached the server, and may arrive twice (with the same Message-ID); the others of
    its claim were never handed over."""
    now = now or utcnow()
    stranded = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.state == MessageState.SENDING,
                                    OutboxMessage.next_attempt_at <= now)
        .values(state=MessageState.PENDING),
        execution_options={"synchronize_session": False}).rowcount
    if stranded:
        log.warning("%d messages claimed by a sender that stopped are sent again (the one it "
                    "had in hand may arrive twice)", stranded)
    return stranded


def _set(messages: list[OutboxMessage], **values: Any) -> None:
    """One UPDATE for these messages, and the loaded objects told what it wrote."""
    if not messages:
        return
    db.session.flush()
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in messages]))
        .values(**values), execution_options={"synchronize_session": False})
    for message in messages:
        for name, value in values.items():
            set_committed_value(message, name, value)


def without_waiting_for_disk() -> None:
    """On PostgreSQL, this transaction's commit returns once the server has it, without waiting
    for it to reach the disk (`synchronous_commit`, for this transaction only): a durable
    commit waits for an fsync (6-8 ms here), more than composing and sending an e-mail. A
    sender killed after the commit loses nothing (the server has it); only a crash of the
    database server itself may lose the last answers it had not yet written (at most three
    times `wal_writer_delay`, 0.6 s by default), whose messages are then still claimed and sent
    again once the claim ends, with the same Message-ID: duplicates, never a loss."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")


# Built once, in Core: building the statement and the ORM's bulk UPDATE path cost more than
# running it, once per e-mail.
_OUTBOX = OutboxMessage.__table__
_SENT_VALUES = {"state": MessageState.SENT,
                "sent_at": bindparam("now", type_=_OUTBOX.c.sent_at.type),
                "attempts": _OUTBOX.c.attempts + 1, "next_attempt_at": None, "last_error": ""}
_SENT = update(_OUTBOX).where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True))).values(
    _SENT_VALUES)
# PostgreSQL: the statement as the driver's own text, the ids as one array: SQLAlchemy's
# execution of a Core statement (its cache key, its parameters' processing) cost a quarter of
# marking an e-mail's messages, and an expanding IN is written out again for each number of
# ids; `without_waiting_for_disk`'s SET LOCAL is said by the UPDATE (a round trip fewer).
_SENT_NOT_WAITING = (
    f"UPDATE {_OUTBOX.name} SET state = '{MessageState.SENT.value}', sent_at = %(now)s, "
    "attempts = attempts + 1, next_attempt_at = NULL, last_error = '' "
    "WHERE id = ANY(%(ids)s::integer[]) "
    "AND set_config('synchronous_commit', 'off', true) IS NOT NULL")


def sent(messages: list[OutboxMessage], now: datetime) -> None:
    """One UPDATE for the messages an e-mail carried (a digest: many), and the loaded objects
    told what it wrote; on PostgreSQL its transaction's commit does not wait for the disk, and
    with nothing else open on the connection it is a transaction of its own (`_alone`)."""
    connection = db.session.connection()
    values = {"ids": [m.id for m in messages], "now": now}
    if connection.dialect.name == "postgresql":  # the column type's check said by hand
        values["now"] = db.UTCDateTime().process_bind_param(now, connection.dialect)
        _alone(connection, _SENT_NOT_WAITING, values)
    else:
        connection.execute(_SENT, values)
    for message in messages:
        for name, value in (("state", MessageState.SENT), ("sent_at", now),
                            ("attempts", message.attempts + 1), ("next_attempt_at", None),
                            ("last_error", "")):
            set_committed_value(message, name, value)


def _alone(connection: Connection, sql: str, values: dict[str, Any]) -> None:
    """Run `sql` on PostgreSQL as a transaction of its own (autocommit: the server commits it
    as it answers) when nothing is open on the connection, as when the scheduler's send has
    committed the answer before: one round trip, where BEGIN, the UPDATE and COMMIT took three
    for each e-mail (the session's commit after it then has nothing to say). The e-mail is
    marked sent as soon as before, and alone: `SET LOCAL`'s `set_config(..., true)` holds for
    this implicit transaction too, and ends with it. Within an open transaction (a test's, a
    caller that only flushes) it joins that transaction, as before."""
    driver = connection.connection.driver_connection
    if driver.info.transaction_status != TransactionStatus.IDLE:
        connection.exec_driver_sql(sql, values)
        return
    driver.autocommit = True
    try:
        connection.exec_driver_sql(sql, values)
    finally:
        if not driver.closed:  # a connection lost in the UPDATE: its own error is the one said
            driver.autocommit = False
