"""The committee's list of agreements: a page of them, with the total of all.

Apart from tests/funding/test_views.py, whose projects are built once for the module: this
test counts every agreement there is."""

from __future__ import annotations

from decimal import Decimal

from tests.companies import helpers
from tests.conftest import login
from tests.factories import _commit, make_user
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.funding import services as funding
from tracker.milestones.models import MilestoneState


def test_the_list_shows_a_page_of_agreements_with_the_total_of_all(app, client, monkeypatch):
    """Three agreements, two a page: each page lists its own, the total row sums all three
    (1 + 2 + 3 million committed, 0.5 million disbursed), and the file holds all three."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    for millions in (1, 2, 3):
        agreement = funding.record_agreement(
            committee, helpers.invested_project(),
            committed=Decimal(millions * 1_000_000), qualifying_round_min=Decimal("0"),
            signed_on=helpers.days_ago(10), conversion_deadline=helpers.days_ago(-100 * millions))
    milestone = helpers.make_milestone(agreement.project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=Decimal("1000000"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=Decimal("500000"), paid_on=today())
    _commit()
    login(client, committee)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    first = client.get("/funding/").get_data(as_text=True)
    second = client.get("/funding/?page=2").get_data(as_text=True)
    rows = [page.split("<tbody>")[1].split("</tbody>")[0].count("<tr") for page in (first,
                                                                                   second)]
    assert rows == [2, 1]
    for page in (first, second):
        foot = page.split("<tfoot>")[1].split("</tfoot>")[0]
        assert "CN¥6,000,000.00" in foot and "CN¥500,000.00" in foot
        # Nothing converted: CN¥0.00 in each row, as in the total and beside the disbursed
        # CN¥0.00; a row read "—" above a total of CN¥0.00 (found by a newcomer)
        body = page.split("<tbody>")[1].split("</tbody>")[0]
        assert all(row.count('<td class="num">') == 5 and row.count("—") == 0
                   for row in body.split("<tr")[1:])
    assert "?page=2" in first
    exported = client.get("/funding/?export=csv").get_data(as_text=True)
    assert len(exported.strip().splitlines()) == 1 + 3 + 1  # header, agreements, total
