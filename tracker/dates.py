"""Dates in the organisation's time zone. Deadlines are dates there; instants are UTC."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Date, event, inspect
from sqlalchemy.orm import Session

from tracker.db import utcnow
from tracker.errors import Invalid

# Every business date (a signing, a due date, a payment, a registration, a share issue ...)
# falls in this range, checked by every form's date field and, before anything is written, by
# the session for every date column: a typo such as 0001-01-01 or 9999-12-31 never gets in
# (9999-12-31 plus a reminder's offset is no date at all). Founding dates of organisations
# reach further back: their columns say so with info={"earliest": FOUNDING_EARLIEST}.
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
FOUNDING_EARLIEST = date(1900, 1, 1)
# The date of something that has happened (an organisation's founding, a company's
# registration) is not after today either: a column says so with info={"past": True}, its
# form field with past=True.
PAST = "past"


def org_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def local_date(instant: datetime) -> date:
    """The organisation's calendar date at `instant`."""
    return instant.astimezone(org_zone()).date()


def today() -> date:
    return local_date(utcnow())


def out_of_range(when: date, earliest: date = EARLIEST) -> str | None:
    """Why `when` is no plausible business date, or None."""
    if earliest <= when <= LATEST:
        return None
    return _("Enter a date from %(earliest)s to %(latest)s.", earliest=format_date(earliest),
             latest=format_date(LATEST))


def in_future(when: date) -> str | None:
    """Why `when` can't date something that has happened, or None."""
    if when <= today():
        return None
    return _("%(date)s is in the future.", date=format_date(when))


def parse_arg(value: str | None, default: date) -> date:
    """A date given in a query string (`?on=2026-05-15`): `default` when absent; ValueError
    with the reason when it is no date or out of range (the caller answers 400)."""
    if not value:
        return default
    try:
        when = date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("%(value)s is not a date: give it as YYYY-MM-DD.",
                           value=value[:40])) from None
    reason = out_of_range(when)
    if reason:
        raise ValueError(reason)
    return when


def parse_year(value: str | None) -> int:
    """A year given in a query string (`?year=2025`): 0 when absent; ValueError with the reason
    when it is no year of the range of business dates (the caller answers 400)."""
    if not value:
        return 0
    if not value.isdigit() or not EARLIEST.year <= int(value) <= LATEST.year:
        raise ValueError(_("%(value)s is not a year from %(first)d to %(last)d.",
                           value=value[:40], first=EARLIEST.year, last=LATEST.year))
    return int(value)


@event.listens_for(Session, "before_flush")
def _dates_in_range(session: Session, flush_context: Any, instances: Any) -> None:
    """The last line: no service, import or job writes a date outside the range."""
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for column_attr in state.mapper.column_attrs:
            column = column_attr.columns[0]
            if not isinstance(column.type, Date):
                continue
            value = getattr(obj, column_attr.key)
            if value is None or (obj not in session.new
                                 and not state.attrs[column_attr.key].history.has_changes()):
                continue
            reason = out_of_range(value, column.info.get("earliest", EARLIEST)) or (
                in_future(value) if column.info.get(PAST) else None)
            if reason:
                raise Invalid(column_attr.key, reason)
