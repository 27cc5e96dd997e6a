"""Dates in the organisation's time zone. Deadlines are dates there; instants are UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from tracker.db import utcnow


def org_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def local_date(instant: datetime) -> date:
    """The organisation's calendar date at `instant`."""
    return instant.astimezone(org_zone()).date()


def today() -> date:
    return local_date(utcnow())
