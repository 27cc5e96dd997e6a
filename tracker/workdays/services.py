"""Business days on the mainland-China calendar: weekends, public holidays and the weekend days
declared working days (调休), from the `chinesecalendar` library, plus dates HQ adds for years the
library does not cover yet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import chinese_calendar
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.audit import services as audit
from tracker.errors import Forbidden, Invalid
from tracker.workdays.models import CalendarDay

if TYPE_CHECKING:
    from tracker.accounts.models import User


def _overrides() -> dict[date, bool]:
    return {row.day: row.is_workday for row in db.session.scalars(select(CalendarDay))}


def library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date, overrides: dict[date, bool] | None = None) -> bool:
    overrides = _overrides() if overrides is None else overrides
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # A year the library has no data for: weekdays work, until HQ adds the holidays.
        return day.weekday() < 5


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (start itself not counted)."""
    overrides = _overrides()
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_workday(current, overrides):
            counted += 1
    return current


def missing_years(today: date) -> list[int]:
    """This year and next, where neither the library nor HQ's dates say anything."""
    years = []
    for year in (today.year, today.year + 1):
        if library_covers(year):
            continue
        has_dates = db.session.scalar(select(CalendarDay.id).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))
        if not has_dates:
            years.append(year)
    return years


def add_day(actor: User, day: date, is_workday: bool, note: str) -> CalendarDay:
    if not actor.is_hq_admin:
        raise Forbidden()
    if db.session.scalar(select(CalendarDay).where(CalendarDay.day == day)):
        raise Invalid("day", _("This date is already in the calendar."))
    weekend = day.weekday() >= 5
    if is_workday and not weekend:
        raise Invalid("day", _("%(date)s is a weekday: only a weekend day can be declared a "
                               "make-up working day.", date=day.isoformat()))
    row = CalendarDay(day=day, is_workday=is_workday, note=note.strip())
    db.session.add(row)
    audit.record(actor, "calendar.add", row)
    db.session.flush()
    return row
