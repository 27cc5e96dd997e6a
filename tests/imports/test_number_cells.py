"""Number cells as spreadsheets write them, in every number column of every kind (issue 13
points 1 and 3): Excel's scientific notation (1.23457E+07, a rounded number: 12,345,700 was
imported) is refused saying to format the column; 20% in a column of percentages is 20;
50万元 in a column of 元 and 2021年 in a year column say what to write, where each was "enter
a number"."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from wtforms.fields import IntegerField

from tracker.imports import cells, number_cells, references, row_forms
from tracker.imports.kinds import ADAPTERS
from tracker.web.fields import MoneyField

NUMBERS = [(adapter.kind, column, number_cells.number_fields(adapter.form_class)[column.key])
           for adapter in ADAPTERS.values() for column in adapter.kind.columns
           if column.key in number_cells.number_fields(adapter.form_class)]


def _read(app, kind, column, text: str, lang: str = "en"):
    with app.test_request_context("/"), force_locale(lang):
        given, _found, errors = row_forms._convert(kind, {column.key: text},
                                                   references.References())
        return given.get(column.key), [(key, str(message)) for key, message in errors]


def _of(*classes, unit=""):
    found = [n for n in NUMBERS if issubclass(n[2], classes) and number_cells._says(n[1], unit)]
    return pytest.mark.parametrize(("kind", "column", "field"), found,
                                   ids=[f"{k.name}.{c.key}" for k, c, _f in found])


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@_of(object)
def test_scientific_notation_is_refused_in_every_number_column(app, kind, column, field, lang):
    given, errors = _read(app, kind, column, "1.23457E+07", lang)
    assert given is None
    [(key, message)] = errors
    assert key == column.key
    assert ("Format the column as a number" if lang == "en" else "设置为数值") in message


def test_scientific_notation_is_refused_in_a_list_cell_too(app):
    with app.test_request_context("/"), pytest.raises(cells.CellError, match="scientific"):
        cells.number("1.5E+06", "instalments")


@_of(object, unit="(CNY)")
def test_an_amount_in_wan_says_what_to_write(app, kind, column, field):
    for text, yuan in (("50万元", "500000"), ("100万", "1000000"), ("1.5万", "15000")):
        _given, [(key, message)] = _read(app, kind, column, text)
        assert key == column.key and f"{text} is {yuan}. Write {yuan}." in message
    _given, [(_key, message)] = _read(app, kind, column, "50万元", "zh_CN")
    assert "此列单位为元：50万元 即 500000。请填写 500000。" == message


MONEY = [n for n in NUMBERS if issubclass(n[2], MoneyField)]


@pytest.mark.parametrize(("kind", "column", "field"), MONEY,
                         ids=[f"{k.name}.{c.key}" for k, c, _f in MONEY])
def test_every_amount_column_says_it_is_in_yuan(app, kind, column, field):
    """Its header names its unit as every amount's does, "(CNY)" (an incentive grant's
    exercise price read "(CNY, options)", and 50万 in it was "Enter an amount")."""
    assert number_cells._says(column, "(CNY)"), column.header
    _given, [(_key, message)] = _read(app, kind, column, "50万元")
    assert "50万元 is 500000. Write 500000." in message


@_of(IntegerField)
def test_a_year_written_with_nian_says_to_write_the_year(app, kind, column, field):
    _given, [(key, message)] = _read(app, kind, column, "2021年")
    assert (key, message) == (column.key, "Write the year alone: 2021, not 2021年.")
    _given, [(_key, message)] = _read(app, kind, column, "2021年", "zh_CN")
    assert message == "只填年份：2021，不要写 2021年。"


PERCENTS = [n for n in NUMBERS if number_cells._says(n[1], "(%)")]


@pytest.mark.parametrize(("kind", "column", "field"), PERCENTS,
                         ids=[f"{k.name}.{c.key}" for k, c, _f in PERCENTS])
def test_a_percentage_with_its_sign_is_read_in_a_column_of_percentages(app, kind, column,
                                                                        field):
    assert PERCENTS
    for text in ("20%", "20 %", "20％", "12.5%"):
        assert _read(app, kind, column, text) == ([text.rstrip("%％ ").strip()], [])
