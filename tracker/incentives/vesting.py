"""Vesting of an equity incentive grant: how many of its shares (or options) are vested on a
date. Pure Python: no Flask, no session.

A schedule vests monthly over `months` from `start`, nothing before the cliff: on the cliff's
date the months since the start vest at once, then one month's part on each monthly
anniversary. An anniversary falls on the same day of the month as the start, or on the
month's last day when the month is shorter (a start of 31 January vests on 28 February, or
29 February in a leap year, then on 31 March). Each date's vested count is the grant's shares
times the months passed over the schedule's months, rounded down to a whole share, so that
no share vests early; the last anniversary vests what is left.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, on the month's last day when it is shorter."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def months_passed(start: date, on: date) -> int:
    """How many monthly anniversaries of `start` fell on or before `on` (0 before the first)."""
    if on < start:
        return 0
    months = (on.year - start.year) * 12 + on.month - start.month
    while months > 0 and add_months(start, months) > on:
        months -= 1
    return months


@dataclass(frozen=True)
class Schedule:
    start: date
    months: int  # the whole vesting period, 48 for four years
    cliff_months: int  # nothing vests before this many months, 12 for a year

    @property
    def cliff_on(self) -> date:
        return add_months(self.start, self.cliff_months)

    @property
    def fully_vested_on(self) -> date:
        return add_months(self.start, self.months)

    def vested(self, shares: Decimal, on: date) -> Decimal:
        """The shares vested at the end of `on`."""
        passed = months_passed(self.start, on)
        if on < self.start or passed < self.cliff_months or (passed == 0 and self.months > 0):
            return Decimal("0")
        if passed >= self.months:
            return shares
        return (shares * passed / self.months).quantize(Decimal("1"), rounding=ROUND_FLOOR)

    def steps(self, shares: Decimal) -> list[tuple[date, Decimal]]:
        """Each date something vests, with the shares vested by then: the schedule's table."""
        first = max(self.cliff_months, 1)
        return [(add_months(self.start, m), self.vested(shares, add_months(self.start, m)))
                for m in range(first, self.months + 1)] or [(self.start, shares)]
