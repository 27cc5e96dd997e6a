"""How long needs take: from intake (when the need was recorded) to its match and to its
contract, per need and as the median of a list (of the exact times, rounded once). Days to a
tenth, half up; a need matched or contracted before these moments were recorded (migration
0055) has no time and counts in no median, nor does one whose contract was signed before the
need was recorded (a need entered after the fact, by hand or by an import's Recorded on): a
time running backwards is no time to contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from sqlalchemy import Select, select

from tracker import db
from tracker.organisations.models import TechnologyNeed

TENTH = Decimal("0.1")


def _exact(start: datetime, end: datetime | None) -> Decimal | None:
    return None if end is None or end < start else Decimal((end - start).total_seconds()) / 86400


def days_between(start: datetime, end: datetime | None) -> Decimal | None:
    exact = _exact(start, end)
    return None if exact is None else exact.quantize(TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class Times:
    to_match: Decimal | None
    to_contract: Decimal | None


def of(need: TechnologyNeed) -> Times:
    return Times(days_between(need.created_at, need.matched_at),
                 days_between(need.created_at, need.contracted_at))


@dataclass(frozen=True)
class Medians:
    to_match: Decimal | None
    matched: int  # how many needs the median is of
    to_contract: Decimal | None
    contracted: int


def _median(values: list[Decimal]) -> Decimal | None:
    return Decimal(median(values)).quantize(TENTH, ROUND_HALF_UP) if values else None


def medians(needs: Select) -> Medians:
    """The medians over the needs `needs` selects (a list's query, filters applied): one
    statement, three columns of each need."""
    listed = needs.order_by(None).subquery()
    rows = db.session.execute(select(listed.c.created_at, listed.c.matched_at,
                                     listed.c.contracted_at)).all()
    # The median of the exact times, rounded once.
    to_match = [d for r in rows if (d := _exact(r[0], r[1])) is not None]
    to_contract = [d for r in rows if (d := _exact(r[0], r[2])) is not None]
    return Medians(_median(to_match), len(to_match), _median(to_contract), len(to_contract))
