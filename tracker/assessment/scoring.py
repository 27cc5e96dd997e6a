"""A year's assessment as its pages show it: each institute's value and score per indicator,
its total, its rank, and the change against the year before.

An indicator's score is its weight times the share of its target reached, at most the whole
weight (value >= target) and at least nothing (a negative value), rounded half up to 0.01; the
total is the sum of the scores. Institutes are ranked by total, highest first; equal totals
share a rank (1, 1, 3).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from tracker import db
from tracker.assessment import measures
from tracker.assessment.models import EvidenceEntry, EvidenceState, Indicator, Measure
from tracker.organisations.models import Institute

ZERO = Decimal("0")
ONE = Decimal("1")
POINTS = Decimal("0.01")


def score(value: Decimal, target: Decimal, weight: Decimal) -> Decimal:
    reached = min(max(value / target, ZERO), ONE)
    return (weight * reached).quantize(POINTS, ROUND_HALF_UP)


@dataclass
class Line:
    indicator: Indicator
    value: Decimal
    score: Decimal


@dataclass
class Result:
    institute: Institute
    lines: list[Line]
    total: Decimal
    rank: int = 0
    previous: Decimal | None = None  # last year's total, when it was assessed

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.total - self.previous


@dataclass
class YearTable:
    year: int
    indicators: list[Indicator]
    results: list[Result] = field(default_factory=list)  # by rank

    def of(self, institute_id: int) -> Result | None:
        return next((r for r in self.results if r.institute.id == institute_id), None)


def indicators_of(year: int) -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).where(Indicator.year == year)
                                   .order_by(Indicator.position, Indicator.id)))


def accepted_evidence(year: int) -> dict[tuple[int, int], Decimal]:
    """{(indicator, institute): the sum of the accepted entries}: nothing else counts, an
    accepted entry withdrawn since (`EvidenceEntry.counts`) neither."""
    rows = db.session.execute(
        select(EvidenceEntry.indicator_id, EvidenceEntry.institute_id,
               func.sum(EvidenceEntry.amount))
        .join(Indicator, Indicator.id == EvidenceEntry.indicator_id)
        .where(Indicator.year == year, EvidenceEntry.state == EvidenceState.ACCEPTED,
               EvidenceEntry.standing())
        .group_by(EvidenceEntry.indicator_id, EvidenceEntry.institute_id))
    return {(r[0], r[1]): Decimal(r[2]) for r in rows}


def _scored(year: int, institutes: list[Institute]) -> YearTable:
    indicators = indicators_of(year)
    table = YearTable(year, indicators)
    if not indicators:
        return table
    computed: dict[Measure, dict[int, Decimal]] = {
        m: measures.values(m, year) for m in {i.measure for i in indicators if i.is_computed}}
    evidence = accepted_evidence(year)
    for institute in institutes:
        lines = []
        for indicator in indicators:
            if indicator.is_computed:
                value = computed[indicator.measure].get(institute.id, ZERO)
            else:
                value = evidence.get((indicator.id, institute.id), ZERO)
            lines.append(Line(indicator, value, score(value, indicator.target, indicator.weight)))
        table.results.append(Result(institute, lines, sum((x.score for x in lines), ZERO)))
    table.results.sort(key=lambda r: (-r.total, r.institute.code))
    for position, result in enumerate(table.results, start=1):
        ahead = table.results[position - 2] if position > 1 else None
        result.rank = ahead.rank if ahead and ahead.total == result.total else position
    return table


def year_table(year: int) -> YearTable:
    """Every institute's assessment of `year`, with last year's totals beside."""
    institutes = list(db.session.scalars(select(Institute).order_by(Institute.code)))
    table = _scored(year, institutes)
    before = _scored(year - 1, institutes)
    if before.indicators:
        previous = {r.institute.id: r.total for r in before.results}
        for result in table.results:
            result.previous = previous.get(result.institute.id)
    return table


def revenue_received(year: int) -> dict[int, Decimal]:
    """Contract revenue received per institute in the year: the funding rule's second key."""
    return defaultdict(lambda: ZERO, measures.values(Measure.CONTRACTS_RECEIVED, year))
