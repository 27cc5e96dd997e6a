"""Permission before state (issue 9 point 6; the newcomer's walk found a reversal's page answering
someone who may not reverse at all 409 "already reversed"): who may not act on a record hears
403 or 404 whatever the record's state; only who may act hears why its state forbids it (409),
or they would learn of a record, or of its state, that is not theirs to know.

A table over every state-changing route (every POST rule of the app): for each, the world of
tests/world.py with the route's record moved into a state that refuses the action (`STATES`, or
already so as built: `REFUSING_AS_BUILT`). Each person the access table
(tests/test_access_matrix.py) lets act must then hear 409, which proves the state refuses; each
person it turns away must hear what it says (403, 404, the sign-in page), never 409. A route
whose action no state of a record refuses is listed in `NO_STATE` with the reason; a new POST
route in neither list fails `test_every_state_changing_route_is_in_the_table`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import url_for

from tests.conftest import shared_data
from tests.factories import _commit
from tests.test_access_matrix import ACCESS, parse
from tests.world import (
    PDF,
    People,
    World,
    build,
    classify,
    rules,
    signed_in_people,
    url_for_rule,
)
from tracker import db, voids
from tracker.accounts.models import User
from tracker.achievements import deal_corrections
from tracker.achievements.deal_models import IncomeReceipt, RoyaltyReport, Transfer
from tracker.achievements.models import Achievement, Annuity, IpRight
from tracker.apitokens.models import AccessToken
from tracker.approvals.models import ApprovalDelegation, ApprovalRequest, RequestState
from tracker.assessment.models import AssessmentYear, EvidenceEntry, EvidenceState
from tracker.centres import services as centres
from tracker.centres.models import CentrePayment
from tracker.companies import corrections as company_corrections
from tracker.companies.ip_models import IpDeal
from tracker.companies.models import Company, CompanyExit, ShareEntry
from tracker.contracts import services as contracts
from tracker.contracts.models import Payment, ResearchContract
from tracker.dates import today
from tracker.db import utcnow
from tracker.funding import corrections as funding_corrections
from tracker.funding.conversion_models import Conversion
from tracker.funding.models import FundingAgreement
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.decision_models import GateDecision
from tracker.gates.models import Deliverable, GateReview
from tracker.imports.models import ImportRun, ImportState
from tracker.incentives import reversals as incentive_reversals
from tracker.incentives import services as incentives
from tracker.incentives.models import IncentiveGrant, OptionExercise
from tracker.milestones.models import Milestone, MilestoneState, Rebaseline, RebaselineState
from tracker.obligations import services as obligation_services
from tracker.obligations.models import ReportObligation
from tracker.organisations.models import Institute, NeedState, TechnologyNeed
from tracker.partners import co_funding
from tracker.partners.models import Partner
from tracker.partners.payment_models import CoFunderPayment
from tracker.pms.models import PmRecord
from tracker.pms.register import PmState
from tracker.projects.history_models import TrlRecord
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectMember
from tracker.spending import services as spending
from tracker.spending.models import SpendingEntry

# Routes whose action no state of a record can refuse, or that act on no one else's record.
OWN = "acts on the signed-in person's own account or session: nobody else's record to reach"
CREATES = "creates a record from nothing: no record whose state could refuse it"
CONFIG = "HQ's configuration, changed whatever its state (requires() turns others away first)"
OFF = "a feature the test configuration leaves off: 404 for everyone"
NO_STATE: dict[str, str] = {
    "auth.login": OWN, "auth.logout": OWN, "auth.account": OWN, "mfa.code": OWN,
    "mfa.text_code": OWN, "mfa.setup": OWN, "mfa.disable": OWN, "mfa.recovery_codes": OWN,
    "tokens.mine": OWN, "notifications.settings": OWN, "notifications.read_all": OWN,
    "notifications.read_one": OWN, "reminders.preferences": OWN,
    "reminders.regenerate_feed": OWN, "reminders.revoke_feed": OWN, "web.set_language": OWN,
    "phones.bind": OFF, "phones.unbind": OFF, "phones.send_binding_code": OFF,
    "phones.sms_sign_in": OFF, "phones.forgot_password": OFF, "phones.reset_password": OFF,
    "sso.ldap_login": OFF,
    "projects.new": CREATES, "companies.new": CREATES, "organisations.new_institute": CREATES,
    "organisations.new_enterprise": CREATES, "organisations.new_centre": CREATES,
    "organisations.new_need": CREATES, "needs.submit_need": CREATES, "partners.new": CREATES,
    "pms.new": CREATES, "pms.new_team": CREATES, "experts.new": CREATES,
    "techfields.new": CREATES, "regions.new": CREATES, "users.new_user": CREATES,
    "budget_admin.new_template": CREATES,
    "imports.upload": CREATES, "approvals.delegations": CREATES,
    "settings.edit": CONFIG, "gate_admin.edit_template": CONFIG,
    "budget_admin.edit_template": CONFIG, "documents.edit_template": CONFIG,
    "approvals.levels": CONFIG, "approvals.move_level": CONFIG,
    "approvals.remove_level": CONFIG, "reminders.calendar": CONFIG,
    "reminders.remove_day": CONFIG, "techfields.edit": CONFIG, "regions.edit": CONFIG,
    "users.edit_user": CONFIG,
    "users.reset_mfa": CONFIG, "users.reset_password": CONFIG, "experts.edit": CONFIG,
    "experts.account": CONFIG, "organisations.edit_institute": CONFIG,
    "organisations.edit_enterprise": CONFIG, "organisations.edit_centre": CONFIG,
    "partners.edit": CONFIG, "pms.edit_team": CONFIG, "assessment.indicators": CONFIG,
    "assessment.edit_indicator": CONFIG,
    "assessment.publish": "publishes or withdraws the year's ranking, whatever it was",
    "centres.new_agreement": "records a centre's agreement: a centre has no state",
    "centres.edit_agreement": "a centre's term is corrected whatever its state: it is never "
                              "voided, and a renewed or ended one's dates stay correctable",
    "centres.new_payment": "what the enterprise paid is recorded under any term, an ended one's "
                           "arrears too: only its amount (the commitment) limits it",
    "companies.edit": "the company's record (name, code, registration) is corrected whatever "
                      "its state, an exited one's too: its ledger is what the exit closes",
    "partners.edit_agreement": "an agreement with a partner is corrected whatever its state: "
                               "it is never voided, and moves with its partner when merged",
    "partners.new_agreement": "records a partner's agreement: a partner has no state",
    "pms.edit": "the register's record is corrected whatever its state",
}

# Routes whose record, as tests/world.py builds it, is already in a state that refuses them.
REFUSING_AS_BUILT: dict[str, str] = {
    "achievements.move": "the achievement has a licence standing",
    "achievements.reverse_annuity": "the annuity is not paid",
    "achievements.withdraw": "the achievement has a licence standing",
    "api.post_progress": "the milestone is submitted",
    "api.submit_milestone": "the milestone is submitted",
    "assessment.approve": "no funding pool is set",
    "changes.correct": "the change is not decided",
    "changes.decide": "the change waits at the institute",
    "companies.detach": "the company comes from that project alone",
    "companies.incorporate": "the company has its founders' table",
    "companies.reverse_round": "money was converted at the round",
    "companies.void_founders": "later entries stand on the founders' table",
    "contracts.remove_instalment": "a payment stands against the instalment",
    "contracts.void": "a payment stands against the contract",
    "funding.disburse": "the tranche is paid in part, its money converted",
    "funding.edit_outcome": "the agreement's outcome is a conversion",
    "funding.edit_tranche": "the tranche is paid",
    "funding.new_tranche": "the tranches already make up the commitment",
    "funding.outcome": "the agreement converted",
    "funding.reverse_disbursement": "the disbursement was converted",
    "funding.void_agreement": "money was converted under the agreement",
    "funding.void_tranche": "the tranche's money was converted",
    "funding.withdraw_outcome": "the agreement's outcome is a conversion",
    "gates.condition_confirm": "the condition is open, not marked met",
    "gates.correct": "the project has moved on since the decision",
    "gates.correct_scores": "the panelist has no scores to correct",
    "gates.declare": "the panelist has declared",
    "imports.import_checked": "the run's rows were not all valid",
    "incentives.exercise": "nothing of the grant has vested",
    "incentives.reverse_leaving": "the grant records no leaving",
    "milestones.correct_rebaseline": "the move waits for HQ",
    "milestones.edit": "the milestone is submitted",
    "milestones.rebaseline": "the milestone is submitted",
    "milestones.submit_milestone": "the milestone is submitted",
    "milestones.update": "the milestone is submitted",
    "needs.propose": "the need is not analysed",
    "obligations.restore": "the report owed is not withdrawn",
    "pms.correct_interview": "the PM is appointed",
    "pms.withdraw_interview": "the PM is appointed",
    "posts.correct": "the milestone is submitted",
    "posts.withdraw": "the milestone is submitted",
    "projects.edit": "the proposal was submitted",
    "projects.request_gate": "a gate review is not possible yet",
    "projects.submit_proposal": "the proposal was submitted",
    "projects.withdraw": "the proposal was submitted",
    "reminders.complete_year": "the year's official dates come with the tracker",
    "reminders.retry": "the message did not fail",
    "reminders.retry_failed": "no message failed",
    "transfers.report": "no royalty period has ended",
    "transfers.void": "income was received under it",
}


def _get(model, key: str):
    return db.session.get(model, _world.ids[key])


def _admin() -> User:
    return db.session.get(User, _world.people["admin"])


def _committee() -> User:
    return db.session.get(User, _world.people["committee"])


def _void(model, key: str) -> None:
    voids.mark(_admin(), _get(model, key), "Entered by mistake")


def _close_project(key: str = "project_id") -> None:
    _get(Project, key).phase = Phase.TERMINATED


def _reverse_payment() -> None:
    payment = _get(Payment, "payment_id")
    contracts.reverse_payment(payment.instalment.contract.project.pm, payment, today(),
                              "Booked twice")


def _set(model, key: str, **values) -> Callable[[], None]:
    def setter() -> None:
        for name, value in values.items():
            setattr(_get(model, key), name, value() if callable(value) else value)
    return setter


def _paid_recorded() -> dict:
    """The world's share entry with what was paid recorded already (`paid_refusal`)."""
    _set(ShareEntry, "share_entry_id", paid=Decimal("1000000"))()
    return {"entry_id": _world.ids["share_entry_id"]}


