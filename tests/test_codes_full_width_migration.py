"""Migration 0114: the codes, credit codes, e-mails and contract numbers stored typed full width
before bbeaf9f1 (ＪＩＴＲＩ－ＲＢ, ９１３２…, ｌｉ＠…) are converted to their usual form, as
they are read on the way in since; a name stays as written. A conversion that would make two
rows equal on a unique key fails, naming them, and changes nothing. Down changes nothing back;
up again. SQLite and PostgreSQL alike (TEST_DATABASE_URL)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from tests.factories import uscc_for
from tests.test_migrations import (  # noqa: F401  (fixtures)
    demo_at,
    demo_stops,
    empty_database,
)
from tracker.db import make_engine
from tracker.migrate import alembic_config

# (table, column): each converted one, and the value its first row (by id) is given when the
# demo leaves it empty
CODES = {("institutes", "code"): "", ("institutes", "uscc"): uscc_for(901),
         ("enterprises", "uscc"): uscc_for(902), ("companies", "uscc"): uscc_for(903),
         ("projects", "code"): "", ("users", "email"): "",
         ("research_contracts", "number"): "RB-2019-07"}


def _wide(value: str) -> str:
    """`value` typed full width."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


def _first(conn, table: str, column: str, given: str = "") -> tuple[int, str]:
    """The table's first row with a value in `column`, else its first row, given `given`."""
    row = conn.execute(text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL "
                            f"AND {column} <> '' ORDER BY id LIMIT 1")).first()
    if row is not None or not given:
        return tuple(row)
    row = conn.execute(text(f"SELECT min(id) FROM {table}")).scalar_one()
    _set(conn, table, column, row, given)
    return row, given


def _value(conn, table: str, column: str, row: int) -> str:
    return conn.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"),
                        {"id": row}).scalar_one()


def _set(conn, table: str, column: str, row: int, value: str) -> None:
    conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                 {"v": value, "id": row})


def test_0114_reads_the_codes_stored_full_width_as_they_are_typed_now(demo_at):  # noqa: F811
    url = demo_at("0113")
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        usual = {(t, c): _first(conn, t, c, given) for (t, c), given in CODES.items()}
        for (table, column), (row, value) in usual.items():
            _set(conn, table, column, row, _wide(value))
        institute = usual[("institutes", "code")][0]
        name = _value(conn, "institutes", "name", institute) + "ＡＩ研究所"  # stays as written
        _set(conn, "institutes", "name", institute, name)
    command.upgrade(config, "head")
    with engine.connect() as conn:
        after = {(t, c): _value(conn, t, c, row) for (t, c), (row, _v) in usual.items()}
        assert _value(conn, "institutes", "name", institute) == name
    assert after == {key: value for key, (_row, value) in usual.items()}
    command.downgrade(config, "0113")
    with engine.connect() as conn:
        assert {(t, c): _value(conn, t, c, row) for (t, c), (row, _v) in usual.items()} == after
    command.upgrade(config, "head")
    engine.dispose()


def test_0114_refuses_a_code_that_would_become_anothers_and_changes_nothing(demo_at):  # noqa: F811
    url = demo_at("0113")
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        (first, email), (second, _e) = conn.execute(text(
            "SELECT id, email FROM users ORDER BY id LIMIT 2")).all()
        _set(conn, "users", "email", second, _wide(email))
        project, code = _first(conn, "projects", "code")
        _set(conn, "projects", "code", project, _wide(code))
    with pytest.raises(RuntimeError) as refused:
        command.upgrade(config, "head")
    said = str(refused.value)
    assert f"users.email: row {first} ({email!r}) and row {second} ({_wide(email)!r}) would " \
           f"all read {email!r}" in said
    assert "projects" not in said  # only what collides is named
    with engine.connect() as conn:  # nothing changed, still at 0113
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0113"
        assert _value(conn, "users", "email", second) == _wide(email)
        assert _value(conn, "projects", "code", project) == _wide(code)
        _set(conn, "users", "email", second, f"second.{email}")
        conn.commit()
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert _value(conn, "projects", "code", project) == code
    engine.dispose()
