"""The share ledger: the cap table on any date, incorporation rules, transfers and lock-ups,
rounds, exits. Each refusal names the rule and the numbers, and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.companies.helpers import TECHNOLOGY, IssueLine
from tests.conftest import login
from tests.factories import _commit, make_project, make_user
from tracker import db, money
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import deals, ledger
from tracker.companies import services as companies
from tracker.companies.deals import InvestorLine
from tracker.companies.models import (
    Acquisition,
    CompanyStatus,
    ExitKind,
    HolderType,
    ShareEntry,
    Shareholder,
)
from tracker.errors import Forbidden, Invalid, Refused
from tracker.projects.lifecycle import Phase
from tracker.settings import services as settings
from tracker.settings.catalogue import TEAM_HOLDING_MAX_PCT, TEAM_HOLDING_MIN_PCT

D = Decimal


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(t))
                 for t in (ShareEntry, Shareholder, AuditRecord))


@pytest.fixture
def company():
    return helpers.make_company(make_project(phase=Phase.SPIN_OFF))


def test_the_cap_table_at_past_dates(company):
    helpers.incorporate(company, on=helpers.days_ago(400))
    admin = helpers.manager()
    companies.transfer_shares(admin, company, company.holders[2], "Chen Jing", HolderType.TEAM,
                              D("250000"), helpers.days_ago(200))
    helpers.record_round(company, on=helpers.days_ago(30))

    assert ledger.cap_table(company, helpers.days_ago(401)).rows == []
    at_start = ledger.cap_table(company, helpers.days_ago(400))
    assert at_start.issued == D("10000000")
    assert {h.holder.name: (h.shares, h.pct) for h in at_start.rows} == {
        "R&D team": (D("7000000"), D("70.00")),
        "Robotics institute": (D("2000000"), D("20.00")),
        "Incentive pool": (D("1000000"), D("10.00"))}
    mid = ledger.cap_table(company, helpers.days_ago(100))
    assert mid.issued == D("10000000")
    assert {h.holder.name: h.shares for h in mid.rows}["Incentive pool"] == D("750000")
    assert {h.holder.name: h.shares for h in mid.rows}["Chen Jing"] == D("250000")
    now = ledger.cap_table(company, helpers.days_ago(0))
    assert now.issued == D("12000000") and now.held == now.issued
    assert now.pct_of(HolderType.INVESTOR) == D("16.67")
    history = ledger.stake_history(company)
    assert [day for day, _ in history] == [helpers.days_ago(400), helpers.days_ago(200),
                                           helpers.days_ago(30)]
    assert history[0][1][HolderType.INSTITUTE] == D("20.00")
    assert history[-1][1][HolderType.INSTITUTE] == D("16.67")


def test_a_cap_table_that_does_not_add_up_is_refused(company):
    before = _counts()
    with pytest.raises(Invalid) as refused:
        companies.incorporate(helpers.manager(), company, list(helpers.FOUNDING),
                              helpers.days_ago(10), D("10500000"))
    assert refused.value.field == "total_shares"
    message = refused.value.message
    assert "does not add up" in message
    assert "10,000,000" in message and "10,500,000" in message and "500,000 missing" in message
    assert _counts() == before and company.entries == []


@pytest.mark.parametrize("team,others", [("5000000", "5000000"),   # exactly 50 %: not more
                                         ("9100000", "900000")])  # 91 %: above 90 %
def test_team_holding_outside_the_bounds_is_refused(company, team, others):
    lines = [IssueLine("R&D team", HolderType.TEAM, D(team), Acquisition.CASH),
             IssueLine("Robotics institute", HolderType.INSTITUTE, D(others), Acquisition.CASH)]
    before = _counts()
    with pytest.raises(Invalid) as refused:
        companies.incorporate(helpers.manager(), company, lines, helpers.days_ago(10),
                              D("10000000"))
    message = refused.value.message
    assert "more than 50%" in message and "at most 90%" in message
    assert f"{int(team):,}" in message and "10,000,000" in message
    assert _counts() == before


def test_the_team_holding_bounds_are_settings(company):
    admin = make_user(Role.HQ_ADMIN)
    settings.set_value(admin, TEAM_HOLDING_MIN_PCT, "40")
    settings.set_value(admin, TEAM_HOLDING_MAX_PCT, "95")
    lines = [IssueLine("R&D team", HolderType.TEAM, D("45"), Acquisition.CASH),
             IssueLine("Robotics institute", HolderType.INSTITUTE, D("55"), Acquisition.CASH)]
    assert companies.incorporate(admin, company, lines, helpers.days_ago(10), D("100")) == []


def test_contributors_holding_less_than_half_of_a_technologys_equity_is_a_warning(company):
    lines = [IssueLine("R&D team", HolderType.TEAM, D("6000000"), Acquisition.CASH),
             IssueLine("R&D team", HolderType.TEAM, D("1000000"), Acquisition.IP, TECHNOLOGY),
             IssueLine("Robotics institute", HolderType.INSTITUTE, D("3000000"),
                       Acquisition.IP, TECHNOLOGY)]
    warnings = helpers.incorporate(company, lines=lines)
    assert len(warnings) == 1
    assert TECHNOLOGY in warnings[0] and "25.00%" in warnings[0] and "4,000,000" in warnings[0]
    assert "at least 50%" in warnings[0]
    assert len(company.entries) == 3  # a warning, not a refusal


def test_shares_for_ip_name_the_technology(company):
    lines = [IssueLine("R&D team", HolderType.TEAM, D("70"), Acquisition.IP)]
    with pytest.raises(Invalid, match="technology"):
        companies.incorporate(helpers.manager(), company, lines, helpers.days_ago(1), D("70"))


def test_a_holder_keeps_its_type(company):
    lines = [IssueLine("R&D team", HolderType.TEAM, D("70"), Acquisition.CASH),
             IssueLine("R&D team", HolderType.INVESTOR, D("30"), Acquisition.CASH)]
    before = _counts()
    with pytest.raises(Invalid, match="R&D team is a holder of the type R&D team"):
        companies.incorporate(helpers.manager(), company, lines, helpers.days_ago(1), D("100"))
    assert _counts() == before


def test_a_transfer_beyond_the_holding_or_under_lock_up_is_refused(company):
    locked = [IssueLine("R&D team", HolderType.TEAM, D("7000000"), Acquisition.CASH,
                        lock_up_until=helpers.days_ago(-100)),
              IssueLine("Robotics institute", HolderType.INSTITUTE, D("3000000"),
                        Acquisition.CASH)]
    helpers.incorporate(company, lines=locked)
    admin = helpers.manager()
    team, institute = company.holders
    before = _counts()
    with pytest.raises(Invalid) as refused:
        companies.transfer_shares(admin, company, institute, "Buyer", HolderType.INVESTOR,
                                  D("3000001"), helpers.days_ago(1))
    assert "3,000,000" in refused.value.message and "negative" in refused.value.message
    with pytest.raises(Invalid) as refused:
        companies.transfer_shares(admin, company, team, "Buyer", HolderType.INVESTOR,
                                  D("100"), helpers.days_ago(1))
    assert "7,000,000 of R&D team's shares are locked up" in refused.value.message
    assert _counts() == before
    companies.transfer_shares(admin, company, institute, "Buyer", HolderType.INVESTOR,
                              D("1000000"), helpers.days_ago(1))
    assert ledger.cap_table(company, helpers.days_ago(0)).shares_of(HolderType.INVESTOR) == \
        D("1000000")


def test_a_backdated_transfer_may_not_leave_a_later_holding_negative(company):
    helpers.incorporate(company, on=helpers.days_ago(400))
    admin = helpers.manager()
    pool = company.holders[2]
    companies.transfer_shares(admin, company, pool, "Chen Jing", HolderType.TEAM,
                              D("800000"), helpers.days_ago(100))
    with pytest.raises(Invalid, match="200,000"):
        companies.transfer_shares(admin, company, pool, "Wu Lei", HolderType.TEAM,
                                  D("300000"), helpers.days_ago(200))


@pytest.mark.parametrize("amount", ["0", "-1000000"])
def test_a_round_with_a_zero_or_negative_amount_is_refused(company, amount):
    helpers.incorporate(company)
    before = _counts()
    with pytest.raises(Invalid) as refused:
        deals.record_round(helpers.manager(), company, name="A", on=helpers.days_ago(1),
                               pre_money=D("100000000"), amount=D(amount),
                               investors=[InvestorLine("Fund", HolderType.INVESTOR, D(amount))])
    assert refused.value.field == "amount"
    assert "more than zero" in refused.value.message
    assert f"{abs(D(amount)):,.2f} was given" in refused.value.message
    assert _counts() == before and company.rounds == []


def test_a_round_whose_investors_do_not_add_up_is_refused(company):
    helpers.incorporate(company)
    with pytest.raises(Invalid) as refused:
        deals.record_round(helpers.manager(), company, name="A", on=helpers.days_ago(1),
                               pre_money=D("100000000"), amount=D("30000000"),
                               investors=[InvestorLine("Fund", HolderType.INVESTOR,
                                                       D("20000000"))])
    assert "20,000,000.00, not the round's CN¥30,000,000.00" in refused.value.message


def test_a_round_needs_a_cap_table(company):
    with pytest.raises(Refused, match="no cap table"):
        helpers.record_round(company)


def test_the_exit_realises_hq_and_institute_proceeds_pro_rata(company):
    helpers.incorporate(company)
    helpers.record_round(company)
    exit_ = deals.record_exit(helpers.manager(), company, kind=ExitKind.ACQUISITION,
                                  on=helpers.days_ago(1), proceeds=D("300000000"))
    # The institute holds 2,000,000 of 12,000,000 shares; HQ none.
    assert exit_.institute_proceeds == D("50000000.00")
    assert exit_.hq_proceeds == D("0.00")
    assert company.status is CompanyStatus.ACQUIRED
    with pytest.raises(Refused, match="exited"):
        helpers.record_round(company)


def test_the_unified_social_credit_code_is_validated():
    project = make_project(phase=Phase.SPIN_OFF)
    with pytest.raises(Invalid) as refused:
        helpers.make_company(project, uscc="91320000000000001X")
    assert refused.value.field == "uscc" and "check character" in refused.value.message
    with pytest.raises(Invalid, match="both"):
        helpers.make_company(project, registered_on=None)
    company = helpers.make_company(project, registered=False)
    assert company.status is CompanyStatus.PREPARING
    with pytest.raises(Invalid, match="already spun off"):
        helpers.make_company(project)


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.OBSERVER, Role.EVALUATOR])
def test_only_hq_admins_and_the_committee_record_companies(role):
    project = make_project(phase=Phase.SPIN_OFF)
    with pytest.raises(Forbidden):
        helpers.make_company(project, make_user(role))
    helpers.make_company(project, make_user(Role.INVESTMENT_COMMITTEE))
    _commit()


def test_nonsense_numbers_are_refused_with_what_was_wrong(company):
    """Found by a newcomer: a price rounding to zero was a 500; 18-digit share counts and an
    exit before the last round were accepted."""
    from tracker.companies.models import ExitKind

    helpers.incorporate(company, on=helpers.days_ago(100))
    with pytest.raises(Invalid, match="rounds to zero"):
        deals.record_round(helpers.manager(), company, name="A", on=helpers.days_ago(50),
                               pre_money=D("1"), amount=D("100"),
                               investors=[InvestorLine("Fund", HolderType.INVESTOR, D("100"))])
    with pytest.raises(Invalid, match="more than any company issues"):
        companies.issue_shares(helpers.manager(), company,
                               IssueLine("Typo", HolderType.TEAM, D("9" * 18), Acquisition.CASH),
                               helpers.days_ago(40))
    helpers.record_round(company, on=helpers.days_ago(30))
    with pytest.raises(Invalid, match="before the company's last share entry"):
        deals.record_exit(helpers.manager(), company, kind=list(ExitKind)[0],
                              on=helpers.days_ago(31), proceeds=D("1000000"))


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.CONTRACT_RESEARCH, Phase.TERMINATED])
def test_a_company_comes_only_from_a_project_hq_decided_to_invest_in(phase):
    project = make_project(phase=phase)
    with pytest.raises(Invalid, match="decided to invest"):
        helpers.make_company(project)
    assert companies.company_of(project) is None


def test_a_company_keeps_its_project_when_the_project_moves_on(company):
    project = company.projects[0]
    project.phase = Phase.TERMINATED
    companies.update_company(helpers.manager(), company, name="Renamed", uscc=company.uscc,
                             registered_on=company.registered_on,
                             registered_capital=company.registered_capital,
                             legal_representative=company.legal_representative,
                             project_ids=[project.id])
    assert company.name == "Renamed"


def test_percentages_are_apportioned_by_largest_remainder():
    # Rounded each on its own, 5:1:1 gives 71.43 + 14.29 + 14.29 = 100.01 and thirds 99.99.
    assert money.apportioned([D(5), D(1), D(1)], D(7)) == [D("71.43"), D("14.29"), D("14.28")]
    assert money.apportioned([D(1), D(1), D(1)], D(3)) == [D("33.34"), D("33.33"), D("33.33")]
    assert money.apportioned([D(7000000), D(2000000), D(1000000)], D(10000000)) == [
        D("70.00"), D("20.00"), D("10.00")]
    # A table that does not account for every share adds up to what it does account for.
    assert sum(money.apportioned([D(1), D(1)], D(3))) == D("66.67")
    assert money.apportioned([], D(0)) == []


def test_the_cap_table_and_its_total_row_add_up_to_exactly_100_pct(client, company):
    helpers.incorporate(company, lines=[
        IssueLine("R&D team", HolderType.TEAM, D(5), Acquisition.IP, TECHNOLOGY),
        IssueLine("Robotics institute", HolderType.INSTITUTE, D(1), Acquisition.IP, TECHNOLOGY),
        IssueLine("Incentive pool", HolderType.INCENTIVE_POOL, D(1), Acquisition.CASH)])
    table = ledger.cap_table(company, helpers.days_ago(0))
    assert [h.pct for h in table.rows] == [D("71.43"), D("14.29"), D("14.28")]
    assert table.total_pct == D("100.00")
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    total = page[page.index("Total (shares issued)"):]
    assert "100.00%" in total[:200]
