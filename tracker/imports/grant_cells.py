"""An incentive grant's exercises and leaving as the grants import reads and writes them (issue
13): `2025-03-01 | 20000; 2025-09-01 | 10000` and `2026-01-31 | moved to a university`, each
read by its page's form, and the reversals the grant's page records (`reverse_exercise`,
`reverse_leaving`), each written after what it reverses as every ledger cell writes one:
`reversal | 1 | 2026-02-10 | typed twice`, the entry's number in the cell. A leaving reversed
may be followed by the leaving recorded again; after the leaving come the reversals of shares
the pool was given that waited for the grant (`tracker/imports/pool_reversals.py`).

Nothing recorded is edited: the entries the file adds are recorded (the exercises and their
reversals by date, the leaving's cell in its order) by the page's services, a reversal on the
date the cell gives, and a recorded one the file changes or drops is refused, naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from tracker.display.formatting import day, number, plural
from tracker.errors import Forbidden, Problems
from tracker.imports import cells, ledger_lines, list_cells, pool_reversals, reversal_lines
from tracker.imports.cells import CellError, iso_date
from tracker.imports.pool_reversals import Passed
from tracker.imports.reversal_lines import Compared, Elsewhere, Reversal
from tracker.incentives import reversals, services
from tracker.incentives.forms import ExerciseForm, ForfeitForm
from tracker.incentives.models import ExerciseReversal, IncentiveGrant, OptionExercise

Exercise = tuple[date, Decimal]  # exercised on, options
Leaving = tuple[date, str]  # left on, reason


def exercises(text: str) -> list[Exercise | Reversal]:
    """'2025-03-01 | 20000; 2025-09-01 | 10000' read by the exercise form, as its page reads
    it; an exercise reversed: 'reversal | 1 | 2025-03-05 | typed twice'."""
    return ledger_lines.cell(text, "exercises", _exercise)


def _exercise(pieces: list[str]) -> Exercise:
    if len(pieces) != 2:
        raise CellError(_("Write each exercise as date | number, e.g. 2025-03-01 | 20000."),
                        "exercises")
    form = ExerciseForm(formdata=MultiDict({"on_date": iso_date(pieces[0]),
                                            "shares": cells.number(pieces[1], "exercises")}))
    if not form.validate():
        raise CellError(_("%(entry)s: %(problem)s", entry=pieces[0],
                          problem=ledger_lines.form_errors(form)), "exercises")
    return (form.on_date.data, form.shares.data)


def leaving(text: str) -> list[Leaving | Reversal | Elsewhere | Passed]:
    """'2026-01-31 | moved to a university' read by the leaving form (none: []); the leaving
    reversed, 'reversal | 1 | 2026-02-10 | did not leave', after which it may be recorded
    again; after it, what takes shares from the pool that waited for the grant
    (`tracker/imports/pool_reversals.py`): 'reversal | issue 2 | 2026-03-01 | never paid',
    'transfer | Incentive pool | Fund Z | investor | 100000 | 2026-03-01'."""
    found: list[Leaving | Reversal | Elsewhere | Passed] = []
    refused = list_cells.BadEntries()  # every entry refused said at once, each in its place
    for part in cells.parts(text):
        found.append(None)  # its place, read or not
        with refused.entry(len(found)):
            found[-1] = _leaving_entry(part, found[:-1])
    refused.raise_any("leaving")
    return found


def _leaving_entry(part: str, found: list) -> Leaving | Reversal | Elsewhere | Passed:
    if reversal_lines.is_reversal(part):
        return _reversal(part, found)
    if (moved := pool_reversals.passed(part)) is not None:
        return moved
    pieces = cells.pieces(part)
    if len(pieces) != 2 or _standing(found) or any(isinstance(e, Elsewhere | Passed)
                                                     for e in found):
        raise CellError(_("Write the leaving once, as date left | reason, e.g. 2026-01-31 "
                          "| moved to a university."), "leaving")
    form = ForfeitForm(formdata=MultiDict({"left_on": iso_date(pieces[0]),
                                           "reason": pieces[1]}))
    if not form.validate():
        raise CellError(ledger_lines.form_errors(form), "leaving")
    return (form.left_on.data, form.reason.data.strip())


def _standing(cell: list) -> bool:
    """Whether a leaving of the cell stands (is not reversed by a later entry)."""
    undone = {e.of for e in cell if isinstance(e, Reversal)}
    return any(isinstance(e, tuple) and n not in undone for n, e in enumerate(cell, start=1))


def _reversal(text: str, found: list) -> Reversal | Elsewhere:
    pieces = cells.pieces(text, 3)
    if len(pieces) == 4 and pieces[1].isdigit():  # the leaving's, by its number
        said = reversal_lines.read(text, "leaving", len(found) + 1, found)
        if not isinstance(found[said.of - 1], tuple):
            raise CellError(_("Entry %(n)d: a reversal names an earlier entry of its cell, one "
                              "neither a reversal nor reversed already (%(of)s is not).",
                              n=len(found) + 1, of=pieces[1]), "leaving")
        return said
    try:
        said = reversal_lines.read(text, "leaving", 1, [], pool_reversals.NAMED)
    except CellError:
        said = None
    if not isinstance(said, Elsewhere):
        raise CellError(_("Write a reversal of the pool's shares after the leaving as reversal "
                          "| issue, transfer, holding or round and its number in the companies "
                          "file's cell | the date reversed | the reason, e.g. reversal | issue 2 "
                          "| 2022-09-01 | never paid."), "leaving")
    return said


def exercise_records(record: IncentiveGrant) -> list[OptionExercise | ExerciseReversal]:
    """Every exercise recorded and each one's reversal, as the cell numbers them (by date)."""
    return reversal_lines.with_reversals(record.all_exercises, lambda e: e.on_date)


