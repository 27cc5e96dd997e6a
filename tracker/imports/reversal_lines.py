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

from tracker.display.formatting import day, not_a_date
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.imports import cells, list_cells
from tracker.imports.cells import CellError, iso_date

_MARK = re.compile(r"^\s*(?:reversal|reversed|冲销|冲正)\s*[|｜]", re.I)
_VOID = re.compile(r"^\s*(?:void|voided|作废)\s*[|｜]", re.I)


class _Reversing:
    """A reversal's line in its cell, whether `of` numbers the entry it reverses or names it
    (`Reversal`, `Elsewhere`)."""

    def written(self) -> str:
        return f"reversal | {self.of} | {self.on.isoformat()} | {self.reason}"


@dataclass(frozen=True)
class Reversal(_Reversing):
    of: int  # the number of the entry it reverses in its cell, from 1
    on: date
    reason: str


@dataclass(frozen=True)
class Elsewhere(_Reversing):
    """A reversal written in one cell of an entry another kind's file records (or recorded
    already): `reversal | TEST-2019-0042 disbursement 2 | date | reason`, `of` naming it in
    words (its record, then its number in that file's cell). Recorded where it stands in its
    cell, since it had to wait for something of this one (a disbursement's reversal for the
    reversal of the conversion of its money)."""

    of: str
    on: date
    reason: str


@dataclass(frozen=True)
class Void:
    """A founders' table voided whole (`corrections.void_founders`), in a cap table's cell
    after its holdings and their reversals: `void | 2020-03-01 | the split was wrong`, dated
    as the table it voids (its lines are reversed on their own date), and why
    (`tracker.imports.cap_tables`)."""

    on: date
    reason: str

    def written(self) -> str:
        return f"void | {self.on.isoformat()} | {self.reason}"


def negative() -> str:
    """Said of an entry with a negative amount: it is not how a reversal is written."""
    return _("A negative amount records nothing: write a reversal as reversal | the number of "
             "the entry it reverses in this cell | the date reversed | the reason.")


def is_reversal(text: str) -> bool:
    return bool(_MARK.match(text))


def is_void(text: str) -> bool:
    return bool(_VOID.match(text))


def read_void(text: str, column: str) -> Void:
    """`void | the table's date | reason`: the table written before it voided whole."""
    pieces = cells.pieces(text, 2)
    if len(pieces) != 3:
        raise CellError(_("Write a void as void | the date of the table it voids | the "
                          "reason, e.g. void | 2020-03-01 | the split was agreed otherwise."),
                        column)
    return Void(_reversal_date(pieces[1], column), pieces[2])


def read(text: str, column: str, position: int, entries: Sequence[Any],
         elsewhere: re.Pattern | None = None) -> Reversal | Elsewhere:
    """The reversal written at `position` (from 1) of a cell whose earlier entries are
    `entries`: refused unless it names one of them that is neither a reversal nor reversed
    already by an earlier one, or (`elsewhere`) an entry of another file, in words."""
    pieces = cells.pieces(text, 3)
    if (elsewhere is not None and len(pieces) == 4 and elsewhere.match(pieces[1])
            and not pieces[1].isdigit()):
        return Elsewhere(" ".join(pieces[1].split()), _reversal_date(pieces[2], column),
                         pieces[3])
    if len(pieces) != 4 or not pieces[1].isdigit():
        raise CellError(_("Write a reversal as reversal | the number of the entry it reverses "
                          "in this cell | the date reversed | the reason, e.g. reversal | 2 | "
                          "2024-08-01 | recorded twice."), column)
    on = _reversal_date(pieces[2], column)
    of = int(pieces[1])
    undone = {e.of for e in entries if isinstance(e, Reversal)}
    voided = max((n for n, e in enumerate(entries, start=1) if isinstance(e, Void)), default=0)
    if (not voided < of < position or isinstance(entries[of - 1], Reversal | Void)
            or of in undone):
        raise CellError(_("Entry %(n)d: a reversal names an earlier entry of its cell, one "
                          "neither a reversal nor reversed already (%(of)s is not).",
                          n=position, of=pieces[1]), column)
    return Reversal(of, on, pieces[3])


def _reversal_date(text: str, column: str) -> date:
    try:  # the date and the reason are the reversing service's to check, as on its page
        return date.fromisoformat(iso_date(text))
    except ValueError:
        raise CellError(not_a_date(iso_date(text)), column) from None


