"""A contributor named as written, without a user account, has an income statement too (issue
16, F35, found by a newcomer): HQ reaches it from the achievement's page and prints it for
them; a statement is of one year with ?year= (a bad year is refused, 400)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_transfer
from tests.conftest import login
from tests.factories import _commit, make_project, make_user
from tracker.accounts.models import Role
from tracker.achievements import deals, queries
from tracker.projects.lifecycle import Phase


@pytest.fixture
def licensed():
    """The PM 60 %, Zhou Min (named) 40 %; a licence signed in 2025, the contributors' half of
    100,000.00 received in 2025 and of 50,000.00 in 2026."""
    achievement = make_achievement(make_project(  # begun in 2024: a deal signed in 2025
        pm=make_user(Role.PROJECT_MANAGER), phase=Phase.CONTRACT_RESEARCH,
        start_date=date(2024, 1, 1)))
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(achievement, hq, signed_on=date(2025, 1, 15), reporting_months=0,
                             royalty_pct=Decimal("0"), royalty_base="", minimum_royalty=None)
    for on, amount in ((date(2025, 6, 1), "100000.00"), (date(2026, 2, 1), "50000.00")):
        deals.record_income(hq, transfer, received_on=on, amount=Decimal(amount), costs=None,
                            pays="other", report_id=None)
    _commit()
    named = next(c for c in achievement.contributors if c.user_id is None)
    return achievement, named, hq


def test_hq_reaches_and_prints_the_statement_of_a_person_named(client, licensed):
    achievement, named, hq = licensed
    assert [s.amount for s in queries.named_statement(named)] == [
        Decimal("20000.00"), Decimal("10000.00")]
    login(client, hq)
    page = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    link = f"/ip/statements/named/{named.id}"
    assert link in page
    statement = client.get(link)
    assert statement.status_code == 200
    text = statement.get_data(as_text=True)
    assert "Income statement of Zhou Min" in text
    assert "20,000.00" in text and "10,000.00" in text and "30,000.00" in text
    one_year = client.get(f"{link}?year=2025").get_data(as_text=True)
    assert "20,000.00" in one_year and "10,000.00" not in one_year
    assert "Income received in 2025" in one_year
    for bad in ("twenty", "1800", "20255"):
        assert client.get(f"{link}?year={bad}").status_code == 400


def test_the_pm_reads_their_own_statement_by_year_but_not_the_named_one(client, licensed):
    achievement, named, _hq = licensed
    pm = achievement.project.pm
    login(client, pm)
    page = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    assert f"/ip/statements/{pm.id}" in page
    assert f"/ip/statements/named/{named.id}" not in page
    assert client.get(f"/ip/statements/named/{named.id}").status_code == 404
    own = client.get(f"/ip/statements/{pm.id}?year=2026").get_data(as_text=True)
    assert "15,000.00" in own and "30,000.00" not in own  # 60 % of the 2026 half only
    assert client.get(f"/ip/statements/{pm.id}?year=x").status_code == 400
