"""Vesting on the dates around the cliff, and monthly anniversaries at month ends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.incentives.vesting import Schedule, add_months, months_passed

GRANT = Decimal("48000")
# Four years monthly after a one-year cliff, starting on the last day of January.
FOUR_YEARS = Schedule(date(2025, 1, 31), 48, 12)


@pytest.mark.parametrize("start,months,expected", [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2027, 1, 31), 13, date(2028, 2, 29)),  # leap year
    (date(2025, 1, 31), 2, date(2025, 3, 31)),  # from the start, not from 28 February
    (date(2025, 3, 31), 1, date(2025, 4, 30)),
    (date(2025, 11, 15), 3, date(2026, 2, 15)),
])
def test_a_month_later_is_the_month_end_when_the_month_is_shorter(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("on,vested", [
    (date(2025, 1, 30), 0),  # before the start
    (date(2026, 1, 30), 0),  # the day before the cliff
    (date(2026, 1, 31), 12000),  # on the cliff: twelve months at once
    (date(2026, 2, 1), 12000),  # the day after
    (date(2026, 2, 27), 12000),
    (date(2026, 2, 28), 13000),  # February's anniversary of the 31st is its last day
    (date(2026, 3, 30), 13000),
    (date(2026, 3, 31), 14000),
    (date(2029, 1, 30), 47000),
    (date(2029, 1, 31), 48000),  # fully vested
    (date(2035, 1, 1), 48000),
])
def test_four_years_monthly_after_a_one_year_cliff(on, vested):
    assert FOUR_YEARS.vested(GRANT, on) == Decimal(vested)
    assert FOUR_YEARS.cliff_on == date(2026, 1, 31)
    assert FOUR_YEARS.fully_vested_on == date(2029, 1, 31)


def test_a_leap_february_vests_on_the_29th():
    schedule = Schedule(date(2027, 1, 31), 48, 12)
    assert schedule.vested(GRANT, date(2028, 2, 28)) == Decimal(12000)
    assert schedule.vested(GRANT, date(2028, 2, 29)) == Decimal(13000)
    assert months_passed(date(2027, 1, 31), date(2028, 2, 29)) == 13


def test_no_share_vests_early_and_the_last_month_vests_the_rest():
    schedule = Schedule(date(2025, 1, 1), 36, 0)
    assert schedule.vested(Decimal(1000), date(2025, 1, 31)) == 0
    assert schedule.vested(Decimal(1000), date(2025, 2, 1)) == 27  # 27.7 rounded down
    assert schedule.vested(Decimal(1000), date(2027, 12, 1)) == 972
    assert schedule.vested(Decimal(1000), date(2028, 1, 1)) == 1000
    steps = schedule.steps(Decimal(1000))
    assert steps[0] == (date(2025, 2, 1), 27) and steps[-1] == (date(2028, 1, 1), 1000)


def test_a_grant_without_vesting_is_vested_from_its_start():
    schedule = Schedule(date(2025, 6, 1), 0, 0)
    assert schedule.vested(GRANT, date(2025, 5, 31)) == 0
    assert schedule.vested(GRANT, date(2025, 6, 1)) == GRANT