def _decided() -> dict:
    """The world's gate review the panel decided (gate 1 of its project), in place of the one
    still open."""
    return {"review_id": _get(GateDecision, "decision_id").review_id}


def _exited() -> dict:
    """The world's company that exited (its ledger closed), in place of the one that did not."""
    return {"company_id": _get(CompanyExit, "exit_id").company_id}


def _no_decision() -> dict:
    """The world's proposal under review at gate 1: no decision calls for a document yet."""
    return {"project_id": _get(GateReview, "review_id").project_id}


def _left() -> None:
    """The holder of the world's option grant left: their leaving recorded, the schedule
    fixed by it."""
    incentives.forfeit(_admin(), _get(IncentiveGrant, "grant_id"), today(), "Left the company")


def _cancelled() -> None:
    """The report the world's agreement owes was cancelled."""
    obligation_services.withdraw_obligation(_committee(), _get(ReportObligation, "obligation_id"),
                                            "Asked for by mistake")


def _merged() -> None:
    """The world's co-funder merged into the same city entered again under its full name."""
    merged = _get(Partner, "partner_id")
    survivor = Partner(name="苏州市人民政府", kind=merged.kind, level=merged.level)
    db.session.add(survivor)
    db.session.flush()
    merged.merged_into_id = survivor.id


