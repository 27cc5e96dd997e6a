"""The order in which a companies row's ledger is recorded: what the file adds to each of its
ledger columns (the cap table's reversals, later issues, transfers, rounds, conversions, the
exit) and the reversals it writes in them (`reversal | N | date | reason`, N the entry's
number in its own cell), all in one sequence by date, as they can have happened.

On one day: an exit's reversal first (the ledger reopens), then the issues, transfers and
rounds (each round's conversions after it), then the reversals of conversions, transfers,
rounds and issues in that order (a conversion before its round, a round before the shares it
was priced on, a transfer before the issue it passed on), and the exit last. An exit that
stands is recorded after every other entry (its page refuses one dated before the last); one
reversed (`reversed_exits`), on its date. A reversal never comes before what it reverses, nor
an entry before a reversal its cell writes before it. Each entry is recorded by its page's
service and each reversal by the company page's reversing service
(`companies.corrections`, a conversion's by `funding.corrections.reverse_conversion`), so the
same refusals hold.

That rule is a guess of the order on one day; the row's `recorded_order` cell says it where
it was otherwise (`issues 2; transfers 1; issues 3`: each entry by its column and its number
in that cell, in the order recorded), and the entries of such a day are recorded in that order
(`listing`). The export writes the cell for each day whose entries the rule would put in
another order than they were recorded in (`recorded_order`), so a ledger where an entry was
recorded, reversed and recorded again on one day comes back as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from tracker.display.formatting import day
from tracker.display.said import listed
from tracker.errors import Forbidden, Problems
from tracker.funding.models import Conversion
from tracker.imports import cells, columns, headings, ledger_lines, list_cells, reversal_lines
from tracker.imports.cells import CellError
from tracker.imports.reversal_lines import Reversal, Void

FIRST, LAST = -1, 9  # an exit's reversal, and the exit, on their day
# On one day, the grants file's entries after the companies file's but before the exit that
# stands (`tracker/imports/replay.py`).
GRANTS = LAST - 0.5
LISTED = -2  # an entry of a day the file orders (`recorded_order`), in the order listed
# Each ledger column's place among the entries of a day: its entries', its reversals'.
RANKS = {"holdings": (0, 8), "issues": (0, 8), "transfers": (1, 6), "rounds": (2, 7),
         "conversions": (3, 5), "reversed_exits": (LAST, FIRST), "exit": (LAST, FIRST)}


@dataclass
class Column:
    """One ledger column of a companies row: its records as recorded (`records`, as
    `reversal_lines.recorded` writes them: `entries`), how an entry is said, dated and
    recorded, and how one of its records is reversed; its `RANKS` place its entries and its
    reversals among the others of their day."""

    key: str
    records: list
    entries: list
    describe: Callable[[Any], str]
    dated: Callable[[Any], date]
    add: Callable[[Any, Problems], Any] | None  # None: its entries are recorded otherwise
    reverse: Callable[[Any, Reversal], Any]

    @property
    def rank(self) -> int:
        return RANKS[self.key][0]

    @property
    def reversal_rank(self) -> int:
        return RANKS[self.key][1]


Event = tuple[tuple, Callable[[Problems], None]]  # (its place in the ledger's order, its act)


def events(columns: list[Column], wanted: dict[str, list | None], problems: Problems,
           listed: list[tuple[str, int]] | None = None) -> list[Event]:
    """What the file adds to each column, in date order, the entries of a day the file lists
    (`listed`: the row's `recorded_order`, each entry by its column and its place in that cell
    from 0) in the order listed, each with its place in that order and its act, which records
    it when called with the row's problems; each recorded entry a column lacks is refused,
    naming it, and then there is nothing to record (`wanted[key]` None: the file has no such
    column, and adds nothing to it). The companies import records them at once, or, with the
    grants file, among the grants' entries (`tracker/imports/replay.py`)."""
    order = {entry: n for n, entry in enumerate(listed or [])}
    placed: list[Event] = []
    for column in columns:
        cell = wanted.get(column.key)
        if cell is None:
            continue
        found = reversal_lines.compared(cell, column.entries)
        ledger_lines.missing(found, column.entries, column.key, column.describe, problems)
        made: dict[int, Any] = {}
        for key, at, entry in _placed(column, cell, found.new, order):
            placed.append((key, partial(_reverse, column, cell, found, made, at)
                           if isinstance(entry, Reversal) else
                           partial(_add, column, made, at, entry)))
    _check_listed(columns, wanted, order, [key for key, _call in placed], problems)
    if problems:
        return []
    return sorted(placed, key=lambda event: event[0])


