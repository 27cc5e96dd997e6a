"""The review and money screens walked as their people use them, in Chinese and in English
(issue 9): the panel scores a gate and its chair decides with a condition, which the PM meets
and HQ clears; a milestone is submitted, returned, submitted again and accepted, and another
re-baselined; the committee pays a tranche after its confirmation step and reverses it; a
company raises a round after its confirmation step, HQ's money converts in it, and the
conversion and the round are reversed.

At every page reached (tests/walking.py): no 500, no string of the other language
(tests/test_language_walk.py's check, on the demo's data and what the walk typed), every form
offered posts without a refusal (a form offered whose POST answers 409 is a defect: issue 9
point 6; each is posted as the page fills it, in a savepoint rolled back), and the history pages
show labels, never column names or codes; a refusal links back to its object. What the walk does
is checked in the database: the decision recorded, the tranche paid, the shares issued.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import shared_data
from tests.walking import Walker, link
from tracker import db
from tracker.accounts.models import User
from tracker.companies import ledger
from tracker.companies.models import Company, FinancingRound
from tracker.dates import today
from tracker.funding.conversion_models import Conversion
from tracker.funding.models import Disbursement, FundingAgreement, Tranche
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.decision_models import Declaration, Outcome, Recommendation
from tracker.gates.models import CriterionKind, GateReview
from tracker.milestones.models import Milestone, MilestoneState, Rebaseline
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.web.corrections import ShareReverseForm

LOCALES = [pytest.param("zh_CN", marks=pytest.mark.second_language), "en"]


@pytest.fixture(scope="module")
def demo(app, module_connection):
    """The demo data, seeded once for the module; each test rolls back its own walk."""
    with shared_data(app, module_connection):
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output


@pytest.fixture
def walker(app, module_connection, demo):
    typed: list[str] = []
    return lambda email, locale: Walker(app, module_connection, email, locale, typed)


def _one(model, *where):
    return db.session.scalars(select(model).where(*where)).one()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_gate_is_scored_decided_with_a_condition_and_the_condition_cleared(walker, locale):
    project = _one(Project, Project.title == "协作机器人力控关节模组")
    review = _one(GateReview, GateReview.project_id == project.id, GateReview.gate == 1)
    at, pm_id, chair = f"/reviews/{review.id}", project.pm_id, review.chair.email
    scores = {f"c{c.id}": "1" if c.kind is CriterionKind.MUST else "4" for c in review.criteria}
    # The demo's three HQ evaluators and the pool's external expert (tracker/experts/demo.py).
    panel = [m.user.email for m in review.panel]
    assert len(panel) == 4
    for email in panel:
        evaluator = walker(email, locale)
        page = evaluator.look("/my/reviews")
        assert at in page
        page = evaluator.follow(evaluator.send(evaluator.look(at), f"{at}/declare",
                                               {"conflict": "no"}))
        page = evaluator.follow(evaluator.send(page, f"{at}/scores",
                                               {**scores, "recommendation": "conditional_go"}))
    review = db.session.get(GateReview, review.id)
    assert [(m.declaration, m.recommendation) for m in review.panel] == [
        (Declaration.NONE, Recommendation.CONDITIONAL_GO)] * 4
    assert all(m.submitted_at is not None for m in review.panel)

    chair = walker(chair, locale)
    due = today() + timedelta(days=30)
    other_tab = chair.look(at)
    decided = {"outcome": "conditional_go", "rationale": "方案可行，需补充企业配套承诺。",
               "conditions-0-text": "补充企业配套资金承诺函", "conditions-0-owner_id": pm_id,
               "conditions-0-due_date": due.isoformat()}
    page = chair.follow(chair.send(chair.look(at), f"{at}/decide", decided))
    # Another decision sent from a tab opened before it: refused, with the way back (the same
    # one sent again is taken as sent once: tests/test_edits.py).
    refusal = chair.send(other_tab, f"{at}/decide", {**decided, "outcome": "go"}, status=409)
    chair.refused(refusal, f"/projects/{project.id}")
    assert db.session.get(GateReview, review.id).current_decision.outcome is (
        Outcome.CONDITIONAL_GO)
    decision = db.session.get(GateReview, review.id).current_decision
    assert decision.outcome is Outcome.CONDITIONAL_GO
    assert db.session.get(Project, project.id).phase is Phase.CONTRACT_RESEARCH
    condition = _one(Condition, Condition.decision_id == decision.id)
    assert (condition.state, condition.owner_id, condition.due_date) == (
        ConditionState.OPEN, pm_id, due)
    condition_id = condition.id

    pm = walker("pm@demo.jitri.cn", locale)
    page = pm.look(f"/projects/{project.id}")
    page = pm.follow(pm.send(page, f"/conditions/{condition_id}/met",
                             {"evidence": "企业已出具配套资金承诺函。"}))
    assert db.session.get(Condition, condition_id).state is ConditionState.MET

    admin = walker("admin@demo.jitri.cn", locale)
    page = admin.follow(admin.send(admin.look(f"/projects/{project.id}"),
                                   f"/conditions/{condition_id}/confirm", {"accept": "1"}))
    assert db.session.get(Condition, condition_id).state is ConditionState.CONFIRMED
    admin.histories(page, f"/projects/{project.id}")
    # The review's, its decision's and its condition's own histories (the audit trail's links).
    for history in (f"/history/gate_reviews/{review.id}", f"/history/gate_decisions/{decision.id}",
                    f"/history/conditions/{condition_id}"):
        admin.look(history)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_milestone_is_submitted_returned_accepted_and_another_rebaselined(walker, locale):
    milestone = _one(Milestone, Milestone.title == "液压回路台架试验")
    at, project_id = f"/milestones/{milestone.id}", milestone.project_id
    pm = walker("pm@demo.jitri.cn", locale)
    page = pm.follow(pm.send(pm.look(at), f"{at}/update",
                             {"percent": "100", "note": "台架试验完成，报告已上传。"}))
    page = pm.follow(pm.send(page, f"{at}/submit"))
    assert db.session.get(Milestone, milestone.id).state is MilestoneState.SUBMITTED

    admin = walker("admin@demo.jitri.cn", locale)
    page = admin.look(at)
    reviewer = _one(User, User.email == "evaluator@demo.jitri.cn")
    page = admin.follow(admin.send(page, f"{at}/reviewer", {"reviewer_id": reviewer.id}))
    evaluator = walker("evaluator@demo.jitri.cn", locale)
    page = evaluator.follow(evaluator.send(evaluator.look(at), f"{at}/review", {
        "decision": "return", "comment": "缺少节能率测试数据，请补充。"}))
    assert db.session.get(Milestone, milestone.id).state is MilestoneState.IN_PROGRESS

    page = pm.follow(pm.send(pm.look(at), f"{at}/update",
                             {"percent": "100", "note": "已补充节能率测试数据。"}))
    page = pm.follow(pm.send(page, f"{at}/submit"))
    page = evaluator.follow(evaluator.send(evaluator.look(at), f"{at}/review", {
        "decision": "accept", "comment": "数据完整，同意验收。"}))
    assert db.session.get(Milestone, milestone.id).state is MilestoneState.ACCEPTED
    admin.histories(admin.look(at), at)

    # A second milestone, planned by the PM, moved by a re-baseline HQ approves.
    due = today() + timedelta(days=60)
    page = pm.look(f"/projects/{project_id}/milestones/new")
    response = pm.send(page, f"/projects/{project_id}/milestones/new", {
        "title": "现场验证", "deliverable": "现场验证报告", "due_date": due.isoformat(),
        "weight": "1"}, path=f"/projects/{project_id}/milestones/new")
    second = _one(Milestone, Milestone.project_id == project_id, Milestone.title == "现场验证")
    page = pm.follow(response)
    there = f"/milestones/{second.id}"
    moved = due + timedelta(days=45)
    page = pm.follow(pm.send(pm.look(there), f"{there}/rebaseline", {
        "new_date": moved.isoformat(), "reason": "企业现场排产推迟。"}))
    rebaseline = _one(Rebaseline, Rebaseline.milestone_id == second.id)
    page = admin.follow(admin.send(admin.look(there), f"/rebaselines/{rebaseline.id}/approve"))
    assert db.session.get(Milestone, second.id).due_date == moved
    admin.histories(page, there)


def _pass_gate_one(review: GateReview) -> None:
    """Gate 1 scored and decided GO through the services, as the demo decides its research
    project's (tracker/demo.py): what the tranche's walk starts from, not what it walks."""
    for member in review.panel:
        gates.declare(member.user, review, conflict=False)
        gates.submit_scores(member.user, review, {
            c.id: {"passed": True} if c.kind is CriterionKind.MUST else {"value": 4}
            for c in review.criteria}, Recommendation.GO)
    decisions.decide(review.chair, review, review.version, Outcome.GO)
    db.session.commit()


ON_ANY_DATE = ShareReverseForm.on_date.kwargs["description"]


def said(locale: str, message) -> str:
    """A message of the catalogue as a page in `locale` says it."""
    with force_locale(locale):
        return str(message)


def _reverse(person: Walker, at: str, reason: str, on: date, locale: str) -> str:
    """A reversal of shares through its page, which says that they count in no cap table, on
    any date (tracker/companies/ledger.standing), never "from this date on"."""
    page = person.look(at)
    assert said(locale, ON_ANY_DATE) in html.unescape(page)
    return person.follow(person.send(page, at, {"reason": reason, "on_date": on.isoformat()}))


@pytest.mark.parametrize("locale", LOCALES)
def test_a_tranche_is_paid_after_its_confirmation_and_reversed(walker, locale):
    project = _one(Project, Project.title == "协作机器人力控关节模组")
    _pass_gate_one(_one(GateReview, GateReview.project_id == project.id))
    agreement = _one(FundingAgreement, FundingAgreement.project_id == project.id)
    tranche = next(t for t in agreement.tranches if t.gate == 1)
    funding, tranche_id = f"/projects/{project.id}/funding", tranche.id

    committee = walker("committee@demo.jitri.cn", locale)
    page = committee.look(funding)
    at = link(page, f"/funding/tranches/{tranche_id}/disburse")
    page = committee.look(at)
    # The look before the money moves: the page again, with what would be recorded.
    sent = {"amount": "2000000", "paid_on": today().isoformat(), "reference": "HQ-2026-118"}
    response = committee.send(page, at, sent, status=200)
    preview = response.get_data(as_text=True)
    assert not db.session.scalars(select(Disbursement)).all()
    assert "2,000,000" in preview
    page = committee.follow(committee.send(preview, at, {**sent, "confirmed": "1"}))
    paid = _one(Disbursement, Disbursement.tranche_id == tranche_id)
    assert (paid.amount, paid.paid_on, paid.reference) == (Decimal("2000000"), today(),
                                                           "HQ-2026-118")
    assert db.session.get(Tranche, tranche_id).remaining == 0
    committee.histories(page, funding)

    # The tranche paid again from a tab opened before: refused, with the way back.
    committee.refused(committee.send(preview, at, {
        **sent, "confirmed": "1", "once": "another-tab-token", "reference": "HQ-2026-119"},
        status=409), funding)

    at = link(page, f"/funding/disbursements/{paid.id}/reverse")
    page = committee.follow(committee.send(committee.look(at), at, {
        "reason": "付款重复登记，财务已退回。", "on_date": today().isoformat()}))
    assert db.session.get(Tranche, tranche_id).disbursed == 0
    reversal = _one(Disbursement, Disbursement.reverses_id == paid.id)
    assert reversal.amount == Decimal("-2000000")
    committee.histories(page, funding)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_round_is_raised_after_its_confirmation_hqs_money_converts_and_both_are_reversed(
        walker, locale):
    company = _one(Company, Company.name == "苏州力控智能装备有限公司")
    project_id, company_id = company.projects[0].id, company.id
    funding, at_company = f"/projects/{project_id}/funding", f"/companies/{company_id}"
    signed, closed, reversed_on = (today() - timedelta(days=d) for d in (30, 10, 3))
    shares_before = ledger.cap_table(company, closed).issued

    # The committee's agreement for the spin-off's project, one tranche at gate 3 (passed),
    # paid after its confirmation.
    committee = walker("committee@demo.jitri.cn", locale)
    page = committee.look(funding)
    at = link(page, f"/projects/{project_id}/funding/agreement")
    page = committee.follow(committee.send(committee.look(at), at, {
        "committed": "5000000", "hq_ratio": "1", "qualifying_round_min": "20000000",
        "signed_on": signed.isoformat(),
        "conversion_deadline": (signed + timedelta(days=3 * 365)).isoformat()}))
    agreement = _one(FundingAgreement, FundingAgreement.project_id == project_id)
    at = link(page, f"/funding/{agreement.id}/tranches/new")
    page = committee.follow(committee.send(committee.look(at), at, {
        "amount": "5000000", "condition": "gate", "gate": "3"}))
    tranche = _one(Tranche, Tranche.agreement_id == agreement.id)
    at = link(page, f"/funding/tranches/{tranche.id}/disburse")
    sent = {"amount": "5000000", "paid_on": (signed + timedelta(days=10)).isoformat()}
    preview = committee.send(committee.look(at), at, sent, status=200).get_data(as_text=True)
    page = committee.follow(committee.send(preview, at, {**sent, "confirmed": "1"}))
    assert db.session.get(FundingAgreement, agreement.id).disbursed == Decimal("5000000")

    # HQ records the company's round A: priced at 100 M CNY before the money, 30 M raised.
    admin = walker("admin@demo.jitri.cn", locale)
    page = admin.look(at_company)
    at = link(page, f"{at_company}/rounds/new")
    sent = {"name": "A轮", "on_date": closed.isoformat(), "pre_money": "100000000",
            "amount": "30000000", "investors-0-name": "元禾控股", "investors-0-kind": "investor",
            "investors-0-amount": "30000000", "investors-0-lead": "y"}
    preview = admin.send(admin.look(at), at, sent, status=200).get_data(as_text=True)
    assert not db.session.scalars(select(FinancingRound)).all()
    page = admin.follow(admin.send(preview, at, {**sent, "confirmed": "1"}))
    financing = _one(FinancingRound, FinancingRound.company_id == company_id)
    price = Decimal("100000000") / shares_before
    assert financing.price_per_share == price.quantize(financing.price_per_share)
    table = ledger.cap_table(db.session.get(Company, company_id), closed)
    assert table.issued - shares_before == (Decimal("30000000") / financing.price_per_share
                                            ).to_integral_value(ROUND_FLOOR)
    assert table.total_pct == Decimal("100.00")

    # HQ's money converts in the round, at its price (no discount), after its confirmation.
    page = committee.look(funding)
    at = link(page, f"/funding/{agreement.id}/convert")
    sent = {"round_id": str(financing.id)}
    preview = committee.send(committee.look(at), at, sent, status=200).get_data(as_text=True)
    page = committee.follow(committee.send(preview, at, {**sent, "confirmed": "1"}))
    conversion = _one(Conversion, Conversion.agreement_id == agreement.id)
    assert conversion.shares == (Decimal("5000000") / conversion.conversion_price
                                 ).to_integral_value(ROUND_FLOOR)
    held = ledger.cap_table(db.session.get(Company, company_id), closed)
    assert held.issued == table.issued + conversion.shares
    committee.histories(page, funding)

    # Reversed, the conversion's shares count in no cap table, on any date; then the round's.
    page = _reverse(committee, link(page, f"/funding/conversions/{conversion.id}/reverse"),
                    "转股所依据的轮次金额登记有误。", reversed_on, locale)
    company = db.session.get(Company, company_id)
    for on in (closed, reversed_on - timedelta(days=1), reversed_on):
        assert ledger.cap_table(company, on).issued == table.issued
    assert db.session.get(FundingAgreement, agreement.id).conversion is None
    at = link(admin.look(at_company), f"/companies/rounds/{financing.id}/reverse")
    page = _reverse(admin, at, "投资协议未生效。", reversed_on, locale)
    company = db.session.get(Company, company_id)
    for on in (closed, reversed_on):
        assert ledger.cap_table(company, on).issued == shares_before
    assert ledger.cap_table(company, today()).total_pct == Decimal("100.00")
    admin.histories(page, at_company)
