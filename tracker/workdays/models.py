"""Dates HQ adds to the mainland-China calendar where the holiday library has no data, and the
years HQ has declared complete."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User


class CalendarDay(Base):
    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    # True: a make-up working day (调休) on a weekend; False: a public holiday.
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")

    @staticmethod
    def can_change(user: User) -> bool:
        """HQ admins add dates to the calendar, remove those they added, and declare a year
        complete."""
        return user.is_hq_admin


class CalendarYear(Base):
    """A year the library does not cover, whose holidays and make-up working days HQ has
    entered in full: the warning about the year stops once it is here."""

    __tablename__ = "calendar_years"
    __table_args__ = (CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    completed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def id(self) -> int:  # the audit trail names objects by id
        return self.year
