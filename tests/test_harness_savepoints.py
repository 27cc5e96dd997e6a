"""The suite's savepoints (one around each test of a module that shares data, one for each
commit a test or its requests make) are sent as SQLAlchemy compiles them, each clause compiled
once (tests/conftest.py: SAVEPOINT_CLAUSES), not once a statement: they were half of all the
compiles of a run. Nor once a name: a connection never uses a savepoint's name twice, and a
module sharing its data keeps one connection for all its tests."""

from __future__ import annotations

from itertools import count

import pytest
from sqlalchemy import event, select

from tests.conftest import SAVEPOINT_CLAUSES
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import User

# Names no test of the process has used, as a connection that has run long makes them.
NUMBERS = count(900_000)
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
def test_a_savepoint_statement_is_compiled_once_and_sent_as_compiled(engine, sent, monkeypatch,
                                                                      method):
    """Names as a connection makes them, each new (sa_savepoint_1, _2 ...), and one that needs
    quoting: none compiled again (the engine's set-up compiled each clause), each sent as the
    compiler writes it. Failed when each name was compiled the first time it came."""
    compiler = engine.dialect.statement_compiler
    visit = getattr(compiler, VISITS[method])
    compiled: list[str] = []

    def counted(self, clause, **kw):
        compiled.append(clause.ident)
        return visit(self, clause, **kw)

    names = [f"sa_savepoint_{next(NUMBERS)}" for _ in range(3)]
    names.append(f"Harness Savepoint {next(NUMBERS)}")
    expected = [str(SAVEPOINT_CLAUSES[method](name).compile(dialect=engine.dialect))
                for name in names]
    assert f'"{names[-1]}"' in expected[-1]  # quoted, as the compiler quotes it
    monkeypatch.setattr(compiler, VISITS[method], counted)
    connection = db.session.connection()
    for name in names:
        if method != "do_savepoint":
            engine.dialect.do_savepoint(connection, name)
        getattr(engine.dialect, method)(connection, name)
    assert compiled == []
    statement = expected[0].removesuffix(names[0])  # "SAVEPOINT ", "RELEASE SAVEPOINT " ...
    assert [s for s in sent if s.startswith(statement)][-len(names):] == expected


def test_what_a_rolled_back_savepoint_wrote_is_taken_back_and_a_released_one_kept():
    kept = make_user(name="Kept")
    db.session.commit()  # the factory's commit: a savepoint of the test's, released
    savepoint = db.session.begin_nested()
    kept.name = "Taken back"
    db.session.flush()
    savepoint.rollback()
    assert db.session.scalar(select(User.name).where(User.id == kept.id)) == "Kept"
