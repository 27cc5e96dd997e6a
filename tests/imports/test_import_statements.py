"""What an import reads does not grow with its file: the projects a milestones file names, the
PMs and institutes of a projects file, the default budget template and the technical fields
each row is checked against are read once a run (`references.References` reads a kind named by a
unique key whole once a file has named a few; `db.cached` the template and the fields), not
once a row. A reference the whole read does not find is still refused, with its row and
column, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from tests.factories import make_user
from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import references
from tracker.imports.models import ImportState
from tracker.milestones.models import Milestone


@pytest.fixture(autouse=True)
def _read_whole_soon(monkeypatch):
    monkeypatch.setattr(references.References, "LOAD_AFTER", 2)


def _selects(admin, kind: str, rows: list[list[str]]) -> tuple[object, list[str]]:
    selects: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = run(admin, kind, rows)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, selects


def _projects(pms: int, start: int) -> list[list[str]]:
    return [HEADER] + [
        _row(code=f"TEST-2019-{start + n:04d}", title=f"Project {start + n}", members="",
             pm=f"pm{n}@import.cn" if n else "pm@import.cn") for n in range(pms)]


def _milestones(codes: list[str]) -> list[list[str]]:
    return [COLUMNS] + [[code, f"Step {n}.{k}", "contract_research", "2020-06-30", "planned",
                         "", ""] for n, code in enumerate(codes) for k in (1, 2)]


def test_the_statements_of_an_import_do_not_grow_with_its_rows():
    admin, pm = _setting()
    for n in range(1, 8):
        make_user(Role.PROJECT_MANAGER, email=f"pm{n}@import.cn", institute_id=pm.institute_id)
    small, small_selects = _selects(admin, "projects", _projects(4, 1))
    large, large_selects = _selects(admin, "projects", _projects(8, 11))
    assert (small.state, large.state) == (ImportState.DONE, ImportState.DONE), large.errors
    # (The first run reads what the second finds read: the year's code counter.)
    assert len(large_selects) <= len(small_selects), large_selects

    codes = [f"TEST-2019-{n:04d}" for n in (*range(1, 5), *range(11, 19))]
    small, small_selects = _selects(admin, "milestones", _milestones(codes[:4]))
    large, large_selects = _selects(admin, "milestones", _milestones(codes[4:]))
    assert (small.state, large.state) == (ImportState.DONE, ImportState.DONE), large.errors
    assert (small.created, large.created) == (8, 16)
    assert len(large_selects) == len(small_selects), large_selects


def test_a_code_the_whole_read_does_not_find_is_refused_with_its_row_and_column():
    admin, _pm = _setting()
    assert run(admin, "projects", _projects(1, 1)).state is ImportState.DONE
    rows = _milestones(["TEST-2019-0001"] * 3 + ["test-2019-0001 ", "TEST-2019-0999"])
    result = run(admin, "milestones", rows)
    assert result.state is ImportState.FAILED
    # Rows 2 to 9 name the project as stored, or as a person writes it (case, spaces): found.
    assert [(r, c) for r, c, _m in result.errors] == [(10, "Project code"),
                                                      (11, "Project code")], result.errors
    assert "TEST-2019-0999" in result.errors[0][2]
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0
