"""A centre's status on a date, as a table: expired, dormant, renewed, active, no agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tracker.centres.status import CentreStatus, months_before, status_on


@dataclass
class T:
    starts_on: date
    ends_on: date
    renews_id: int | None = None


FIRST = T(date(2023, 1, 1), date(2025, 12, 31))
RENEWAL = T(date(2026, 1, 1), date(2028, 12, 31), renews_id=1)
ON = date(2026, 11, 26)


@pytest.mark.parametrize(("terms", "last_need", "expected"), [
    ([], None, CentreStatus.NO_AGREEMENT),
    ([T(date(2027, 1, 1), date(2029, 1, 1))], None, CentreStatus.NO_AGREEMENT),
    ([FIRST], date(2026, 11, 1), CentreStatus.EXPIRED),  # ended, not renewed
    ([FIRST, RENEWAL], date(2026, 11, 1), CentreStatus.RENEWED),
    ([FIRST, RENEWAL], date(2026, 5, 26), CentreStatus.RENEWED),  # six months to the day
    ([FIRST, RENEWAL], date(2026, 5, 25), CentreStatus.DORMANT),  # a day more
    ([FIRST, RENEWAL], None, CentreStatus.DORMANT),  # none since its first term began
    ([T(date(2026, 9, 1), date(2029, 8, 31))], None, CentreStatus.ACTIVE),  # too new to doze
    ([T(date(2024, 1, 1), date(2027, 1, 1))], date(2026, 10, 1), CentreStatus.ACTIVE),
    ([T(date(2024, 1, 1), date(2026, 11, 26))], None, CentreStatus.DORMANT),  # its last day
    ([T(date(2024, 1, 1), date(2026, 11, 25))], date(2026, 11, 1), CentreStatus.EXPIRED),
])
def test_status_on_a_date(terms, last_need, expected):
    assert status_on(ON, terms, last_need, dormant_months=6) is expected


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(date(2026, 11, 26), 6) == date(2026, 5, 26)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 31), 13) == date(2025, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)
