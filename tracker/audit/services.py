"""Writing the audit trail. Every service that changes something calls one of these before it
flushes, so the record lands in the same transaction as the change."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tracker import bulk_rows, db
from tracker.audit import chain, held
from tracker.audit.models import AuditRecord
from tracker.turns import take_turn as _take_turn

if TYPE_CHECKING:
    from tracker.accounts.models import User

# Never copied into the trail, whatever the object.
SECRET_FIELDS = {"password_hash", "token_hash", "feed_token_hash", "totp_secret", "code_hash",
                 "wecom_webhook", "dingtalk_webhook", "dingtalk_secret"}

# The import whose rows are being saved, and how many records it has written: every record
# written meanwhile names it.
_import_run: ContextVar[list[int] | None] = ContextVar("import_run", default=None)


@contextmanager
def during_import(run_id: int) -> Iterator[None]:
    """Every record written inside says which import made the change (`changes["import"]`),
    and the transaction's records are held back from the chain from here to its end
    (`held`): appended at once by the run's end (`append_held`), or at its commit."""
    held.hold(db.session())
    # [the run's id, records written, the records `record_about` wrote since `take_written`]
    token = _import_run.set([run_id, 0, []])
    try:
        yield
    finally:
        _import_run.reset(token)


def current_import() -> int | None:
    """The id of the import whose rows are being saved, if any."""
    current = _import_run.get()
    return current[0] if current else None


def written_during_import() -> int:
    """How many records the current import has written: a row that wrote none changed
    nothing."""
    current = _import_run.get()
    return current[1] if current else 0


def take_written() -> list[list[Any]]:
    """What the current import wrote one by one since the last call, as [action, object
    type, object id, changes]: a dry run, rolled back, can still say what a row would
    change. Records written in bulk (new records of a batch) are not kept."""
    current = _import_run.get()
    if current is None:
        return []
    written, current[2] = current[2], []
    return written


# What the trail stores as it is (checked first: most values are), and what as ISO text.
_AS_IS = frozenset({str, int, bool, type(None)})
_WHEN = (datetime, date, time)


def jsonable(value: Any) -> Any:
    """A value as the trail stores it (enums by value, money and dates as text)."""
    if type(value) in _AS_IS:  # not a subclass: an enum may be a str
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, _WHEN):
        return value.isoformat()
    return value


def _client_address() -> str | None:
    if has_request_context():
        return request.remote_addr
    return None


def pending_changes(obj: Any) -> dict[str, list[Any]]:
    """The column values about to be written for `obj`: {field: [before, after]}.

    For a new object `before` is None. Secret fields are reported as changed, never shown.
    """
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        hist = state.attrs[key].history
        if state.pending or state.transient:
            value = getattr(obj, key)
            if value is None or key == "id":
                continue
            before, after = None, value
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before == after:
                continue
        else:
            continue
        if key in SECRET_FIELDS:
            changes[key] = ["***", "***"]
        else:
            changes[key] = [jsonable(before), jsonable(after)]
    return changes


def created(values: dict[str, Any]) -> dict[str, list[Any]]:
    """What `pending_changes` says of a new record given `values` (column -> value), for a
    record the bulk import inserts without making the object: its values but None, secrets
    reported as changed."""
    return {key: ["***", "***"] if key in SECRET_FIELDS else [None, jsonable(value)]
            for key, value in values.items() if value is not None and key != "id"}


def changes_from_defaults(obj: Any, default: Any) -> dict[str, list[Any]]:
    """`pending_changes` of a user's row of choices, where a row not saved yet counts as the
    defaults its page showed (`default`, an unsaved row of them): saving the defaults as they
    were changes nothing, whether or not a row existed."""
    changes, state = pending_changes(obj), inspect(obj)
    if not (state.pending or state.transient):
        return changes
    columns = state.mapper.columns
    return {key: pair for key, pair in changes.items()
            if pair[1] != jsonable(getattr(default, key))
            and not columns[key].primary_key and not columns[key].foreign_keys}


def record(
    actor: User | None,
    action: str,
    obj: Any,
    changes: dict[str, list[Any]] | None = None,
) -> AuditRecord:
    """Append one record about `obj`. `changes` defaults to what is pending on `obj`.

    A new object has no id until it is flushed, so the session is flushed first.
    """
    if changes is None:
        changes = pending_changes(obj)
    session = db.session
    if inspect(obj).pending or inspect(obj).transient:
        session.add(obj)
        session.flush()
    return record_about(actor, action, obj.__tablename__, obj.id, changes)


def record_if_changed(actor: User | None, action: str, obj: Any,
                      changes: dict[str, list[Any]] | None = None, *,
                      always: bool = False) -> AuditRecord | None:
    """`record`, when there is something to record: `changes` (by default what is pending on
    `obj`) not empty, or `always` (a creation, recorded whatever values it has). An edit that
    changed nothing writes no record, which is how `submit` tells it was unchanged
    (`tracker.web.actions`)."""
    if changes is None:
        changes = pending_changes(obj)
    return record(actor, action, obj, changes) if changes or always else None


# Kinds whose records were named otherwise before `saved` made the names, by the names their
# stored records have (the history of existing rows reads them by those): {kind: {verb: name}}.
STORED_NAMES = {"assessment.indicator": {"create": "assessment.indicator_create",
                                         "update": "assessment.indicator_update"}}


