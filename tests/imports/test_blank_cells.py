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

from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import User
from tracker.imports import export
from tracker.imports.columns import KINDS

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
    assert len(rows) > 1, f"the world exports no {kind}: nothing of them would be checked"
    if column.shown not in rows[0]:
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


# The columns of codes (a credit code, a project's code, an e-mail) each kind's file writes.
CODES = [(kind, column) for kind, column in COLUMNS if column.is_code]


def _around(text: str) -> str:
    """A code as pasted: a space before it, a full-width space after it."""
    return f" {text}\u3000" if text else text


def _inside(text: str) -> str:
    """A code typed in groups: a space after its fourth character."""
    return f"{text[:4]} {text[4:]}" if text else text


def _each(rows: list[list[str]], at: int, how) -> list[list[str]]:
    return [rows[0]] + [row[:at] + [how(row[at])] + row[at + 1:] for row in rows[1:]]


@pytest.mark.parametrize(("kind", "column"), CODES,
                         ids=[f"{kind}-{column.key}" for kind, column in CODES])
def test_spaces_around_a_code_are_not_part_of_it_and_spaces_inside_are_refused(
        world, kind, column):
    """Spaces around a code are dropped; inside one they are refused beside the cell, never
    dropped (an e-mail "ann lee@…" could be another person's once its space is gone, and a
    kept project code "JITRI AM 2019" another project's), except in a credit code, whose
    18 characters are often typed in groups and read one way."""
    rows = [list(row) for row in world["files"][kind]]
    if column.shown not in rows[0] or not any(r[rows[0].index(column.shown)] for r in rows[1:]):
        pytest.skip("no such code written by the export")
    at = rows[0].index(column.shown)
    admin = db.session.get(User, world["admin"])
    result = run(admin, kind, _each(rows, at, _around), dry_run=True)
    assert result.errors == [], result.errors
    assert (result.created, result.updated) == (0, 0)  # the records the export wrote
    result = run(admin, kind, _each(rows, at, _inside), dry_run=True)
    db.session.expire_all()  # what the dry runs loaded and took back
    if column.key == "uscc":
        assert result.errors == [], result.errors
        assert (result.created, result.updated) == (0, 0)
    else:
        written = [n for n, row in enumerate(rows[1:], start=2) if row[at]]
        told = sorted({row for row, header, _message in result.errors
                       if str(header) == str(column.header)})
        assert told == written, result.errors


@pytest.mark.parametrize("kind", [k for k in export.ROWS
                                  if any(c.key == "uscc" for c in KINDS[k].columns)])
def test_wtforms_own_messages_are_said_in_the_runs_language_without_a_request(world, kind):
    """An import run from the command line or a job has no request: WTForms' own messages
    ("Field cannot be longer than 18 characters.") were said in English in a Chinese run."""
    rows = [list(row) for row in world["files"][kind]][:2]
    rows[1][rows[0].index("uscc")] = "9" * 19
    admin = db.session.get(User, world["admin"])
    with force_locale("zh_CN"):
        result = run(admin, kind, rows, dry_run=True)
        said = [str(message) for _row, _column, message in result.errors]
    assert "字段长度不能超过 18 个字符。" in said, said
    with force_locale("en"):  # and in the reader's, whoever ran it
        said = [str(message) for _row, _column, message in result.errors]
    assert "Field cannot be longer than 18 characters." in said, said
