"""`flask import` on the command line: a refused file says once that nothing was written (its
state says it: "Refused: nothing written"; the line added ": nothing was written" after it, the
same words twice, 未通过：未写入任何数据：未写入任何记录), in the language asked, and writes its
errors, row, column and message, to the file `--errors` names (issue 13 point 2), the column
as the file headed it (类型, in English too)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tracker import db
from tracker.accounts.models import Role
from tracker.organisations.models import Institute

ROWS = [["代码", "名称", "研究领域", "类型"], ["CLI-1", "测试研究所", "材料", "joint"],
        ["CLI-2", "第二研究所", "材料", "nonsense"]]
SAID = {"en": ("Refused: nothing written (import #{id})", ["Row", "Column", "Message"],
               ["3", "类型", "Not one of the choices: nonsense. Write one of independent"]),
        "zh_CN": ("未通过：未写入任何数据（导入 #{id}）", ["行", "列", "消息"],
                  ["3", "类型", "不是可选值之一：nonsense。请填写以下之一：independent"])}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_refused_file_says_so_once_and_writes_its_errors_where_asked(app, tmp_path, lang):
    make_hq()
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    file, errors = tmp_path / "institutes.csv", tmp_path / "errors.csv"
    file.write_bytes(csv_bytes(ROWS))
    result = app.test_cli_runner().invoke(args=[
        "import", "institutes", str(file), "--lang", lang, "--errors", str(errors)])
    assert result.exit_code == 1
    run_id = re.search(r"#(\d+)", result.output).group(1)
    summary, header, error = SAID[lang]
    assert summary.format(id=run_id) in result.output.splitlines()
    [written_header, row] = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8-sig"))))
    assert written_header == header
    assert row[:2] == error[:2] and row[2].startswith(error[2])
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_refused_dry_run_says_nothing_would_be_created(app, tmp_path, lang):
    """A refused dry run said "未通过：未写入任何数据：将新建 1 条…": the row that passed
    would be created by no import of this file (issue 13 point 6)."""
    make_hq()
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    file = tmp_path / "institutes.csv"
    file.write_bytes(csv_bytes(ROWS))
    result = app.test_cli_runner().invoke(args=[
        "import", "institutes", str(file), "--lang", lang, "--dry-run"])
    assert result.exit_code == 1
    run_id = re.search(r"#(\d+)", result.output).group(1)
    assert SAID[lang][0].format(id=run_id) in result.output.splitlines()
    assert "would be created" not in result.output and "将新建" not in result.output