def recorded_exercises(record: IncentiveGrant) -> list[Exercise | Reversal]:
    """The exercises, each reversed one followed (by date) by its reversal, as the column
    writes them."""
    return reversal_lines.recorded(exercise_records(record), lambda e: (e.on_date, e.shares),
                                   reverses=lambda r: r.exercise if isinstance(
                                       r, ExerciseReversal) else None)


def recorded_leaving(record: IncentiveGrant) -> list[Leaving | Reversal | Elsewhere | Passed]:
    """Each leaving reversed and its reversal, in the order recorded; the leaving that
    stands; then what took shares from the pool that waited for the grant."""
    cell: list[Leaving | Reversal | Elsewhere | Passed] = []
    for undone in record.leaving_reversals:
        cell.append((undone.left_on, undone.forfeit_reason))
        cell.append(Reversal(len(cell), undone.on_date, undone.reason))
    if record.left_on:
        cell.append((record.left_on, record.forfeit_reason))
    return cell + pool_reversals.written_in(record)


def describe_exercise(entry: Exercise) -> str:
    return ngettext("The exercise of %(n)s option on %(date)s",
                    "The exercise of %(n)s options on %(date)s", plural(entry[1]),
                    n=number(entry[1]), date=day(entry[0]))


def describe_leaving(entry: Leaving | Elsewhere | Passed) -> str:
    if isinstance(entry, Passed):
        return ledger_lines.describe_transfer(entry.line)
    if isinstance(entry, Elsewhere):
        return _("The reversal on %(date)s of %(entry)s", date=day(entry.on), entry=entry.of)
    return _("The leaving on %(date)s", date=day(entry[0]))


def compared(wanted: list | None, recorded: list, column: str, describe,
             problems: Problems) -> Compared:
    """The file's cell beside the recorded one; each recorded entry it lacks is a problem
    (`wanted` None: the file has no such column, and adds nothing)."""
    if wanted is None:
        return Compared({}, [], [])
    found = reversal_lines.compared(wanted, recorded)
    ledger_lines.missing(found, recorded, column, describe, problems)
    return found


Act = Callable[[Problems], Any]  # an entry's recording, called with the row's problems


def exercise_acts(actor, record: IncentiveGrant, wanted: list, found: Compared) -> list[Act]:
    """The exercises and reversals the file adds, in date order (a reversal after what it
    reverses), each recorded by the grant page's service when called with the row's
    problems."""
    records = exercise_records(record)
    made: dict[int, Any] = {}

    def reverse(at: int, entry: Reversal, problems: Problems) -> None:
        of = entry.of - 1
        target = records[found.found[of]] if of in found.found else made.get(of)
        if target is not None:  # else what it reverses was refused: said already
            made[at] = ledger_lines.recorded(
                lambda: reversals.reverse_exercise(actor, target, entry.reason, entry.on),
                "exercises", reversal_lines.described(wanted, at, describe_exercise), problems,
                refusals=(Forbidden,))

    def exercise(at: int, entry: Exercise, problems: Problems) -> None:
        made[at] = ledger_lines.recorded(lambda: services.exercise(actor, record, *entry),
                                         "exercises", describe_exercise(entry), problems)

    return [partial(reverse, at, entry) if isinstance(entry, Reversal) else
            partial(exercise, at, entry)
            for at, entry in sorted(found.new, key=lambda new: (
                new[1].on if isinstance(new[1], Reversal) else new[1][0], new[0]))]


def leaving_acts(actor, record: IncentiveGrant, wanted: list, found: Compared) -> list[Act]:
    """The leaving's entries the file adds, in the cell's order, each recorded once the ones
    before were (none after a problem of the row): a leaving by `forfeit`, its reversal by
    `reverse_leaving` (the one leaving that stands is what it reverses), a reversal of the
    pool's shares or a transfer out of it by `pool_reversals.record`."""
    def act(at: int, entry, problems: Problems) -> None:
        if problems:
            return
        if isinstance(entry, Elsewhere | Passed):
            pool_reversals.record(actor, record.company, entry, problems)
        elif isinstance(entry, Reversal):
            ledger_lines.recorded(lambda: reversals.reverse_leaving(
                actor, record, entry.reason, entry.on), "leaving",
                reversal_lines.described(wanted, at, describe_leaving), problems,
                refusals=(Forbidden,))
        else:
            ledger_lines.recorded(lambda: services.forfeit(actor, record, *entry),
                                  "leaving", describe_leaving(entry), problems)

    return [partial(act, at, entry) for at, entry in found.new]
