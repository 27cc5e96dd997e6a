"""Conversion only on a qualifying round before the deadline; the outcome once the deadline
has passed without one: closed as a grant, repaid with the amount, or substituted."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies.models import ShareEntry
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Invalid, Refused
from tracker.funding import services as funding
from tracker.funding.models import AgreementOutcome, Conversion
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase

D = Decimal


@pytest.fixture
def committee():
    return make_user(Role.INVESTMENT_COMMITTEE)


def funded(committee, *, deadline, signed=None, disbursed="10000000"):
    project = make_project(phase=Phase.INVESTMENT_DECISION,
                           start_date=helpers.days_ago(helpers.LONG_AGO))
    agreement = funding.record_agreement(
        committee, project, committed=D("10000000"), qualifying_round_min=D("20000000"),
        discount_pct=D("20"), signed_on=signed or helpers.days_ago(600),
        conversion_deadline=deadline)
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("10000000"),
                                  milestone_id=milestone.id)
    if disbursed:
        funding.record_disbursement(committee, tranche, amount=D(disbursed),
                                    paid_on=helpers.days_ago(500))
    _commit()
    company = helpers.make_company(project)
    helpers.incorporate(company)
    return agreement, company


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(t))
                 for t in (Conversion, ShareEntry, AuditRecord))


def test_a_conversion_on_a_round_after_the_deadline_is_refused(committee):
    agreement, company = funded(committee, deadline=helpers.days_ago(60))
    financing = helpers.record_round(company, on=helpers.days_ago(30))
    before = _counts()
    with pytest.raises(Refused) as refused:
        funding.convert(committee, agreement, financing)
    message = refused.value.message
    assert "deadline" in message
    assert day(helpers.days_ago(60)) in message and day(helpers.days_ago(30)) in message
    assert _counts() == before
    assert agreement.is_open


def test_a_conversion_on_a_round_below_the_threshold_is_refused(committee):
    agreement, company = funded(committee, deadline=today() + timedelta(days=100))
    financing = helpers.record_round(company, investors=(("Angel", "5000000"),),
                                     pre_money="50000000")
    before = _counts()
    with pytest.raises(Refused) as refused:
        funding.convert(committee, agreement, financing)
    assert "CN¥5,000,000.00 from external investors" in refused.value.message
    assert "below the CN¥20,000,000.00" in refused.value.message
    assert _counts() == before


def test_only_external_investors_make_a_round_qualify(committee):
    from tracker.companies import deals
    from tracker.companies.models import HolderType

    agreement, company = funded(committee, deadline=today() + timedelta(days=100))
    financing = deals.record_round(
        helpers.manager(), company, name="Park round", on=helpers.days_ago(10),
        pre_money=D("120000000"), amount=D("30000000"),
        investors=[deals.InvestorLine("Park fund", HolderType.PARK, D("30000000"))])
    assert funding.conversion_refusal(agreement, financing).startswith(
        "The round raised CN¥0.00 from external investors")


def test_nothing_to_convert_without_a_disbursement(committee):
    agreement, company = funded(committee, deadline=today() + timedelta(days=100),
                                disbursed=None)
    financing = helpers.record_round(company)
    with pytest.raises(Refused, match="Nothing has been disbursed"):
        funding.convert(committee, agreement, financing)


def test_a_round_of_another_company_does_not_convert(committee):
    agreement, _company = funded(committee, deadline=today() + timedelta(days=100))
    _other_agreement, other = funded(committee, deadline=today() + timedelta(days=100))
    with pytest.raises(Refused, match="not one of this project"):
        funding.convert(committee, agreement, helpers.record_round(other))


def test_after_conversion_the_agreement_is_closed(committee):
    agreement, company = funded(committee, deadline=today() + timedelta(days=100))
    funding.convert(committee, agreement, helpers.record_round(company))
    with pytest.raises(Refused, match="closed"):
        funding.add_tranche(committee, agreement, amount=D("1"), gate=4)
    with pytest.raises(Refused, match="converted already, on"):  # said, with its date
        funding.convert(committee, agreement, company.rounds[0])


# --- the deadline's outcome ------------------------------------------------------------------


def test_no_outcome_before_the_deadline(committee):
    agreement, _company = funded(committee, deadline=today() + timedelta(days=10))
    with pytest.raises(Refused, match="once it has passed"):
        funding.record_outcome(committee, agreement, outcome=AgreementOutcome.GRANT,
                               on=today())
    assert agreement.is_open


def test_closed_as_a_grant(committee):
    agreement, _company = funded(committee, deadline=helpers.days_ago(10))
    funding.record_outcome(committee, agreement, outcome=AgreementOutcome.GRANT, on=today(),
                           note="Liability waived")
    _commit()
    assert agreement.outcome is AgreementOutcome.GRANT and agreement.outcome_on == today()
    assert agreement.outcome_by_id == committee.id and agreement.repaid_amount is None
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "funding_agreements", AuditRecord.object_id == agreement.id,
        AuditRecord.action == "funding.outcome")).one()
    assert record.changes["outcome"] == [None, "grant"]
    with pytest.raises(Refused, match="closed"):
        funding.record_outcome(committee, agreement, outcome=AgreementOutcome.REPAID,
                               on=today(), repaid_amount=D("1"))


def test_repaid_needs_the_amount(committee):
    agreement, _company = funded(committee, deadline=helpers.days_ago(10))
    with pytest.raises(Invalid) as refused:
        funding.record_outcome(committee, agreement, outcome=AgreementOutcome.REPAID,
                               on=today())
    assert refused.value.field == "repaid_amount"
    assert agreement.is_open
    funding.record_outcome(committee, agreement, outcome=AgreementOutcome.REPAID, on=today(),
                           repaid_amount=D("9500000.00"))
    assert agreement.outcome is AgreementOutcome.REPAID
    assert agreement.repaid_amount == D("9500000.00")


def test_substituted_by_another_project(committee):
    agreement, _company = funded(committee, deadline=helpers.days_ago(10))
    with pytest.raises(Invalid) as refused:
        funding.record_outcome(committee, agreement, outcome=AgreementOutcome.SUBSTITUTED,
                               on=today(), substitute=agreement.project)
    assert refused.value.field == "substitute"
    other = make_project()
    funding.record_outcome(committee, agreement, outcome=AgreementOutcome.SUBSTITUTED,
                           on=today(), substitute=other)
    assert agreement.substitute_project_id == other.id


def test_the_outcome_is_dated_after_the_deadline(committee):
    agreement, _company = funded(committee, deadline=helpers.days_ago(10))
    with pytest.raises(Invalid) as refused:
        funding.record_outcome(committee, agreement, outcome=AgreementOutcome.GRANT,
                               on=helpers.days_ago(20))
    assert refused.value.field == "outcome_on"