def action(kind: str, verb: str) -> str:
    """The audit action of `verb` done to a record of `kind`: `<kind>.<verb>`, or the name it
    had before (`STORED_NAMES`)."""
    return STORED_NAMES.get(kind, {}).get(verb, f"{kind}.{verb}")


def saved(actor: User | None, kind: str, obj: Any, creating: bool,
          changes: dict[str, list[Any]] | None = None, *,
          created: str = "create") -> AuditRecord | None:
    """A form's record saved: `<kind>.create` recorded whatever its values, `<kind>.update`
    when something changed (`record_if_changed`). The one place those action names are made
    (`action`). `created`: the verb of a creation that says more (a centre agreement's term
    that `renew`s the one before it)."""
    return record_if_changed(actor, action(kind, created if creating else "update"), obj,
                             changes, always=creating)


def choices_saved(actor: User, action: str, row: Any, changes: dict[str, list[Any]]) -> bool:
    """A user's row of choices (`changes_from_defaults`, with what else the page changed)
    written and recorded when something changed; choices saved as they were write nothing,
    not even an audit record. Returns whether anything changed."""
    if not changes:
        return False
    db.session.add(row)
    db.session.flush()
    record(actor, action, row, changes)
    db.session.flush()
    return True


def record_about(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: dict[str, list[Any]],
) -> AuditRecord:
    """Append one record about an object named by type and id; no id when there is no such
    object (a sign-in attempt with an unknown e-mail)."""
    current = _import_run.get()
    if current is not None:
        current[2].append([action, object_type, object_id, changes])
        changes = {**changes, "import": [None, current[0]]}
        current[1] += 1
    token = g.get("api_token") if has_request_context() else None
    if token is not None:  # made through the JSON API: which personal access token
        changes = {**changes, "token": [None, token.id]}
    entry = AuditRecord(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        ip_address=_client_address(),
    )
    db.session.add(entry)
    _count(1)
    return entry


def _count(records: int) -> None:
    if has_app_context():
        g.audit_written = g.get("audit_written", 0) + records


def written() -> int:
    """How many records this request (this app context) has written so far: a form's save
    that wrote none changed nothing (`tracker.web.actions.submit`)."""
    return g.get("audit_written", 0) if has_app_context() else 0


def record_many(actor: User | None, action: str, object_type: str,
                items: list[tuple[int, dict[str, list[Any]]]]) -> int:
    """Append one record per (object id, changes), as `record_about` would write each, with
    one multi-row INSERT: for the bulk import, whose objects were inserted the same way.
    Whatever the session holds is flushed (and sealed) first, so the chain keeps its order."""
    return record_many_by(action, object_type, [(actor, oid, ch) for oid, ch in items])


def record_many_by(action: str, object_type: str,
                   items: list[tuple[User | None, int, dict[str, list[Any]]]]) -> int:
    """`record_many` for records each by its own actor (the projects a batch creates, each by
    its PM): one seal and one INSERT for the lot, however many people acted (held instead
    during an import: `held`). The records are what `record_about` writes for each, chained
    in the order given."""
    if not items:
        return 0
    db.session.flush()
    current = _import_run.get()
    address = _client_address()
    rows = []
    for actor, object_id, changes in items:
        if current is not None:
            changes = {**changes, "import": [None, current[0]]}
        rows.append(held.Row(actor_id=actor.id if actor is not None else None, action=action,
                             object_type=object_type, object_id=object_id, changes=changes,
                             ip_address=address, at=None))
    if current is not None:
        current[1] += len(rows)
    if (holding := held.holding(db.session())) is not None:
        holding.add(rows)
    else:
        chain.seal(db.session.connection(), rows)
        bulk_rows.insert_rows(AuditRecord.__table__, [vars(row) for row in rows])
    _count(len(rows))
    return len(rows)


def append_held() -> None:
    """Append the records held back since the import began (`held`) to the chain, now: at
    the import's end, just before its commit, the trail's turn held from here to it. What
    could be written before (their text) was: only their ids and hashes are left to give."""
    db.session.flush()  # the records written last join the held ones
    for rows in held.taken(db.session()):
        chain.seal(db.session.connection(), rows, [row.changes for row in rows])
        bulk_rows.insert_rows(AuditRecord.__table__, [vars(row) for row in rows],
                              encoded=("changes",))


def take_turn() -> None:
    """Take the trail's turn now, not at the next record's flush (`chain.seal`), for a
    transaction that also writes a row another writer of the trail writes: each takes the
    trail's turn first, then the row, or two could each hold what the other waits for (an
    import run's row: `tracker.imports.transitions`). Held to the transaction's end."""
    _take_turn(db.session.connection(), chain.LOCK_KEY)


def record_denied(actor: User | None, method: str, path: str, reason: str) -> AuditRecord:
    """A request refused with 403, against the user who made it (none when no one signed in)."""
    changes = {"method": [None, method], "path": [None, path[:500]],
               "reason": [None, reason[:500]]}
    return record_about(actor, "access.denied", "users", actor.id if actor else None,
                        changes)


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditRecord) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("audit records are append-only")
    if (holding := held.holding(session)) is not None:
        held.keep(holding, chain.new_records(session), session)
    elif new := chain.new_records(session):
        chain.seal(session.connection(), new)


@event.listens_for(Session, "before_commit")
def _append_held_at_commit(session: Session) -> None:
    """No held record is lost: a commit appends those its import's end did not."""
    if not session.in_nested_transaction() and held.holding(session) is not None:
        append_held()
