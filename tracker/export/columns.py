"""A column of a list: its header, how to read it from a row, and what kind of value it holds.

The kind decides how the page shows the value (`shown`) and how a file stores it (`cell`):
money as a number with two decimals, dates as dates, instants as the organisation's local time,
enum values as their translated label, text neutralised against formula injection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from flask_babel import gettext as _

from tracker.dates import org_zone
from tracker.display import formatting
from tracker.display.labels import label
from tracker.money import CENT, PERCENT_QUANTUM, cents

# The most decimals a price per share is written with (`formatting.price`), and any other
# number (`formatting.number`: Babel's pattern, #,##0.###, which rounds half to even).
PRICE_DIGITS = Decimal("0.00000001")
NUMBER_DIGITS = Decimal("0.001")


class Kind:
    """The kinds of column (plain strings: templates compare them, and nobody reads them)."""

    TEXT = "text"
    CODE = "code"  # a reference such as a project code: text, shown in monospace
    LABEL = "label"  # an enum value: its translated label
    INT = "int"
    YEAR = "year"  # a year: 2021 on the page and in the file, never 2,021
    NUMBER = "number"  # a Decimal such as a number of shares
    MONEY = "money"  # CNY, two decimals
    PRICE = "price"  # a price per share: two decimals at least, up to eight
    PCT = "pct"  # a percentage already in per cent (53.67)
    MULTIPLE = "multiple"  # a return multiple, value over cost: 16.00×, two decimals
    DATE = "date"
    INSTANT = "instant"  # a UTC-aware datetime, shown in the organisation's zone
    BOOL = "bool"


NUMERIC = {Kind.INT, Kind.NUMBER, Kind.MONEY, Kind.PRICE, Kind.PCT, Kind.MULTIPLE}
# A year is not among them: a list by year labels its total row "Total" in the year column.
TYPED = NUMERIC | {Kind.DATE, Kind.INSTANT}

# A cell whose text starts with one of these is read as a formula (or, for tab and carriage
# return, as one once the spreadsheet trims it): every CSV file we write gets it with a leading
# apostrophe (`neutralised`). The XLSX file writes it as a string cell, which no spreadsheet
# evaluates, as it is (an apostrophe there is a character of the text, shown to the reader).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# A text starting with the apostrophe itself gets a second one, as a spreadsheet wants it typed,
# so that a file is read back without doubt (`as_written`): "'=1" is the text =1, "''x" is 'x.
QUOTED_STARTS = (*FORMULA_STARTS, QUOTE)

_SHOWN: dict[str, Callable[[Any], str]] = {
    Kind.MONEY: formatting.money,
    Kind.NUMBER: formatting.number,
    Kind.PRICE: formatting.price,
    Kind.INT: formatting.number,
    Kind.YEAR: formatting.year,
    Kind.PCT: formatting.pct,
    Kind.MULTIPLE: formatting.multiple,
    Kind.DATE: formatting.day,
    Kind.INSTANT: formatting.instant,
    Kind.LABEL: label,
}


def neutralised(text: str) -> str:
    """`text` as a spreadsheet must take it: never as a formula. Text only: a number's minus
    sign is no formula, so writers give a number (-5) as it is."""
    return QUOTE + text if text.startswith(QUOTED_STARTS) else text


def as_written(text: str) -> str:
    """The text a CSV cell was `neutralised` from: the one apostrophe before a formula's first
    character or another apostrophe dropped (the import reads a CSV's cells so); any other
    cell as it is ("'tis" stays "'tis")."""
    return text[1:] if text.startswith(QUOTE) and text[1:].startswith(QUOTED_STARTS) else text


@dataclass(frozen=True)
class Column:
    """One column of a list. `value(row)` gives the typed value (a Decimal, a date, an enum
    member ...); `link(row)`, when given, makes the page's cell a link (files carry no links);
    `tone(row)` an optional tag class of the page's cell; `css` the cell's class on the page
    (`text-cell` keeps line breaks); `width` is in characters, for XLSX. `in_page` and `in_file`
    say where it appears: a name is shown in the reader's language on the page and carried in
    both languages, as two columns, by the file."""

    header: Any  # a lazy gettext string: read in the user's language when the list is drawn
    value: Callable[[Any], Any]
    kind: str = Kind.TEXT
    width: int = 16
    link: Callable[[Any], str] | None = None
    tone: Callable[[Any], str | None] | None = None
    css: str = ""
    in_page: bool = True
    in_file: bool = True
    # What the page says for an empty value where "—" would mislead (a stake no round has
    # priced: "No round yet", not 0 nor nothing); None: the usual "—". A file says it only in
    # a text column: a typed column (money, a date, a number) holds its type or nothing, so
    # a spreadsheet sums and sorts it (`typed`).
    blank: Callable[[Any], Any] | None = None
    # The page's cell as HTML, escaped by it, where its parts link (a history's files); files
    # carry `shown`'s text.
    markup: Callable[[Any], str] | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def typed(self) -> bool:
        """A file's cell of this column is a number, a date or empty, never text."""
        return self.kind in TYPED

    def shown(self, row: Any) -> str:
        """The value as the page shows it, in the page's language."""
        value = self.value(row)
        if value is None and self.blank is not None and (said := self.blank(row)):
            return str(said)
        if value is None or value == "":
            return "—" if self.kind != Kind.TEXT else ""
        if self.kind == Kind.BOOL:
            return _("Yes") if value else _("No")
        return _SHOWN.get(self.kind, str)(value)

    def cell(self, row: Any) -> Any:
        """The value as a file stores it: a number, a date, a naive local datetime, or text
        (the CSV writer neutralises a formula's, `neutralised`); None for an empty cell."""
        value = self.value(row)
        if value is None:
            said = self.blank(row) if self.blank is not None and not self.typed else None
            return str(said) if said else None
        if self.kind == Kind.MONEY:
            return cents(Decimal(value))
        if self.kind == Kind.NUMBER:
            # As the page writes it: 14, not 14.0 (a day count, shares stored with decimals),
            # and at most three decimals (`formatting.number`): 2.333, not 2.3333333...
            number = Decimal(value).quantize(NUMBER_DIGITS, ROUND_HALF_EVEN)
            return int(number) if number == number.to_integral_value() else number.normalize()
        if self.kind == Kind.MULTIPLE:
            return Decimal(value).quantize(CENT, ROUND_HALF_UP)
        if self.kind == Kind.PCT:
            # Two decimals, as the page writes it: 0.00 beside 25.00, never 0 (T22)
            return Decimal(value).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)
        if self.kind == Kind.PRICE:
            # At least two decimals and every one it has, up to eight: 12.00, 1.23456789
            price = Decimal(value).quantize(PRICE_DIGITS, ROUND_HALF_UP).normalize()
            return price.quantize(CENT) if price.as_tuple().exponent > -2 else price
        if self.kind == Kind.INT or (self.kind == Kind.YEAR and isinstance(value, int)):
            return int(value)
        if self.kind == Kind.DATE:
            return value if not isinstance(value, datetime) else value.date()
        if self.kind == Kind.INSTANT:
            return value.astimezone(org_zone()).replace(tzinfo=None, microsecond=0)
        if self.kind == Kind.BOOL:
            return _("Yes") if value else _("No")
        if self.kind == Kind.LABEL:
            return label(value)
        return str(value)


