"""A reversal in a ledger column of an import (a contract's payments, an agreement's
disbursements, a deal's income): `reversal | 2 | 2024-08-01 | paid twice`, the entry it undoes
named by its number in the same cell (1 is the first entry written, reversals counted too),
the date it no longer counts from, and why. It is recorded, after the entries before it, by the
ledger's own reversing service (`reverse_payment`, `reverse_disbursement`, `reverse_income`,
which check the date and the reason as for the reversal's form), so that a network's history
comes in whole, its mistakes and their reversals with it, into an empty database; the export
writes each reversal so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.imports.cells import CellError, iso_date

_MARK = re.compile(r"^\s*(?:reversal|reversed|冲销|冲正)\s*[|｜]", re.I)


@dataclass(frozen=True)
class Reversal:
    of: int  # the number of the entry it reverses in its cell, from 1
    on: date
    reason: str

    def written(self) -> str:
        return f"reversal | {self.of} | {self.on.isoformat()} | {self.reason}"


def negative() -> str:
    """Said of an entry with a negative amount: it is not how a reversal is written."""
    return _("A negative amount records nothing: write a reversal as reversal | the number of "
             "the entry it reverses in this cell | the date reversed | the reason.")


def is_reversal(text: str) -> bool:
    return bool(_MARK.match(text))


def read(text: str, column: str, position: int, entries: Sequence[Any]) -> Reversal:
    """The reversal written at `position` (from 1) of a cell whose earlier entries are
    `entries`: refused unless it names one of them that is neither a reversal nor reversed
    already by an earlier one."""
    pieces = [p.strip() for p in text.replace("｜", "|").split("|", 3)]
    if len(pieces) != 4 or not pieces[1].isdigit():
        raise CellError(_("Write a reversal as reversal | the number of the entry it reverses "
                          "in this cell | the date reversed | the reason, e.g. reversal | 2 | "
                          "2024-08-01 | recorded twice."), column)
    try:  # the date and the reason are the reversing service's to check, as on its page
        on = date.fromisoformat(iso_date(pieces[2]))
    except ValueError:
        raise CellError(_("Not a date: %(value)s.", value=pieces[2]), column) from None
    of = int(pieces[1])
    undone = {e.of for e in entries if isinstance(e, Reversal)}
    if not 1 <= of < position or isinstance(entries[of - 1], Reversal) or of in undone:
        raise CellError(_("Entry %(n)d: a reversal names an earlier entry of its cell, one "
                          "neither a reversal nor reversed already (%(of)s is not).",
                          n=position, of=pieces[1]), column)
    return Reversal(of, on, pieces[3])


def written(entries: Sequence[Any], line: Callable[[Any], str]) -> str:
    """A cell's entries as the import reads them, each reversal as a reversal."""
    return "; ".join(e.written() if isinstance(e, Reversal) else line(e) for e in entries)


def recorded(records: Sequence[Any], line: Callable[[Any], Any]) -> list[Any]:
    """A ledger's records in the column's order (each as `line` writes it), each reversing
    one (`reverses_id`) as a `Reversal` of the number of what it reverses."""
    numbers = {r.id: n for n, r in enumerate(records, start=1)}
    return [Reversal(numbers[r.reverses_id], _date_of(r), r.reason) if r.reverses_id
            else line(r) for r in records]


def _date_of(record: Any) -> date:
    return next(getattr(record, f) for f in ("received_on", "paid_on", "on_date")
                if hasattr(record, f))


def record(new: Sequence[Any], made: list[Any], column: str, add: Callable[[Any], Any],
           reverse: Callable[[Any, Reversal], Any], problems: Problems) -> None:
    """Each entry of `new` recorded in order: a reversal by `reverse` (what it reverses, the
    reversal), any other by `add`, which returns the record made (None: it was refused and
    said so). `made`: the records of the entries before, numbered as the cell numbers them."""
    for entry in new:
        if not isinstance(entry, Reversal):
            made.append(add(entry))
            continue
        target = made[entry.of - 1] if entry.of <= len(made) else None
        if target is None:  # what it reverses was refused: said already
            made.append(None)
            continue
        try:
            made.append(reverse(target, entry))
        except Invalid as error:
            problems.found += error.renamed(lambda _field: column)
            made.append(None)
        except (Refused, Forbidden) as error:
            problems.add(column, _("Entry %(n)d: %(problem)s", n=len(made) + 1,
                                   problem=error.message))
            made.append(None)
