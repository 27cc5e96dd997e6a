"""The annual report's centres: founded in a year by their establishment, active in a year
when one of their agreement terms runs some day of it (a centre with no agreement recorded:
from its establishment on)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.factories import make_centre, make_user
from tracker.accounts.models import Role
from tracker.centres import services
from tracker.reports import annual


def test_centres_founded_and_active_follow_their_terms(app):
    admin = make_user(Role.HQ_ADMIN)

    def term(centre, starts: date, ends: date):
        services.record_agreement(admin, centre, signed_on=starts, starts_on=starts,
                                  ends_on=ends, committed=Decimal("1000000"))

    lapsed = make_centre(established_on=date(2020, 5, 1))  # its term ended mid-2025
    term(lapsed, date(2021, 1, 1), date(2025, 6, 30))
    make_centre(established_on=date(2026, 2, 1))  # no agreement: active from its founding
    late = make_centre(established_on=date(2019, 1, 1))  # its first term began in 2026
    term(late, date(2026, 3, 1), date(2029, 2, 28))
    renewed = make_centre(established_on=date(2025, 4, 1))  # two terms, no gap
    term(renewed, date(2025, 4, 1), date(2025, 12, 31))
    term(renewed, date(2026, 1, 1), date(2028, 12, 31))
    report = annual.build(2026)
    founded, active = report.figure("centres_founded"), report.figure("centres_active")
    assert (founded.total(2025).count, founded.total(2026).count) == (1, 1)
    # 2025: lapsed, renewed. 2026: the one without agreement, late, renewed.
    assert (active.total(2025).count, active.total(2026).count) == (2, 3)
