"""Many new rows into one table in one go, for the bulk import and the audit records it seals:
on PostgreSQL by COPY, their ids taken from the table's sequence first in one statement; on
SQLite by one INSERT executed for every row.

An INSERT of a thousand parameter sets at once costs the client more than the rows: SQLAlchemy
writes one statement of thousands of placeholders (its "insertmanyvalues", for RETURNING) and
the driver parses it again for every batch, about 0.17 ms of CPU and 0.7 ms of wall clock a
row on the benchmark's milestones, where COPY takes 0.01 ms and 0.1 ms (bench/import.py). The
values are what the INSERT would send: each column's own conversion for the database (an enum
as its value, JSON as its text, an instant in UTC) and the Python defaults of the columns the
rows leave out (the time of creation, a version's 1), evaluated for each row as SQLAlchemy
does; what the table's own defaults give is left to the database, as an INSERT leaves it."""

from __future__ import annotations

import json
from contextlib import closing
from typing import Any

from sqlalchemy import Connection, Table, insert, text

from tracker import db


def next_ids(connection: Connection, table: str, count: int) -> list[int]:
    """`count` new ids of `table`'s sequence, in order, in one statement (PostgreSQL)."""
    return sorted(connection.execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
             "FROM generate_series(1, :n)"), {"table": table, "n": count}).scalars())


def insert_rows(table: Table, rows: list[dict[str, Any]], encoded: tuple[str, ...] = ()
                ) -> None:
    """Insert `rows` (each with the same column keys) into `table`. `encoded`: JSON columns
    whose values are JSON text already (the held audit records', `tracker.audit.held`),
    copied as they are on PostgreSQL."""
    if not rows:
        return
    db.session.flush()  # what the session holds goes first: the rows may refer to it
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows, encoded)
    else:
        if encoded:
            rows = [{**row, **{key: json.loads(row[key]) for key in encoded}} for row in rows]
        connection.execute(insert(table), rows)


def insert_returning_ids(table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """`insert_rows`, and the new rows' ids in the order of `rows`."""
    if not rows:
        return []
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return list(connection.execute(insert(table).returning(
            table.c.id, sort_by_parameter_order=True), rows).scalars())
    ids = next_ids(connection, table.name, len(rows))
    _copy(connection, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]],
          encoded: tuple[str, ...] = ()) -> None:
    dialect = connection.dialect
    given = list(rows[0])
    defaulted = [c for c in table.columns if c.key not in given and c.default is not None
                 and not c.default.is_sequence]
    columns = [table.c[key] for key in given] + defaulted
    convert = [None if c.key in encoded else c.type.dialect_impl(dialect).bind_processor(dialect)
               for c in columns]
    if any(c.default.is_clause_element for c in defaulted):  # pragma: no cover - none so far
        raise ValueError(f"{table.name}: a default the database computes is not copied")
    defaults = [(c.default.arg, c.default.is_callable) for c in defaulted]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    with closing(connection.connection.driver_connection.cursor()) as cursor, cursor.copy(
            f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    ) as copy:
        for row in rows:
            values = [row[key] for key in given] + [
                default(None) if call else default for default, call in defaults]
            copy.write_row([value if fn is None else fn(value)
                            for fn, value in zip(convert, values, strict=True)])
    db.forget_cached(tables={table.name})  # as an INSERT of the session's makes it forget
    db.session.info[db.WROTE] = True  # COPY is no cursor execute: `db.finish` rolls it back
