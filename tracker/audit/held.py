"""An import's audit records, held back from the chain until its end and appended then at once.

The trail's writers take turns (`tracker.audit.chain`: on PostgreSQL a transaction-level
advisory lock, from a transaction's first sealed record to its commit), and an import sealed its
records as it wrote them: it held the turn for the whole import, up to a minute for 10,000
projects, and every other audited action of the app (any form's save, a sign-in) waited for
it (issue 13). So from its first row (`tracker.audit.services.during_import`) the records its
transaction writes are kept here, in the order written, instead of sealed, and appended to the
chain together at its end (`services.append_held`, from the run's `finish`, its commit next):
the turn is held for that and the commit only. They are the same records, in the same order,
each naming the import; their instant (`at`) is that of the seal, when they join the trail.

A savepoint rolled back takes back the records held since it began (a row refused, the whole
file of a dry run); a transaction that ends otherwise than by its commit drops them, and its
commit appends any still held (`services`). Until its end no one, the import included, finds
them in the table: nothing the import runs reads the trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from tracker.audit import chain
from tracker.audit.models import AuditRecord

_KEY = "tracker.audit.held"  # session.info
# Records sealed and inserted at a time at the end: a batch's rows are made only then.
BATCH = 5000


class Row(SimpleNamespace):
    """A record written in bulk (`services.record_many_by`) or held: the attributes
    `chain.seal` reads and sets."""


class _Kept(NamedTuple):
    """A held record, small: its changes as text, as its hash takes them and its column stores
    them (`chain.changes_text`), written before the import takes its turn, and in a third of the
    memory of their dicts (held as rows, the 100,000 milestones of one run of
    `bench/import.py` raised the import's maximum RSS from 303 to 479 MB; its target is 500)."""

    actor_id: int | None
    action: str
    object_type: str
    object_id: int | None
    ip_address: str | None
    at: datetime | None
    changes: str


@dataclass
class Held:
    kept: list[_Kept] = field(default_factory=list)  # in the order written
    # Each savepoint begun while holding, while it lives: how many were held before it.
    # (Weak: a rolled back savepoint has ended before its rollback's event says it.)
    marks: WeakKeyDictionary[SessionTransaction, int] = field(
        default_factory=WeakKeyDictionary)

    def add(self, records: list[Any]) -> None:
        """Hold `records` (rows, or ORM records taken out of their session), in order."""
        self.kept += [_Kept(r.actor_id, r.action, r.object_type, r.object_id, r.ip_address,
                            r.at, chain.changes_text(r.changes)) for r in records]


def hold(session: Session) -> None:
    """Hold back the records of `session`'s transaction from now on, to its end."""
    session.info.setdefault(_KEY, Held())


def holding(session: Session) -> Held | None:
    return session.info.get(_KEY)


def keep(held: Held, records: list[AuditRecord], session: Session) -> None:
    """ORM records about to be flushed, taken out of the session and held."""
    for record in records:
        session.expunge(record)
    held.add(records)


def taken(session: Session) -> Iterator[list[Row]]:
    """The records held, no longer held (the transaction's later records are sealed as they
    are flushed), as rows to seal and insert, a batch at a time, in order: their changes are
    JSON text, as `chain.changes_text` wrote them."""
    held = session.info.pop(_KEY, None)
    kept = held.kept if held is not None else []
    for start in range(0, len(kept), BATCH):
        yield [Row(**k._asdict()) for k in kept[start:start + BATCH]]


@event.listens_for(Session, "after_transaction_create")
def _mark(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested and (held := holding(session)) is not None:
        held.marks[transaction] = len(held.kept)


@event.listens_for(Session, "after_soft_rollback")
def _taken_back(session: Session, previous: SessionTransaction) -> None:
    """A savepoint rolled back: the records held since it began go with its rows (one begun
    before the holding: all of them)."""
    if previous.nested and (held := holding(session)) is not None:
        del held.kept[held.marks.get(previous, 0):]


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """Rolled back or closed: the records held go with it (a commit appended them first)."""
    if transaction.parent is None:
        session.info.pop(_KEY, None)
