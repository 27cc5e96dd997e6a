"""The date maths of a reminder ladder, pure: which rung has fired on a date.

A rule's ladder is a list of steps (N days before the deadline, N days after it, then every N
days), each a setting with a default. A rung fires on ``deadline + offset``; a scan on a date
writes, for each audience, the latest rung that has fired, so a scan missed one day catches up
the next without sending stale rungs. Nothing here reads the database: the values in force and
the business-day calendar are handed in (`tracker.reminders.scan.ladder_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tracker.reminders.models import Audience


class When:
    BEFORE = "before"  # days before the deadline
    AFTER = "after"  # days after it (0: on the day)
    EVERY = "every"  # then every N days after the audience's last 'after' rung (0: never)


@dataclass(frozen=True)
class Step:
    name: str
    audience: Audience
    when: str
    default: int
    label: Any  # a lazy string, shown on the settings page


@dataclass(frozen=True)
class Rung:
    audience: Audience
    offset: int
    fire_on: date
    business_days: bool

    def occurrence(self, deadline: date) -> str:
        unit = "bd" if self.business_days else "d"
        return f"{deadline.isoformat()}{self.offset:+d}{unit}"


def out_of_order(steps: tuple[Step, ...], values: dict[str, int]) -> tuple[Step, Step] | None:
    """The first pair (earlier step, later step) of a ladder whose rungs would fire out of the
    order the catalogue lists them, or None. The reminders before a deadline come first the
    furthest from it; those after it, and the escalations that climb from the first recipient
    to HQ, come no earlier than the step listed before them (two on one day are fine)."""
    for when, wrong in ((When.BEFORE, lambda a, b: b > a), (When.AFTER, lambda a, b: b < a)):
        chain = [step for step in steps if step.when == when]
        for earlier, later in zip(chain, chain[1:], strict=False):
            if wrong(values[earlier.name], values[later.name]):
                return earlier, later
    return None


# Adds N business days to a date (tracker.workdays.services.add_business_days).
BusinessDays = Callable[[date, int], date]


class Ladder:
    """A rule's steps with their values: which rungs have fired on a date.

    With `business_days`, positive offsets count business days on that calendar; without it,
    calendar days."""

    def __init__(self, steps: tuple[Step, ...], values: dict[str, int], first: Audience,
                 business_days: BusinessDays | None = None) -> None:
        self.steps = steps
        self.values = values
        self.first = first
        self.business_days = business_days
        self._business: dict[tuple[date, int], date] = {}

    @property
    def audiences(self) -> list[Audience]:
        return list(dict.fromkeys(step.audience for step in self.steps))

    @property
    def lookahead(self) -> int:
        """How many days before a deadline its first rung can fire."""
        return max([self.values[s.name] for s in self.steps if s.when == When.BEFORE],
                   default=0)

    def fire_on(self, deadline: date, offset: int) -> date:
        if self.business_days is None or offset <= 0:
            return deadline + timedelta(days=offset)
        key = (deadline, offset)
        if key not in self._business:
            self._business[key] = self.business_days(deadline, offset)
        return self._business[key]

    def offsets(self, audience: Audience) -> tuple[list[int], int]:
        """The fixed offsets of one audience, and its repeat interval (0: none)."""
        fixed, every = [], 0
        for step in self.steps:
            if step.audience is not audience:
                continue
            value = self.values[step.name]
            if step.when == When.BEFORE:
                fixed.append(-value)
            elif step.when == When.AFTER:
                fixed.append(value)
            else:
                every = value
        return sorted(set(fixed)), every

    def current(self, deadline: date, on: date) -> list[Rung]:
        """For each audience, the latest rung that has fired on `on`, if any."""
        rungs = []
        counted = self.business_days is not None
        for audience in self.audiences:
            fixed, every = self.offsets(audience)
            fired = [o for o in fixed if self.fire_on(deadline, o) <= on]
            after = [o for o in fixed if o >= 0]
            if every and after and not counted:
                last = max(after)
                elapsed = (on - deadline).days - last
                if elapsed >= every:
                    fired.append(last + (elapsed // every) * every)
            if fired:
                offset = max(fired)
                rungs.append(Rung(audience, offset, self.fire_on(deadline, offset), counted))
        return rungs

    def news(self, rungs: list[Rung], deadline: date, arrived: date) -> list[Rung]:
        """Of the rungs fired for an item (`current`), those that are news for a record that
        came into the tracker on `arrived`: by import, by a correction or entered late.

        A rung that fires on or after that day is sent as ever. Of those whose day was
        already past when the record arrived, only what is still true is: a reminder before
        the deadline while the deadline is still ahead ("due on 30 June"), and the first
        recipients' latest rung after it, once, saying the date it was due. Not the ladder's
        repeats after that ("then every 7 days"): they chase a deadline someone let pass while
        the tracker reminded them, and a record that arrived overdue was never missed so
        (adoption finding F25: ten years of imported milestones, overdue since, listed every
        week to their PMs for ever); it stays on its lists, and its escalations that fall
        after it arrived are sent as ever. Not the escalations of those past days either:
        nobody was reminded then, so none is owed now; nor a reminder before a deadline that
        was past already ("the project ends on ..." three years after it did). A scan for a
        day before the record arrived (`--as-of` a past day) reads it as there all along."""
        overdue = deadline < arrived
        return [rung for rung in rungs
                if (rung.fire_on >= arrived and not (overdue and self.is_repeat(rung)))
                or (rung.fire_on < arrived
                    and (deadline >= arrived if rung.offset < 0 else rung.audience is self.first))]

    def is_repeat(self, rung: Rung) -> bool:
        """A rung of its audience's "then every N days", not one of its fixed steps."""
        return rung.offset not in self.offsets(rung.audience)[0]

    def due_on(self, deadline: date) -> date:
        """When the work is due, for subjects and the calendar: the deadline itself, or for a
        ladder counted in business days from an event (a submission), the first rung after
        it."""
        if self.business_days is None:
            return deadline
        fixed, _every = self.offsets(self.first)
        after = [o for o in fixed if o > 0]
        return self.fire_on(deadline, min(after)) if after else deadline
