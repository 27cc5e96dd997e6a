"""Issue 13, point 3, for every kind: a row whose name or title is the only thing it changes
finds no record by its natural key, and is refused beside that column, naming the record it
would have renamed, rather than recorded as a second one beside it; a row of another name
that is not one recorded (its other columns differ) is a record of its own.

The cases are the kinds' keys themselves (`Kind.key`): each key column that is a name or a
title, that is neither a reference to another record, a choice, a date nor a code given once
(a project's or an institute's code, an e-mail, a credit code, a contract number). A kind
added with a name in its key and no check fails here."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import shared_data
from tests.imports.helpers import run
from tests.imports.test_empty_database import _populate, _rows
from tracker import db
from tracker.accounts.models import User
from tracker.imports import export
from tracker.imports.kinds import ADAPTERS
from tracker.imports.models import ImportState
from tracker.milestones.models import Milestone

# Key columns that name a record by a code it is given once, and cells naming another record.
CODES = {"code", "email", "uscc", "number"}
NAMING_ANOTHER = {("incentive_grants", "company"), ("ip_deals", "achievement")}


def _names() -> list[tuple[str, str]]:
    found = []
    for kind, adapter in ADAPTERS.items():
        for key in adapter.kind.key:
            column = adapter.kind.column(key)
            if not (column.ref or column.choices or column.is_date or key in CODES
                    or (kind, key) in NAMING_ANOTHER):
                found.append((kind, key))
    return found


NAMES = _names()


def test_the_names_in_the_kinds_keys_are_these():
    """What the table below is made of, said once: a kind's key changed here changes it."""
    assert NAMES == [("enterprises", "name"), ("centres", "name"), ("needs", "title"),
                     ("projects", "title"), ("milestones", "title"), ("companies", "name"),
                     ("incentive_grants", "person"), ("achievements", "title")]


@pytest.fixture(scope="module")
def world(app, module_connection) -> dict:
    """A network imported once for the module, with a centre, a need, an enterprise and a
    company known by their names alone (no credit code), and its export."""
    with shared_data(app, module_connection):
        admin = _populate()
        projects = _rows(export.export_csv("projects"))
        second = [projects[0], next(r for r in projects if r[0] == "TEST-2019-0042")]
        second[1] = ["TEST-2019-0043", "Valves", *second[1][2:]]
        for kind, rows in (
                ("projects", second),
                ("enterprises", [["name", "city"], ["Valve Shop", "Wuxi"]]),
                ("centres", [["name", "enterprise", "city"], ["泵业中心", "Pump Works", "苏州"]]),
                ("needs", [["title", "enterprise", "description", "state"],
                           ["Quieter pumps", "Pump Works", "Below 60 dB", "collected"]]),
                ("companies", [["name", "project_codes"],
                               ["苏州泵阀科技有限公司", "TEST-2019-0043"]])):
            result = run(admin, kind, rows)
            assert result.state is ImportState.DONE, (kind, result.errors)
        return {"admin": admin.id,
                "files": {kind: _rows(export.export_csv(kind)) for kind in export.ROWS}}


def _named_only(rows: list[list[str]], key: str) -> int:
    """The first row found by its name: without a code beside it (a draft, an enterprise or
    a company without a credit code) and not by an e-mail."""
    codes = [i for i, header in enumerate(rows[0]) if header in CODES]
    at = rows[0].index(key)
    return next(n for n, row in enumerate(rows) if n and not any(row[i] for i in codes)
                and "@" not in row[at])


def _count(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(ADAPTERS[kind].model))


@pytest.mark.parametrize(("kind", "key"), NAMES, ids=[f"{k}-{c}" for k, c in NAMES])
def test_a_record_renamed_in_the_file_is_refused_beside_its_name(world, kind, key):
    admin = db.session.get(User, world["admin"])
    rows = [list(row) for row in world["files"][kind]]
    at = _named_only(rows, ADAPTERS[kind].kind.column(key).shown)
    column = rows[0].index(ADAPTERS[kind].kind.column(key).shown)
    recorded = rows[at][column]
    rows[at][column] = f"{recorded} II"
    before = _count(kind)
    result = run(admin, kind, rows)
    assert result.state is ImportState.FAILED, (kind, result.created)
    # Beside the name, naming the record (a company without a cap table, taken for a new
    # one, is told its cap table is missing too: every problem of the row at once).
    header = str(ADAPTERS[kind].kind.column(key).header)
    said = [m for r, c, m in result.errors if (r, c) == (at + 1, header)]
    assert len(said) == 1 and recorded in said[0], result.errors
    assert {r for r, _c, _m in result.errors} == {at + 1}, result.errors
    assert _count(kind) == before


ANOTHER = [
    ("centres", {"name": "阀门中心", "city": "无锡"}),
    ("needs", {"title": "Cooler pumps", "description": "Below 40 °C"}),
    ("milestones", {"title": "Second field trial", "due_date": "2026-12-31"}),
    ("enterprises", {"name": "Gate Shop", "city": "Changzhou"}),
]


@pytest.mark.parametrize(("kind", "cells"), ANOTHER, ids=[c[0] for c in ANOTHER])
def test_a_new_name_with_columns_of_its_own_is_a_record_of_its_own(world, kind, cells):
    admin = db.session.get(User, world["admin"])
    rows = [list(row) for row in world["files"][kind]]
    at = _named_only(rows, next(iter(cells)))
    for key, value in cells.items():
        rows[at][rows[0].index(key)] = value
    before = _count(kind)
    result = run(admin, kind, rows)
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert _count(kind) == before + 1


def test_two_new_milestones_alike_but_for_their_titles_both_come_in(world):
    """Only a record recorded before the row is renamed by it: two new rows alike but for
    their titles are two milestones (the second is not taken for the first renamed)."""
    admin = db.session.get(User, world["admin"])
    keys = ["project_code", "title", "phase", "due_date"]
    result = run(admin, "milestones", [keys,
                                       ["TEST-2019-0042", "Pilot A", "spin_off", "2027-06-30"],
                                       ["TEST-2019-0042", "Pilot B", "spin_off", "2027-06-30"]])
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    assert db.session.scalar(select(func.count()).select_from(Milestone).where(
        Milestone.title.in_(["Pilot A", "Pilot B"]))) == 2