def _placed(column: Column, cell: list, new: list[tuple[int, Any]],
            order: dict[tuple[str, int], int]) -> list[tuple[tuple, int, Any]]:
    """The column's new entries, each with the key it is recorded by: (its date, then its place
    among the entries of that day), an entry the file lists placed as listed."""
    found: list[tuple[tuple, int, Any]] = []
    keys: dict[int, tuple] = {}
    last: tuple = ()
    for at, entry in new:
        if isinstance(entry, Reversal):
            key = (entry.on, column.reversal_rank, at)
        elif column.add is not None:
            on = column.dated(entry)
            if column.rank == LAST and not any(isinstance(e, Reversal) and e.of == at + 1
                                               for e in cell):
                on = date.max  # an exit that stands ends the ledger: after every entry
            key = (on, column.rank, at)
        else:
            continue
        if (column.key, at) in order and key[0] != date.max:
            key = (key[0], LISTED, order[column.key, at])
        if isinstance(entry, Reversal) and entry.of - 1 in keys:  # never before what it reverses
            key = max(key, (*keys[entry.of - 1], 1))
        # Never before a reversal its cell writes before it (a conversion made again at the
        # round after the first one's reversal).
        keys[at] = key = key if key > last else (*last, at)
        if isinstance(entry, Reversal):
            last = key
        found.append((key, at, entry))
    return found


def _check_listed(columns: list[Column], wanted: dict[str, list | None],
                  order: dict[tuple[str, int], int], keys: list[tuple],
                  problems: Problems) -> None:
    """Each entry the file lists is one of its cells'; a day it orders is ordered whole."""
    cells = {c.key: wanted.get(c.key) for c in columns}
    for key, at in order:
        if cells.get(key) is None or at >= len(cells[key]):
            problems.add("recorded_order", _("%(entry)s: the column has no such entry.",
                                             entry=f"{key} {at + 1}"))
    listed_days = {k[0] for k in keys if k[1] == LISTED}
    if any(k[0] in listed_days and k[1] != LISTED for k in keys):
        problems.add("recorded_order", _(
            "List every entry the row adds on a day it orders: %(days)s.",
            days=listed(sorted(day(d) for d in listed_days))))


def recorded_order(columns: list[Column]) -> list[tuple[str, int]]:
    """The entries of each day the import would record in another order than they were
    recorded in (each record's `recorded_at`, a conversion's `decided_at`), in that order: what
    the export writes in `recorded_order`, so that the file is replayed as it happened."""
    placed = []
    for column in columns:
        start = max((n for n, e in enumerate(column.entries) if isinstance(e, Void)),
                    default=-1) + 1  # a voided table's entries come first, in the cell's order
        new = list(enumerate(column.entries))[start:]
        placed += [(key, column.key, at, column.records[at])
                   for key, at, _entry in _placed(column, column.entries, new, {})]
    placed.sort(key=lambda p: p[0])
    found: list[tuple[str, int]] = []
    for _day, group in itertools.groupby(placed, key=lambda p: p[0][0]):
        replayed = list(group)
        happened = sorted(replayed, key=lambda p: _when(p[3]))
        if [p[1:3] for p in happened] != [p[1:3] for p in replayed]:
            found += [p[1:3] for p in happened]
    return found


def _when(record: Any) -> datetime:
    return record.decided_at if isinstance(record, Conversion) else record.recorded_at


def listing(text: str) -> list[tuple[str, int]]:
    """'issues 2; transfers 1; issues 3': each entry by its column (its key or its header in
    either language) and its number in that cell, as (key, place from 0)."""
    names = headings.headers_of(columns.COMPANIES, current_app.config["LANGUAGES"])
    found = list_cells.each((p.strip() for p in cells.parts(text)), lambda part: _listed(
        names, part), "recorded_order")
    if len(set(found)) != len(found):
        raise CellError(_("Each entry is listed once."), "recorded_order")
    return found


def _listed(names: dict[str, str], part: str) -> tuple[str, int]:
    name, _sep, number = part.rpartition(" ")
    key = names.get(headings.heading_key(name))
    if key not in RANKS or not number.isdigit() or int(number) < 1:
        raise CellError(_("Name each entry by its column and its number in that column's "
                          "cell, in the order recorded, e.g. issues 2; transfers 1."),
                        "recorded_order")
    return key, int(number) - 1


def written(listed: list[tuple[str, int]]) -> str:
    return "; ".join(f"{key} {at + 1}" for key, at in listed)


def _add(column: Column, made: dict[int, Any], at: int, entry: Any,
         problems: Problems) -> None:
    made[at] = column.add(entry, problems)


def _reverse(column: Column, cell: list, found: reversal_lines.Compared, made: dict[int, Any],
             at: int, problems: Problems) -> None:
    entry = cell[at]
    of = entry.of - 1
    target = column.records[found.found[of]] if of in found.found else made.get(of)
    if target is None:  # what it reverses was refused: said already
        return
    made[at] = ledger_lines.recorded(
        lambda: column.reverse(target, entry), column.key,
        reversal_lines.described(cell, at, column.describe), problems, refusals=(Forbidden,))
