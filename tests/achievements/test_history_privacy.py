"""A deal's history shows no more than the deal's page to its reader: the contributors' parts
of each receipt (names and amounts) only to those who see the split; the fields are labelled
as what they are (the contributors' parts and pool, not shares or a funding pool)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.achievements.helpers import make_achievement, make_transfer
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tracker.accounts.models import Role
from tracker.achievements import deals

D = Decimal


def test_the_history_of_a_deal_hides_the_contributors_parts_from_those_the_page_hides_them(
        client):
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()  # the PM 60 %, Zhou Min 40 %
    transfer = make_transfer(achievement, hq, contributor_pct=D("50"))
    deals.record_income(hq, transfer, received_on=date(2026, 2, 1), amount=D("100000.00"),
                        costs=D("10000.00"), pays="upfront", report_id=None)
    _commit()
    paths = (f"/history/ip_transfers/{transfer.id}", f"/transfers/{transfer.id}")
    login(client, achievement.project.pm)
    history, page = (client.get(path).get_data(as_text=True) for path in paths)
    assert "18,000.00" not in page
    assert "18,000.00" not in history and "27,000.00" not in history
    assert "Contributors&#39; pool" in history  # the receipt itself stays in the history
    post(client, "/logout", {})
    login(client, hq)
    history = client.get(paths[0]).get_data(as_text=True)
    assert "Zhou Min" in history and "18,000.00" in history
    assert "Contributors&#39; parts" in history and "Contributors&#39; pool" in history
    assert ">Shares<" not in history and "Funding pool" not in history