# How each route's record is put in a state that refuses the route's action (a setter may
# return the ids of other records of the world to ask about instead).
STATES: dict[str, Callable[[], None]] = {
    "achievements.add_annuity": lambda: _void(IpRight, "right_id"),
    "achievements.edit": lambda: _void(Achievement, "achievement_id"),
    "achievements.edit_annuity": _set(Annuity, "annuity_id", paid_on=today,
                                      paid_amount=Decimal("1200.00")),
    "achievements.edit_right": lambda: _void(IpRight, "right_id"),
    # A project closed after its approval still records what it achieved; a rejected one
    # never does.
    "achievements.new": _set(Project, "project_id", phase=Phase.REJECTED),
    "achievements.new_right": lambda: _void(Achievement, "achievement_id"),
    "achievements.pay_annuity": _set(Annuity, "annuity_id", paid_on=today,
                                     paid_amount=Decimal("1200.00")),
    "achievements.withdraw_right": lambda: _void(IpRight, "right_id"),
    "approvals.end_delegation": _set(ApprovalDelegation, "delegation_id",
                                     cancelled_at=utcnow),
    "approvals.sign": _set(ApprovalRequest, "approval_id", state=RequestState.WITHDRAWN,
                           closed_at=utcnow),
    "approvals.withdraw": _set(ApprovalRequest, "approval_id", state=RequestState.RETURNED,
                               closed_at=utcnow),
    "assessment.correct_evidence": _set(EvidenceEntry, "evidence_entry_id",
                                        state=EvidenceState.ACCEPTED),
    "assessment.enter_evidence": lambda: db.session.add(AssessmentYear(
        year=_world.ids["year"], approved_at=utcnow(), approved_by_id=_admin().id)),
    "assessment.funding": lambda: db.session.add(AssessmentYear(
        year=_world.ids["year"], approved_at=utcnow(), approved_by_id=_admin().id)),
    "assessment.withdraw_evidence": _set(EvidenceEntry, "evidence_entry_id",
                                         state=EvidenceState.ACCEPTED),
    "assessment.review": _set(EvidenceEntry, "evidence_entry_id",
                              state=EvidenceState.ACCEPTED),
    "centres.reverse_payment": lambda: centres.reverse_payment(
        _admin(), _get(CentrePayment, "centre_payment_id"), today(), "Booked twice"),
    "changes.change": lambda: _close_project(),
    "co_funding.pay": lambda: _void(FundingAgreement, "agreement_id"),
    "co_funding.reverse": lambda: co_funding.reverse_payment(
        _admin(), _get(CoFunderPayment, "co_funder_payment_id"), today(), "Booked twice"),
    "companies.edit_ip_deal": lambda: _void(IpDeal, "ip_deal_id"),
    "companies.issue": _exited,
    "companies.new_ip_deal": _exited,
    "companies.new_round": _exited,
    "companies.record_exit": _exited,
    "companies.record_paid": _paid_recorded,
    "companies.reverse_entry": lambda: {"entry_id": _get(ShareEntry, "share_entry_id").id},
    "companies.reverse_exit": lambda: company_corrections.reverse_exit(
        _admin(), _get(CompanyExit, "exit_id"), today(), "Entered by mistake"),
    "companies.transfer": _exited,
    "companies.void_ip_deal": lambda: _void(IpDeal, "ip_deal_id"),
    "contracts.edit": lambda: _void(ResearchContract, "contract_id"),
    "contracts.edit_instalment": lambda: _void(ResearchContract, "contract_id"),
    "contracts.new": lambda: _close_project(),
    "contracts.new_instalment": lambda: _void(ResearchContract, "contract_id"),
    "contracts.pay": lambda: _void(ResearchContract, "contract_id"),
    "contracts.register": lambda: _void(ResearchContract, "contract_id"),
    "contracts.reverse_payment": _reverse_payment,
    "documents.project": _no_decision,
    "funding.convert": lambda: None,
    "funding.edit_agreement": lambda: _void(FundingAgreement, "agreement_id"),
    "funding.new_agreement": lambda: _close_project(),
    "funding.reverse_conversion": lambda: funding_corrections.reverse_conversion(
        _committee(), _get(Conversion, "conversion_id"), today(), "Entered by mistake"),
    "gates.condition_met": _set(Condition, "condition_id", state=ConditionState.MET),
    "gates.correct_declaration": _decided,
    "gates.decide": _decided,
    "gates.panel": _decided,
    "gates.scores": _decided,
    "imports.cancel": _set(ImportRun, "run_id", state=ImportState.DONE),
    "incentives.edit": _left,
    "incentives.forfeit": _left,
    "incentives.new_grant": _exited,
    "incentives.reverse_exercise": lambda: incentive_reversals.reverse_exercise(
        _admin(), _get(OptionExercise, "exercise_id"), "Entered by mistake"),
    "milestones.assign": _set(Milestone, "milestone_id", state=MilestoneState.ACCEPTED),
    "milestones.decide_rebaseline": _set(Rebaseline, "rebaseline_id",
                                         state=RebaselineState.APPROVED),
    "milestones.new": lambda: _close_project(),
    "milestones.review": _set(Milestone, "milestone_id", state=MilestoneState.ACCEPTED),
    "milestones.waive": _set(Milestone, "milestone_id", state=MilestoneState.ACCEPTED),
    "needs.analyse": _set(TechnologyNeed, "need_id", state=NeedState.CLOSED),
    "needs.make_project": _set(TechnologyNeed, "need_id", state=NeedState.CLOSED),
    "needs.match": _set(TechnologyNeed, "need_id", state=NeedState.CLOSED),
    "needs.move": _set(TechnologyNeed, "need_id", state=NeedState.CLOSED),
    "obligations.edit": _cancelled,
    "obligations.new_for_agreement": lambda: _void(FundingAgreement, "agreement_id"),
    "obligations.new_for_contract": lambda: _void(ResearchContract, "contract_id"),
    "obligations.submit_report": _cancelled,
    "obligations.withdraw": _cancelled,
    "organisations.edit_need": _set(TechnologyNeed, "need_id", state=NeedState.CLOSED),
    "partners.merge": _merged,
    "pms.step": _set(PmRecord, "record_id", state=PmState.NOT_APPOINTED),
    # An institute in the region: it is retired, not deleted (regions.delete_refusal).
    "regions.delete": _set(Institute, "institute_id", region_id=lambda: _world.ids["region_id"]),
    "projects.answer_place": _set(ProjectMember, "member_id", confirmed_at=utcnow),
    "projects.record_trl": lambda: _close_project(),
    "projects.resume": lambda: None,
    "projects.terminate": lambda: _close_project(),
    "projects.upload_deliverable": lambda: _close_project(),
    "spending.project": lambda: _close_project(),
    "spending.reverse": lambda: spending.reverse_spending(
        _get(Project, "project_id").pm, _get(SpendingEntry, "entry_id"), today(), "Wrong"),
    "tokens.revoke": _set(AccessToken, "token_id", revoked_at=utcnow),
    "transfers.edit": lambda: _void(Transfer, "transfer_id"),
    "transfers.income": lambda: _void(Transfer, "transfer_id"),
    "transfers.new": lambda: _void(Achievement, "achievement_id"),
    "transfers.reverse_income": lambda: deal_corrections.reverse_income(
        _admin(), _get(IncomeReceipt, "receipt_id"), today(), "Booked twice"),
    "transfers.reverse_report": lambda: deal_corrections.reverse_report(
        _admin(), _get(RoyaltyReport, "report_id"), today(), "Booked twice"),
    "gates.correct_deliverable": lambda: _void(Deliverable, "deliverable_id"),
    "trl.correct": lambda: _void(TrlRecord, "trl_id"),
    "trl.withdraw": lambda: _void(TrlRecord, "trl_id"),
}

