"""From a cell's text to what the form field expects: a choice by its value, its label in either
language or a short form of it (`tracker.display.choice_names`), a date in ISO form, a yes or
no, a number, an amount; a reference is found by its natural key in `tracker.imports.references`
and a form's errors said as an import says them in `tracker.imports.form_problems`.

Only the spelling is translated here; whether the value is acceptable is the form's and the
service's to say, as for a person typing it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from tracker.display import choice_names, said
from tracker.display.labels import label
from tracker.imports import shortened, wan
from tracker.imports.columns import Column, Kind
from tracker.names import half_width
from tracker.numbers import refuse_wan, ungrouped


class CellError(ValueError):
    """The cell's text names nothing the form could take; the message says why. `column`:
    the column's key, when the error is found after the cells were read."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.column = column


# A cell's entries' separators: never a comma, which a number may hold (`number`).
PARTS = re.compile(r"[;；\n]+")


def parts(text: str, separators: re.Pattern = PARTS) -> list[str]:
    """A cell's entries as written, the blank ones left out."""
    return [part for part in separators.split(text) if part.strip()]


def pieces(part: str, most: int = -1) -> list[str]:
    """An entry's pieces, split at its bars (at most `most` times) and trimmed: | or ｜, the
    full-width bar a Chinese input method types, read as one (as ； and ： are, issue 13,
    adoption finding F9: 5000000｜阶段门1 was refused for a bar that looks the same)."""
    return [piece.strip() for piece in part.replace("｜", "|").split("|", most)]


def pair(part: str, column: str, how: str) -> tuple[str, str]:
    """An entry written `left: right` (a colon of either width, the last one), both sides
    trimmed; `how` says how to write it when it has none."""
    left, sep, right = part.replace("：", ":").rpartition(":")
    if not sep:
        raise CellError(how, column)
    return left.strip(), right.strip()


# How Excel shows a long number it rounded (1.23457E+07): `scientific`.
_SCIENTIFIC = re.compile(r"\s*[-+]?\d+(?:\.\d*)?[eE][-+]?\d+\s*")


def scientific(text: str, column: str = "") -> None:
    """Refuse `text` written in scientific notation: its digits are lost (`number_cells`)."""
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(_("%(value)s is written in scientific notation, as Excel shows a long "
                          "number it has rounded: its digits are lost. Format the column as a "
                          "number (or as text) in Excel, then save the file again.",
                          value=text.strip()), column)


def number(text: str, column: str, in_yuan: bool = False) -> str:
    """A number as every number field reads it (`numbers.ungrouped`), refused beside `column`;
    never one in scientific notation, nor in 万 (`numbers.refuse_wan`; `in_yuan`: an amount)."""
    scientific(text := half_width(text), column)  # full-width digits typed as usual
    try:
        refuse_wan(text, in_yuan)
        return ungrouped(text.strip())
    except ValueError as error:  # a separator not grouping thousands
        raise CellError(str(error), column) from None


def money(text: str, kind: Kind, column: str) -> str:
    """An amount in an entry of list column `column` of `kind`, as the amount field reads it:
    in 万 when the file heads the column so (`wan.money`). The one reader of a list cell's
    amounts, so a column read here is one whose header is read in 万 (`Column.amounts`,
    which `wan.headers_of` reads): four were forgotten, their headers in 万 refused (issue
    13, review), and a column not declared so is refused here, by any test that reads it."""
    if not kind.column(column).amounts:
        raise ValueError(f"{kind.name}.{column} holds amounts: declare it amounts=True")
    return number(wan.money(text, kind.name, column), column, in_yuan=True)


def amount(text: str, kind: Kind, column: str) -> Decimal:
    """An amount of a list cell's entry (1,500,000 or 1500000.00, `money`), refused as the
    forms' `MoneyField` refuses it."""
    try:
        value = Decimal(money(text, kind, column))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise CellError(_("Enter an amount such as 1234567.89."), column)
    return value


# The cell errors of the row being read (`reading_row`), or None outside one.
_ROW_ERRORS: ContextVar[list[tuple[str, str]] | None] = ContextVar("row_errors", default=None)


