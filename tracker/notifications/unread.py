"""The bell's count, as SQL every signed-in request adds to the statement that loads its
session (tracker/accounts/sessions.py): no statement of its own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tracker import db
from tracker.reminders.models import MessageKind, OutboxMessage


def unread(user_id: Any) -> tuple:
    """The conditions of a user's unread events, written as the partial index
    ix_reminder_outbox_unread is (its literal 'event', which PostgreSQL must see to use it)."""
    return (OutboxMessage.recipient_id == user_id,
            OutboxMessage.kind == db.inline(OutboxMessage.kind, MessageKind.EVENT),
            OutboxMessage.read_at.is_(None))


def unread_count_of(user_id: Any):
    """A scalar subquery: how many events `user_id` (a value or a column) has not read."""
    return (select(func.count()).select_from(OutboxMessage).where(*unread(user_id))
            .scalar_subquery())