# Where the state set above is not shown to refuse who may act: the test still asks everyone
# else, in that state, and they must hear 403 or 404; the reason says what is missing.
DOER_UNPROVEN: dict[str, str] = {
}
# Who of those who may act is refused by the state set above (HQ withdraws the evidence it
# accepted, which the institute's director no longer may).
DOERS = {"assessment.withdraw_evidence": {"director"}}

# Either is right for who may not act: 404 to who may not know of the record, 403 to who sees
# it; which one may follow its state (a reviewer sees a milestone while it is theirs to review).
TURNED_AWAY = {"403", "404"}

_world = World()


def _filled() -> list[tuple[str, str]]:
    """What most of these forms ask before their service looks at the record (a reason, a
    date), so that who may act reaches the state's refusal, not the form's own errors."""
    return [("reason", "Entered by mistake"), ("on_date", today().isoformat()),
            ("opinion", "Checked"), ("confirmed", "1")]


def _gone() -> Company:
    return _get(CompanyExit, "exit_id").company


def _day(days: int = 0) -> str:
    return (today() + timedelta(days=days)).isoformat()


# A valid body of each form whose own required fields would answer first (400) when sent
# empty, so that who may act reaches the service, and hears the state's refusal (409). Made
# anew for each request (a file is read once), after the state is set (it may name its
# records). A match of a closed need has no candidate to choose: its service refuses by the
# need's state before it reads one.
FORMS: dict[str, Callable[[], list[tuple[str, object]]]] = {
    "assessment.enter_evidence": lambda: [
        ("indicator_id", str(_world.ids["indicator_id"])), ("amount", "1000"),
        ("description", "Testing services"), ("files", (io.BytesIO(PDF), "invoice.pdf"))],
    "companies.new_ip_deal": lambda: [
        ("achievement_id", str(_world.ids["achievement_id"])), ("kind", "licence"),
        ("licensee", _gone().name), ("signed_on", _day())],
    "companies.transfer": lambda: [
        ("from_holder_id", str(_gone().holders[0].id)), ("name", "Matrix Fund"),
        ("kind", "investor"), ("shares", "1"), ("on_date", _day())],
    "documents.project": lambda: [("document", "approval_notice:0"), ("language", "zh_CN")],
    "funding.new_agreement": lambda: [
        ("committed", "1000000"), ("hq_ratio", "1"), ("qualifying_round_min", "20000000"),
        ("signed_on", _day(-1)), ("conversion_deadline", _day(365))],
    "gates.panel": lambda: [
        ("evaluator_ids", str(_world.people["panelist"])),
        ("evaluator_ids", str(_world.people["evaluator"])),
        ("chair_id", str(_world.people["panelist"])), ("due_date", _day(9))],
    "incentives.edit": lambda: [  # the schedule the leaving fixed, changed
        ("vesting_start", _day(-20)), ("vesting_months", "36"), ("cliff_months", "12"),
        ("note", "")],
    "incentives.forfeit": lambda: [("left_on", _day()), ("reason", "Left the company")],
    "needs.match": list,
    "needs.move": lambda: [("move-target", "closed"), ("move-reason", "Given up")],
    "obligations.edit": lambda: [
        ("kind", "progress"), ("due_on", _day(30)), ("recipient", "Matrix City Science Bureau"),
        ("note", "")],
    "obligations.submit_report": lambda: [
        ("submitted_on", _day()), ("file", (io.BytesIO(PDF), "report.pdf"))],
    "obligations.withdraw": lambda: [("why_withdrawn", "Asked for by mistake")],
    "organisations.edit_need": lambda: [
        ("title", "A need"), ("description", ""),
        ("enterprise_id", str(_world.ids["enterprise_id"])), ("centre_id", "0"),
        ("institute_id", "0"), ("intended_investment", ""), ("field_id", "0")],
    "partners.merge": lambda: [
        ("into", str(_get(Partner, "partner_id").merged_into_id)), ("confirmed", "1")],
    "pms.step": lambda: [("institute_id", str(_world.ids["institute_id"])),
                         ("starts_on", "2030-02-01"), ("ends_on", "2033-01-31")],
}


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    with shared_data(app, module_connection):
        built = build()
    _world.ids, _world.people = built.ids, built.people
    return built


