"""HQ's additions to the working-day calendar."""

from datetime import date

import pytest

from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.errors import Forbidden, Invalid
from tracker.workdays import services as workdays


def test_only_a_weekend_day_can_be_declared_a_make_up_working_day():
    admin = make_user(Role.HQ_ADMIN)
    with pytest.raises(Invalid, match="weekday"):
        workdays.add_day(admin, date(2027, 2, 1), True, "Monday")
    workdays.add_day(admin, date(2027, 2, 6), True, "Saturday before the Spring Festival")
    assert workdays.is_workday(date(2027, 2, 6))
    with pytest.raises(Invalid, match="already"):
        workdays.add_day(admin, date(2027, 2, 6), False, "again")
    with pytest.raises(Invalid, match="weekend day, off already"):
        workdays.add_day(admin, date(2027, 2, 7), False, "Sunday")
    with pytest.raises(Forbidden):
        workdays.add_day(make_user(Role.OBSERVER), date(2027, 2, 7), True, "")
