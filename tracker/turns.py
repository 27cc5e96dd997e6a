"""Transactions that take turns: the reminder scans, the audit trail's writers, the changes to
one year's calendar. Each waits for any other holding the same lock to end, then reads what
that one committed (READ COMMITTED)."""

from __future__ import annotations

from sqlalchemy import Connection, text


def take_turn(connection: Connection, *key: int) -> None:
    """Wait for any other transaction holding the lock `key` (one integer, or two: a kind of
    change and what it is about) to end, and hold it until this one ends: PostgreSQL's
    transaction-level advisory lock, which needs no privilege. SQLite needs none: every
    transaction begins IMMEDIATE (tracker/db.py), one writer at a time."""
    if connection.dialect.name != "postgresql":
        return
    placeholders = ", ".join(f":k{i}" for i in range(len(key)))
    connection.execute(text(f"SELECT pg_advisory_xact_lock({placeholders})"),
                       {f"k{i}": part for i, part in enumerate(key)})
