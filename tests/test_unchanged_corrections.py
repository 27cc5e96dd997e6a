"""A correction that changes nothing is refused, for every kind of record, in the same words at
the top of its form (`tracker.corrections.unchanged`), and nothing is written: no audit record
with a reason beside no change, no new decision superseding an identical one (issue 9 point 5).

The table holds every service that corrects or edits a record with an audit record of its own;
`test_every_correction_service_is_in_the_table` fails for a correction service (one taking a
`reason`) that is not. An edit without a reason (a company's details, an organisation, the
settings) is refused by its form's one check (`tracker.web.actions.submit`), a row per edit page
in tests/test_unchanged_edits.py."""

from __future__ import annotations

import ast
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.assessment.conftest import PDF
from tests.companies import helpers as company_helpers
from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.funding.test_amendments import agreement_of, closed, given, tranche_of
from tests.gates import helpers as gate_helpers
from tests.gates.test_corrections import _scored_panel
from tests.milestones.test_post_corrections import _posted
from tests.pms.test_interview_corrections import _interviewed
from tests.pms.test_query_counts import _network
from tests.projects.test_trl_corrections import _under_way
from tests.source import TRACKER, modules, nodes
from tests.unchanged import UNCHANGED, audited
from tracker import db
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.assessment import corrections as evidence_corrections
from tracker.assessment import services as assessment
from tracker.assessment.models import Measure
from tracker.companies import deals
from tracker.contracts import corrections as contract_corrections
from tracker.contracts import services as contracts
from tracker.dates import today
from tracker.errors import Invalid
from tracker.funding import amendments
from tracker.gates import corrections as panel_corrections
from tracker.gates import decisions
from tracker.gates import deliverables as gate_deliverables
from tracker.gates import services as gates
from tracker.gates.models import GateTemplate, Outcome
from tracker.milestones import posts
from tracker.pms import interviews
from tracker.pms import services as pms
from tracker.projects import trl
from tracker.projects.lifecycle import Phase

D = Decimal


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _decision():
    project = make_project()
    review = gate_helpers.submit(project)
    decision = gate_helpers.go(review)
    return "gate.correct", lambda: decisions.correct_decision(
        review.chair, decision, review.version, Outcome.GO, reason="Recorded wrongly")


def _conditional_decision():
    project = make_project()
    review = gate_helpers.submit(project)
    due = today() + timedelta(days=20)
    decision = gate_helpers.go(review, Outcome.CONDITIONAL_GO, rationale="Sound plan",
                               conditions=[{"text": "Add a co-funder", "owner": project.pm,
                                            "due_date": due}])
    _commit()
    return "gate.correct", lambda: decisions.correct_decision(
        review.chair, decision, review.version, Outcome.CONDITIONAL_GO,
        reason="Recorded wrongly", rationale=" Sound plan ",
        conditions=[{"text": "Add a co-funder ", "owner": project.pm, "due_date": due}])


def _scores():
    review, (_chair, _second, third) = _scored_panel()
    member = review.member(third)
    scores = {s.criterion_id: {"passed": s.passed, "value": s.value, "comment": s.comment}
              for s in member.scores}
    return "gate.correct_scores", lambda: panel_corrections.correct_scores(
        third, review, scores, member.recommendation, member.comment, "Typed it again")


def _declaration():
    review, (_chair, _second, third) = _scored_panel()
    return "gate.correct_declaration", lambda: panel_corrections.correct_declaration(
        third, review, False, "", "Typed it again")


def _agreement():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = agreement_of(committee)
    return "funding.update", lambda: amendments.save_agreement(
        committee, agreement, **given(agreement))


def _tranche():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    tranche = tranche_of(committee)
    return "tranche.update", lambda: amendments.save_tranche(
        committee, tranche, amount=tranche.amount, milestone_id=tranche.milestone_id,
        gate=tranche.gate, reason="Typed it again")


def _outcome():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = closed(committee)
    return "outcome.update", lambda: amendments.save_outcome(
        committee, agreement, outcome=agreement.outcome, on=agreement.outcome_on,
        repaid_amount=agreement.repaid_amount, substitute=None, note=agreement.outcome_note,
        reason="Typed it again")


