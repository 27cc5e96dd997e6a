"""HQ's additions to the working-day calendar."""

from datetime import date

import pytest
from flask_babel import force_locale

from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.display.formatting import on_day
from tracker.errors import Forbidden, Invalid, Refused
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


@pytest.mark.parametrize(("locale", "said"), [
    ("en", "2040 was declared complete on {day}: there is nothing more to declare."),
    ("zh_CN", "2040 年已于 {day} 声明录入完整，无需再次声明。")])
def test_a_year_declared_complete_twice_says_when_it_was(app, locale, said):
    admin = make_user(Role.HQ_ADMIN)
    workdays.add_day(admin, date(2040, 10, 1), False, "National Day")  # a Monday
    done = workdays.complete_year(admin, 2040)
    with force_locale(locale), pytest.raises(Refused) as refused:
        workdays.complete_year(admin, 2040)
    with force_locale(locale):
        assert said.format(day=on_day(done.completed_at)) in refused.value.message
