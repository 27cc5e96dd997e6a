"""Each event rule fires once, for the right people and never for the one who acted, in the
same transaction as the change: a change rolled back notifies nobody."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.companies import helpers as companies
from tests.factories import (
    _commit,
    install_gates,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tests.gates import helpers as gate_steps
from tracker import db
from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.changes import services as changes
from tracker.dates import today
from tracker.display.formatting import day, money
from tracker.display.labels import label
from tracker.funding import services as funding
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import Outcome
from tracker.imports.models import ImportRun
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone, MilestoneState
from tracker.notifications.events import EVENTS, sentence_for
from tracker.organisations import services as organisations
from tracker.organisations.models import NeedState
from tracker.projects.lifecycle import Phase
from tracker.reminders.models import MessageKind, MessageState, OutboxMessage

D = Decimal


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def sent_to(rule: str) -> Counter:
    """Recipient id -> how many rows of `rule` the outbox holds for them."""
    return Counter(db.session.scalars(select(OutboxMessage.recipient_id).where(
        OutboxMessage.kind == MessageKind.EVENT, OutboxMessage.rule == rule)))


def once(*users) -> Counter:
    return Counter({user.id: 1 for user in users})


def fired() -> set[str]:
    return set(db.session.scalars(select(OutboxMessage.rule).where(
        OutboxMessage.kind == MessageKind.EVENT)))


def project_with_director(**kw):
    director = make_user(name="Director")
    pm = make_user(Role.PROJECT_MANAGER, name="PM")
    return make_project(pm=pm, institute=make_institute(director=director), **kw), director


def test_naming_a_panel_tells_the_evaluators_and_the_pm_and_asks_the_declarations():
    project, _director = project_with_director()
    review = gate_steps.submit(project)
    admin = make_user(Role.HQ_ADMIN)
    evaluators = gate_steps.name_panel(review, admin=admin)
    assert sent_to("panel_named") == once(project.pm, *evaluators)
    assert sent_to("declaration_needed") == once(*evaluators)
    assert admin.id not in sent_to("panel_named")
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "panel_named")).first()
    assert message.details["path"] == f"/reviews/{review.id}"
    assert message.state is MessageState.PENDING and message.message_id.startswith(
        "<reminder.panel_named.")


def test_a_panel_named_again_tells_only_the_evaluators_it_adds():
    project, _director = project_with_director()
    review = gate_steps.submit(project)
    admin = make_user(Role.HQ_ADMIN)
    evaluators = gate_steps.name_panel(review, admin=admin)
    newcomer = make_user(Role.EVALUATOR, name="Newcomer")
    # One evaluator leaves, one joins, the due date moves: only the newcomer hears of it.
    gates.name_panel(admin, review, evaluators[0], [evaluators[0], evaluators[1], newcomer],
                     today() + timedelta(days=12))
    _commit()
    assert sent_to("panel_named") == once(project.pm, *evaluators, newcomer)
    assert sent_to("declaration_needed") == once(*evaluators, newcomer)
    # Named again unchanged: nobody new, nobody told.
    gates.name_panel(admin, review, evaluators[0], [evaluators[0], evaluators[1], newcomer],
                     today() + timedelta(days=12))
    _commit()
    assert sent_to("panel_named") == once(project.pm, *evaluators, newcomer)


def test_the_chair_hears_when_every_evaluator_has_scored_and_not_before():
    project, _director = project_with_director()
    review = gate_steps.submit(project)
    evaluators = gate_steps.name_panel(review)
    gate_steps.score(review, evaluators[0])
    gate_steps.score(review, evaluators[1])
    assert sent_to("all_scores_in") == Counter()
    gate_steps.score(review, evaluators[2])
    assert sent_to("all_scores_in") == once(evaluators[0])  # the chair


def test_hq_and_the_chair_hear_of_a_conflict_declared_after_scoring():
    from tracker.gates import corrections

    project, _director = project_with_director()
    review = gate_steps.submit(project)
    admin = make_user(Role.HQ_ADMIN)
    evaluators = gate_steps.name_panel(review, admin=admin)
    gate_steps.score(review, evaluators[1])
    corrections.correct_declaration(evaluators[1], review, True, "My former student",
                                    "Learnt it after scoring")
    _commit()
    assert sent_to("conflict_declared_late") == once(admin, evaluators[0])  # HQ, the chair


def test_a_chair_who_scores_last_is_not_told_what_they_did():
    project, _director = project_with_director()
    review = gate_steps.submit(project)
    evaluators = gate_steps.name_panel(review)
    for evaluator in reversed(evaluators):
        gate_steps.score(review, evaluator)
    assert sent_to("all_scores_in") == Counter()


def test_a_decision_tells_the_pm_and_the_director_not_the_chair():
    project, director = project_with_director()
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    review = gate_steps.submit(project)
    decision = gate_steps.go(review)
    chair = review.chair
    assert sent_to("decision_recorded") == once(project.pm, director)
    assert chair.id not in sent_to("decision_recorded") and committee.id not in sent_to(
        "decision_recorded")
    row = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "decision_recorded")).first()
    assert row.item_id == decision.id and row.details["outcome"] == "go"


def test_a_gate_three_decision_also_tells_the_committee_and_a_condition_its_owner():
    project, director = project_with_director()
    committee = [make_user(Role.INVESTMENT_COMMITTEE) for _ in range(2)]
    gate_steps.go(gate_steps.submit(project))
    gate_steps.go(gate_steps.request(project), target_phase=Phase.INVESTMENT_DECISION)
    db.session.execute(OutboxMessage.__table__.delete())
    owner = make_user(Role.PROJECT_MANAGER, name="Condition owner")
    gate_steps.go(gate_steps.request(project), Outcome.CONDITIONAL_GO,
                  target_phase=Phase.SPIN_OFF, conditions=[
                      {"text": "Sign the shareholders' agreement", "owner": owner,
                       "due_date": today() + timedelta(days=30)}])
    assert sent_to("decision_recorded") == once(project.pm, director, *committee)
    assert sent_to("condition_set") == once(owner)


def _submitted_milestone(project, reviewer) -> Milestone:
    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title="Prototype",
                          due_date=today() + timedelta(days=20), state=MilestoneState.SUBMITTED,
                          reviewer_id=reviewer.id)
    db.session.add(milestone)
    _commit()
    return milestone


@pytest.mark.parametrize("accept,rule", [(True, "milestone_accepted"),
                                         (False, "milestone_returned")])
def test_a_reviewed_milestone_tells_its_pm(accept, rule):
    project, _director = project_with_director(phase=Phase.CONTRACT_RESEARCH)
    reviewer = make_user(Role.EVALUATOR)
    milestone = _submitted_milestone(project, reviewer)
    milestones.review_milestone(reviewer, milestone, accept, "Add the test report")
    assert sent_to(rule) == once(project.pm)
    assert fired() == {rule}
    if not accept:
        row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.rule == rule)).one()
        assert row.details["comment"] == "Add the test report"


def test_accepting_the_milestone_of_a_tranche_tells_the_committee_it_is_payable():
    project, _director = project_with_director(phase=Phase.CONTRACT_RESEARCH)
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    other = make_user(Role.INVESTMENT_COMMITTEE)
    reviewer = make_user(Role.EVALUATOR)
    milestone = _submitted_milestone(project, reviewer)
    agreement = funding.record_agreement(
        committee, project, committed=D("5000000"), qualifying_round_min=D("20000000"),
        signed_on=today() - timedelta(days=10), conversion_deadline=today() + timedelta(days=300))
    funding.add_tranche(committee, agreement, amount=D("1000000"), milestone_id=milestone.id)
    funding.add_tranche(committee, agreement, amount=D("2000000"), gate=3)
    _commit()
    milestones.review_milestone(reviewer, milestone, True, "")
    assert sent_to("tranche_payable") == once(committee, other)
    row = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "tranche_payable")).first()
    assert row.details["number"] == "1" and row.details["amount"] == "1000000.00"


def _long_rebaseline(project):
    """A milestone in progress moved by its PM beyond what HQ must decide."""
    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title="Pilot",
                          due_date=today() + timedelta(days=20), state=MilestoneState.IN_PROGRESS)
    db.session.add(milestone)
    _commit()
    return milestones.rebaseline(project.pm, milestone, today() + timedelta(days=120),
                                 "The supplier is late")


def test_a_long_rebaseline_waits_for_hq_who_hear_of_it_and_the_pm_hears_the_answer():
    project, _director = project_with_director(phase=Phase.CONTRACT_RESEARCH)
    admins = [make_user(Role.HQ_ADMIN) for _ in range(2)]
    entry = _long_rebaseline(project)
    assert sent_to("rebaseline_waiting") == once(*admins)
    milestones.decide_rebaseline(admins[0], entry, approve=True)
    assert sent_to("rebaseline_decided") == once(project.pm)


def test_a_short_rebaseline_needs_no_one_and_tells_no_one():
    project, _director = project_with_director(phase=Phase.CONTRACT_RESEARCH)
    make_user(Role.HQ_ADMIN)
    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title="Pilot",
                          due_date=today() + timedelta(days=20), state=MilestoneState.IN_PROGRESS)
    db.session.add(milestone)
    _commit()
    milestones.rebaseline(project.pm, milestone, today() + timedelta(days=25), "A week late")
    assert fired() == set()


def test_a_change_request_waits_for_hq_and_its_answer_goes_back_to_the_pm():
    from tracker.approvals import services as approvals

    project, director = project_with_director(phase=Phase.CONTRACT_RESEARCH)
    admin = make_user(Role.HQ_ADMIN)
    request = changes.change_total(project.pm, project, budget_total=D("3500000.00"),
                                   reason="A second furnace")
    # The institute's director first (tracker/approvals), HQ once the director endorsed it.
    assert sent_to("change_waiting") == Counter()
    assert sent_to("approval_to_sign") == once(director)
    approvals.endorse(director, request.approval, "")
    assert sent_to("change_waiting") == once(admin)
    changes.decide(admin, request, False, "Not this year")
    assert sent_to("change_decided") == once(project.pm)
    row = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "change_decided")).one()
    assert row.details["state"] == "refused"


def test_a_conversion_tells_the_pm_the_director_and_the_other_members_of_the_committee():
    project, director = project_with_director(
        phase=Phase.INVESTMENT_DECISION, start_date=companies.days_ago(companies.LONG_AGO))
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    colleague = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = funding.record_agreement(
        committee, project, committed=D("10000000"), qualifying_round_min=D("20000000"),
        discount_pct=D("20"), signed_on=companies.days_ago(600),
        conversion_deadline=today() + timedelta(days=100))
    milestone = companies.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("10000000"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=D("10000000"),
                                paid_on=companies.days_ago(500))
    _commit()
    company = companies.make_company(project)
    companies.incorporate(company)
    funding.convert(committee, agreement, companies.record_round(company))
    assert sent_to("conversion_recorded") == once(project.pm, director, colleague)


def test_a_need_matched_tells_the_director_of_the_institute_once():
    director = make_user(name="Director")
    institute = make_institute(director=director)
    need = make_need(state=NeedState.ANALYSED)
    admin = make_user(Role.HQ_ADMIN)
    organisations.save_need(admin, need, title=need.title, enterprise_id=need.enterprise_id,
                            state=NeedState.MATCHED, institute_id=institute.id)
    assert sent_to("need_matched") == once(director)
    organisations.save_need(admin, need, title="Renamed", enterprise_id=need.enterprise_id,
                            state=NeedState.MATCHED, institute_id=institute.id)
    assert sent_to("need_matched") == once(director)  # still matched: nothing new


def test_a_need_matched_names_the_enterprise_in_the_readers_language(app):
    """Issue 9: the event froze the enterprise's Chinese name into its sentence."""
    director = make_user(name="Director")
    need = make_need(state=NeedState.ANALYSED)
    need.enterprise.name, need.enterprise.name_en = "苏州驱动科技有限公司", "Suzhou Drive Tech"
    organisations.save_need(make_user(Role.HQ_ADMIN), need, title=need.title,
                            enterprise_id=need.enterprise_id, state=NeedState.MATCHED,
                            institute_id=make_institute(director=director).id)
    details = db.session.scalars(select(OutboxMessage.details).where(
        OutboxMessage.rule == "need_matched")).one()
    with app.test_request_context(), force_locale("en"):
        english = sentence_for("need_matched", details, day, label, money)
    with app.test_request_context(), force_locale("zh_CN"):
        chinese = sentence_for("need_matched", details, day, label, money)
    assert "Suzhou Drive Tech" in english and "苏州驱动" not in english
    assert "苏州驱动科技有限公司" in chinese


