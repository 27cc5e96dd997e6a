"""A sender's claim on the messages it is sending (state `sending`): made and committed
before the first of a batch goes out, so that no other sender takes them meanwhile and a
sender that dies is known by the claims it left. `next_attempt_at` of a claimed message is
when the claim ends (`MAIL_SENDING_TIMEOUT_SECONDS` after it was made): from then the next run
takes it back (`recover`) and sends it. tracker/reminders/delivery.py makes and settles them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import update
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