def _ip_deal():
    project = make_project(phase=Phase.SPIN_OFF)
    company = company_helpers.make_company(project)
    deal = company_helpers.license_ip(company, project)
    return "ip.update", lambda: deals.save_ip_deal(
        company_helpers.manager(), deal, achievement_id=deal.achievement_id,
        right_ids=[r.id for r in deal.rights], kind=deal.kind, licensee=deal.licensee,
        exclusive=deal.exclusive, field_of_use=deal.field_of_use, upfront=deal.upfront,
        royalty_pct=deal.royalty_pct, equity_shares=deal.equity_shares,
        signed_on=deal.signed_on, reason="Typed it again")


def _contract():
    contract = record(make_project())
    return "contract.update", lambda: contract_corrections.save_contract(
        contract.project.pm, contract, enterprise_id=contract.enterprise_id,
        title=contract.title, number=contract.number, type=contract.type,
        amount=contract.amount, signed_on=contract.signed_on, reason="Typed it again")


def _instalment():
    contract = record(make_project())
    instalment = contract.instalments[0]
    return "instalment.update", lambda: contract_corrections.save_instalment(
        contract.project.pm, instalment, due_date=instalment.due_date,
        amount=instalment.amount, reason="Typed it again")


def _registration():
    contract = record(make_project())
    contracts.register_contract(contract.project.pm, contract, number="2026320100000017",
                                registered_on=date(2026, 3, 10), value=D("800000"))
    _commit()
    return "contract.registration_correct", lambda: contracts.register_contract(
        contract.project.pm, contract, number="2026320100000017",
        registered_on=date(2026, 3, 10), value=D("800000"), reason="Typed it again")


def _trl():
    project, _first, second = _under_way()
    return "trl.correct", lambda: trl.correct_trl(
        project.pm, second, level=second.level, note=second.note, reason="Typed it again")


def _progress_post():
    milestone, _first, second = _posted()
    return "progress.correct", lambda: posts.correct_post(
        milestone.project.pm, second, percent=second.percent, note=second.note, uploads=[],
        withdrawn_files=[], reason="Typed it again")


def _interview():
    admin, _panelist, _record, interview = _interviewed()
    return "pm.interview_correct", lambda: interviews.correct_interview(
        admin, interview, held_on=interview.held_on, panel_ids=[u.id for u in interview.panel],
        outcome=interview.outcome, notes=interview.notes, reason="Typed it again")


def _evidence_world():
    admin, director = make_user(Role.HQ_ADMIN), make_user()
    institute = make_institute(director, code="OURS", name="Ours")
    indicator = assessment.save_indicator(admin, None, year=2025, measure=Measure.EVIDENCE,
                                          name="系统外服务收入", name_en="Service income",
                                          weight=D(40), target=D("100000"))
    _commit()
    return admin, director, institute, indicator


def _evidence():
    _admin, director, institute, indicator = _evidence_world()
    entry = assessment.enter_evidence(director, indicator, institute, amount=D("50000"),
                                      description="Testing services",
                                      uploads=[(io.BytesIO(PDF), "invoice.pdf")])
    _commit()
    return "assessment.evidence_correct", lambda: evidence_corrections.correct_evidence(
        director, entry, amount=entry.amount, description=entry.description, uploads=[],
        reason="Typed it again")


def _indicator():
    admin, _director, _institute, indicator = _evidence_world()
    return "assessment.indicator_update", lambda: assessment.save_indicator(
        admin, indicator, year=indicator.year, measure=indicator.measure, name=indicator.name,
        name_en=indicator.name_en, weight=indicator.weight, target=indicator.target,
        position=indicator.position)


def _user():
    admin = make_user(Role.HQ_ADMIN)
    user = make_user(Role.EVALUATOR)
    return "user.update", lambda: accounts.update_user(
        admin, user, email=user.email, name=user.name,
        roles=[g.role.value for g in user.role_grants], locale=user.locale,
        institute_id=user.institute_id, enterprise_id=user.enterprise_id, active=user.active,
        staff_number="")


def _deliverable():
    project = make_project()
    name = db.session.query(GateTemplate).filter_by(gate=1).one().required_deliverables[0]
    deliverable = gates.upload_deliverable(project.pm, project, 1, name, io.BytesIO(PDF),
                                           "proposal.pdf")
    _commit()
    return "deliverable.correct", lambda: gate_deliverables.correct_deliverable(
        project.pm, deliverable, upload=None, take_off=False, reason="Typed it again")