@contextmanager
def reading_row() -> Iterator[list[tuple[str, str]]]:
    """While a row is read: the (column, message) of each column `read` could not read,
    instead of the first one stopping the row, so that its other columns are still read and
    checked and the row is told every problem at once, as a form is."""
    token = _ROW_ERRORS.set([])
    try:
        yield _ROW_ERRORS.get()
    finally:
        _ROW_ERRORS.reset(token)


def read(column: str, parse: Callable[..., Any], *args: Any) -> Any:
    """`parse(*args)`, a column's cells as the adapter takes them; while a row is read, a cell
    error is noted for its column and the column reads as left out of the file (None)."""
    try:
        return parse(*args)
    except CellError as error:
        note(error, column)
        return None


def unreadable(*columns: str) -> bool:
    """Whether a column of `columns` could not be read in the row being read (and checked):
    what rests on it (the payments on the instalments, a ledger's later entries on its cap
    table) is not checked either, or the row would be told problems that are not its own."""
    errors = _ROW_ERRORS.get() or []
    return any(column in columns for column, _message in errors)


def listed_in_wan(kind: Kind, total: str, column: str, given: dict[str, list[str]],
                  amounts: Iterable[object]) -> None:
    """Note list column `column`'s amounts as written in 万 when they look so beside
    `kind`'s `total` column headed in 万 (`wan.listed_in_yuan`): each kind with a total and
    a list of its amounts (a project's budget lines, a contract's instalments, an
    agreement's tranches) asks here."""
    said = wan.listed_in_yuan(kind, total, column, (given.get(total) or [""])[0], amounts)
    if said:
        note(CellError(said, column))


def note(error: CellError, column: str = "") -> None:
    """The cell error noted for its column while a row is read; raised outside one."""
    errors = _ROW_ERRORS.get()
    if errors is None:
        raise error
    errors.append((error.column or column, str(error)))


_SEPARATORS = re.compile(r"[,;，；、/]+")
# A date, and the midnight many exporters write after it (2021-03-05 00:00:00): a day alone.
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]+0?0:00(?::00(?:\.0+)?)?)?$")
_YES = {"yes", "y", "true", "1", "是", "有效", "x", "✓"}
_NO = {"no", "n", "false", "0", "否", "无效"}


def accepted(enum_cls: type[enum.Enum] | Iterable[enum.Enum]) -> str:
    """The choices, each by its code and its label in the reader's language."""
    return said.listed([_("%(code)s (%(label)s)", code=member.value, label=label(member))
                              for member in enum_cls])


def choice(column: Column, text: str) -> str | list[str]:
    """A choice by its code, its English or Chinese label, or a short form of one where the
    column reads them (`Column.shortened`); refused with the list of the accepted ones, or of
    those a short form is short for."""
    names = choice_names.of_enum(column.choices)
    parts = [p for p in _SEPARATORS.split(text) if p.strip()] if column.many else [text]
    values, unknown = [], []  # every choice a cell of several names wrongly, said at once
    for part in parts:
        found = names.read(part, shortened=column.shortened)
        if len(found) > 1:
            raise CellError(_("%(value)s is short for several choices: %(choices)s. Write one "
                              "of them, by its code or its label.", value=part.strip(),
                              choices=accepted(column.choices(v) for v in found)))
        if not found:
            unknown.append(part.strip())
            continue
        if choice_names.folded(part) not in names.exact:
            shortened.note(column, part, found[0])
        values.append(found[0])
    if unknown:
        raise CellError(_("Not one of the choices: %(value)s. Write one of %(choices)s, by its "
                          "code or its label in English or Chinese.", value=said.listed(unknown),
                          choices=accepted(column.offered or column.choices)))
    return values if column.many else values[0]


def locale(text: str) -> str:
    """A language by its code, its name, a short form of it (中文) or a language tag (zh,
    en-US: `choice_names.locale_of`); else as written, which the form refuses with the
    languages it offers."""
    return choice_names.locale_of(text) or text


def iso_date(text: str) -> str:
    match = _DATE.match(text := half_width(text))  # ２０２１／３／５ as usual
    if not match:
        return text  # the form says what is wrong with it
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def split(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATORS.split(text) if p.strip()]


def flag(text: str) -> bool:
    folded = text.strip().casefold()
    if folded in _YES | _NO:
        return folded in _YES
    raise CellError(_("Write yes or no."))
