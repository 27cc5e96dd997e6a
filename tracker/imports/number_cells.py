"""A number cell as a spreadsheet writes one that its column's form field would misread or
refuse with a bare "enter a number" (issue 13 point 3, point 1):

- Excel's scientific notation (`1.23457E+07`), which is how it shows a long number in a
  column too narrow for it, after rounding it: the digits are lost, so it is refused in every
  number column (amounts, counts, percentages, years) and every number of a list cell
  (`cells.number`), saying to format the column as a number or as text, where 12,345,700
  was imported;
- a percentage with its sign (`20%`) in a column of percentages: unambiguous, read as 20;
- an amount in 万 (`50万元`, `100万`) in a column of 元: refused saying what to write
  (500000), never multiplied silently: a 万 may be a slip as well as a unit;
- a year with 年 after it (`2021年`): refused saying to write 2021.

A number column is one its form field reads a number in (a `DecimalField`: every
`NumberField`, or an `IntegerField`: a `YearField`, the only one the forms have); its header
names its unit, (CNY) for amounts in 元 and (%) for percentages.
"""

from __future__ import annotations

import re
from functools import cache

from flask_babel import gettext as _
from wtforms.fields import DecimalField, IntegerField
from wtforms.fields.core import UnboundField

from tracker.imports.cells import CellError, scientific
from tracker.imports.column_types import Column, header_in
from tracker.numbers import refuse_wan

_YEAR = re.compile(r"\s*(\d{4})\s*年(?:度)?\s*")
_PERCENT = re.compile(r"\s*([^%％]*?)\s*[%％]\s*")


@cache
def number_fields(form_class: type) -> dict[str, type]:
    """{field name: class} of `form_class`'s number and year fields."""
    found = {}
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if isinstance(field, UnboundField) and issubclass(field.field_class,
                                                          (DecimalField, IntegerField)):
            found[name] = field.field_class
    return found


def typed(column: Column, field_class: type | None, text: str) -> str:
    """`text` as `column`'s number field reads it, or refused saying what to write."""
    if field_class is None:
        return text
    scientific(text)
    if issubclass(field_class, IntegerField) and (year := _YEAR.fullmatch(text)):
        raise CellError(_("Write the year alone: %(year)s, not %(value)s.",
                          year=year.group(1), value=text.strip()))
    if _says(column, "(CNY)"):
        try:
            refuse_wan(text, in_yuan=True)
        except ValueError as error:
            raise CellError(str(error)) from None
    if _says(column, "(%)") and (percent := _PERCENT.fullmatch(text)):
        return percent.group(1)
    return text


def without_percent(text: str) -> str | None:
    """The number of a percentage written with its sign (60%, 12.5 ％), else None."""
    percent = _PERCENT.fullmatch(text)
    return percent.group(1) if percent and percent.group(1) else None


def _says(column: Column, unit: str) -> bool:
    """Whether `column`'s header names `unit`: (CNY) for amounts in 元, (%) percentages."""
    return unit in header_in(column.header, "en")
