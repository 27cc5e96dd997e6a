"""The same file imported by the bulk path and by the row-by-row path, from the same database,
and what each wrote, every column of every table: the rows it added, the rows it changed and
the audit records (with the import each names). Neither path's ids nor the instants it was
run at are compared: a row another new row points at is named by what it holds.

`both_paths` imports the file by the bulk path in a savepoint, reads what it wrote, rolls it
back, and imports it again with the kind's batch taken away (`Adapter.batch` gives None:
every row saved by its service)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, select, text

from tests.imports.helpers import run
from tracker import db
from tracker.imports.models import ImportRun, ImportState

# What differs between two runs of one file and says nothing of what was written: the audit
# trail's hashes (each seals the records before it).
SKIPPED = {("audit_records", "chain_hash")}
# Columns no table's rows are compared by, nor the documents of a JSON column by these keys: the
# version counter of a record two people may edit counts the UPDATEs the row-by-row path made
# of a record it had just created (a milestone planned, then put in its imported state:
# version 3; a project when its gate was decided: 5, which the decision's snapshot copies),
# where the bulk path writes it whole (version 1). It says nothing of the record
# (`tracker.db.Versioned`: a form carries the version it read), and its history hides it
# (`tracker.display.words.HIDDEN`).
UNCOMPARED = {"version"}
# A JSON column holding the ids of rows of another table: {(table, column): {key: table}},
# each item of the document's list under that key naming its row by "id".
JSON_REFS = {("gate_decisions", "snapshot"): {"criteria": "review_criteria"}}
_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


class Written:
    """What one import wrote: for each table, its new rows and its changed rows, normalised
    (`both_paths` compares two), a row another new row points at named by what it holds
    (`tables`) or only by its table (`shallow`: where two writes differ in a row, not in
    every row that points at it)."""

    def __init__(self, tables: dict[str, list[str]], shallow: dict[str, list[str]]) -> None:
        self.tables, self.shallow = tables, shallow

    def differences(self, other: Written) -> dict[str, tuple[list[str], list[str]]]:
        """For each table the two wrote differently: the rows only self wrote, the rows only
        other wrote; the rows themselves first (`shallow`), then what points at what."""
        out = {}
        for mine, theirs in ((self.shallow, other.shallow), (self.tables, other.tables)):
            for name in sorted(set(mine) | set(theirs)):
                a, b = mine.get(name, []), theirs.get(name, [])
                if a != b:
                    out[name] = ([r for r in a if r not in b], [r for r in b if r not in a])
            if out:
                break
        return out


def _tables() -> list[Table]:
    return list(db.Base.metadata.sorted_tables)


def _key(table: Table, row: dict[str, Any]) -> Any:
    """A row's primary key: its id as a rule, else a tuple (the whole row without one)."""
    names = [c.name for c in table.primary_key.columns] or list(row)
    return row[names[0]] if len(names) == 1 else tuple(row[n] for n in names)


def snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table, by its primary key."""
    db.session.flush()
    return {t.name: {_key(t, dict(row)): dict(row)
                     for row in db.session.execute(select(t)).mappings()}
            for t in _tables()}


class _Namer:
    """Names the rows an import wrote by what they hold, the rows before it by their id."""

    def __init__(self, before, after, runs: dict[int, str], since: datetime, deep: bool
                 ) -> None:
        self.before, self.after, self.runs, self.since = before, after, runs, since
        self.deep = deep
        self.by_name = {t.name: t for t in _tables()}
        self._names: dict[tuple[str, int], str] = {}

    def is_new(self, table: str, row_id: Any) -> bool:
        return row_id is not None and row_id not in self.before.get(table, {}) and (
            row_id in self.after.get(table, {}))

    def ref(self, table: str, row_id: Any) -> Any:
        """A reference to a row: its id if it was there before, else what it holds (short)."""
        if table == "import_runs" and row_id in self.runs:
            return self.runs[row_id]
        if not self.is_new(table, row_id):
            return row_id
        if not self.deep:
            return f"<{table}>"
        key = (table, row_id)
        if key not in self._names:
            self._names[key] = "<new>"  # a row pointing at itself, through its references
            whole = self.row(table, self.after[table][row_id])
            self._names[key] = f"<{table} {hashlib.sha1(whole.encode()).hexdigest()[:10]}>"
        return self._names[key]

    def value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return "<now>" if value >= self.since else value.isoformat()
        if isinstance(value, str) and _INSTANT.match(value):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                return value
            if when.tzinfo is not None and when >= self.since:
                return "<now>"
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in sorted(value.items()) if k not in UNCOMPARED}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def _json(self, table: str, column: str, value: Any) -> Any:
        refs = JSON_REFS.get((table, column))
        if not refs or not isinstance(value, dict):
            return value
        value = dict(value)
        for key, target in refs.items():
            value[key] = [{**item, "id": self.ref(target, item.get("id"))}
                          for item in value.get(key) or []]
        return value

    def _changes(self, object_type: str, changes: dict) -> dict:
        """An audit record's changes: the import it names, and the ids of the columns of its
        object's table that point at other rows, named as `ref` names them."""
        table = self.by_name.get(object_type)
        out = {}
        for key, pair in changes.items():
            if key == "import":
                pair = [self.ref("import_runs", v) for v in pair]
            elif table is not None and key in table.c and table.c[key].foreign_keys:
                target = next(iter(table.c[key].foreign_keys)).column.table.name
                pair = [self.ref(target, v) if isinstance(v, int) else v for v in pair]
            out[key] = pair
        return out

    def row(self, table: str, values: dict[str, Any]) -> str:
        columns = self.by_name[table].c
        out = {}
        for name, value in values.items():
            if name == "id" or (table, name) in SKIPPED or name in UNCOMPARED:
                continue
            if columns[name].foreign_keys and value is not None:
                target = next(iter(columns[name].foreign_keys)).column.table.name
                value = self.ref(target, value)
            elif table == "audit_records" and name == "object_id":
                value = self.ref(values["object_type"], value)
            elif table == "audit_records" and name == "changes":
                value = self._changes(values["object_type"], value)
            else:
                value = self._json(table, name, value)
            out[name] = self.value(value)
        return repr(sorted(out.items(), key=lambda item: item[0]))


