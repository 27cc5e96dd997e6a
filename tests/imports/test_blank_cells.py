"""Issue 13 (an adoption tester): an import never crashes on an empty cell, and every problem
it finds points at a row and a column. An empty project code in a milestones, contracts or
funding row (an Excel merged cell) ended the dry run with a traceback ('NoneType' object has
no attribute 'pm'), shown on the upload page as "row 0, column —: the import stopped on an
unexpected error": the form took the empty reference as none, and the service was handed None.

Each column of every kind's exported rows is emptied in turn, in every row: the run ends with
problems said beside their rows (never row 0), an empty cell the row must fill is told that it
is required, and no message prints an empty value or an empty list of choices ("Not one of
the choices: —", "Write one of .", "No company is called or registered as : ")."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from tests.conftest import shared_data
from tests.imports.helpers import run
from tests.imports.test_empty_database import _populate, _rows
from tracker import db
from tracker.accounts.models import User
from tracker.imports import export
from tracker.imports.columns import KINDS


@pytest.fixture(scope="module")
def world(app, module_connection) -> dict:
    """A network imported once for the module, and its export of every kind."""
    with shared_data(app, module_connection):
        admin = _populate()
        return {"admin": admin.id,
                "files": {kind: _rows(export.export_csv(kind)) for kind in export.ROWS}}


# Every column of every kind that exports rows (each kind's file names them by `shown`).
COLUMNS = [(kind, column) for kind in export.ROWS for column in KINDS[kind].columns]

# What a message says when it prints an empty value or an empty list of choices.
GARBLED = (": —", "：—", "Write one of .", "请填写 。", " as : ", "called .", "为：：")


def _emptied(rows: list[list[str]], key: str) -> list[list[str]]:
    at = rows[0].index(key)
    return [rows[0]] + [row[:at] + [""] + row[at + 1:] for row in rows[1:]]


@pytest.mark.parametrize(("kind", "column"), COLUMNS,
                         ids=[f"{kind}-{column.key}" for kind, column in COLUMNS])
def test_an_empty_cell_is_a_problem_of_its_row_and_column_never_a_crash(world, kind, column):
    rows = world["files"][kind]
    if column.shown not in rows[0] or len(rows) == 1:
        pytest.skip("not written by the export")
    admin = db.session.get(User, world["admin"])
    result = run(admin, kind, _emptied(rows, column.shown), dry_run=True)
    db.session.expire_all()  # what the dry run loaded and took back
    for locale in ("en", "zh_CN"):
        with force_locale(locale):  # as each reader reads the run
            errors = [(row, str(header), str(message)) for row, header, message in result.errors]
            required, header = _("This field is required."), str(column.header)
        for row, _column, message in errors:
            assert 2 <= row <= len(rows), errors
            assert message and not any(g in message for g in GARBLED), errors
        if column.required and (column.ref or column.choices or not _is_form_field(column)):
            told = [(row, message) for row, shown, message in errors if shown == header]
            assert told == [(row, required) for row in range(2, len(rows) + 1)], errors


def _is_form_field(column) -> bool:
    # The columns a grant's or a deal's adapter reads itself (its company, its achievement).
    return column.key not in ("company", "achievement")
