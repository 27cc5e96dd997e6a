"""Tranches are payable when, and only when, their condition holds; disbursements never go
beyond a tranche or the commitment; only the investment committee decides."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers as gate_steps
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.funding import services as funding
from tracker.funding.models import ConditionKind, Disbursement, Tranche
from tracker.gates.models import Outcome
from tracker.milestones.models import MilestoneEvent, MilestoneState
from tracker.projects.lifecycle import Phase

D = Decimal


@pytest.fixture
def committee():
    return make_user(Role.INVESTMENT_COMMITTEE)


def agreement_for(project, committee, committed="5000000"):
    agreement = funding.record_agreement(
        committee, project, committed=D(committed), qualifying_round_min=D("20000000"),
        signed_on=helpers.days_ago(100), conversion_deadline=today() + timedelta(days=300))
    _commit()
    return agreement


def _counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count()).select_from(Disbursement)),
            db.session.scalar(select(func.count()).select_from(Tranche)),
            db.session.scalar(select(func.count()).select_from(AuditRecord)))


@pytest.mark.parametrize("state,payable", [
    (MilestoneState.PLANNED, False),
    (MilestoneState.IN_PROGRESS, False),
    (MilestoneState.SUBMITTED, False),
    (MilestoneState.WAIVED, False),  # waived is not accepted
    (MilestoneState.ACCEPTED, True),
])
def test_a_milestone_tranche_is_payable_only_once_the_milestone_is_accepted(
        committee, state, payable):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    milestone = helpers.make_milestone(project, state)
    tranche = funding.add_tranche(committee, agreement, amount=D("1000000"),
                                  milestone_id=milestone.id)
    assert tranche.condition is ConditionKind.MILESTONE
    assert tranche.condition_holds is payable
    reason = funding.not_payable(tranche)
    if payable:
        assert reason is None
        funding.record_disbursement(committee, tranche, amount=D("400000"), paid_on=today())
        assert tranche.disbursed == D("400000") and tranche.remaining == D("600000")
    else:
        assert "Prototype joint" in reason and "accepted" in reason
        before = _counts()
        with pytest.raises(Refused, match="released when milestone"):
            funding.record_disbursement(committee, tranche, amount=D("400000"),
                                        paid_on=today())
        assert _counts() == before


def test_the_tranche_becomes_payable_when_the_milestone_is_accepted(committee):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    milestone = helpers.make_milestone(project, MilestoneState.SUBMITTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("1000000"),
                                  milestone_id=milestone.id)
    assert funding.not_payable(tranche)
    milestone.state = MilestoneState.ACCEPTED
    _commit()
    assert funding.not_payable(tranche) is None


class TestGateCondition:
    @pytest.fixture(autouse=True)
    def _gates(self):
        install_gates()

    def _project_with_gate_tranche(self, committee):
        project = make_project(phase=Phase.CONTRACT_RESEARCH)
        agreement = agreement_for(project, committee)
        tranche = funding.add_tranche(committee, agreement, amount=D("2000000"), gate=2)
        _commit()
        return project, tranche

    def test_not_payable_before_the_gate_nor_when_acceptance_is_to_be_reconsidered(
            self, committee):
        project, tranche = self._project_with_gate_tranche(committee)
        assert "gate 2" in funding.not_payable(tranche)
        review = gate_steps.request(project)
        assert not tranche.condition_holds  # requested, not decided
        gate_steps.go(review, Outcome.RECYCLE, rework_due=today() + timedelta(days=30))
        assert not tranche.condition_holds
        assert project.phase is Phase.CONTRACT_RESEARCH

    def test_payable_after_go(self, committee):
        project, tranche = self._project_with_gate_tranche(committee)
        gate_steps.go(gate_steps.request(project), target_phase=Phase.INVESTMENT_DECISION)
        assert tranche.condition_holds
        funding.record_disbursement(committee, tranche, amount=D("2000000"), paid_on=today())
        assert funding.not_payable(tranche) == "Tranche 1 is paid in full."

    def test_payable_after_a_conditional_go(self, committee):
        """At the investment decision (research acceptance has no conditional GO)."""
        project = make_project(phase=Phase.INVESTMENT_DECISION)
        tranche = funding.add_tranche(committee, agreement_for(project, committee),
                                      amount=D("2000000"), gate=3)
        _commit()
        gate_steps.go(gate_steps.request(project), Outcome.CONDITIONAL_GO,
                      target_phase=Phase.SPIN_OFF, conditions=[{
                          "text": "Sign the shareholders' agreement", "owner": project.pm,
                          "due_date": today() + timedelta(days=30)}])
        assert tranche.condition_holds

    def test_a_go_at_another_gate_does_not_count(self, committee):
        project = make_project(phase=Phase.CONTRACT_RESEARCH)
        agreement = agreement_for(project, committee)
        tranche = funding.add_tranche(committee, agreement, amount=D("2000000"), gate=3)
        gate_steps.go(gate_steps.request(project), target_phase=Phase.INVESTMENT_DECISION)
        assert not tranche.condition_holds


def test_a_disbursement_beyond_the_tranche_is_refused_with_the_numbers(committee):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("3000000"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=D("2500000"), paid_on=today())
    _commit()
    before = _counts()
    with pytest.raises(Invalid) as refused:
        funding.record_disbursement(committee, tranche, amount=D("1000000"), paid_on=today())
    assert refused.value.field == "amount"
    message = refused.value.message
    assert "Tranche 1" in message and "3,000,000.00" in message and "2,500,000.00" in message
    assert "1,000,000.00" in message and "500,000.00" in message  # asked, and over by
    assert _counts() == before
    assert tranche.disbursed == D("2500000")


def test_tranches_beyond_the_commitment_are_refused_with_the_numbers(committee):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee, committed="5000000")
    funding.add_tranche(committee, agreement, amount=D("3000000"), gate=2)
    _commit()
    before = _counts()
    with pytest.raises(Invalid) as refused:
        funding.add_tranche(committee, agreement, amount=D("2500000"), gate=3)
    assert "5,500,000.00" in refused.value.message and "5,000,000.00" in refused.value.message
    assert "500,000.00 over" in refused.value.message
    assert _counts() == before


def test_a_disbursement_beyond_the_commitment_is_refused(committee):
    """Should a tranche plan exceed the commitment (HQ lowered it, say), the payments still
    never go beyond it."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee, committed="5000000")
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    first = funding.add_tranche(committee, agreement, amount=D("4000000"),
                                milestone_id=milestone.id)
    funding.record_disbursement(committee, first, amount=D("4000000"), paid_on=today())
    agreement.tranches.append(Tranche(number=2, amount=D("3000000"), milestone_id=milestone.id,
                                      condition=ConditionKind.MILESTONE))
    _commit()
    second = agreement.tranches[1]
    before = _counts()
    with pytest.raises(Invalid) as refused:
        funding.record_disbursement(committee, second, amount=D("2000000"), paid_on=today())
    message = refused.value.message
    assert "4,000,000.00 of the CN¥5,000,000.00 committed" in message
    assert "exceed the commitment by CN¥1,000,000.00" in message
    assert _counts() == before