def written(before, runs: dict[int, str], since: datetime) -> Written:
    """What was written since `before` (`snapshot`): new rows, and rows changed (with the id
    they have), each table's sorted."""
    after = snapshot()
    return Written(*(_tables_written(before, after, _Namer(before, after, runs, since, deep))
                     for deep in (True, False)))


def _tables_written(before, after, namer: _Namer) -> dict[str, list[str]]:
    tables = {}
    for name, rows in after.items():
        old = before.get(name, {})
        out = [namer.row(name, row) for i, row in rows.items() if i not in old]
        out += [f"{i} {namer.row(name, row)}" for i, row in rows.items()
                if i in old and row != old[i]]
        out += [f"{i} removed" for i in old if i not in rows]
        if out:
            tables[name] = sorted(out)
    return tables


def both_paths(admin, kind: str, rows: list[list[str]], adapter: type,
               monkeypatch: pytest.MonkeyPatch) -> tuple[Written, Written]:
    """`rows` imported by the bulk path, then (that import rolled back) by the row-by-row
    path: what each wrote. Each import must succeed, creating and updating as many."""
    by_batch, one_by_one = both_ways(lambda: [run(admin, kind, rows)], [adapter], monkeypatch)
    return by_batch, one_by_one


def both_ways(imports: Callable[[], list[ImportRun]], adapters: list[type],
              monkeypatch: pytest.MonkeyPatch) -> tuple[Written, Written]:
    """What `imports` writes with the bulk paths, then (that rolled back) with the batches of
    `adapters` taken away; each of its runs must succeed, the two creating and updating as
    many."""
    before = snapshot()
    since = db.utcnow() - timedelta(seconds=1)
    savepoint = db.Savepoint(forget_loaded=True)
    in_bulk = imports()
    counts = [(r.kind, r.state, r.created, r.updated) for r in in_bulk]
    assert {r.state for r in in_bulk} == {ImportState.DONE}, [r.errors for r in in_bulk]
    by_batch = written(before, _labels(in_bulk), since)
    savepoint.rollback()
    db.session.expire_all()
    _rewind_sequences()
    assert snapshot() == before
    with monkeypatch.context() as patched:
        for adapter in adapters:
            patched.setattr(adapter, "batch", lambda self, actor: None)
        one_by_one = imports()
    assert [(r.kind, r.state, r.created, r.updated) for r in one_by_one] == counts, [
        r.errors for r in one_by_one]
    return by_batch, written(before, _labels(one_by_one), since)


def _rewind_sequences() -> None:
    """PostgreSQL: each table's sequence back to the ids the rollback freed (SQLite gives them
    again by itself), so that the second way gives its rows the ids the first gave, and an id
    written where no foreign key says so (a team's ids in an audit record, a contract's page
    in a reminder) reads the same."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"))


def _labels(runs: list[ImportRun]) -> dict[int, str]:
    """How a reference to each run reads (the runs of two ways have other ids)."""
    if len(runs) == 1:
        return {runs[0].id: "<this import>"}
    return {r.id: f"<import {n}: {r.kind}>" for n, r in enumerate(runs)}
