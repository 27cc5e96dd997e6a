"""A project from proposal to spun off through the four gates, and the rules on the way.

Most tests go on from a proposal submitted (`submitted`) or one past gate 1 (`researching`),
built once for the module (tests/gates/conftest.py); the others build the project they need."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers as company_helpers
from tests.factories import _commit, make_enterprise, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.db import utcnow
from tracker.errors import Forbidden, Invalid, NotFound, Refused
from tracker.gates import conditions, decisions, scoring
from tracker.gates import services as gates
from tracker.gates.condition_models import ConditionState
from tracker.gates.decision_refusals import decide_refusal
from tracker.gates.models import Conclusion, GateDecision, Outcome, ReviewState
from tracker.projects import services as projects
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange


@pytest.fixture(autouse=True)
def _gates(proposals_ids):
    """The gates, installed once for the module with its two proposals (conftest.py)."""


def test_journey_through_all_four_gates_to_spun_off():
    project = make_project(trl_now=6)
    assert project.code is None

    review = helpers.submit(project)
    assert f"-{today().year}-" in project.code
    assert project.phase is Phase.PROPOSAL_REVIEW and review.gate == 1
    helpers.go(review)
    assert project.phase is Phase.CONTRACT_RESEARCH

    review = helpers.request(project)
    assert review.gate == 2
    helpers.go(review, target_phase=Phase.INVESTMENT_DECISION)
    assert project.phase is Phase.INVESTMENT_DECISION

    review = helpers.request(project)
    helpers.go(review, Outcome.CONDITIONAL_GO, target_phase=Phase.SPIN_OFF, conditions=[
        {"text": "Sign the shareholders' agreement", "owner": project.pm,
         "due_date": today() + timedelta(days=30)}])
    assert project.phase is Phase.SPIN_OFF

    # Gate 4 cannot open while the condition of gate 3 is open.
    helpers.upload_deliverables(project, 4)
    with pytest.raises(Refused, match="condition"):
        gates.request_gate(project.pm, project)
    condition = review.decisions[-1].conditions[0]
    conditions.mark_condition_met(project.pm, condition, "Signed on 1 Dec, see the file share")
    chair = review.chair
    conditions.confirm_condition(chair, condition)
    _commit()
    assert condition.state is ConditionState.CONFIRMED
    # Gate 4 also needs the registered company, its cap table and a licence of the IP.
    company_helpers.ready_for_spin_off(project)

    review = helpers.request(project)
    helpers.go(review)
    assert project.phase is Phase.SPUN_OFF
    assert project.is_read_only

    history = [(c.from_phase, c.to_phase) for c in db.session.scalars(
        select(PhaseChange).where(PhaseChange.project_id == project.id)
        .order_by(PhaseChange.id))]
    assert history == [
        (Phase.DRAFT, Phase.PROPOSAL_REVIEW), (Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH),
        (Phase.CONTRACT_RESEARCH, Phase.INVESTMENT_DECISION),
        (Phase.INVESTMENT_DECISION, Phase.SPIN_OFF), (Phase.SPIN_OFF, Phase.SPUN_OFF)]
    phase_audits = db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "projects", AuditRecord.object_id == project.id,
        AuditRecord.action == "project.phase")).all()
    assert len(phase_audits) == 5


def test_gate_two_may_complete_the_project(researching):
    project = researching
    helpers.go(helpers.request(project), target_phase=Phase.COMPLETED)
    assert project.phase is Phase.COMPLETED


def test_gate_one_kill_rejects_and_the_project_is_read_only(submitted):
    project, review = submitted
    helpers.go(review, Outcome.KILL, rationale="Not novel; nothing paid yet")
    assert project.phase is Phase.REJECTED
    with pytest.raises(Refused):
        gates.request_gate(project.pm, project)
    with pytest.raises(Refused):
        projects.update_proposal(project.pm, project, budget_lines=[], member_ids=[],
                                 title="x", summary="", field="f", type=project.type,
                                 institute_id=project.institute_id, partner_enterprise_id=None,
                                 need_id=None, trl_now=3, trl_target=4,
                                 budget_total=Decimal("1"), start_date=project.start_date,
                                 end_date=project.end_date)


def test_kill_later_terminates_and_needs_a_rationale(researching):
    project = researching
    review = helpers.request(project)
    evaluators = helpers.name_panel(review)
    for e in evaluators:
        helpers.score(review, e)
    failed = {"conclusion": Conclusion.FAILED, "completion_ratio": Decimal("35")}
    with pytest.raises(Invalid, match="rationale"):
        decisions.decide(evaluators[0], review, review.version, Outcome.KILL, rationale=" ",
                         **failed)
    decisions.decide(evaluators[0], review, review.version, Outcome.KILL,
                     rationale="Targets missed; 40% of the grant to be returned", **failed)
    assert project.phase is Phase.TERMINATED


def test_hold_and_resume_in_the_same_phase(submitted):
    """At the proposal gate (research acceptance ends in one of its three conclusions, none
    of them a HOLD)."""
    project, review = submitted
    revisit = today() + timedelta(days=60)
    helpers.go(review, Outcome.HOLD, revisit_date=revisit)
    assert (project.phase, project.held_phase, project.revisit_date) == (
        Phase.ON_HOLD, Phase.PROPOSAL_REVIEW, revisit)
    with pytest.raises(Forbidden):
        projects.resume(project.pm, project, "Please")
    admin = make_user(Role.HQ_ADMIN)
    with pytest.raises(Invalid):
        projects.resume(admin, project, "")
    projects.resume(admin, project, "Partner confirmed co-funding")
    assert project.phase is Phase.PROPOSAL_REVIEW and project.held_phase is None
    # The gate can be requested again.
    assert helpers.request(project).gate == 1


def test_hq_may_end_a_held_project(submitted):
    project, review = submitted
    helpers.go(review, Outcome.HOLD, revisit_date=today() + timedelta(days=9))
    projects.terminate_held(make_user(Role.HQ_ADMIN), project, "Partner withdrew")
    assert project.phase is Phase.TERMINATED


def test_recycle_keeps_the_phase_with_a_new_due_date(researching):
    project = researching
    review = helpers.request(project)
    due = today() + timedelta(days=45)
    decision = helpers.go(review, Outcome.RECYCLE, rework_due=due)
    assert project.phase is Phase.CONTRACT_RESEARCH
    assert decision.rework_due == due and review.state is ReviewState.DECIDED
    assert helpers.request(project).gate == 2


def test_gate_needs_its_deliverables():
    project = make_project()
    with pytest.raises(Refused, match="deliverables"):
        projects.submit_proposal(project.pm, project)
    assert project.phase is Phase.DRAFT


def test_only_the_pm_submits_and_requests():
    project = make_project()
    helpers.upload_deliverables(project, 1)
    with pytest.raises(Forbidden):
        projects.submit_proposal(make_user(Role.PROJECT_MANAGER), project)


def test_a_stakeholder_is_refused_on_the_panel_whatever_the_ui_shows():
    partner = make_enterprise()
    project = make_project(partner_enterprise_id=partner.id)
    review = helpers.submit(project)
    admin = make_user(Role.HQ_ADMIN)
    others = [make_user(Role.EVALUATOR) for _ in range(3)]
    affiliated = make_user(Role.EVALUATOR, enterprise_id=partner.id)
    pm_as_evaluator = project.pm
    pm_as_evaluator.role_grants  # noqa: B018  (loaded)
    from tracker.accounts.models import RoleGrant

    pm_as_evaluator.role_grants.append(RoleGrant(role=Role.EVALUATOR))
    _commit()
    for stakeholder, reason in ((affiliated, "partner enterprise"),
                                (pm_as_evaluator, "project manager")):
        with pytest.raises(Invalid, match=reason):
            gates.name_panel(admin, review, others[0], [*others, stakeholder], None)
    # Named before they joined the team, they cannot declare "no conflict" afterwards.
    gates.name_panel(admin, review, others[0], others, None)
    _commit()
    project.members.append(__import__("tracker.projects.models", fromlist=["ProjectMember"])
                           .ProjectMember(user_id=others[1].id, confirmed_at=utcnow()))
    _commit()
    with pytest.raises(Refused, match="team"):
        gates.declare(others[1], review, conflict=False)


def test_a_declared_conflict_recuses_and_does_not_count_for_quorum(submitted):
    project, review = submitted
    evaluators = helpers.name_panel(review, size=4)
    gates.declare(evaluators[3], review, conflict=True, note="Former employer of the PM")
    for e in evaluators[:2]:
        helpers.score(review, e)
    with pytest.raises(Refused, match="quorum"):
        decisions.decide(evaluators[0], review, review.version, Outcome.GO)
    with pytest.raises(Refused, match="declared a conflict of interest on .* take no part"):
        gates.submit_scores(evaluators[3], review, {}, gates.Recommendation.GO)
    assert not review.can_see_material(evaluators[3])
    helpers.score(review, evaluators[2])
    decisions.decide(evaluators[0], review, review.version, Outcome.GO)
    assert project.phase is Phase.CONTRACT_RESEARCH


def test_scores_are_hidden_until_one_has_submitted_ones_own(submitted):
    project, review = submitted
    a, b, c = helpers.name_panel(review)
    helpers.score(review, a, value=5)
    assert gates.visible_scores(b, review) == []
    assert not review.can_see_material(b)  # not declared yet
    gates.declare(b, review, conflict=False)
    assert review.can_see_material(b)
    assert gates.visible_scores(b, review) == []
    assert [m.user_id for m in gates.visible_scores(a, review)] == [a.id]
    helpers_score_without_declare(review, b)
    assert {m.user_id for m in gates.visible_scores(b, review)} == {a.id, b.id}
    assert gates.visible_scores(project.pm, review) == []


def helpers_score_without_declare(review, evaluator):
    from tracker.gates.models import CriterionKind

    scores = {cr.id: ({"passed": True} if cr.kind is CriterionKind.MUST else {"value": 3})
              for cr in review.criteria}
    gates.submit_scores(evaluator, review, scores, gates.Recommendation.GO)
    _commit()


def test_weighted_score_is_computed(submitted):
    project, review = submitted
    a, b, c = helpers.name_panel(review)
    helpers.score(review, a, value=5)
    helpers.score(review, b, value=4)
    helpers.score(review, c, value=3)
    assert scoring.weighted_score(review) == Decimal("80.00")


def test_a_failed_must_meet_refuses_go_even_overridden_and_allows_a_conditional_go(submitted):
    """Issue 9: a must-meet criterion is a knock-out. A plain GO is refused over it, override
    or not, naming the criterion and saying what can be decided; a CONDITIONAL GO is recorded
    with its override reason; a correction to GO meets the same rule (one place for it)."""
    project, review = submitted
    a, b, c = helpers.name_panel(review)
    helpers.score(review, a, passed=False)
    helpers.score(review, b)
    helpers.score(review, c)
    unmet = scoring.unmet_musts(review)
    assert unmet and all(names == [a.name] for _criterion, names in unmet)
    for override in ("", "Budget rule waived by the board on 3 Nov"):
        with pytest.raises(Invalid) as refused:
            decisions.decide(a, review, review.version, Outcome.GO, override_reason=override)
        # Every unmet criterion at once, named; nothing an override could lift.
        assert refused.value.problems == [("outcome", (
            f"Must-meet criterion not met: {criterion.text_en} (by {a.name}). Record a "
            "CONDITIONAL GO with a condition that meets it, or a HOLD."))
            for criterion, _names in unmet]
        db.session.rollback()
    condition = {"text": "Budget brought within the rules", "owner": project.pm,
                 "due_date": today() + timedelta(days=30)}
    with pytest.raises(Invalid, match="Must-meet criterion failed") as refused:
        decisions.decide(a, review, review.version, Outcome.CONDITIONAL_GO,
                         conditions=[condition])
    assert refused.value.field == "override_reason"
    db.session.rollback()
    decision = decisions.decide(a, review, review.version, Outcome.CONDITIONAL_GO,
                                override_reason="Budget rule waived by the board on 3 Nov",
                                conditions=[condition])
    _commit()
    assert decision.outcome is Outcome.CONDITIONAL_GO
    with pytest.raises(Invalid, match="Must-meet criterion not met"):
        decisions.correct_decision(a, decision, review.version, Outcome.GO,
                                   reason="Recorded wrongly",
                                   override_reason="Waived")


def test_only_the_chair_decides_and_only_once(submitted):
    project, review = submitted
    a, b, c = helpers.name_panel(review)
    for e in (a, b, c):
        helpers.score(review, e)
    with pytest.raises(Forbidden):
        decisions.decide(b, review, review.version, Outcome.GO)
    decisions.decide(a, review, review.version, Outcome.GO)
    with pytest.raises(Refused, match=r"This review was decided on .* \(GO\)"):
        decisions.decide(a, review, review.version, Outcome.KILL, rationale="x")


def test_a_decision_on_a_stale_view_is_refused(submitted):
    project, review = submitted
    a, b, c = helpers.name_panel(review, size=4)[:3]
    for e in (a, b, c):
        helpers.score(review, e)
    seen = review.version
    helpers.score(review, review.panel[3].user)  # a fourth scorecard arrives meanwhile
    with pytest.raises(Refused, match="changed after you opened it"):
        decisions.decide(a, review, seen, Outcome.GO)
    assert review.state is ReviewState.OPEN


def test_decisions_are_never_edited_a_correction_supersedes(submitted):
    project, review = submitted
    original = helpers.go(review)
    snapshot = dict(original.snapshot)
    assert len(snapshot["panel"]) == 3 and snapshot["panel"][0]["declaration"] == "none"
    chair = review.chair
    corrected = decisions.correct_decision(
        chair, original, review.version, Outcome.CONDITIONAL_GO, reason="Recorded wrongly",
        conditions=[{"text": "Add a co-funder", "owner": project.pm,
                     "due_date": today() + timedelta(days=20)}])
    _commit()
    assert corrected.supersedes_id == original.id
    assert review.current_decision is corrected and original.is_superseded
    db.session.expire_all()
    kept = db.session.get(GateDecision, original.id)
    assert kept.outcome is Outcome.GO and kept.snapshot == snapshot
    with pytest.raises(Invalid, match="another phase"):
        decisions.correct_decision(chair, corrected, review.version, Outcome.KILL,
                                   reason="Recorded wrongly", rationale="x")
    with pytest.raises(Refused, match="superseded"):
        decisions.correct_decision(chair, original, review.version, Outcome.GO,
                                   reason="Recorded wrongly")


def test_conditions_are_owned_dated_and_confirmed(submitted):
    project, review = submitted
    helpers.name_panel(review)
    owner = make_user(Role.PROJECT_MANAGER)
    with pytest.raises(Invalid, match="at least one condition"):
        helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[])
    decision = decisions.decide(review.chair, review, review.version, Outcome.CONDITIONAL_GO,
                            conditions=[{"text": "Letter of intent", "owner": owner,
                                         "due_date": today() + timedelta(days=7)}])
    condition = decision.conditions[0]
    with pytest.raises(Forbidden):
        conditions.mark_condition_met(project.pm, condition, "done")
    with pytest.raises(Invalid):
        conditions.mark_condition_met(owner, condition, "")
    conditions.mark_condition_met(owner, condition, "LOI signed 2026-11-30")
    with pytest.raises(Forbidden):
        conditions.confirm_condition(owner, condition)
    with pytest.raises(Invalid):
        conditions.confirm_condition(review.chair, condition, accept=False)
    conditions.confirm_condition(review.chair, condition, accept=False, note="Unsigned copy")
    assert condition.state is ConditionState.OPEN
    conditions.mark_condition_met(owner, condition, "Signed copy attached")
    conditions.confirm_condition(make_user(Role.HQ_ADMIN), condition)
    assert condition.state is ConditionState.CONFIRMED


def test_non_members_cannot_declare_or_score(submitted):
    project, review = submitted
    helpers.name_panel(review)
    outsider = make_user(Role.EVALUATOR)
    with pytest.raises(NotFound):
        gates.declare(outsider, review, conflict=False)


def test_codes_are_given_on_submission_in_order_and_a_withdrawn_draft_wastes_none():
    first, second, withdrawn = make_project(), make_project(), make_project()
    assert first.code is second.code is None
    helpers.submit(second)
    projects.withdraw_draft(withdrawn.pm, withdrawn)
    helpers.submit(first)
    year = today().year
    assert second.code.startswith(f"TEST-{year}-") and second.year == year
    assert int(first.code[-4:]) == int(second.code[-4:]) + 1


def test_trl_below_the_gate_minimum_blocks_go():
    project = make_project(trl_now=3, trl_target=7)
    helpers.go(helpers.submit(project))
    review = helpers.request(project)
    with pytest.raises(Invalid, match="TRL 3 is below the gate's minimum of 4"):
        helpers.go(review, target_phase=Phase.INVESTMENT_DECISION)


def test_gate_one_go_needs_no_contract_but_requesting_gate_two_does():
    project = make_project()
    review = helpers.submit(project, contract=False)
    helpers.go(review)  # a GO approves the project; its contract usually follows
    assert project.phase is Phase.CONTRACT_RESEARCH
    helpers.upload_deliverables(project, 2)
    with pytest.raises(Refused, match="signed research contract"):
        gates.request_gate(project.pm, project)
    helpers.sign_contract(project)
    # nor without the research planned as milestones, said on the checklist from the start
    with pytest.raises(Refused, match="No milestone of the Contract research phase is planned"):
        gates.request_gate(project.pm, project)
    helpers.accepted_milestone(project)
    assert gates.request_gate(project.pm, project).gate == 2


def test_an_allocation_investment_agreement_stands_in_for_the_contract():
    from datetime import date

    from tracker.funding import services as funding

    project = make_project()
    review = helpers.submit(project, contract=False)
    funding.record_agreement(make_user(Role.INVESTMENT_COMMITTEE), project,
                             committed=Decimal("5000000"), qualifying_round_min=Decimal("1e7"),
                             conversion_deadline=date(2029, 12, 31), signed_on=date(2026, 2, 1))
    _commit()
    helpers.go(review)
    assert helpers.request(project).gate == 2
    assert helpers.signed_contract_count(project) == 0


def test_a_hold_corrected_to_recycle_is_refused_as_another_phase(submitted):
    project, review = submitted
    decision = helpers.go(review, Outcome.HOLD, revisit_date=today() + timedelta(days=30))
    with pytest.raises(Invalid, match="another phase"):
        decisions.correct_decision(review.chair, decision, review.version, Outcome.RECYCLE,
                                   reason="Recorded wrongly",
                               rework_due=today() + timedelta(days=20))


def test_a_recused_chair_or_a_panel_short_of_quorum_needs_a_new_panel(submitted):
    project, review = submitted
    evaluators = helpers.name_panel(review, size=3)
    assert not review.needs_new_panel
    gates.declare(evaluators[0], review, conflict=True, note="Co-author of the PM")
    assert review.needs_new_panel


def test_no_new_deliverables_while_a_review_is_under_way(submitted):
    import io

    project, _review = submitted
    with pytest.raises(Refused, match="under way"):
        gates.upload_deliverable(project.pm, project, 1, "项目申报书",
                                 io.BytesIO(helpers.PDF), "v2.pdf")


def test_after_the_decision_the_pm_sees_no_named_scorecards(submitted):
    project, review = submitted
    helpers.go(review)
    assert gates.visible_scores(project.pm, review) == []
    assert len(gates.visible_scores(make_user(Role.OBSERVER), review)) == 3
    assert len(gates.visible_scores(review.chair, review)) == 3


def test_a_chair_who_stepped_aside_cannot_decide(submitted):
    project, review = submitted
    evaluators = helpers.name_panel(review, size=4)
    gates.declare(evaluators[0], review, conflict=True, note="Partner's adviser")
    for e in evaluators[1:]:
        helpers.score(review, e)
    assert review.quorum_reached and review.can_decide(evaluators[0])  # the chair: who
    assert "declared a conflict of interest" in decide_refusal(review)  # but not now
    with pytest.raises(Refused, match="declared a conflict of interest"):
        decisions.decide(evaluators[0], review, review.version, Outcome.GO)


def test_a_gate_requested_again_keeps_its_material(researching):
    project = researching
    first = helpers.request(project)
    helpers.go(first, Outcome.RECYCLE, rework_due=today() + timedelta(days=30))
    again = gates.request_gate(project.pm, project)
    _commit()
    assert sorted(d.name for d in again.deliverables) == sorted(d.name
                                                                 for d in first.deliverables)
    assert len(again.deliverables) == 2


def test_the_threshold_compares_the_exact_weighted_score(submitted):
    from tracker.gates.models import CriterionKind

    project, review = submitted
    a, b, c = helpers.name_panel(review)
    should = [cr for cr in review.criteria if cr.kind is CriterionKind.SHOULD]
    # Weights 3, 2, 3, 2 on a 0-5 scale: (3*4 + 2*1 + 3*2 + 2*5) / 10 / 5 = 60% exactly for one
    # card; the three cards differ so the mean is not a plain average of values.
    cards = {a: [4, 1, 2, 5], b: [5, 5, 5, 5], c: [0, 0, 0, 1]}
    for evaluator, values in cards.items():
        gates.declare(evaluator, review, conflict=False)
        scores = {cr.id: {"passed": True} for cr in review.criteria
                  if cr.kind is CriterionKind.MUST}
        scores.update({cr.id: {"value": v} for cr, v in zip(should, values, strict=True)})
        gates.submit_scores(evaluator, review, scores, gates.Recommendation.GO)
    # Card a: 30/50 = 60 %; b: 100 %; c: 2/50 = 4 %; mean 164/3 = 54.666...
    assert scoring.exact_weighted_score(review) == (Decimal(60) + 100 + 4) / 3
    assert scoring.weighted_score(review) == Decimal("54.67")
    assert any("below the pass threshold" in b for b in scoring.blockers(review))


def test_a_correction_supersedes_unmet_conditions_and_carries_forward_what_it_keeps(submitted):
    project, review = submitted
    due = today() + timedelta(days=20)
    original = helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
        {"text": "Add a co-funder", "owner": project.pm, "due_date": due},
        {"text": "Name a deputy PM", "owner": project.pm, "due_date": due}])
    kept, dropped = original.conditions
    corrected = decisions.correct_decision(
        review.chair, original, review.version, Outcome.CONDITIONAL_GO, reason="Recorded wrongly",
        conditions=[{"text": kept.text, "owner": kept.owner, "due_date": kept.due_date}])
    _commit()
    assert {c.state for c in original.conditions} == {ConditionState.SUPERSEDED}
    assert not any(c.is_cleared for c in original.conditions)
    assert [(c.text, c.state) for c in corrected.conditions] == [
        ("Add a co-funder", ConditionState.OPEN)]
    assert conditions.open_conditions(project) == (
        "1 condition of an earlier gate is not cleared yet.")
    superseded = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "condition.supersede")).all()
    assert sorted(r.object_id for r in superseded) == sorted([kept.id, dropped.id])
    assert kept.evidence == ""  # nothing written in the corrector's language
