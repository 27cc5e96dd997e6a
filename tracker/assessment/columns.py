"""The assessment's tables as its pages show them and its XLSX files hold them: the year's
table (every institute), one institute's assessment, a drill-down and the allocation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from tracker.assessment.models import Indicator
from tracker.display.formatting import money, number
from tracker.export.columns import Column, Kind


def in_unit(indicator: Indicator, value: Decimal | None) -> Markup:
    """A figure of `indicator` as the page shows it: CN¥ for money, a number for a count.
    A column of them mixes indicators, so its file holds the numbers (Kind.NUMBER)."""
    return escape(money(value) if indicator.is_money else number(value))


def year_columns(year: int, indicators: list[Indicator], *, details: bool, ranks: bool,
                 opens: Callable[[Any], bool]) -> list[Column]:
    """Rank (when the reader may see the ranking), institute (a link where the reader may
    open its assessment: `opens(institute)`), a score per indicator (with `details`: HQ's
    view), total, last year's total and the change."""
    def link(r) -> str | None:
        if not opens(r.institute):
            return None
        return url_for("assessment.institute", year=year, institute_id=r.institute.id)
    columns = [Column(_l("Rank"), lambda r: r.rank, Kind.INT, 6)] if ranks else []
    columns += [
        Column(_l("Code"), lambda r: r.institute.code, Kind.CODE, 12),
        Column(_l("Institute"), lambda r: r.institute.shown("name"), width=32, link=link),
    ]
    if details:
        columns += [Column(i.shown("name"), lambda r, n=n: r.lines[n].score, Kind.NUMBER, 14)
                    for n, i in enumerate(indicators)]
    return [*columns,
            Column(_l("Total score"), lambda r: r.total, Kind.NUMBER, 12),
            Column(_l("Last year"), lambda r: r.previous, Kind.NUMBER, 12),
            Column(_l("Change"), lambda r: r.change, Kind.NUMBER, 10)]


def institute_columns(year: int, institute_id: int) -> list[Column]:
    def link(line) -> str:
        return url_for("assessment.drill_down", year=year, institute_id=institute_id,
                       indicator_id=line.indicator.id)
    return [
        Column(_l("Indicator"), lambda x: x.indicator.shown("name"), width=40, link=link),
        Column(_l("Weight"), lambda x: x.indicator.weight, Kind.NUMBER, 10),
        Column(_l("Target"), lambda x: x.indicator.target, Kind.NUMBER, 16,
               markup=lambda x: in_unit(x.indicator, x.indicator.target)),
        Column(_l("Value reached"), lambda x: x.value, Kind.NUMBER, 16,
               markup=lambda x: in_unit(x.indicator, x.value)),
        Column(_l("Score"), lambda x: x.score, Kind.NUMBER, 10),
    ]


def drill_down_columns(in_money: bool) -> list[Column]:
    columns = [
        Column(_l("Date counted"), lambda c: c.on, Kind.DATE, 12),
        Column(_l("Record"), lambda c: c.what, width=40,
               link=lambda c: url_for(c.endpoint, **c.args)),
        Column(_l("Project"), lambda c: c.code, Kind.CODE, 18),
    ]
    if in_money:
        columns.append(Column(_l("Amount"), lambda c: c.amount, Kind.MONEY, 16))
    return columns


ALLOCATION_COLUMNS = [
    Column(_l("Rank"), lambda r: r[0].rank, Kind.INT, 6),
    Column(_l("Code"), lambda r: r[0].institute.code, Kind.CODE, 12),
    Column(_l("Institute"), lambda r: r[0].institute.shown("name"), width=32),
    Column(_l("Total score"), lambda r: r[0].total, Kind.NUMBER, 12),
    Column(_l("Contract revenue received"), lambda r: r[1], Kind.MONEY, 18),
    Column(_l("Allocation"), lambda r: r[2], Kind.MONEY, 18),
]


# An evidence indicator's entries for one institute (its drill-down): what the institute
# entered and where HQ's review left it; only the accepted ones count, none withdrawn.
EVIDENCE_COLUMNS = [
    Column(_l("Entered"), lambda e: e.entered_at, Kind.INSTANT, 18),
    Column(_l("Amount"), lambda e: e.amount, Kind.NUMBER, 14,
           markup=lambda e: in_unit(e.indicator, e.amount)),
    Column(_l("What it is and where it comes from"), lambda e: e.description, width=48,
           css="text-cell"),
    Column(_l("State"), lambda e: e.state, Kind.LABEL, 14),
    Column(_l("Withdrawn on"), lambda e: e.voided_at, Kind.INSTANT, 18),
]
