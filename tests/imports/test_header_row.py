"""A file's header row, in every kind and either language (issue 13): a column headed twice
(名称,城市,名称, or 名称 and Name) is refused naming both places, where the last one was read
and the first left out without a word; a title above the headers ("2024年…名录") is said to
be one, where it was refused as "no such column 2024年…名录"; a header no column has names the
nearest one that does."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from openpyxl.utils import get_column_letter

from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes, run
from tracker.accounts.models import Role
from tracker.imports import header_problems, reading
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState

LANGUAGES = ("zh_CN", "en")


def _problems(app, kind, header: list[str], lang: str) -> list[list]:
    with app.test_request_context("/"), force_locale(lang):
        table = reading.read(kind, "file.csv", io.BytesIO(csv_bytes([header])), LANGUAGES)
        return [[row, str(column), str(message)]
                for row, column, message in header_problems.errors(kind, table)]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_a_header_given_twice_is_refused_naming_both_columns(app, kind, lang):
    headers = [header_in(c.header, lang) for c in kind.columns]
    problems = _problems(app, kind, [*headers, headers[0]], lang)
    [twice] = [p for p in problems if p[1] == headers[0]]
    last = get_column_letter(len(headers) + 1)
    assert " A " in twice[2] and f" {last}" in twice[2], twice
    assert ("given twice" if lang == "en" else "重复") in twice[2]


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_a_column_headed_in_both_languages_is_given_twice(app, kind):
    column = next(c for c in kind.columns
                  if header_in(c.header, "en") != header_in(c.header, "zh_CN"))
    headers = [header_in(c.header, "zh_CN") for c in kind.columns]
    problems = _problems(app, kind, [*headers, header_in(column.header, "en")], "zh_CN")
    [twice] = [p for p in problems if p[1] == header_in(column.header, "en")]
    assert header_in(column.header, "zh_CN") in twice[2]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_a_title_above_the_headers_is_said_to_be_one(app, kind, lang):
    problems = _problems(app, kind, ["2024年江苏省产业技术研究院企业名录", "", ""], lang)
    assert problems == [[1, "2024年江苏省产业技术研究院企业名录",
                         "The headers must be in row 1; row 1 here is a title: delete it, so "
                         "that the headers are the first row." if lang == "en" else
                         "表头必须在第 1 行；此处第 1 行是标题：请删除该行，使表头成为第一行。"]]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_a_header_no_column_has_names_the_nearest_one(app, kind, lang):
    header = header_in(kind.columns[0].header, lang)
    typo = header[:-1] if len(header) > 3 else f"{header}x"
    headers = [typo, *[header_in(c.header, lang) for c in kind.columns[1:]]]
    [unknown] = [p for p in _problems(app, kind, headers, lang) if p[1] == typo]
    assert (f"did you mean {header}?" if lang == "en" else f"是否指“{header}”？") in unknown[2]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_file_with_a_repeated_header_writes_nothing(lang):
    make_hq()
    admin = make_user(Role.HQ_ADMIN, locale=lang)
    result = run(admin, "institutes", [
        ["代码", "名称", "研究领域", "类型", "名称"],
        ["IMP-1", "先进材料研究所", "材料", "joint", "集成电路研究所"]])
    assert result.state is ImportState.FAILED
    with force_locale(lang):
        [(row, column, message)] = result.errors
    assert (row, column) == (1, "名称")
    assert ("B" in message and "E" in message)
