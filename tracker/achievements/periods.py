"""The reporting periods of a licence: pure date arithmetic, no session."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, kept to the month's last day (31 January + 1 month
    is 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period(signed_on: date, months: int, number: int) -> tuple[date, date]:
    """The `number`th reporting period (1 is the first) of a deal signed on `signed_on`."""
    start = add_months(signed_on, months * (number - 1))
    return start, add_months(signed_on, months * number) - timedelta(days=1)


def report_due(signed_on: date, months: int, number: int, report_days: int) -> date:
    """When the report of the `number`th period is due: `report_days` after it ends."""
    return period(signed_on, months, number)[1] + timedelta(days=report_days)
