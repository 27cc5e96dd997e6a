"""The headers of an adopter's own register (issue 13, adoption findings F1, F3): a hand-made
Chinese register heads its names with its kind (企业名称, 研究所名称, 项目名称, 合同名称), its city
所在城市 or 所在地 and its founding date 成立时间, where the template writes 名称, 标题, 城市,
成立日期; each is read as its column (English too: "Enterprise name", "Project name"). And a
header refused and taken for a required column is one problem, not also "this column is
required"."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes, run
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import header_problems, reading
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.organisations.models import Enterprise

LANGUAGES = ("zh_CN", "en")

# kind -> {header as a register writes it: the key of the column it is read as}
REGISTERS = {
    "institutes": {"研究所名称": "name", "Institute name": "name", "成立时间": "founded_on",
                   "Date founded": "founded_on", "所在城市": "city", "所在地": "city"},
    "enterprises": {"企业名称": "name", "Enterprise name": "name", "所在城市": "city",
                    "City located in": "city", "所在地": "city", "Located in": "city"},
    "centres": {"中心名称": "name", "Centre name": "name", "所在城市": "city"},
    "needs": {"需求名称": "title"},
    "projects": {"项目名称": "title", "Project name": "title", "Project title": "title",
                 "名称": "title", "Name": "title"},
    "milestones": {"里程碑名称": "title"},
    "contracts": {"合同名称": "title", "Contract name": "title"},
    "companies": {"公司名称": "name", "Company name": "name"},
    "achievements": {"成果名称": "title"},
}


def _table(app, kind, headers: list[str], lang: str = "zh_CN"):
    with app.test_request_context("/"), force_locale(lang):
        table = reading.read(kind, "file.csv", io.BytesIO(csv_bytes([headers])), LANGUAGES)
        problems = [[row, str(column), str(message)]
                    for row, column, message in header_problems.errors(kind, table)]
        return table, problems


@pytest.mark.parametrize(("kind", "header", "key"),
                         [(k, h, key) for k, heads in REGISTERS.items()
                          for h, key in heads.items()])
def test_a_register_header_is_read_as_its_column(app, kind, header, key):
    table, problems = _table(app, KINDS[kind], [f"{header}*"])
    assert table.columns == {0: key}
    assert not [p for p in problems if p[1] == f"{header}*"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_header_taken_for_a_required_column_is_one_problem(app, lang):
    headers = ["企业名字", "统一社会信用代码"]
    _table_read, problems = _table(app, KINDS["enterprises"], headers, lang)
    assert [p[1] for p in problems] == ["企业名字"], problems
    assert ("did you mean" if lang == "en" else "是否指") in problems[0][2]


def test_a_header_near_a_synonym_names_the_column(app):
    _table_read, problems = _table(app, KINDS["institutes"], ["代码", "名称", "成立时刻"])
    [near] = [p for p in problems if p[1] == "成立时刻"]
    assert "是否指“成立日期”？" in near[2]


def test_an_enterprise_register_imports_as_written():
    make_hq()
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    result = run(admin, "enterprises", [
        ["序号", "企业名称*", "所在城市", "备注"],
        ["1", "沈阳新松机器人自动化股份有限公司", "沈阳", ""]])
    assert result.state == ImportState.DONE, result.errors
    enterprise = db.session.scalar(select(Enterprise))
    assert (enterprise.name, enterprise.city) == ("沈阳新松机器人自动化股份有限公司", "沈阳")
