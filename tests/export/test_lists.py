"""Every list exports exactly what it shows: the page's headers, rows and cells, the same in
CSV and XLSX, for the viewer's permissions and with the page's filters; and no export runs
more statements with more rows."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.export.helpers import csv_rows, export_statements, xlsx_rows
from tests.export.pages import tables
from tracker.accounts.columns import USER_COLUMNS
from tracker.audit.columns import audit_columns
from tracker.companies.columns import CAP_TABLE_COLUMNS, PORTFOLIO_COLUMNS
from tracker.contracts.columns import CONTRACT_COLUMNS, rollup_columns
from tracker.export.columns import Kind, as_written, headers
from tracker.funding.columns import AGREEMENT_COLUMNS
from tracker.milestones.columns import OVERDUE_COLUMNS
from tracker.organisations.columns import (
    CENTRE_COLUMNS,
    ENTERPRISE_COLUMNS,
    INSTITUTE_COLUMNS,
    NEED_COLUMNS,
)
from tracker.projects.columns import PROJECT_COLUMNS
from tracker.reminders.columns import OUTBOX_COLUMNS
from tracker.spending.columns import SPENDING_COLUMNS

# (path, the columns it draws, which table of the page, its viewer)
LISTS = [
    ("/projects/", PROJECT_COLUMNS, 0, "admin"),
    ("/milestones/overdue", OVERDUE_COLUMNS, 0, "admin"),
    ("/contracts/?by=institute", rollup_columns("institute"), 0, "admin"),
    ("/contracts/?by=project", rollup_columns("project"), 0, "admin"),
    ("/contracts/?by=year", rollup_columns("year"), 0, "admin"),
    ("/contracts/?table=contracts", CONTRACT_COLUMNS, 1, "admin"),
    ("/funding/", AGREEMENT_COLUMNS, 0, "committee"),
    ("/spending/", SPENDING_COLUMNS, 0, "admin"),
    ("/companies/", PORTFOLIO_COLUMNS, 0, "admin"),
    (lambda made: f"/companies/{made['company'].id}", CAP_TABLE_COLUMNS, 0, "admin"),
    ("/needs/", NEED_COLUMNS, 0, "admin"),
    ("/institutes/", INSTITUTE_COLUMNS, 0, "admin"),
    ("/enterprises/", ENTERPRISE_COLUMNS, 0, "admin"),
    ("/centres/", CENTRE_COLUMNS, 0, "admin"),
    ("/admin/users/", USER_COLUMNS, 0, "admin"),
    ("/admin/reminders/?state=pending", OUTBOX_COLUMNS, 0, "admin"),
    ("/audit/?object_type=projects", audit_columns(show_object=True, see_address=True), 0,
     "admin"),
]
TEXT_KINDS = (Kind.TEXT, Kind.CODE, Kind.LABEL)


def _path(path, made) -> str:
    return path(made) if callable(path) else path


def _with(path: str, **args) -> str:
    return path + ("&" if "?" in path else "?") + "&".join(f"{k}={v}" for k, v in args.items())


def _as_shown(value: str) -> str:
    """A file's text cell as the page shows it: without the apostrophe that neutralises a
    formula, blank as a dash, line breaks as spaces."""
    return " ".join(as_written(value).split()) or "—"


@pytest.mark.parametrize(("path", "columns", "index", "who"), LISTS,
                         ids=[str(i) for i in range(len(LISTS))])
def test_the_file_holds_what_the_page_shows(client, world, path, columns, index, who):
    login(client, world["people"][who])
    path = _path(path, world["made"])
    page = client.get(path)
    assert page.status_code == 200
    in_page = [c for c in columns if c.in_page]
    in_file = [c for c in columns if c.in_file]
    table = tables(page.get_data(as_text=True))[index]
    shown = [row for row in table["body"] + table["foot"] if len(row) >= len(in_page)]
    assert shown, "nothing to compare: the fixture should fill every list"
    csv = csv_rows(client.get(_with(path, export="csv")))
    xlsx = xlsx_rows(client.get(_with(path, export="xlsx")))
    header = [h for h in table["head"][0] if h and h != "Actions"]  # buttons: not in files
    assert header == [str(c.header) for c in in_page]
    assert csv[0] == headers(in_file) == xlsx[0]  # a percentage's says "(%)" there only
    assert len(csv) - 1 == len(shown) == len(xlsx) - 1
    for n, column in enumerate(in_page):
        if not column.in_file:
            # A name in the reader's language: the file carries it in Chinese and in English,
            # in the two columns that follow its definition.
            m = in_file.index(columns[columns.index(column) + 1])
            assert all((row[n] or "—") in (_as_shown(r[m]), _as_shown(r[m + 1]))
                       for row, r in zip(shown, csv[1:], strict=True)), column
            continue
        m = in_file.index(column)
        if column.kind in TEXT_KINDS:
            assert [_as_shown(r[m]) for r in csv[1:]] == [r[n] or "—" for r in shown], column
            assert [_as_shown(r[m] or "") for r in xlsx[1:]] == [_as_shown(r[m]) for r in csv[1:]]
        elif column.kind == Kind.MONEY:
            assert all(isinstance(r[m], float | int | type(None)) for r in xlsx[1:]), column


@pytest.mark.parametrize(("path", "columns", "index", "who"), LISTS,
                         ids=[str(i) for i in range(len(LISTS))])
def test_statements_do_not_grow_with_rows(client, engine, world, path, columns, index, who):
    login(client, world["people"][who])
    path = _with(_path(path, world["made"]), export="xlsx")
    before = len(export_statements(client, engine, path))
    world["grow"]()
    world["grow"]()
    assert len(export_statements(client, engine, path)) == before
