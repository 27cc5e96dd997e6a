"""Engine, session and the declarative Base.

One scoped session per thread (per request in the web app). Services flush; the view, the CLI
command or the job that called them commits once. Constraint names come from the naming
convention so that migrations can refer to them on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import contextlib
import enum
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    DateTime,
    Engine,
    Enum,
    Integer,
    MetaData,
    Numeric,
    Text,
    bindparam,
    event,
    exc,
    inspect,
    literal,
    text,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    scoped_session,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

from tracker.engines import (  # noqa: F401 - the engines, named here for the rest of the code
    POSTGRESQL_OPTIONS,
    make_engine,
    ping_when_idle,
    plain_engine,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


session = scoped_session(sessionmaker(expire_on_commit=False))


class Versioned:
    """A record two people (or two tabs) can edit: every UPDATE moves its version, and an
    UPDATE made on a copy whose version has moved meanwhile fails (`StaleDataError`).

    The form carries the version it was filled from; `tracker.edits.check_version` refuses a
    save made on a stale copy before anything is written.
    """

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


@event.listens_for(Session, "before_flush")
def _collections_move_versions(session: Session, flush_context: Any, instances: Any) -> None:
    """A change to a versioned record's rows (budget lines, team, co-funders, criteria) is a
    change of the record: its version moves too, so a stale copy cannot drop a budget line."""
    for obj in session.dirty:
        mapper = inspect(obj).mapper
        if mapper.version_id_col is None:
            continue
        if (session.is_modified(obj, include_collections=True)
                and not session.is_modified(obj, include_collections=False)):
            obj.version = obj.version + 1


T = TypeVar("T")
_CACHE = "tracker.cache"  # session.info key: {name: (tables it reads, value)}


def cached(name: str, tables: frozenset[str], load: Callable[[], T]) -> T:
    """`load()` once per transaction of the session, for the few rows nearly every request
    reads (the settings, the gate templates): one statement instead of one per use.

    What it read is forgotten when a statement of the session writes to one of `tables` (a
    flush, or an INSERT, UPDATE or DELETE of its own), or the session ends a transaction
    (commit, rollback, a savepoint's end): within a transaction the rows cannot change but by
    this session's writes, and the next transaction reads them afresh, as every request
    does."""
    entries = session.info.setdefault(_CACHE, {})
    if name not in entries:
        entries[name] = (tables, load())
    return entries[name][1]


def forget_cached(session: Session | scoped_session = session,
                  tables: set[str] | None = None) -> None:
    """Forget what `cached` read (of these tables; None: all of it)."""
    entries = session.info.get(_CACHE)
    if not entries:
        return
    for name in [n for n, (read, _value) in entries.items() if tables is None or read & tables]:
        del entries[name]


@event.listens_for(Engine, "before_cursor_execute")
def _forget_written(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    """A write to a table read by `cached` (a flush, or an INSERT, UPDATE or DELETE statement
    of this thread's session) makes it read again; any statement but a read marks the
    transaction as one that may have written (`finish`)."""
    if not session.registry.has() or statement.lstrip()[:6].upper() in (
            "SELECT", "SAVEPO", "RELEAS", "BEGIN "):
        return
    session.info[WROTE] = True  # this transaction ran a statement but a SELECT
    if entries := session.info.get(_CACHE):
        forget_cached(session, {table for read, _value in entries.values() for table in read
                                if table in statement})


WROTE = "tracker.wrote"  # session.info key


def finish(failed: bool = False) -> None:
    """End a request's session: COMMIT when it only read (SELECTs, no change held), else or
    when it `failed` ROLLBACK. Alike for the database, but psycopg forgets the statements it
    prepared on the connection at a ROLLBACK: none was ever prepared (README, speed)."""
    if not failed and session.registry.has():
        current = session()
        if ((transaction := current.get_transaction()) is not None and transaction.is_active
                and not current.info.get(WROTE) and not (
                    current.new or current.dirty or current.deleted)):
            with contextlib.suppress(exc.SQLAlchemyError):  # connection lost: remove() rolls back
                current.commit()
    session.remove()


@event.listens_for(Session, "after_transaction_end")
def _forget_ended(session: Session, transaction: Any) -> None:
    forget_cached(session)
    if transaction.parent is None:
        session.info.pop(WROTE, None)
    if session.info.get(_OPEN):  # one ended without a word (an outer rollback, Ctrl-C)
        session.info[_OPEN] = [s for s in session.info[_OPEN] if s.active()]


_OPEN = "tracker.savepoints"  # session.info key: the open `Savepoint`s, outermost first


class Savepoint:
    """A savepoint whose rollback also forgets the records it wrote and (`forget_loaded`) the
    ones first loaded inside it, for an import to try a row, or a whole file, and take it back.

    SQLAlchemy's rollback expunges the objects the session created inside a savepoint only
    while it still holds them: one garbage-collected meanwhile and loaded again (a company's
    shareholders, read back by its next round) is a loaded object, merely expired, so it stays
    in the identity map under the key of a row that is gone. SQLite gives the next row that
    id again, and its flush meets the stale object ("Identity map already had an identity",
    a second failed companies import in one session). Forgetting every object loaded in a
    savepoint is right once a whole file is rolled back (the run keeps none of them), not
    after one row: the run's lookups, loaded then, are still in use."""

    def __init__(self, forget_loaded: bool = False) -> None:
        self.forget_loaded = forget_loaded
        self.written: set[Any] = set()  # identity keys, not objects: nothing is kept alive
        self.loaded: set[Any] = set()
        self._nested = session.begin_nested()  # flushes what came before: not its own
        session.info.setdefault(_OPEN, []).append(self)

    def _close(self) -> None:
        if self in session.info.get(_OPEN, ()):
            session.info[_OPEN].remove(self)

    def active(self) -> bool:
        return self._nested.is_active

    def commit(self) -> None:
        self._close()
        self._nested.commit()

    def rollback(self) -> None:
        self._close()
        self._nested.rollback()
        for key in self.written | (self.loaded if self.forget_loaded else set()):
            obj = session.identity_map.get(key)
            if obj is not None:
                session.expunge(obj)


@event.listens_for(Session, "pending_to_persistent")
def _note_written(session: Session, instance: Any) -> None:
    for savepoint in session.info.get(_OPEN, ()):
        savepoint.written.add(inspect(instance).key)


@event.listens_for(Session, "loaded_as_persistent")
def _note_loaded(session: Session, instance: Any) -> None:
    for savepoint in session.info.get(_OPEN, ()):
        if savepoint.forget_loaded:
            savepoint.loaded.add(inspect(instance).key)


def lock(record: Any, *again: str) -> None:
    """Serialise what changes `record` with what is recorded under it: its row locked (FOR
    UPDATE on PostgreSQL; SQLite has one writer) and read again, and `again`, what it holds
    (its payments, its reports), read again after the lock, as the one that waited must see
    what the other wrote."""
    session.refresh(record, with_for_update=True)
    if again:
        session.expire(record, list(again))


def utcnow() -> datetime:
    return datetime.now(UTC)


class JSONText(TypeDecorator):
    """A JSON document kept as its text: the database stores it without reading it (no
    query looks inside), Python reads and writes it as the value. PostgreSQL's JSON type
    parsed every document on the way in, nearly a third of its CPU in a reminder scan's COPY
    of 60,000 rows (migration 0089)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else json.dumps(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


class UTCDateTime(TypeDecorator):
    """An instant, always timezone-aware UTC in Python whatever the database keeps.

    SQLite has no time zones and hands back naive values; PostgreSQL hands back aware ones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Money in CNY: exact decimals, two places; the rounding rule lives in tracker/money.py.
Money = Numeric(18, 2, asdecimal=True)
# Share counts are whole numbers but can exceed 32 bits.
Shares = Numeric(20, 0, asdecimal=True)
# Ratios and percentages, exact.
Ratio = Numeric(9, 6, asdecimal=True)

ZERO = Decimal("0")


def inline(column: ColumnElement[Any], value: Any) -> BindParameter[Any]:
    """`value` (a list: each of them) written into the statement's SQL as a literal of
    `column`'s type, not sent as a parameter.

    For the states a partial index is defined by (`WHERE state NOT IN ('accepted', 'waived')`):
    the index serves a query only when the query's SQL says the same. SQLite never matches a
    parameter against the index's WHERE, so a `state NOT IN (?, ?)` read every row; PostgreSQL
    cannot either once it plans a prepared statement generically."""
    if isinstance(value, list | tuple | set | frozenset):
        return bindparam(None, list(value), type_=column.type, expanding=True,
                         literal_execute=True)
    return literal(value, type_=column.type, literal_execute=True)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """An enum stored as its string value with a named CHECK constraint, never a native type."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def analyze(connection: Any) -> None:
    """Statistics of the data now in the database, for the query planner: after migrations
    and after loading data in bulk (the demo seed, an import). SQLite has none until ANALYZE
    runs, and without them it guesses: it read `reviewer_id IS NULL` through the reviewer
    index, every milestone. PostgreSQL's autovacuum analyzes a table some time after it
    grew; this is at once. A role that does not own the tables gets a warning, not an error."""
    connection.execute(text("ANALYZE"))
