"""The audit trail's hash chain: each record carries a SHA-256 of its own content and of the
record before it, so an edited, removed or inserted row breaks the chain from there on, and
`flask audit verify` names the first row that does not follow from its predecessor.

The chain follows the ids, so ids and hashes are given together, under one lock, just before
the records are inserted: on PostgreSQL a transaction-level advisory lock makes the writers of
the trail take turns from their first record to their commit, and READ COMMITTED then shows each
the last record of the one it waited for (two transactions never chain from the same
predecessor, and ids follow the order of the chain). An import, one transaction of up to a
minute, holds its records back and seals them at its end (`tracker.audit.held`), so that it
takes its turn only then. SQLite needs no lock: every transaction begins IMMEDIATE, one writer
at a time. Advisory locks need no privilege, so the app's role
keeps SELECT and INSERT only on the table.

What a chain can't tell: the newest rows removed at the end leave a shorter chain that still
verifies (`verify` prints the last hash; keep it elsewhere to compare), and whoever may rewrite
every row may recompute every hash: the app's role can do neither.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from tracker.audit.models import AuditRecord
from tracker.bulk_rows import next_ids
from tracker.db import utcnow
from tracker.turns import take_turn

# The predecessor of the first record.
GENESIS = "0" * 64
# pg_advisory_xact_lock key: "audit" in ASCII, so nothing else picks it by chance.
LOCK_KEY = 0x6175646974


def canonical(row: Any, changes: str | None = None) -> str:
    """The record's content as one string: the same before the insert and after reading it back
    (JSON as the JSON column stores it, instants in UTC to the microsecond). `changes`: its
    changes as `changes_text` writes them, if written already (a held record's, written
    before the import takes its turn: `tracker.audit.held`)."""
    at = row.at.astimezone(UTC).isoformat(timespec="microseconds")
    # One JSON list, written in parts: [id, at, actor, action, type, object, changes, address].
    # No object reads as 0, the id such records had before they could be empty.
    head = _json([row.id, at, row.actor_id, row.action, row.object_type, row.object_id or 0])
    return f"{head[:-1]},{changes or changes_text(row.changes)},{_json(row.ip_address)}]"


def changes_text(changes: Any) -> str:
    """A record's changes as its hash takes them: as the JSON column reads them back, keys
    sorted. Also the text a held record's column stores."""
    changes = changes or {}
    if not _as_stored(changes):
        changes = json.loads(json.dumps(changes))
    return _json(changes)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _as_stored(value: Any) -> bool:
    """Whether `value` reads back from JSON as it is (text keys, JSON's own types), so that
    `canonical` need not write and read it first (a bulk import seals thousands of records)."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _SCALARS and not _as_stored(item)):
                return False
        return True
    if kind is list:
        for item in value:
            if type(item) not in _SCALARS and not _as_stored(item):
                return False
        return True
    return kind in _SCALARS


_SCALARS = frozenset({str, int, float, bool, type(None)})


def digest(previous: str, row: Any, changes: str | None = None) -> str:
    return hashlib.sha256(f"{previous}\n{canonical(row, changes)}".encode()).hexdigest()


def seal(connection: Connection, records: list[Any], changes: list[str] | None = None) -> None:
    """Give new records their ids and hashes, in order, after the last record written: ORM
    objects before a flush, or plain rows (`tracker.audit.services.record_many`); `changes`:
    each one's as `changes_text` wrote them, if written already (`tracker.audit.held`)."""
    postgres = connection.dialect.name == "postgresql"
    take_turn(connection, LOCK_KEY)
    last = connection.execute(
        select(AuditRecord.id, AuditRecord.chain_hash).order_by(AuditRecord.id.desc()).limit(1)
    ).first()
    previous = last.chain_hash if last else GENESIS
    if postgres:  # one round trip for the lot (a bulk import seals thousands at once)
        ids = next_ids(connection, AuditRecord.__tablename__, len(records))
    else:
        first = (last.id if last else 0) + 1
        ids = list(range(first, first + len(records)))
    for n, (record, next_id) in enumerate(zip(records, ids, strict=True)):
        record.id = next_id
        record.at = record.at or utcnow()
        record.changes = record.changes or {}
        record.chain_hash = digest(previous, record, changes[n] if changes else None)
        previous = record.chain_hash


def new_records(session: Session) -> list[AuditRecord]:
    """The session's new records, in the order they were added: sealed before every flush
    (`tracker.audit.services`)."""
    new = [obj for obj in session.new if isinstance(obj, AuditRecord)]
    new.sort(key=lambda obj: obj._sa_instance_state.insert_order)
    return new


@dataclass
class Verdict:
    checked: int  # records that follow from their predecessor
    last_hash: str  # of the last of them
    broken: Any | None = None  # the first record that does not

    @property
    def intact(self) -> bool:
        return self.broken is None


def _rows(session: Session, batch: int) -> Iterator[Any]:
    table = AuditRecord.__table__
    after = None
    while True:
        query = select(table).order_by(table.c.id).limit(batch)
        if after is not None:
            query = query.where(table.c.id > after)
        rows = session.execute(query).all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id


def verify(session: Session, batch: int = 5000) -> Verdict:
    """Walk the whole trail in id order and recompute every hash."""
    previous, checked = GENESIS, 0
    for row in _rows(session, batch):
        if row.chain_hash != digest(previous, row):
            return Verdict(checked, previous, row)
        previous, checked = row.chain_hash, checked + 1
    return Verdict(checked, previous)


def chain(rows: Iterable[Any]) -> Iterator[tuple[Any, str]]:
    """Each row with the hash it should carry: for a migration sealing an existing trail."""
    previous = GENESIS
    for row in rows:
        previous = digest(previous, row)
        yield row, previous
