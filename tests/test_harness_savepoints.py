"""The suite's savepoints (one around each test of a module that shares data, one for each
commit a test or its requests make) are sent as SQLAlchemy compiles them, compiled once a name
(tests/conftest.py: SAVEPOINT_CLAUSES), not once a statement: they were half of all the
compiles of a run."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from tests.conftest import SAVEPOINT_CLAUSES
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import User

VISITS = {
    "do_savepoint": "visit_savepoint",
    "do_release_savepoint": "visit_release_savepoint",
    "do_rollback_to_savepoint": "visit_rollback_to_savepoint",
}


@pytest.fixture
def sent(engine):
    statements: list[str] = []

    def note(conn, cursor, statement: str, *args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield statements
    event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("method", sorted(SAVEPOINT_CLAUSES))
def test_a_savepoint_statement_is_compiled_once_a_name_and_sent_as_compiled(
    engine, sent, monkeypatch, method
):
    compiler = engine.dialect.statement_compiler
    visit = getattr(compiler, VISITS[method])
    compiled: list[str] = []

    def counted(self, clause, **kw):
        compiled.append(clause.ident)
        return visit(self, clause, **kw)

    monkeypatch.setattr(compiler, VISITS[method], counted)
    connection = db.session.connection()
    name = f"harness_{method}"
    expected = str(SAVEPOINT_CLAUSES[method](name).compile(dialect=engine.dialect))
    compiled.clear()  # the expected text's own compile
    if method != "do_savepoint":
        engine.dialect.do_savepoint(connection, name)
    for _ in range(2):
        getattr(engine.dialect, method)(connection, name)
        if method == "do_release_savepoint":
            engine.dialect.do_savepoint(connection, name)  # released: made again
    assert compiled == [name]  # compiled once, for the first
    assert sent.count(expected) == 2


def test_what_a_rolled_back_savepoint_wrote_is_taken_back_and_a_released_one_kept():
    kept = make_user(name="Kept")
    db.session.commit()  # the factory's commit: a savepoint of the test's, released
    savepoint = db.session.begin_nested()
    kept.name = "Taken back"
    db.session.flush()
    savepoint.rollback()
    assert db.session.scalar(select(User.name).where(User.id == kept.id)) == "Kept"