def _pm_team():
    admin, evaluator, director = make_user(Role.HQ_ADMIN), make_user(Role.EVALUATOR), make_user()
    lead = _network(admin, director, make_institute(director), evaluator)
    team = pms.save_team(admin, None, name="Robotics PMs", lead_id=lead.id, member_ids=[])
    _commit()
    return "pm_team.update", lambda: pms.save_team(admin, team, name="Robotics PMs",
                                                   lead_id=lead.id, member_ids=[])


CASES = [_decision, _conditional_decision, _scores, _declaration, _agreement, _tranche,
         _outcome, _ip_deal, _contract, _instalment, _registration, _trl, _progress_post,
         _interview, _evidence, _indicator, _user, _pm_team, _deliverable]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__.strip("_"))
def test_a_correction_that_changes_nothing_is_refused_and_writes_nothing(app, case):
    action, correct = case()
    written = audited(action)
    with pytest.raises(Invalid) as refused:
        correct()
    assert refused.value.problems == [("", UNCHANGED)]
    db.session.rollback()
    assert audited(action) == written


# The services that correct a record with a reason and need no row: each says why.
NO_ROW = {
    # A decision's correction is its opposite (approved <-> refused): it always changes.
    "tracker/changes/corrections.py:correct_decision",
    "tracker/milestones/corrections.py:correct_rebaseline",
    # Change requests to the same value are refused by their own check ("the current ...").
    "tracker/changes/services.py:change_total", "tracker/changes/services.py:change_route",
    "tracker/changes/services.py:change_end_date",
    # A change of phase, not a correction; its reason is the decision's rationale.
    "tracker/projects/phases.py:change_phase",
    # An edit of a partner's agreement (its form's one check refuses no change:
    # tests/test_unchanged_edits.py); its reason comes only with a new signed document,
    # which is a change.
    "tracker/partners/services.py:save_agreement",
}


def test_every_correction_service_is_in_the_table():
    """Every `correct_*`, `save_*`, `update_*`, `register_*` or `change_*` service taking a
    reason is a row of the table above (by its module and name) or in `NO_ROW`."""
    root = TRACKER
    found = set()
    for path in modules():
        for node in nodes(path):
            if isinstance(node, ast.FunctionDef) and node.name.startswith(
                    ("correct_", "save_", "update_", "register_", "change_")):
                arguments = [a.arg for a in node.args.args + node.args.kwonlyargs]
                if "actor" in arguments and "reason" in arguments:
                    found.add(f"tracker/{path.relative_to(root).as_posix()}:{node.name}")
    covered = {
        "tracker/gates/decisions.py:correct_decision",
        "tracker/gates/corrections.py:correct_scores",
        "tracker/gates/corrections.py:correct_declaration",
        "tracker/funding/amendments.py:save_agreement",
        "tracker/funding/amendments.py:save_tranche",
        "tracker/funding/amendments.py:save_outcome",
        "tracker/companies/deals.py:save_ip_deal",
        "tracker/contracts/corrections.py:save_contract",
        "tracker/contracts/corrections.py:save_instalment",
        "tracker/contracts/services.py:register_contract",
        "tracker/projects/trl.py:correct_trl",
        "tracker/milestones/posts.py:correct_post",
        "tracker/pms/interviews.py:correct_interview",
        "tracker/assessment/corrections.py:correct_evidence",
        "tracker/gates/deliverables.py:correct_deliverable",
    }
    assert len(found) > 10  # the walk found the services
    assert found - covered - NO_ROW == set()
    assert (covered | NO_ROW) - found == set()  # no stale entry


def test_a_gate_decision_corrected_to_itself_is_refused_beside_the_form(client):
    """From the review page: 400 with the one message above the form, the chair's text kept,
    no second decision; one that changes the rationale is recorded."""
    project = make_project()
    review = gate_helpers.submit(project)
    decision = gate_helpers.go(review, rationale="Sound plan")
    _commit()
    login(client, review.chair)
    path = f"/decisions/{decision.id}/correct"
    data = {"outcome": "go", "version": str(review.version),
            "target_phase": decision.target_phase.value, "rationale": "Sound plan",
            "reason": "Recorded wrongly"}
    response = post(client, path, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert UNCHANGED in page and "Sound plan" in page
    assert audited("gate.correct") == 0
    db.session.expire_all()
    assert review.current_decision.id == decision.id
    data["rationale"] = "Sound plan; the partner co-funds"
    assert post(client, path, data).status_code == 302
    assert audited("gate.correct") == 1
