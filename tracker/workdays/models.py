"""Dates HQ adds to the mainland-China calendar where the holiday library has no data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base


class CalendarDay(Base):
    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    # True: a make-up working day (调休) on a weekend; False: a public holiday.
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")
