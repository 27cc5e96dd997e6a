"""The conditions of a CONDITIONAL GO taken before the tracker, brought in with it by the
projects import (`decisions.record_imported_decision`, checked by
`decision_checks.check_imported_conditions`), each open, met or cleared, and dated as history
is (issue 13): the days it was met and cleared, as its cell gives them (`route_cells
.conditions`), kept as noon that day in the organisation's zone, never after now, as the
decision's own day is (`dating.noon`). The tracker dates a condition met the moment its owner
marks it, and cleared the moment the chair or HQ confirms it; an import dated both the moment
of the import. A day the file does not give is not made up: none is kept, and the project's
page says the state was recorded by an import, on no day given."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.dates import out_of_range, today
from tracker.display.formatting import day
from tracker.errors import Problems
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.dating import noon

# The states that keep each day: one met (and then cleared) has the day it was met.
_KEEPS = {"met_on": (ConditionState.MET, ConditionState.CONFIRMED),
          "cleared_on": (ConditionState.CONFIRMED,)}


def check_days(n: int, condition: dict[str, Any], decided_on: date,
               problems: Problems) -> None:
    """The days condition `n` was met and cleared: each of a state that keeps it, a plausible
    day, not in the future, after its decision and, cleared, after it was met."""
    state = condition.get("state", ConditionState.OPEN)
    met = condition.get("met_on")
    for key in ("met_on", "cleared_on"):
        on = condition.get(key)
        if on is not None and (said := _day_problem(n, key, on, state, decided_on, met)):
            problems.add("conditions", said)


def _day_problem(n: int, key: str, on: date, state: ConditionState, decided_on: date,
                 met: date | None) -> str | None:
    if state not in _KEEPS[key]:
        return _NOT_KEPT[key](n)
    if (said := out_of_range(on)) is not None:
        return _("Condition %(n)d: %(problem)s", n=n, problem=said)
    if on > today():
        return _FUTURE[key](n, day(on))
    if key == "cleared_on" and met is not None and on < met:
        return _("Condition %(n)d: cleared on %(date)s, before it was met (%(then)s).", n=n,
                 date=day(on), then=day(met))
    if on < decided_on:
        return _BEFORE[key](n, day(on), day(decided_on))
    return None


# What is said of a day met or cleared, each in a sentence of its own (as they translate).
_NOT_KEPT = {
    "met_on": lambda n: _("Condition %(n)d is open: it has no day it was met. Leave that day "
                          "out.", n=n),
    "cleared_on": lambda n: _("Condition %(n)d is not cleared: it has no day it was cleared. "
                              "Leave that day out.", n=n)}
_FUTURE = {
    "met_on": lambda n, on: _("Condition %(n)d: %(date)s is in the future; a condition is "
                              "dated the day it was met.", n=n, date=on),
    "cleared_on": lambda n, on: _("Condition %(n)d: %(date)s is in the future; a condition "
                                  "is dated the day it was cleared.", n=n, date=on)}
_BEFORE = {
    "met_on": lambda n, on, then: _("Condition %(n)d: met on %(date)s, before its decision "
                                    "(%(then)s).", n=n, date=on, then=then),
    "cleared_on": lambda n, on, then: _("Condition %(n)d: cleared on %(date)s, before its "
                                        "decision (%(then)s).", n=n, date=on, then=then)}


def made(actor: User, project_id: int, condition: dict[str, Any]) -> Condition:
    """The condition `condition` (checked by `check`) of an imported decision, by `actor`,
    the importing HQ admin who confirms a cleared one, on the days given or none."""
    state = condition.get("state", ConditionState.OPEN)
    now = db.utcnow()
    met, cleared = (min(noon(on), now) if on is not None else None
                    for on in (condition.get("met_on"), condition.get("cleared_on")))
    return Condition(project_id=project_id, text=condition["text"].strip(),
                     owner_id=condition["owner"].id, due_date=condition["due_date"],
                     state=state, met_at=met,
                     confirmed_by_id=actor.id if state is ConditionState.CONFIRMED else None,
                     confirmed_at=cleared)


def written(condition: dict[str, Any]) -> list[str | None]:
    """The condition as the decision's audit record lists it: [text, owner's e-mail, due
    date, state], and the days it was met and cleared where the file gives either."""
    row = [condition["text"].strip(), condition["owner"].email,
           condition["due_date"].isoformat(),
           condition.get("state", ConditionState.OPEN).value]
    days = [condition.get("met_on"), condition.get("cleared_on")]
    return row + [on.isoformat() if on else None for on in days] if any(days) else row