def test_a_change_rolled_back_notifies_nobody():
    project, _director = project_with_director()
    review = gate_steps.submit(project)
    before = db.session.scalars(select(OutboxMessage.id)).all()  # the director's, committed
    admin = make_user(Role.HQ_ADMIN)
    evaluators = [make_user(Role.EVALUATOR) for _ in range(3)]
    gates.name_panel(admin, review, evaluators[0], evaluators, today() + timedelta(days=10))
    assert fired() == {"approval_to_sign", "panel_named", "declaration_needed"}
    db.session.rollback()
    assert fired() == {"approval_to_sign"}
    assert db.session.scalars(select(OutboxMessage.id)).all() == before


def test_an_inactive_recipient_is_left_out():
    project, director = project_with_director()
    director.active = False
    _commit()
    gate_steps.go(gate_steps.submit(project))
    assert sent_to("decision_recorded") == once(project.pm)


def test_every_rule_of_the_catalogue_is_tested_here():
    source = open(__file__, encoding="utf-8").read()
    assert [name for name in EVENTS if f'"{name}"' not in source] == []


def test_what_an_import_brings_in_from_before_the_tracker_notifies_nobody():
    project, _director = project_with_director(phase=Phase.PROPOSAL_REVIEW)
    admin = make_user(Role.HQ_ADMIN)
    db.session.add(run := ImportRun(kind="projects", filename="projects.csv",
                                    actor_id=admin.id, errors=[], changes=[]))
    db.session.flush()  # an imported decision names its import, as every import's does
    with audit.during_import(run.id):
        decisions.record_imported_go(admin, project, db.utcnow(), import_id=run.id)
    assert fired() == set()


