"""A spreadsheet's row of totals (`,合计,,,…`, Total, 总计, 小计) is refused as one, in every
kind and either language (issue 13 point 1): it created an enterprise named 合计."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes, run
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import reading, references, row_forms
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.organisations.models import Institute


@pytest.mark.parametrize("word", ["合计", "总计", "小计", "Total", "TOTAL:", "Sum", "合 计"])
@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_a_row_that_says_total_is_refused_as_one(app, kind, word):
    headers = [header_in(c.header, "en") for c in kind.columns]
    names = reading.naming(kind)
    # Its first filled cell says it; the sums beside it, none of the cells naming a record.
    first = ["", word, *["" if c.key in names else "1000" for c in kind.columns[2:]]]
    named = [word if c.key in ("name", "title") else "" for c in kind.columns]
    rows = [first, *([named] if any(named) else [])]
    said = [kind.columns[1].key, *(c.key for c in kind.columns if c.key in ("name", "title"))]
    with app.test_request_context("/"):
        table = reading.read(kind, "f.csv", io.BytesIO(csv_bytes([headers, *rows])),
                             ("en", "zh_CN"))
        for (_number, row), column in zip(table.rows, said, strict=True):
            with pytest.raises(row_forms.RowRefused) as refused:
                row_forms._convert(kind, row, references.References())
            # Beside the column its word is in, never beside no column.
            assert refused.value.errors == [(column, "This looks like a total row: remove it.")]


def test_a_row_of_a_name_that_only_contains_a_total_word_is_read(app):
    kind = KINDS["institutes"]
    with app.test_request_context("/"):
        table = reading.read(kind, "f.csv", io.BytesIO(csv_bytes(
            [["Code", "Name"], ["IMP-1", "合计研究所"], ["Total", ""]])), ("en", "zh_CN"))
        rows = list(table.rows)
    assert [isinstance(row, reading.TotalRow) for _n, row in rows] == [False, True]


@pytest.mark.parametrize(("lang", "said"), [("en", "This looks like a total row: remove it."),
                                            ("zh_CN", "这一行看起来是合计行：请删除该行。")])
def test_a_file_with_a_total_row_writes_nothing(lang, said):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "institutes", [
        ["代码", "名称", "研究领域", "类型"], ["IMP-1", "先进材料研究所", "材料", "joint"],
        ["", "合计", "", ""]])
    assert result.state is ImportState.FAILED
    with force_locale(lang):
        assert [(r, str(c), str(m)) for r, c, m in result.errors] == [(3, "名称", said)]
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0
