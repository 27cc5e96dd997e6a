"""A cell merged down one column of an XLSX sheet (项目编号 merged over a project's milestones,
Excel's 合并后居中) is read on every row of its range, as Excel shows it (issue 13, adoption
finding F13): the rows below its first were told "This field is required."; a merge across
columns (a note below the table) keeps its first cell alone."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tracker.imports import reading
from tracker.imports.columns import KINDS

LANGUAGES = ("zh_CN", "en")


def _xlsx(rows: list[list], merges: list[str]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _rows(app, rows, merges):
    with app.test_request_context("/"):
        table = reading.read(KINDS["milestones"], "ms.xlsx", _xlsx(rows, merges), LANGUAGES)
        return list(table.rows)


def test_a_code_merged_over_a_projects_rows_is_read_on_each(app):
    rows = _rows(app, [
        ["序号", "项目编号", "标题", "截止日期"],
        [1, "SYIIT-MT-2021-003", "样机", "2022-03-31"],
        [2, None, "中试", "2022-06-30"],
        [3, None, "小批量", "2022-12-31"],
        [4, "SYIIT-MT-2021-004", "方案", "2023-01-31"],
        [5, None, "验证", "2023-06-30"],
        [None, "注：带*为必填项", None, None],
    ], ["B2:B4", "B5:B6", "B7:D7"])
    assert [(n, r["project_id"]) for n, r in rows] == [
        (2, "SYIIT-MT-2021-003"), (3, "SYIIT-MT-2021-003"), (4, "SYIIT-MT-2021-003"),
        (5, "SYIIT-MT-2021-004"), (6, "SYIIT-MT-2021-004"), (7, "注：带*为必填项")]
    # a merge across columns (a note below the table) keeps its first cell alone
    assert isinstance(rows[-1][1], reading.TotalRow) and rows[-1][1]["title"] == ""
