"""A list of amounts headed without a unit beside a total headed in 万, whose amounts add up
to no more than the total divided by 10,000, is refused: its amounts look written in 万 too
(issue 13, adoption F6: budget lines of 100, 150 and 50 on a total of 300万 were stored as
100, 150 and 50 元, silently). Every kind with a total and a list of its amounts: a project's
budget lines, a contract's instalments, an agreement's tranches."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.factories import make_enterprise
from tests.imports.helpers import run
from tests.imports.test_amounts_in_wan import CONTRACTS_ZH, _headed
from tests.imports.test_contracts import _row as _contract
from tests.imports.test_milestones import _project
from tests.imports.test_projects import _row, _setting
from tracker import db
from tracker.contracts.models import ResearchContract
from tracker.imports import cells, columns, headings
from tracker.imports.cells import CellError
from tracker.imports.models import ImportState
from tracker.projects.models import Project


@pytest.mark.parametrize(("locale", "said"), [
    ("zh_CN", "看来也是以万元填写的。请将此列表头写为 预算科目（万元）"),
    ("en", "they look written in 10,000 yuan too. Head this column Budget lines (10k CNY)")])
def test_budget_lines_in_wan_beside_a_total_in_wan_are_refused(locale, said):
    admin, _pm = _setting()
    rows = [_headed({"Budget total (CNY)": "预算总额（万元）"}),
            _row(budget="300", lines="设备费: 100; 业务费: 150; 劳务费: 50")]
    with force_locale(locale):
        result = run(admin, "projects", rows)
        errors = [(c, m) for _r, c, m in result.errors]
    assert result.state is ImportState.FAILED
    [(column, message)] = errors
    assert column == "Budget lines" and said in message, message
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_budget_lines_in_yuan_beside_a_total_in_wan_are_read():
    admin, _pm = _setting()
    rows = [_headed({"Budget total (CNY)": "预算总额（万元）"}),
            _row(budget="300", lines="设备费: 1000000; 业务费: 1500000; 劳务费: 500000")]
    result = run(admin, "projects", rows)
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors


def test_instalments_in_wan_beside_an_amount_in_wan_are_refused():
    admin, _pm = _setting()
    make_enterprise(name="Pump Works")
    row = _contract(_project(admin).code, amount="320.5",
                    instalments="2019-07-01: 100; 2020-07-01: 220.5", payments="")
    result = run(admin, "contracts", [[*CONTRACTS_ZH[:7], "付款节点", "到账记录"], row])
    assert result.state is ImportState.FAILED
    assert [c for _r, c, _m in result.errors] == ["付款节点"], result.errors
    assert db.session.scalar(select(func.count()).select_from(ResearchContract)) == 0


def test_tranches_in_wan_beside_a_commitment_in_wan_are_refused(app):
    given = {"committed": ["20000000"]}
    with app.test_request_context(), headings.headed(columns.FUNDING, {}, ["committed"]):
        with pytest.raises(CellError) as refused:
            cells.listed_in_wan(columns.FUNDING, "committed", "tranches", given, [500, 1500])
        cells.listed_in_wan(columns.FUNDING, "committed", "tranches", given,
                            [5000000, 15000000])
    assert refused.value.column == "tranches"
