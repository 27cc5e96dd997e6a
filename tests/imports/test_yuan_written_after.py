"""An amount written with 元 after it (3000000元, 3,000,000.00 元) is read as the amount, by
the amount field and by an import alike, in a single cell and in a list cell's entry; in a
column headed in 万 it is the cell's own unit, 元, as 50万 there is 50 万 (issue 13, adoption
F15: refused with a bare "enter an amount")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import Form

from tests.imports.helpers import run
from tests.imports.test_amounts_in_wan import _headed
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.imports import cells, wan
from tracker.imports.models import ImportState
from tracker.numbers import amount_text
from tracker.projects.models import Project
from tracker.web.fields import amount_field


@pytest.mark.parametrize(("text", "read"), [("3000000元", "3000000"),
                                             ("3,000,000.00元", "3000000.00"),
                                             ("￥3,000,000 元", "3000000"), ("-1,5元", None)])
def test_the_amount_field_reads_a_yuan_after_the_amount(app, text, read):
    class _Form(Form):
        amount = amount_field("Amount")
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"amount": text}))
        assert form.validate() is (read is not None), form.errors
        if read is not None:
            assert form.amount.data == Decimal(read)
    if read is not None:
        assert amount_text(text) == read


def test_an_import_reads_a_yuan_after_the_amount_alone_and_in_a_list():
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(budget="3,000,000.00元",
                                                  lines="设备费: 1000000元; 劳务费: ￥500,000")])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    project = db.session.scalar(select(Project))
    assert project.budget_total == Decimal("3000000.00")
    assert [b.amount for b in project.budget_lines if b.amount] == [Decimal("1000000.00"),
                                                                     Decimal("500000.00")]


def test_a_yuan_in_a_column_in_wan_is_the_cells_own_unit(app):
    assert (wan.in_yuan("320元"), wan.in_yuan("320"), wan.in_yuan("50万元")) == (
        "320元", "3200000", "500000")
    admin, _pm = _setting()
    result = run(admin, "projects", [_headed({"Budget total (CNY)": "预算总额（万元）"}),
                                     _row(budget="3000000元")])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert db.session.scalar(select(Project)).budget_total == Decimal("3000000.00")


def test_an_amount_in_wan_with_a_yuan_is_still_refused_saying_what_to_write(app):
    with app.test_request_context(), pytest.raises(cells.CellError, match="500000"):
        cells.number("50万元", "budget_lines", in_yuan=True)