@pytest.fixture(scope="module")
def people(app, module_connection, world) -> Iterator[People]:
    with signed_in_people(app, module_connection, world) as people:
        yield people


def _post_rules(app) -> dict:
    return {endpoint: rule for endpoint, rule in rules(app).items() if "POST" in rule.methods}


def test_every_state_changing_route_is_in_the_table(app):
    listed = set(NO_STATE) | set(REFUSING_AS_BUILT) | set(STATES)
    assert sorted(set(_post_rules(app)) - listed) == []
    assert sorted(listed - set(_post_rules(app))) == [], "lines for routes that are gone"
    assert not set(NO_STATE) & (set(REFUSING_AS_BUILT) | set(STATES))
    assert not set(REFUSING_AS_BUILT) & set(STATES)


@pytest.mark.parametrize("endpoint", sorted({*REFUSING_AS_BUILT, *STATES}))
def test_who_may_not_act_hears_403_or_404_whatever_the_state(app, world, people, endpoint):
    made = STATES.get(endpoint, lambda: None)()
    ids = made if isinstance(made, dict) else {}
    _commit()
    rule = _post_rules(app)[endpoint]
    path = url_for_rule(rule, World(ids={**world.ids, **ids}))
    expected = parse(ACCESS[endpoint]["POST"], path.startswith("/api/"))
    wrong = []
    for who, answer in expected.items():
        data = FORMS.get(endpoint, _filled)()
        db.session.remove()  # what the body read stays out of the request's session
        response = people.request(who, "POST", path, data)
        got = classify(response)
        if answer == "ok" and (endpoint in DOER_UNPROVEN
                               or who not in DOERS.get(endpoint, {who})):
            continue
        want = "409" if answer == "ok" else answer
        if got != want and not {got, want} <= TURNED_AWAY:
            wrong.append(f"{who}: expected {want}, got {got}")
    assert not wrong, f"{path}: {wrong}"


