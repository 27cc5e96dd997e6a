"""Dates fit the life of what they describe: nothing of a company before its registration, no
lock-up ending before its issue, no conversion on a round before the agreement, no milestone
outside its project, and no date outside 1990-2100 from any form or service."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import deals
from tracker.companies import services as companies
from tracker.companies.models import (
    Acquisition,
    ExitKind,
    HolderType,
    ShareEntry,
)
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType, ResearchContract
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Invalid
from tracker.funding import services as funding
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase

D = Decimal


@pytest.fixture
def company():
    """Registered 400 days ago, cap table at incorporation that day."""
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company)
    return company


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(ShareEntry))


def test_a_round_dated_before_registration_is_refused(company):
    before = _entries()
    with pytest.raises(Invalid, match="before .* was registered") as refused:
        helpers.record_round(company, on=helpers.days_ago(401))
    assert refused.value.field == "on_date"
    assert _entries() == before and company.rounds == []


def test_a_share_issue_transfer_or_exit_dated_before_registration_is_refused(company):
    admin = helpers.manager()
    early = helpers.days_ago(401)
    with pytest.raises(Invalid, match="was registered"):
        companies.issue_shares(admin, company, companies.IssueLine(
            "Angel", HolderType.INVESTOR, D("10"), Acquisition.CASH), early)
    with pytest.raises(Invalid, match="was registered"):
        companies.transfer_shares(admin, company, company.holders[0], "Angel",
                                  HolderType.INVESTOR, D("10"), early)
    with pytest.raises(Invalid, match="was registered"):
        deals.record_exit(admin, company, kind=ExitKind.DISSOLUTION, on=early,
                              proceeds=D("0"))


def test_a_cap_table_needs_the_registration_and_the_registration_precedes_the_ledger():
    project = make_project(phase=Phase.SPIN_OFF)
    unregistered = helpers.make_company(project, registered=False)
    with pytest.raises(Exception, match="not registered yet"):
        helpers.incorporate(unregistered)
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, on=helpers.days_ago(300))
    later = {"name": company.name, "uscc": company.uscc, "registered_capital": D("1"),
             "legal_representative": "Li", "project_ids": [p.id for p in company.projects]}
    with pytest.raises(Invalid, match="ledger starts on"):
        companies.update_company(helpers.manager(), company, registered_on=helpers.days_ago(200),
                                 **later)
    companies.update_company(helpers.manager(), company, registered_on=helpers.days_ago(350),
                             **later)


def test_a_lock_up_ends_after_the_issue(company):
    with pytest.raises(Invalid, match="lock-up ends on") as refused:
        companies.issue_shares(helpers.manager(), company, companies.IssueLine(
            "Pool", HolderType.INCENTIVE_POOL, D("10"), Acquisition.CASH,
            lock_up_until=helpers.days_ago(20)), helpers.days_ago(10))
    assert refused.value.field == "lock_up_until"


def test_round_names_are_unique_per_company(company):
    helpers.record_round(company, name="Series A", on=helpers.days_ago(30))
    with pytest.raises(Invalid, match="already has a round called Series A") as refused:
        helpers.record_round(company, name=" Series A ", on=helpers.days_ago(20))
    assert refused.value.field == "name"
    other = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(other)
    helpers.record_round(other, name="Series A")  # another company may
    # The rule is among the rounds that stand (a reversed round frees its name:
    # tests/funding/test_conversion_reversal.py), checked under the company's lock.


def _agreement_signed(committee, signed):
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    agreement = funding.record_agreement(
        committee, project, committed=D("10000000"), qualifying_round_min=D("20000000"),
        discount_pct=D("20"), signed_on=signed, conversion_deadline=today() + timedelta(days=300))
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("10000000"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=D("10000000"), paid_on=signed)
    company = helpers.make_company(project)
    helpers.incorporate(company)
    _commit()
    return agreement, company


def test_a_round_before_the_signing_is_not_offered_and_refused_if_posted(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, company = _agreement_signed(committee, helpers.days_ago(100))
    early = helpers.record_round(company, name="Pre-A", on=helpers.days_ago(200))
    late = helpers.record_round(company, name="Series A", on=helpers.days_ago(50),
                                investors=(("Suzhou Venture Capital", "25000000"),))
    assert funding.qualifying_rounds(agreement) == [late]
    assert "before the agreement was signed" in funding.conversion_refusal(agreement, early)
    login(client, committee)
    page = client.get(f"/funding/{agreement.id}/convert").get_data(as_text=True)
    assert "Series A" in page and "Pre-A" not in page
    assert "CN¥25,000,000.00" in page and day(late.on_date) in page
    answer = post(client, f"/funding/{agreement.id}/convert", {"round_id": str(early.id)})
    assert answer.status_code == 400
    assert agreement.is_open and agreement.conversion is None
    # The service refuses it too, whatever the form offered.
    with pytest.raises(Exception, match="before the agreement was signed"):
        funding.convert(committee, agreement, early)
    assert post(client, f"/funding/{agreement.id}/convert",
                {"round_id": str(late.id), "confirmed": "1"}).status_code == 302


def test_project_dates_keep_their_milestones_inside():
    from tracker.milestones import services as milestones
    from tracker.projects import services as projects

    project = make_project()
    milestones.plan_milestone(project.pm, project, phase=Phase.CONTRACT_RESEARCH,
                              title="Prototype", deliverable="", due_date=date(2027, 6, 1),
                              weight=D("1"))
    values = {c: getattr(project, c) for c in (
        "title", "summary", "field", "type", "institute_id", "partner_enterprise_id", "need_id",
        "trl_now", "trl_target", "budget_total", "start_date")}
    with pytest.raises(Invalid, match="Prototype.* outside these dates") as refused:
        projects.update_proposal(project.pm, project, budget_lines=[("Equipment", D("1"))],
                                 member_ids=[], **{**values, "end_date": date(2027, 1, 1)})
    assert refused.value.field == "end_date"


@pytest.mark.parametrize("wrong", ["9999-12-31", "0001-01-01", "1989-12-31", "2101-01-01"])
def test_no_form_takes_a_date_outside_the_business_range(client, wrong):
    project = make_project()
    enterprise = make_enterprise()
    login(client, project.pm)
    answer = post(client, f"/projects/{project.id}/contracts/new", {
        "title": "Contract", "enterprise_id": str(enterprise.id), "type": "development",
        "amount": "1,000,000", "signed_on": "2026-02-01",
        "instalments-0-due_date": wrong, "instalments-0-amount": "700000"})
    assert answer.status_code == 400
    assert "Enter a date from Jan 1, 1990 to Dec 31, 2100." in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ResearchContract)) == 0


def test_no_service_writes_a_date_outside_the_range():
    project = make_project()
    with pytest.raises(Invalid, match="Enter a date from Jan 1, 1990") as refused:
        contracts.record_contract(project.pm, project, enterprise_id=make_enterprise().id,
                                  title="Contract", type=ContractType.DEVELOPMENT,
                                  amount=D("1000"), signed_on=date(1, 1, 1),
                                  instalments=[(date(9999, 12, 31), D("1000"))])
    assert refused.value.field in ("signed_on", "due_date")
    db.session.rollback()
    with pytest.raises(Invalid, match="Enter a date from"):
        make_project(start_date=date(1, 1, 1))
