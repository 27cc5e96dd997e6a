"""The geometry of the charts, drawn as SVG by the templates (no script, no CDN: the CSP allows
neither). Pure functions of the numbers; each chart's template also shows them as a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# Bars: the width of the longest bar, in SVG units, and the height of one bar's row. With the
# labels (150) and the values (70) the drawing is 400 units wide, about a phone's width: a phone
# shows its 13-unit text at 12 px, not shrunk to 9 (a 520-unit drawing did).
BAR_WIDTH = 180
BAR_ROW = 24
# The milestone timeline: its drawing width, left margin and the height of one milestone's row.
TIMELINE_WIDTH = 720
TIMELINE_ROW = 14
TIMELINE_TOP = 20


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    url: str | None
    y: int
    width: float


def bars(rows: Sequence[tuple[str, Decimal | int, str | None]]) -> list[Bar]:
    """(label, value, link) rows as horizontal bars scaled to the largest value."""
    largest = max((row[1] for row in rows), default=0) or 1
    return [Bar(label, value, url, i * BAR_ROW,
                round(float(value) / float(largest) * BAR_WIDTH, 1))
            for i, (label, value, url) in enumerate(rows)]


def bars_height(drawn: Sequence[Bar]) -> int:
    return max(len(drawn), 1) * BAR_ROW


@dataclass(frozen=True)
class Mark:
    id: int
    title: str
    due: date
    x: float
    y: int
    kind: str  # "done", "overdue" or "open"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    marks: list[Mark]
    today_x: float | None
    ticks: list[Tick]
    height: int
    width: int = TIMELINE_WIDTH


def _x(day: date, start: date, span: int) -> float:
    return round((day - start).days / span * TIMELINE_WIDTH, 1)


def timeline(milestones: Sequence, start: date, end: date, on: date) -> Timeline:
    """Milestones (with `id`, `title`, `due_date`, `is_overdue(on)` and `state`) placed on a
    line from `start` to `end`, widened to take in every due date and today."""
    days = [m.due_date for m in milestones] + [start, end, on]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    marks = []
    for row, m in enumerate(milestones):
        kind = ("overdue" if m.is_overdue(on)
                else "done" if m.state.value in ("accepted", "waived") else "open")
        marks.append(Mark(m.id, m.title, m.due_date, _x(m.due_date, first, span),
                          TIMELINE_TOP + row * TIMELINE_ROW, kind))
    ticks, year = [], first.year
    while date(year, 1, 1) <= last:
        if date(year, 1, 1) >= first:
            ticks.append(Tick(_x(date(year, 1, 1), first, span), str(year)))
        year += 1
    return Timeline(marks, _x(on, first, span), ticks,
                    TIMELINE_TOP + max(len(marks), 1) * TIMELINE_ROW + 6)
