"""The sheet an XLSX import reads (issue 13 point 2): a hidden first sheet (a 字典 of lookups)
was read instead of the data; now the sheet named for the kind, as its template names it, in
either language, else the first visible one, in every kind."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tracker.imports import reading
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS

LANGUAGES = ("zh_CN", "en")


def _book(sheets: list[tuple[str, list[list[str]], str]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _headers(kind, lang="zh_CN"):
    return [header_in(c.header, lang) for c in kind.columns]


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_a_hidden_first_sheet_is_not_read(app, kind):
    stream = _book([("字典", [["类型", "代码"], ["joint", "1"]], "hidden"),
                    ("数据", [_headers(kind)], "visible")])
    with app.test_request_context("/"):
        table = reading.read(kind, "f.xlsx", stream, LANGUAGES)
    assert (list(table.columns.values()), table.unknown) == ([c.key for c in kind.columns], [])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_the_sheet_named_for_the_kind_is_read(app, kind, lang):
    stream = _book([("说明", [["请按模板填写"]], "visible"),
                    (header_in(kind.title, lang), [_headers(kind, lang)], "visible")])
    with app.test_request_context("/"):
        table = reading.read(kind, "f.xlsx", stream, LANGUAGES)
    assert (table.title, table.unknown) == ("", [])
    assert list(table.columns.values()) == [c.key for c in kind.columns]
