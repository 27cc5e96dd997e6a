"""The funding and company pages load what they show in a fixed number of statements."""

from __future__ import annotations

from decimal import Decimal

from tests.companies import helpers
from tests.conftest import login
from tests.factories import _commit, make_project, make_user
from tests.test_query_counts import page_statements
from tracker.accounts.models import Role
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, HolderType
from tracker.dates import today
from tracker.funding import services as funding
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase


def _twice(client, engine, paths: tuple[str, ...], grow) -> dict[str, list[int]]:
    """The statements of each page after `grow()` and after a second `grow()` (the data grown
    for all the pages at once)."""
    counts: dict[str, list[int]] = {path: [] for path in paths}
    for _ in range(2):
        grow()
        for path in paths:
            counts[path].append(len(page_statements(client, engine, path)))
    return counts


def test_pages_do_not_grow_with_the_data(client, engine):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, company = helpers.worked_example(committee=committee)
    project = agreement.project
    other = make_project(phase=Phase.INVESTMENT_DECISION)
    other_agreement = funding.record_agreement(
        committee, other, committed=Decimal("9000000"), qualifying_round_min=Decimal("0"),
        signed_on=helpers.days_ago(10), conversion_deadline=helpers.days_ago(-300))
    admin = helpers.manager()
    login(client, committee)

    def grow():
        for _ in range(2):
            milestone = helpers.make_milestone(other, MilestoneState.ACCEPTED)
            tranche = funding.add_tranche(committee, other_agreement, amount=Decimal("1000"),
                                          milestone_id=milestone.id)
            funding.record_disbursement(committee, tranche, amount=Decimal("10"),
                                        paid_on=today())
            companies.issue_shares(admin, company, companies.IssueLine(
                f"Investor {tranche.id}", HolderType.INVESTOR, Decimal("10"),
                Acquisition.CASH), today())
            helpers.record_round(company, on=today(), name=f"Round {tranche.id}",
                                 investors=((f"Fund {tranche.id}", "1000"),))
            helpers.ready_for_spin_off(make_project(phase=Phase.SPIN_OFF))
        _commit()

    paths = (f"/projects/{other.id}/funding", f"/projects/{project.id}/funding",
             f"/companies/{company.id}", "/companies/", "/funding/")
    for path, counts in _twice(client, engine, paths, grow).items():
        # The portfolio shows a page of companies: a page may hold no round or exit and skip
        # loading them, so it may run fewer statements, never more.
        assert counts[1] <= counts[0] if path == "/companies/" else counts[0] == counts[1], (
            path, counts)


def test_the_portfolio_reads_its_holdings_once(client, engine):
    """The holdings of every company (`holdings.lines`: aggregates over every round, entry
    and exit) give the totals, the number of companies and the page's ids in one statement;
    the page then loads its own companies by id."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    helpers.worked_example(committee=committee)
    for _ in range(3):
        helpers.ready_for_spin_off(make_project(phase=Phase.SPIN_OFF))
    _commit()
    login(client, helpers.manager())
    for path in ("/companies/", "/companies/?hq_stake=1", "/companies/?page=2"):
        statements = page_statements(client, engine, path)
        assert len([s for s in statements if "holdings" in s]) == 1, path