@pytest.mark.parametrize("amount", ["0", "-100"])
def test_a_disbursement_of_nothing_is_refused(committee, amount):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("1000000"),
                                  milestone_id=milestone.id)
    with pytest.raises(Invalid, match="more than zero"):
        funding.record_disbursement(committee, tranche, amount=D(amount), paid_on=today())


@pytest.mark.parametrize("role", [Role.HQ_ADMIN, Role.PROJECT_MANAGER, Role.OBSERVER])
def test_only_the_committee_decides_funding(committee, role):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    other = make_user(role)
    with pytest.raises(Forbidden):
        funding.record_agreement(other, project, committed=D("1"),
                                 qualifying_round_min=D("0"), signed_on=today(),
                                 conversion_deadline=today() + timedelta(days=1))
    agreement = agreement_for(project, committee)
    with pytest.raises(Forbidden):
        funding.add_tranche(other, agreement, amount=D("1"), gate=2)


def test_the_discount_defaults_to_the_setting_and_one_agreement_per_project(committee):
    from tracker.settings import services as settings
    from tracker.settings.catalogue import CONVERSION_DISCOUNT_PCT

    settings.set_value(make_user(Role.HQ_ADMIN), CONVERSION_DISCOUNT_PCT, "15")
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    assert agreement.discount_pct == D("15")
    with pytest.raises(Refused, match="already has"):
        agreement_for(project, committee)