def test_a_handover_waits_for_the_director_too():
    project, director = project_with_director(phase=Phase.CONTRACT_RESEARCH)
    admin = make_user(Role.HQ_ADMIN)
    successor = make_user(Role.PROJECT_MANAGER, institute_id=project.institute_id)
    changes.hand_over(project.pm, project, user_id=successor.id, reason="Moving to Suzhou")
    assert sent_to("change_waiting") == once(admin, director)


def test_a_submission_tells_each_signer_of_its_level_and_a_return_tells_the_applicant():
    from tracker.approvals import services as approvals
    from tracker.approvals.models import AppliesTo
    from tracker.projects import services as projects

    project, director = project_with_director()
    deputy = make_user(name="Deputy")
    approvals.add_level(make_user(Role.HQ_ADMIN), name="副所长", name_en="Deputy", director=False,
                        approver_ids=[deputy.id], applies_to=AppliesTo.ALL)
    gate_steps.upload_deliverables(project, 1)
    request = projects.submit_proposal(project.pm, project)
    assert sent_to("approval_to_sign") == once(director)  # the first level only
    approvals.endorse(director, request, "")
    assert sent_to("approval_to_sign") == once(director, deputy)
    approvals.return_(deputy, request, "Add the pilot plan.")
    assert sent_to("approval_returned") == once(project.pm)
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.rule == "approval_returned"))
    assert message.details["opinion"] == "Add the pilot plan."