def entries(text: str, column: str, entry: Callable[[str], Any],
            elsewhere: re.Pattern | None = None) -> list[Any]:
    """A ledger cell's entries in order (separated by semicolons or lines), each read by
    `entry` from its text, a reversal as one (`read`); every entry refused is said at once
    (`list_cells`), an entry refused keeping its place (None) for the reversals after it."""
    found: list[Any] = []
    refused = list_cells.BadEntries()
    for part in cells.parts(text):
        found.append(None)
        with refused.entry(len(found)):
            found[-1] = (read(part, column, len(found), found[:-1], elsewhere)
                         if is_reversal(part) else entry(part))
    refused.raise_any(column)
    return found


def written(entries: Sequence[Any], line: Callable[[Any], str]) -> str:
    """A cell's entries as the import reads them, each reversal (and void) as one."""
    return "; ".join(e.written() if isinstance(e, Reversal | Elsewhere | Void) else line(e)
                     for e in entries)


def recorded(records: Sequence[Any], line: Callable[[Any], Any],
             reverses: Callable[[Any], Any] | None = None) -> list[Any]:
    """A ledger's records in the column's order (each as `line` writes it), each reversing
    one as a `Reversal` of the number of what it reverses: `reverses(record)` is what it
    reverses (None: not a reversal), by default the record its `reverses_id` names."""
    numbers = {id(r): n for n, r in enumerate(records, start=1)}
    if reverses is None:
        by_id = {r.id: r for r in records}
        reverses = lambda r: by_id[r.reverses_id] if r.reverses_id else None  # noqa: E731
    return [Reversal(numbers[id(undone)], _date_of(r), r.reason)
            if (undone := reverses(r)) is not None else line(r) for r in records]


def with_reversals(records: Sequence[Any], dated: Callable[[Any], date]) -> list[Any]:
    """Records whose reversal is a record of its own (`record.reversal`: a round's, an
    exit's), in the column's order: by date, and on one day in the order they were recorded
    (a round recorded, reversed and recorded again that day so), each reversal after what it
    reverses (on or after it, `reversals.check`)."""
    found = [(dated(r), r.recorded_at, n, 0, r) for n, r in enumerate(records)] + [
        (r.reversal.on_date, r.reversal.recorded_at, n, 1, r.reversal)
        for n, r in enumerate(records) if r.reversal is not None]
    return [r for *_key, r in sorted(found, key=lambda item: item[:4])]


def _date_of(record: Any) -> date:
    return next(getattr(record, f) for f in ("received_on", "paid_on", "on_date")
                if hasattr(record, f))


@dataclass
class Compared:
    """A file's cell beside the recorded one (both as the column writes them): which of the
    file's entries are recorded (`found`: its position, from 0, to the recorded one's), which
    it adds (`new`: position and entry, in the cell's order) and which recorded ones it lacks
    (`missing`: positions in the recorded cell)."""

    found: dict[int, int]
    new: list[tuple[int, Any]]
    missing: list[int]


def compared(wanted: Sequence[Any], recorded_: Sequence[Any]) -> Compared:
    """Each entry of the file found among the recorded ones by what it says (the first not
    found already), a reversal by the entry it reverses, its date and its reason; so a file
    may add entries dated between recorded ones, and the numbers its reversals give are its
    own cell's."""
    found: dict[int, int] = {}
    free = list(range(len(recorded_)))
    for at, entry in enumerate(wanted):
        if isinstance(entry, Reversal):
            of = found.get(entry.of - 1)
            match = next((i for i in free if isinstance(recorded_[i], Reversal) and of
                          is not None and (recorded_[i].of - 1, recorded_[i].on,
                                           recorded_[i].reason) == (of, entry.on,
                                                                    entry.reason)), None)
        else:
            match = next((i for i in free if recorded_[i] == entry), None)
        if match is not None:
            found[at] = match
            free.remove(match)
    return Compared(found, [(at, e) for at, e in enumerate(wanted) if at not in found], free)


def described(entries: Sequence[Any], at: int, describe: Callable[[Any], str]) -> str:
    """The entry at `at` of a cell said in words, a reversal by what it reverses."""
    entry = entries[at]
    if isinstance(entry, Reversal):
        return _("The reversal on %(date)s of %(entry)s", date=day(entry.on),
                 entry=described(entries, entry.of - 1, describe))
    return describe(entry)


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
