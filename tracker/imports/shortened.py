"""The choices an import read from a short form of their label (issue 13), listed on its run.

A cell may write a choice shortened (中型 for 中型企业, `tracker.display.choice_names`), read
whenever one choice fits: a data officer sees each such reading before anything is written. A
run lists, per column, each distinct short form it read, the label it read it as and the rows
that wrote it (a dry run's page and `flask import --dry-run`, then the real run's). A value or a
whole label is no reading to check, and is not listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask_babel import ngettext

from tracker.display import said
from tracker.display.choice_names import folded
from tracker.display.labels import label
from tracker.imports import headings
from tracker.imports.column_types import Column, Kind

# The rows a reading names; past them, "…".
MAX_ROWS = 10


class _Noted:
    """The readings of a run: {(column, short form, value): [header, as written, label, rows]},
    and the row being read, of which kind."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str, str], list[Any]] = {}
        self.row: tuple[int, Kind] | None = None


_NOTED: ContextVar[_Noted | None] = ContextVar("shortened", default=None)


@contextmanager
def noting() -> Iterator[None]:
    """While a run imports: what `note` is told, which `taken` gives its run."""
    token = _NOTED.set(_Noted())
    try:
        yield
    finally:
        _NOTED.reset(token)


@contextmanager
def row(number: int, kind: Kind) -> Iterator[None]:
    """While row `number` of a file of `kind` is read."""
    noted = _NOTED.get()
    if noted is None:
        yield
        return
    before, noted.row = noted.row, (number, kind)
    try:
        yield
    finally:
        noted.row = before


def note(column: Column, text: str, value: str) -> None:
    """`text` of `column`, a short form, read as the choice `value`."""
    noted = _NOTED.get()
    if noted is None or noted.row is None:
        return
    number, kind = noted.row
    entry = noted.found.setdefault((f"{kind.name}.{column.key}", folded(text), value), [
        said.stored(headings.named(kind, column.key)), text.strip(),
        said.stored(label(column.choices(value))), []])
    if number not in entry[3]:
        entry[3].append(number)


def taken() -> list[list[Any]]:
    """The run's readings as its `ImportRun.readings` stores them: [header, short form, label,
    the first rows, how many rows], each column's together, in the order first read."""
    noted = _NOTED.get()
    if noted is None:
        return []
    order: dict[str, int] = {}
    for entry in noted.found.values():
        order.setdefault(str(entry[0]), len(order))
    found = sorted(noted.found.values(), key=lambda entry: order[str(entry[0])])
    return [[header, text, read_as, rows[:MAX_ROWS], len(rows)]
            for header, text, read_as, rows in found]


def lines(stored: list[list[Any]] | None) -> list[str]:
    """Each reading in the reader's language, its rows listed as the reader's lists are
    (`said.listed`): 企业规模: 中型 → Medium enterprise (rows 2, 4); 企业规模：中型 → 中型企业
    （第 2、4 行）."""
    return [ngettext("%(column)s: %(text)s → %(label)s (row %(rows)s)",
                     "%(column)s: %(text)s → %(label)s (rows %(rows)s)", count,
                     column=said.say(header), text=text, label=said.say(read_as),
                     rows=said.listed([*map(str, rows), *(["…"] if count > len(rows) else [])]))
            for header, text, read_as, rows, count in stored or []]