def test_a_corrected_decision_tells_the_pm_by_mail_as_the_decision_did(smtp, clock):
    """A decision on a re-baseline or a change request corrected (issue 9 point 5) tells the
    project manager, as the decision did: what stands now and why, by e-mail through the
    outbox, never the HQ admin who corrected it."""
    from tests.reminders.conftest import text_of
    from tracker.approvals import services as approvals
    from tracker.changes import corrections as change_corrections
    from tracker.milestones import corrections as rebaseline_corrections
    from tracker.reminders import delivery

    start = clock.set(date(2026, 5, 12), 10)
    project, director = project_with_director(phase=Phase.CONTRACT_RESEARCH)
    admin = make_user(Role.HQ_ADMIN)
    entry = _long_rebaseline(project)
    milestones.decide_rebaseline(admin, entry, approve=True)
    rebaseline_corrections.correct_rebaseline(admin, entry, "Meant to reject it")
    assert sent_to("rebaseline_corrected") == once(project.pm)
    request = changes.change_total(project.pm, project, budget_total=D("3500000.00"),
                                   reason="A second furnace")
    approvals.endorse(director, request.approval, "")
    changes.decide(admin, request, False, "Not this year")
    change_corrections.correct_decision(admin, request, "The next call was cancelled")
    assert sent_to("change_corrected") == once(project.pm)
    row = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "change_corrected")).one()
    assert row.details["state"] == "approved"
    assert row.details["reason"] == "The next call was cancelled"
    _commit()
    delivery.send_all(start + timedelta(hours=1), commit=db.session.commit)
    mail = [text_of(message) for to, message in smtp.take() if project.pm.email in to]
    said = " ".join(" ".join(mail).split())
    assert "was corrected: Not approved now, due on" in said and "Meant to reject it" in said
    assert "was corrected: Approved now" in said and "The next call was cancelled" in said
    assert admin.id not in sent_to("change_corrected") | sent_to("rebaseline_corrected")
