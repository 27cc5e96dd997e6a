"""The order in which a companies row's ledger is recorded: what the file adds to each of its
ledger columns (the cap table's reversals, later issues, transfers, rounds, conversions, the
exit) and the reversals it writes in them (`reversal | N | date | reason`, N the entry's
number in its own cell), all in one sequence by date, as they can have happened.

On one day: an exit's reversal first (the ledger reopens), then the issues, transfers and
rounds (each round's conversions after it), then the reversals of conversions, transfers,
rounds and issues in that order (a conversion before its round, a round before the shares it
was priced on, a transfer before the issue it passed on), and the exit last. An exit that
stands is recorded after every other entry (its page refuses one dated before the last); one
the cell reverses, on its date. A reversal never comes before what it reverses, nor an entry
before a reversal its cell writes before it. Each entry is recorded by its page's service and each
reversal by the company page's reversing service (`companies.corrections`, a conversion's by
`funding.corrections.reverse_conversion`), so the same refusals hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from tracker.errors import Forbidden, Problems
from tracker.imports import ledger_lines, reversal_lines
from tracker.imports.reversal_lines import Reversal

FIRST, LAST = -1, 9  # an exit's reversal, and the exit, on their day


@dataclass
class Column:
    """One ledger column of a companies row: its records as recorded (`records`, as
    `reversal_lines.recorded` writes them: `entries`), how an entry is said, dated and
    recorded, and how one of its records is reversed; `rank` and `reversal_rank` place its
    entries and its reversals among the others of their day."""

    key: str
    records: list
    entries: list
    describe: Callable[[Any], str]
    dated: Callable[[Any], date]
    add: Callable[[Any, Problems], Any] | None  # None: its entries are recorded otherwise
    reverse: Callable[[Any, Reversal], Any]
    rank: int
    reversal_rank: int


def record(columns: list[Column], wanted: dict[str, list | None], problems: Problems) -> None:
    """What the file adds to each column, recorded in date order; each recorded entry a
    column lacks is refused, naming it, and then nothing is recorded (`wanted[key]` None: the
    file has no such column, and adds nothing to it)."""
    events: list[tuple[tuple, Callable[[Problems], None]]] = []
    for column in columns:
        cell = wanted.get(column.key)
        if cell is None:
            continue
        found = reversal_lines.compared(cell, column.entries)
        ledger_lines.missing(found, column.entries, column.key, column.describe, problems)
        made: dict[int, Any] = {}
        keys: dict[int, tuple] = {}
        last: tuple = ()
        for at, entry in found.new:
            if isinstance(entry, Reversal):
                key = (entry.on, column.reversal_rank, at)
                if entry.of - 1 in keys:  # never before what it reverses
                    key = max(key, (*keys[entry.of - 1], 1))
                call = partial(_reverse, column, cell, found, made, at)
            elif column.add is not None:
                on = column.dated(entry)
                if column.rank == LAST and not any(isinstance(e, Reversal) and e.of == at + 1
                                                   for e in cell):
                    on = date.max  # an exit that stands ends the ledger: after every entry
                key = (on, column.rank, at)
                call = partial(_add, column, made, at, entry)
            else:
                continue
            # Never before a reversal its cell writes before it (a conversion made again at
            # the round after the first one's reversal).
            keys[at] = key = key if key > last else (*last, at)
            if isinstance(entry, Reversal):
                last = key
            events.append((key, call))
    if problems:
        return
    for _key, call in sorted(events, key=lambda event: event[0]):
        call(problems)


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
