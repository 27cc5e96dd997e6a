"""The engines: the app's (`make_engine`), with its connections' settings on SQLite and
PostgreSQL, and a plain one for jobs outside the app's session (`plain_engine`). Imported by
`tracker.db`, which names them for the rest of the code."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from tracker import search

# No JIT compilation: PostgreSQL compiles a query to machine code first when its estimated
# cost passes `jit_above_cost`, which costs hundreds of milliseconds; a page's queries run in
# milliseconds, and an estimate inflated by a subquery (the dashboard's needs: 2 million for a
# query of 10 ms) made one request take over a second.
POSTGRESQL_OPTIONS = "-c jit=off"


def plain_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for a job outside the app's session (the migrations' ANALYZE, a backup, the
    scheduler's lock), with the app's PostgreSQL connection options: no JIT there either.
    `connect_args` given are added to them. No pool events, no SQLite pragmas: those are
    the app's (`make_engine`)."""
    if make_url(url).get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"options": POSTGRESQL_OPTIONS,
                                  **kwargs.get("connect_args", {})}
    return create_engine(url, **kwargs)


def make_engine(url: str, echo: bool = False) -> Engine:
    # Parameters are people's data (names, e-mails, amounts): they reach a log, or an error
    # message that is logged, only when SQL_ECHO asks for them.
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": not echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
        if url in {"sqlite://", "sqlite:///:memory:"}:
            kwargs["poolclass"] = StaticPool
    elif url.startswith("postgresql"):
        kwargs["connect_args"] = {"options": POSTGRESQL_OPTIONS}
        # The connection used last next: a worker keeps to one, its statements prepared.
        kwargs["pool_use_lifo"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    else:
        event.listen(engine, "connect", _postgresql_on_connect)
        ping_when_idle(engine)
    return engine


# How many statements psycopg keeps prepared on a connection, and how many it counts the runs of
# before preparing one (least recently used out first, of either). Its default, 100, is fewer
# than a worker's pages run between them: the 44 pages of bench/pages.py run 254 distinct
# statements, so asked in turn, each statement had left the count before its sixth run, and none
# was ever prepared; the overdue list, measured among them, took 8 to 10 ms against 5.5 to 7.2 ms
# measured alone (README, session 23). Each statement prepared took about 105 KB of the
# server's memory for the connection (README, "PostgreSQL parses and plans").
PREPARED_MAX = 500


def _postgresql_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    dbapi_connection.prepared_max = PREPARED_MAX


# A pooled connection unused for longer than this is pinged before a request gets it.
IDLE_BEFORE_PING = 10.0


def ping_when_idle(engine: Engine, idle: float = IDLE_BEFORE_PING) -> None:
    """Test a pooled connection before use only when it has been idle: a server restart or an
    idle timeout closes connections nobody uses. SQLAlchemy's `pool_pre_ping` pings at every
    checkout, a round trip more on every request although a connection used a moment ago is
    alive. A connection that breaks while in use fails that one request either way, and
    SQLAlchemy then replaces every connection of the pool."""

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get("checked_in_at")
        if since is None or time.monotonic() - since <= idle:
            return  # new, or used a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if not engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            # The pool drops this connection and checks out (or opens) another.
            raise exc.DisconnectionError("a pooled connection was closed while idle")


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # The sqlite3 module opens transactions on its own terms, which breaks SAVEPOINT; take
    # over and let SQLAlchemy emit BEGIN itself (the recipe in SQLAlchemy's SQLite notes).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Readers never wait for the writer, and the writer never waits for readers.
    cursor.execute("PRAGMA journal_mode=WAL")
    # A transaction's pages stay in memory until it commits, never spilled to the WAL before:
    # SQLite (3.40) wrote a commit after a ROLLBACK TO of spilled pages with frames its own
    # recovery refuses, so a process that ended without closing the connection lost the whole
    # committed transaction (an import's dry run or refused file: its run's record; and the
    # app's `gc.freeze` leaves connections unclosed at exit). tests/test_sqlite_durability.py.
    cursor.execute("PRAGMA cache_spill=OFF")
    cursor.close()
    # The search fields' folding in SQL (`tracker.search`): PostgreSQL has it built in.
    dbapi_connection.create_function(search.SQLITE_FUNCTION, 1, search.fold,
                                     deterministic=True)


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock at the start, so concurrent requests queue on the busy
    # timeout; a deferred transaction that reads and then writes would instead fail at once
    # ("database is locked") when another request wrote first.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
