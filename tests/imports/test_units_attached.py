"""A money header's unit is read however the header attaches it: in brackets of either width,
after a slash, a comma, a space or "in" (预算总额/万元, 预算总额 万元, Amount in 10k CNY, Budget
total, 10k CNY); a header without a unit is asked for one, never offered the header in 元,
and a unit written above the table is told to move into the headers (issue 13, adoption F27
and review 12: following the hint 预算总额（元） imported every amount 10,000 times too small,
silently)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.imports.helpers import csv_bytes, run
from tests.imports.test_amounts_in_wan import _headed, _money_columns
from tests.imports.test_projects import _row, _setting
from tracker import db
from tracker.imports import header_problems, reading, wan
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.projects.models import Project

LANGUAGES = ("en", "zh_CN")
# How a sheet attaches a unit in 万 to what its header says, in each language.
IN_WAN = {"zh_CN": ("{}/万元", "{} 万元", "{}，万元", "{}(万元)", "{}（万 元）", "{} / 万元人民币"),
          "en": ("{} in 10k CNY", "{}, 10k CNY", "{} / 10k CNY", "{} (RMB 10k)", "{} 10k CNY")}
IN_YUAN = {"zh_CN": ("{}/元", "{} 元", "{}(人民币元)"),
           "en": ("{} in CNY", "{}, CNY", "{} (RMB)", "{} / yuan")}


def _stem(header: str) -> str:
    return header.replace("（元）", "").replace(" (CNY)", "")


def _read(kind: str, header: str, beside: str = ""):
    return reading.read(KINDS[kind], "f.csv", io.BytesIO(csv_bytes(
        [[header, beside] if beside else [header], ["1,000.5", ""]])), LANGUAGES)


@pytest.mark.parametrize(("kind", "key"), _money_columns())
def test_every_money_column_reads_its_unit_however_attached(app, kind, key):
    column = KINDS[kind].column(key)
    with app.app_context():
        for locale in LANGUAGES:
            stem = _stem(header_in(column.header, locale))
            for shape in IN_WAN[locale]:
                table = _read(kind, shape.format(stem))
                assert (table.unknown, table.scaled) == (
                    [], {key: shape.format(stem)}), shape.format(stem)
                [(_n, row)] = list(table.rows)
                assert row[key] == ("1,000.5" if column.amounts else "10005000")
            for shape in IN_YUAN[locale] if wan.is_money(column) else ():
                table = _read(kind, shape.format(stem))
                assert (table.unknown, table.scaled, list(table.columns.values())) == (
                    [], {}, [key]), shape.format(stem)


@pytest.mark.parametrize(("kind", "key"), [c for c in _money_columns()
                                           if wan.is_money(KINDS[c[0]].column(c[1]))])
def test_a_money_header_without_a_unit_is_asked_for_one(app, kind, key):
    column = KINDS[kind].column(key)
    with app.test_request_context():
        for locale, yuan, in_wan in (("zh_CN", "（元）", "（万元）"), ("en", "(CNY)", "(10k CNY)")):
            with force_locale(locale):
                header = header_in(column.header, locale)
                for written in (_stem(header), _stem(header) + "（千元）"):
                    first = header_in(KINDS[kind].columns[0].header, locale)
                    table = _read(kind, written, first)
                    if not table.unknown:  # the stem is another column's own header
                        continue
                    [message] = [m for _r, h, m in header_problems.errors(KINDS[kind], table)
                                 if h == written]
                    assert header in message and header.replace(yuan, in_wan) in message, (
                        written, message)
                    assert "did you mean" not in message and "是否指" not in message


def test_a_budget_headed_with_a_slash_is_read_in_wan():
    admin, _pm = _setting()
    rows = [_headed({"Budget total (CNY)": "预算总额/万元"}), _row(budget="320.5")]
    result = run(admin, "projects", rows)
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert db.session.scalar(select(Project)).budget_total == Decimal("3205000.00")


@pytest.mark.parametrize(("locale", "header", "asked"), [
    ("zh_CN", "预算总额", "预算总额（万元）"), ("en", "Budget total", "Budget total (10k CNY)")])
def test_a_budget_without_a_unit_is_refused_asking_for_it(locale, header, asked):
    admin, _pm = _setting()
    with force_locale(locale):
        result = run(admin, "projects", [_headed({"Budget total (CNY)": header}), _row()])
        [message] = [m for _r, c, m in result.errors if c == header]
    assert result.state is ImportState.FAILED
    assert asked in message and "?" not in message and "？" not in message, message


@pytest.mark.parametrize(("locale", "line", "said"), [
    ("zh_CN", "单位：万元", "删除该行，在每个金额列的表头中写明单位"),
    ("zh_CN", "金额单位：元", "预算总额（万元）"),
    ("en", "Unit: 10k CNY", "write the unit in each money header")])
def test_a_unit_above_the_table_is_told_to_move_into_the_headers(locale, line, said):
    admin, _pm = _setting()
    with force_locale(locale):
        result = run(admin, "projects", [[line], _headed({}), _row()])
        [(_row_number, written, message)] = result.errors
    assert result.state is ImportState.FAILED
    assert written == line and said in message, message