def cell_functions(columns: list[Column]) -> list[Callable[[Any], Any]]:
    """Each column's `cell`, for one file: an enum value's label is looked up once per value,
    not once per row (gettext on every cell is most of a large export's time)."""
    return [_labelled_once(c) if c.kind == Kind.LABEL else c.cell for c in columns]


def _labelled_once(column: Column) -> Callable[[Any], Any]:
    seen: dict[Enum, str] = {}

    def cell(row: Any) -> Any:
        value = column.value(row)
        if not isinstance(value, Enum):
            return column.cell(row)
        if value not in seen:
            seen[value] = label(value)
        return seen[value]

    return cell


def headers(columns: list[Column]) -> list[str]:
    """A file's headers. A percentage's and an amount's say their unit, "Stake (%)", "Budget
    (CNY)": their cells are bare numbers (25.00, 1200.00); on the page each cell says "25.00%"
    or "CN¥1,200.00" and its header says it no more. The one rule of where a unit is said."""
    return [header_in_file(c) for c in columns]


def header_in_file(column: Column) -> str:
    """A column's header in a file: with its unit where its cells are bare numbers."""
    if column.kind == Kind.PCT:
        return _("%(header)s (%%)", header=column.header)
    if column.kind in (Kind.MONEY, Kind.PRICE):
        return _("%(header)s (CNY)", header=column.header)
    return str(column.header)
