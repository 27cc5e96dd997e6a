"""The annual report's needs: collected in the year they were recorded, matched in the year of
their match (in the organisation's time zone), or of their recording when the match's moment
was not recorded (matched before the tracker kept it)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from tests.factories import make_institute, make_need
from tracker import db
from tracker.organisations.models import NeedState
from tracker.reports import annual
from tracker.reports.figures import Cell


def test_needs_collected_in_one_year_and_matched_in_the_next():
    institute = make_institute()
    late = make_need(institute, intended_investment=Decimal("1000000"))  # matched
    late.created_at = datetime(2025, 11, 3, 2, tzinfo=UTC)
    # 31 Dec 2025 at 17:00 UTC is 1 Jan 2026 in Shanghai.
    late.matched_at = datetime(2025, 12, 31, 17, tzinfo=UTC)
    old = make_need(institute, intended_investment=Decimal("2000000"),
                    state=NeedState.CONTRACTED)  # matched before matched_at was kept
    old.created_at = datetime(2025, 6, 1, 2, tzinfo=UTC)
    fell = make_need(institute, intended_investment=Decimal("4000000"),
                     state=NeedState.ANALYSED)  # the match fell through
    fell.created_at = datetime(2026, 2, 1, 2, tzinfo=UTC)
    db.session.flush()
    report = annual.build(2026, frozenset({institute.id}))
    collected, matched = report.figure("needs_collected"), report.figure("needs_matched")
    assert (collected.total(2025), collected.total(2026)) == (
        Cell(2, Decimal("3000000.00")), Cell(1, Decimal("4000000.00")))
    assert (matched.total(2025), matched.total(2026)) == (
        Cell(1, Decimal("2000000.00")), Cell(1, Decimal("1000000.00")))