# --- by GET too: a reversal's page (the newcomer's walk) ----------------------------------------


@pytest.mark.parametrize("record", ["payment_id", "entry_id"])
def test_a_reversal_page_answers_403_before_already_reversed(app, world, people, record):
    """The reversal page of a record reversed already, opened by who sees it but may not
    reverse it (HQ-wide roles, the director; HQ admins record contracts' payments): 403; its
    PM hears that it was reversed already (409)."""
    if record == "payment_id":
        _reverse_payment()
        path, may = f"/payments/{world.ids[record]}/reverse", {"pm", "admin"}
    else:
        STATES["spending.reverse"]()
        path, may = f"/spending/{world.ids[record]}/reverse", {"pm"}
    _commit()
    for who in ("pm", "director", "admin", "committee", "observer"):
        got = classify(people.request(who, "GET", path))
        assert got == ("409" if who in may else "403"), (who, got)


# --- a form its record's state refuses is not offered (issue 9 point 6) ------------------------

# The page each refused form links back to, from the ids of the world (and of the state set).
BACKS: dict[str, Callable[[dict], str]] = {
    "companies.new_ip_deal": lambda ids: url_for("companies.show", company_id=ids["company_id"]),
    "companies.transfer": lambda ids: url_for("companies.show", company_id=ids["company_id"]),
    "contracts.new": lambda ids: url_for("projects.show", project_id=ids["project_id"]),
    **dict.fromkeys(("contracts.edit", "contracts.register", "contracts.new_instalment",
                     "contracts.edit_instalment"),
                    lambda ids: url_for("contracts.show", contract_id=ids["contract_id"])),
    "funding.new_agreement": lambda ids: url_for("funding.show", project_id=ids["project_id"]),
    "gates.panel": lambda ids: url_for("gates.review", review_id=ids["review_id"]),
    "incentives.forfeit": lambda ids: url_for("incentives.show", grant_id=ids["grant_id"]),
    "milestones.edit": lambda ids: url_for("milestones.show", milestone_id=ids["milestone_id"]),
    "obligations.edit": lambda ids: url_for("obligations.show",
                                            obligation_id=ids["obligation_id"]),
    "organisations.edit_need": lambda ids: url_for("organisations.need", object_id=ids["need_id"]),
    "partners.merge": lambda ids: url_for(
        "partners.show", partner_id=_get(Partner, "partner_id").merged_into_id),
    "pms.step": lambda ids: url_for("pms.show", record_id=ids["record_id"]),
}


