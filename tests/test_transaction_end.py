"""How a request's transaction ends (`db.finish`): with COMMIT when it only read, so that
psycopg keeps the statements it prepared on the pooled connection (it forgets them all at a
ROLLBACK), and with ROLLBACK whenever it may have written or the request failed: nothing a
request left unsaved is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text, update

from tests.conftest import PG_URL
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import User


@pytest.fixture
def endings(engine):
    """How each transaction of the session ended on its connection: "commit" or "rollback"
    (in a test, the session's transactions are savepoints of the test's: released or rolled
    back to)."""
    seen: list[str] = []
    listeners = {"commit": "commit", "release_savepoint": "commit",
                 "rollback": "rollback", "rollback_savepoint": "rollback"}
    handlers = {name: (lambda *args, said=said: seen.append(said))
                for name, said in listeners.items()}
    for name, handler in handlers.items():
        event.listen(engine, name, handler)
    yield seen
    for name, handler in handlers.items():
        event.remove(engine, name, handler)


def _name_of(user_id: int) -> str:
    return db.session.scalar(select(User.name).where(User.id == user_id))


def test_a_transaction_that_only_read_ends_with_commit(endings):
    user_id = make_user(name="Reader").id
    db.session.commit()
    assert _name_of(user_id) == "Reader"
    before = len(endings)
    db.finish()
    assert endings[before:] == ["commit"]


def test_a_change_flushed_is_rolled_back(endings):
    user = make_user(name="Before")
    db.session.commit()
    user.name = "Flushed"
    db.session.flush()
    db.finish()
    assert endings[-1] == "rollback" and _name_of(user.id) == "Before"


def test_a_change_not_flushed_is_neither_flushed_nor_kept(endings):
    user = make_user(name="Before")
    db.session.commit()
    assert _name_of(user.id) == "Before"  # the transaction has read
    user.name = "Pending"
    db.finish()
    assert endings[-1] == "rollback" and _name_of(user.id) == "Before"


def test_a_statement_that_writes_is_rolled_back_though_the_orm_saw_nothing(endings):
    user_id = make_user(name="Before").id
    db.session.commit()
    db.session.execute(update(User).where(User.id == user_id).values(name="Core"))
    db.finish()
    assert endings[-1] == "rollback" and _name_of(user_id) == "Before"


def test_a_failed_request_is_rolled_back(endings):
    user_id = make_user(name="Reader").id
    db.session.commit()
    _name_of(user_id)
    db.finish(failed=True)
    assert endings[-1] == "rollback"


def test_a_write_committed_then_reads_end_with_commit(endings):
    """As a request that refreshes its session's last use (committed) and then reads its
    page: the write is the earlier transaction's, not this one's."""
    user = make_user(name="Before")
    db.session.commit()
    user.name = "Committed"
    db.session.commit()
    assert _name_of(user.id) == "Committed"
    db.finish()
    assert endings[-1] == "commit"


@pytest.mark.skipif(not PG_URL, reason="psycopg prepares statements on PostgreSQL")
def test_a_statement_run_by_request_after_request_is_prepared_and_kept(engine):
    """The app's requests, each on the pooled connection and ended by `db.finish`: from the
    sixth run (psycopg's `prepare_threshold`), the statement is prepared on the connection and
    stays so, where a ROLLBACK at each end made psycopg forget it every time."""
    own = db.make_engine(engine.url.render_as_string(hide_password=False))
    query = select(User.id).where(User.email == "nobody@example.org")
    db.session.remove()
    db.session.configure(bind=own)  # as in the app: the pool's connection, no outer transaction
    try:
        for _ in range(8):
            assert db.session.execute(query).all() == []
            db.finish()
        prepared = db.session.execute(text(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%FROM users%'")).all()
        db.finish()
        assert len(prepared) == 1 and prepared[0][1] >= 2, prepared
    finally:
        db.session.remove()
        own.dispose()


@pytest.mark.skipif(not PG_URL, reason="the app's PostgreSQL pool")
def test_the_pool_hands_out_the_connection_used_last(engine):
    """A worker serving one request at a time keeps to one connection, whose statements are
    prepared, though its pool holds others (the warm-up's thread opened a second)."""
    first, second = engine.connect(), engine.connect()
    pids = [conn.scalar(text("SELECT pg_backend_pid()")) for conn in (first, second)]
    first.close()
    second.close()
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT pg_backend_pid()")) == pids[1]


@pytest.mark.skipif(not PG_URL, reason="psycopg prepares statements on PostgreSQL")
def test_statements_asked_in_turn_are_prepared_though_a_worker_runs_hundreds(engine):
    """A worker's pages run a few hundred distinct statements between them, each in its turn:
    psycopg's default of 100 forgot each one's runs before its sixth, and prepared none."""
    own = db.make_engine(engine.url.render_as_string(hide_password=False))
    queries = [text(f"SELECT id FROM users WHERE email = :email AND {n} = {n} /* in turn */")
               for n in range(300)]
    db.session.remove()
    db.session.configure(bind=own)
    try:
        for _ in range(6):
            for query in queries:
                db.session.execute(query, {"email": "nobody@example.org"}).all()
            db.finish()
        prepared = db.session.scalar(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%in turn%'"))
        db.finish()
        assert prepared == len(queries)
    finally:
        db.session.remove()
        own.dispose()
