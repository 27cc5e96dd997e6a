"""HQ's additions to the working-day calendar."""

import threading
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import PG_URL
from tests.factories import make_user
from tests.gates.test_concurrency import real_commits  # noqa: F401  (a fixture)
from tracker import db
from tracker.accounts.models import Role, User
from tracker.display.formatting import on_day
from tracker.errors import Forbidden, Invalid, Refused
from tracker.workdays import services as workdays
from tracker.workdays.models import CalendarDay, CalendarYear


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


@pytest.mark.skipif(not PG_URL, reason="two connections need PostgreSQL")
def test_a_year_declared_while_its_last_date_goes_ends_with_neither(app, real_commits):  # noqa: F811
    """The declaration read that the year had a date before it took any lock; a removal of
    that last date committed meanwhile (no declaration to withdraw yet), and the year was
    declared complete with no date (the session's review). Declarations and removals of a year
    take turns: the removal, waiting for the declaration, finds it and withdraws it. On the old
    code the removal goes while the declaration waits here, at most two seconds."""
    admin = make_user(Role.HQ_ADMIN)
    day_id = workdays.add_day(admin, date(2099, 5, 4), False, "Holiday").id
    admin_id = admin.id
    db.session.commit()
    db.session.remove()
    declaration_read, removal_done = threading.Event(), threading.Event()
    real = workdays._has_dates
    failures: list[str] = []

    def has_dates(year: int) -> bool:  # the declaration's look
        found = real(year)
        declaration_read.set()
        removal_done.wait(timeout=2)
        return found

    def run(action) -> None:
        with app.app_context():
            try:
                action(db.session.get(User, admin_id))
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (asserted below)
                db.session.rollback()
                failures.append(repr(error))
            finally:
                db.session.remove()

    def declare(admin: User) -> None:
        workdays._has_dates = has_dates
        try:
            workdays.complete_year(admin, 2099)
        finally:
            workdays._has_dates = real

    def remove(admin: User) -> None:
        declaration_read.wait(timeout=5)
        workdays.remove_day(admin, db.session.get(CalendarDay, day_id))

    threads = [threading.Thread(target=run, args=(declare,)),
               threading.Thread(target=lambda: (run(remove), removal_done.set()))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert db.session.scalar(select(func.count(CalendarDay.id))) == 0
    assert db.session.get(CalendarYear, 2099) is None  # no date, no declaration: warned again
