"""The annual report's columns: what its page's table shows and its files hold, one row per
figure and institute (the total first), the year before beside the year."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.export.columns import Column, Kind
from tracker.reports.figures import Row


def annual_columns(year: int) -> list[Column]:
    return [
        Column(_l("Figure"), lambda r: str(r.label), width=44),
        Column(_l("Institute code"), lambda r: r.institute_code, Kind.CODE, 14),
        Column(_l("Institute"), lambda r: r.institute_name or _l("Total"), width=28),
        Column(_l("Count %(year)d", year=year - 1), _count(previous=True), Kind.INT, 12),
        Column(_l("Count %(year)d", year=year), _count(previous=False), Kind.INT, 12),
        Column(_l("Amount %(year)d", year=year - 1), _amount(previous=True), Kind.MONEY,
               20),
        Column(_l("Amount %(year)d", year=year), _amount(previous=False), Kind.MONEY, 20),
    ]


def _count(previous: bool):
    return lambda r: (r.previous if previous else r.current).count


def _amount(previous: bool):
    return lambda r: (r.previous if previous else r.current).amount


def as_json(report) -> dict:
    """The report as plain data: amounts as decimal strings (exact), counts as numbers."""
    def cell(c):
        return {"count": c.count, "amount": None if c.amount is None else format(c.amount, "f")}

    rows: list[Row] = report.rows()
    return {
        "year": report.year, "previous_year": report.previous,
        "institutes": [{"code": code, "name": name} for _, code, name in report.institutes],
        "figures": [{"key": r.figure, "label": str(r.label), "institute": r.institute_code or None,
                     str(report.previous): cell(r.previous), str(report.year): cell(r.current)}
                    for r in rows],
    }
