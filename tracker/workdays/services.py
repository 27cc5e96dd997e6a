"""Business days on the mainland-China calendar: weekends, public holidays and the weekend days
declared working days (调休), from the `chinesecalendar` library, plus dates HQ adds for years the
library does not cover yet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import chinese_calendar
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import dates, db
from tracker.audit import services as audit
from tracker.display.formatting import day as day_text
from tracker.display.formatting import on_day
from tracker.errors import Forbidden, Invalid, NotFound, Refused
from tracker.turns import take_turn
from tracker.workdays.models import CalendarDay, CalendarYear

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
    """This year and next, where the library has no data and HQ has not declared the year's
    dates complete: the warning stays while HQ is still adding them."""
    years = [year for year in (today.year, today.year + 1) if not library_covers(year)]
    if not years:
        return []
    complete = set(db.session.scalars(select(CalendarYear.year).where(
        CalendarYear.year.in_(years))))
    return [year for year in years if year not in complete]


def _require_admin(actor: User) -> None:
    if not CalendarDay.can_change(actor):
        raise Forbidden()


def add_day(actor: User, day: date, is_workday: bool, note: str) -> CalendarDay:
    _require_admin(actor)
    if db.session.scalar(select(CalendarDay).where(CalendarDay.day == day)):
        raise Invalid("day", _("This date is already in the calendar."))
    weekend = day.weekday() >= 5
    if is_workday and not weekend:
        raise Invalid("day", _("%(date)s is a weekday: only a weekend day can be declared a "
                               "make-up working day.", date=day_text(day)))
    if not is_workday and weekend:
        raise Invalid("day", _("%(date)s is a weekend day, off already: only a weekday can be "
                               "declared a public holiday.", date=day_text(day)))
    row = CalendarDay(day=day, is_workday=is_workday, note=note.strip())
    db.session.add(row)
    audit.record(actor, "calendar.add", row)
    db.session.flush()
    return row


# The advisory lock one year's calendar changes take turns on (PostgreSQL): any number.
CALENDAR_LOCK = 2_026_112


def _take_turn(year: int) -> None:
    """Wait for any other change to `year`'s dates or declaration to commit (PostgreSQL: a
    lock held until this transaction ends), so that each reads the dates the other left. A
    declaration read that the year had a date before any lock (the audit trail's comes at its
    flush); the removal of that last date committed meanwhile, finding no declaration to
    withdraw, and the year was declared complete with no date. SQLite needs none: each write
    transaction takes the database's write lock as it begins."""
    take_turn(db.session.connection(), CALENDAR_LOCK, year)


def remove_day(actor: User, row: CalendarDay) -> None:
    """A date HQ added by mistake: the library (or the weekday rule) counts it again. The
    last date of a year HQ declared complete takes the declaration with it: a year with no
    date at all is not covered, and its warning comes back until HQ adds the dates and
    declares it again (complete_refusal asks for a date first)."""
    _require_admin(actor)
    _take_turn(row.day.year)
    audit.record(actor, "calendar.remove", row, {
        "day": [row.day.isoformat(), None], "is_workday": [row.is_workday, None],
        "note": [row.note, None]})
    year = row.day.year
    db.session.delete(row)
    db.session.flush()
    declared = db.session.get(CalendarYear, year)
    if declared is not None and not _has_dates(year):
        audit.record(actor, "calendar.reopen", declared, {"year": [year, None]})
        db.session.delete(declared)
        db.session.flush()


def _has_dates(year: int) -> bool:
    """Whether HQ has added any date of `year`."""
    return db.session.scalar(select(CalendarDay.id).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))) is not None


def complete_refusal(year: int) -> str | None:
    """Why `year` is not declared complete now, for the service and the calendar page (which
    offers the declaration only when it is possible, and says this instead); None when it is."""
    if library_covers(year):
        return _("The official dates of %(year)d are included with the tracker already.",
                 year=year)
    if (done := db.session.get(CalendarYear, year)) is not None:
        return _("%(year)d was declared complete on %(date)s: there is nothing more to "
                 "declare.", year=year, date=on_day(done.completed_at))
    if not _has_dates(year):
        return _("No date of %(year)d has been added yet: add its public holidays and "
                 "make-up working days first.", year=year)
    return None


def complete_year(actor: User, year: int) -> CalendarYear:
    """HQ has entered every holiday and make-up working day of `year`."""
    _require_admin(actor)
    if not dates.EARLIEST.year <= year <= dates.LATEST.year:
        raise NotFound()
    _take_turn(year)
    if (said := complete_refusal(year)) is not None:
        raise Refused(said)
    row = CalendarYear(year=year, completed_by_id=actor.id)
    db.session.add(row)
    audit.record(actor, "calendar.complete", row, {"year": [None, year]})
    db.session.flush()
    return row
