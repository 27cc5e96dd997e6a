"""A list cell's amounts are read in one place, `cells.money`, which reads them in 万 when the
file heads their column so, and only for a column declared to hold amounts (`Column.amounts`,
whose 万 headers `wan.headers_of` reads): four columns read their amounts in 元 without being
declared, and their headers in 万 (专利年费（万元）, 收入（万元）) were refused (issue 13,
review 3). A file's columns in 万 are those of the kind that heads them."""

from __future__ import annotations

import ast
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests import source
from tests.imports.helpers import run
from tests.imports.test_achievements import KEYS, ROW, _projects
from tracker import db
from tracker.achievements.models import Annuity
from tracker.imports import cells, columns, funding_cells, headings, wan
from tracker.imports.cells import CellError
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState

IMPORTS = [path for path in source.modules() if path.parent.name == "imports"]


def _in_yuan_calls():
    for path in IMPORTS:
        for node in source.nodes(path):
            if isinstance(node, ast.Call) and any(
                    k.arg == "in_yuan" and isinstance(k.value, ast.Constant) and k.value.value
                    for k in node.keywords):
                yield path, node


def test_only_a_money_column_reads_in_yuan_outside_the_one_reader_of_list_amounts():
    money = {c.key for kind in KINDS.values() for c in kind.columns if wan.is_money(c)}
    for path, call in _in_yuan_calls():
        if path.name in ("cells.py", "number_cells.py"):
            continue  # `cells.money`, `cells.amount`; a single cell headed (CNY)
        named = call.args[1] if len(call.args) > 1 else None
        assert isinstance(named, ast.Constant) and named.value in money, (
            f"{path.name}:{call.lineno} reads amounts in 元: a list cell's through "
            "cells.money, a single money column's by its key")


@pytest.mark.parametrize(("kind", "key"), [("achievements", "rights"),
                                           ("achievements", "annuities"),
                                           ("ip_deals", "reports"), ("ip_deals", "receipts")])
def test_every_list_column_of_amounts_is_declared_so(kind, key):
    assert KINDS[kind].column(key).amounts
    assert wan.headers_of(KINDS[kind], ("en",))[
        f"{headings.heading_key(str(KINDS[kind].column(key).header))}(万元)"] == key


def test_a_column_not_declared_to_hold_amounts_is_not_read_as_them(app):
    with app.app_context(), pytest.raises(ValueError, match="amounts=True"):
        cells.money("100", columns.PROJECTS, "title")


def test_annuities_headed_in_wan_are_read_in_wan():
    admin, _pm = _projects()
    header = [*KEYS[:-1], "专利年费（万元）"]
    row = [*ROW[:-1], "CN201910123456.7 | 3 | 2021-09-01 | 0.09 | 2021-08-20 | 0.09"]
    result = run(admin, "achievements", [header, row])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert [(a.fee, a.paid_amount) for a in db.session.scalars(select(Annuity))] == [
        (Decimal("900.00"), Decimal("900.00"))]


def test_a_file_scales_the_columns_of_the_kind_that_heads_them_only():
    with headings.headed(columns.COMPANIES, {}, ["rounds"]):
        assert headings.scaled("companies", "rounds")
        assert not headings.scaled("incentive_grants", "rounds")


def test_an_amount_repaid_in_wan_is_told_the_column_is_in_yuan(app):
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(CellError, match=r"in yuan \(元\): 50万 is 500000"):
            funding_cells.outcome({"outcome": "repaid", "outcome_on": "2024-01-01",
                                   "repaid_amount": "50万"})