def test_co_funders_match_in_their_ratio(committee):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = funding.record_agreement(
        committee, project, committed=D("3000000"), qualifying_round_min=D("0"),
        signed_on=today(), conversion_deadline=today() + timedelta(days=30),
        co_funders=[("Suzhou city", D("1")), ("Industrial park", D("0.5"))])
    matched = [funding.matched_amount(agreement, c) for c in agreement.co_funders]
    assert matched == [D("3000000.00"), D("1500000.00")]


def test_nothing_is_paid_on_a_terminated_project(committee):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("1000000"),
                                  milestone_id=milestone.id)
    _commit()
    project.phase = Phase.TERMINATED
    _commit()
    assert "was ended" in funding.not_payable(tranche)
    with pytest.raises(Refused, match="was ended"):
        funding.record_disbursement(committee, tranche, amount=D("1"), paid_on=today())
    with pytest.raises(Refused, match="closed"):
        funding.add_tranche(committee, agreement, amount=D("1"), milestone_id=milestone.id)


def test_a_disbursement_is_not_dated_before_the_agreement(committee):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("1000000"),
                                  milestone_id=milestone.id)
    _commit()
    with pytest.raises(Invalid, match="before the agreement was signed"):
        funding.record_disbursement(committee, tranche, amount=D("1"),
                                    paid_on=agreement.signed_on - timedelta(days=1))


class TestPaidOnlyOnceDue:
    """A disbursement is dated on or after the day its tranche became payable (issue 9, point
    3: dates fit the life of what they describe)."""

    def test_a_milestone_tranche_is_paid_from_the_day_of_acceptance(self, committee):
        project = make_project(phase=Phase.CONTRACT_RESEARCH)
        agreement = agreement_for(project, committee)
        milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
        milestone.events.append(MilestoneEvent(
            actor_id=committee.id, from_state=MilestoneState.SUBMITTED,
            to_state=MilestoneState.ACCEPTED,
            at=datetime.combine(helpers.days_ago(10), time(4), tzinfo=UTC)))
        tranche = funding.add_tranche(committee, agreement, amount=D("1000000"),
                                      milestone_id=milestone.id)
        assert tranche.payable_since == helpers.days_ago(10)
        with pytest.raises(Invalid) as refused:
            funding.record_disbursement(committee, tranche, amount=D("1"),
                                        paid_on=helpers.days_ago(11))
        assert refused.value.field == "paid_on"
        assert "before tranche 1 became payable" in str(refused.value)
        funding.record_disbursement(committee, tranche, amount=D("1"),
                                    paid_on=helpers.days_ago(10))

    def test_a_gate_tranche_is_paid_from_the_first_go_in_force(self, committee):
        install_gates()
        project = make_project(phase=Phase.CONTRACT_RESEARCH)
        agreement = agreement_for(project, committee)
        tranche = funding.add_tranche(committee, agreement, amount=D("2000000"), gate=2)
        decision = gate_steps.go(gate_steps.request(project),
                                 target_phase=Phase.INVESTMENT_DECISION)
        decision.decided_at = datetime.combine(helpers.days_ago(20), time(4), tzinfo=UTC)
        _commit()
        assert tranche.payable_since == helpers.days_ago(20)
        with pytest.raises(Invalid, match="before tranche 1 became payable"):
            funding.record_disbursement(committee, tranche, amount=D("1"),
                                        paid_on=helpers.days_ago(21))
        funding.record_disbursement(committee, tranche, amount=D("1"),
                                    paid_on=helpers.days_ago(20))


def test_a_project_without_milestones_is_offered_a_gate_only(client, committee):
    """The tranche form offered "Milestone accepted", checked, with no milestone to choose:
    saving it was refused ("Name one condition"). Found by a newcomer as the committee on the
    demo's spin-off project, which has none."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = agreement_for(project, committee)
    login(client, committee)
    page = client.get(f"/funding/{agreement.id}/tranches/new").get_data(as_text=True)
    assert 'value="milestone"' not in page and 'name="milestone_id"' not in page
    assert '<option selected value="gate">' in page
    answer = post(client, f"/funding/{agreement.id}/tranches/new",
                  {"amount": "1000000", "gate": "2"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert [(t.condition, t.gate) for t in agreement.tranches] == [(ConditionKind.GATE, 2)]
