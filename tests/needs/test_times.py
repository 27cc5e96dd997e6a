"""Time from intake to match and to contract: per need on its page and in the list, the median
over the needs listed (filters applied), against a hand-computed fixture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_institute, make_need, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.needs import timing
from tracker.organisations.models import NeedState, TechnologyNeed

START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def _need(title: str, to_match: timedelta | None, to_contract: timedelta | None = None):
    state = (NeedState.CONTRACTED if to_contract else NeedState.MATCHED if to_match
             else NeedState.COLLECTED)
    need = make_need(title=title, state=state,
                     institute=make_institute() if to_match else None)
    need.created_at = need.state_since = START
    need.matched_at = START + to_match if to_match else None
    need.contracted_at = START + to_contract if to_contract else None
    db.session.flush()
    return need


def test_medians_of_the_listed_needs(client):
    # Days to match: 3, 7, 10, 20.5 (median of four: (7 + 10) / 2 = 8.5); none for the fifth.
    # Days to contract: 40 and 61.25 -> 61.3 shown; median (40 + 61.25) / 2 = 50.625 -> 50.6.
    _need("N1 fast", timedelta(days=3))
    _need("N2", timedelta(days=7), timedelta(days=40))
    _need("N3", timedelta(days=10), timedelta(days=61, hours=6))
    _need("N4 slow", timedelta(days=20, hours=12))
    _need("N5 waiting", None)
    titles = ("N1 fast", "N2", "N3", "N4 slow", "N5 waiting")
    medians = timing.medians(select(TechnologyNeed).where(TechnologyNeed.title.in_(titles)))
    assert medians == timing.Medians(Decimal("8.5"), 4, Decimal("50.6"), 2)
    n3 = db.session.scalar(select(TechnologyNeed).where(TechnologyNeed.title == "N3"))
    assert timing.of(n3) == timing.Times(Decimal("10.0"), Decimal("61.3"))

    login(client, make_user(Role.OBSERVER))
    page = client.get("/needs/?q=N").get_data(as_text=True)
    assert ("From intake to match, median: 8.5 days (4 needs); to contract, median: "
            "50.6 days (2 needs).") in page
    # Filtered to the matched (not contracted) ones: 3 and 20.5 -> 11.75 -> 11.8.
    page = client.get("/needs/?q=N&state=matched").get_data(as_text=True)
    assert "median: 11.8 days (2 needs); to contract, median: — (0 needs)" in page
    need_page = client.get(f"/needs/{n3.id}").get_data(as_text=True)
    assert "61.3 days" in need_page and "10 days" in need_page


def test_one_day_and_one_need_are_said_in_the_singular(client):
    """The median said "1 days (1 needs)" (found by a newcomer): each count goes through
    ngettext, the days whole or not."""
    one = _need("S1 one", timedelta(days=1), timedelta(days=1))
    login(client, make_user(Role.OBSERVER))
    page = client.get("/needs/?q=S1").get_data(as_text=True)
    assert ("From intake to match, median: 1 day (1 need); to contract, median: "
            "1 day (1 need).") in page
    need_page = client.get(f"/needs/{one.id}").get_data(as_text=True)
    assert "1 day<" in need_page and "1 days" not in need_page
    login(client, make_user(Role.OBSERVER, locale="zh_CN"))
    page = client.get("/needs/?q=S1").get_data(as_text=True)
    assert "从征集到对接，中位数：1 天（1 项需求）；到签约，中位数：1 天（1 项需求）。" in page


def test_a_contract_signed_before_the_need_was_recorded_counts_no_time():
    """A need recorded after its contract was signed (entered after the fact: an import's
    Recorded on) counted a negative time into the median (found by review: -486 days)."""
    late = _need("N6 recorded late", timedelta(days=4), timedelta(days=10))
    late.created_at = START + timedelta(days=30)  # recorded after its match and its contract
    on_time = _need("N7", timedelta(days=6), timedelta(days=20))
    db.session.flush()
    assert timing.of(late) == timing.Times(None, None)
    medians = timing.medians(select(TechnologyNeed).where(
        TechnologyNeed.id.in_([late.id, on_time.id])))
    assert medians == timing.Medians(Decimal("6.0"), 1, Decimal("20.0"), 1)