def _refusing(app, world: World, endpoint: str) -> tuple[dict, str, str]:
    """The route's record put in the state that refuses it: the world's ids (and the state's),
    the route's path, and the first person the access table lets act."""
    made = STATES.get(endpoint, lambda: None)()  # else refusing as built
    ids = {**world.ids, **(made if isinstance(made, dict) else {})}
    _commit()
    path = url_for_rule(_post_rules(app)[endpoint], World(ids=ids))
    doer = next(who for who, answer in parse(ACCESS[endpoint]["POST"], False).items()
                if answer == "ok")
    return ids, path, doer


@pytest.mark.parametrize("endpoint", sorted(BACKS))
def test_a_form_its_state_refuses_is_not_offered(app, world, people, endpoint):
    """Who may act, opening the form in the state that refuses it, hears why (409) on a page
    linking back to the record, before any field is asked for."""
    ids, path, doer = _refusing(app, world, endpoint)
    with app.test_request_context():
        back = BACKS[endpoint](ids)
    db.session.remove()  # what `back` read stays out of the request's session
    response = people.request(doer, "GET", path)
    page = response.get_data(as_text=True)
    assert response.status_code == 409, (doer, page[:300])
    assert f'<a href="{back}">' in page and "<form" not in page.split("<main")[-1], back


@pytest.mark.parametrize("endpoint, page, said", [
    ("assessment.enter_evidence", lambda ids: f"/assessment/{ids['year']}/institutes/"
     f"{ids['institute_id']}", "is approved: its assessment no longer changes"),
    ("documents.project", lambda ids: f"/projects/{ids['project_id']}/documents",
     "calls for no document yet"),
    ("organisations.edit_need", lambda ids: f"/needs/{ids['need_id']}", "Closed"),
])
def test_an_object_page_offers_no_form_its_state_refuses(app, world, people, endpoint, page,
                                                         said):
    """Where the form sits on the record's page, the page in the refusing state says why (or
    shows the state) and offers neither the form nor the link to it."""
    ids, action, doer = _refusing(app, world, endpoint)
    response = people.request(doer, "GET", page(ids))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and said in text
    assert f'action="{action}"' not in text and f'href="{action}"' not in text
