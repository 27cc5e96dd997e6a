"""Steps of a gate, done through the services, for tests that need a project further on."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from tests.factories import _commit, make_project, make_user, submit_endorsed
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates import decisions, deliverables
from tracker.gates import services as gates
from tracker.gates.models import CriterionKind, GateReview, GateTemplate, Outcome, Recommendation

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def upload_deliverables(project, gate: int) -> None:
    template = db.session.query(GateTemplate).filter_by(gate=gate).one()
    for name in template.required_deliverables:
        if deliverables.unreviewed(project, gate, name) is None:  # one waits already
            gates.upload_deliverable(project.pm, project, gate, name, io.BytesIO(PDF),
                                     f"{name}.pdf")
    _commit()


def submit(project, contract: bool = True) -> GateReview:
    """Submit the proposal; by default the contract is signed during the proposal review too,
    as it usually is (gate 2 is requested only with it)."""
    upload_deliverables(project, 1)
    submit_endorsed(project)
    if contract:
        sign_contract(project)
    return project.gate_reviews[-1]


def request(project) -> GateReview:
    """Request the gate that closes the project's phase (gate 2 needs the signed contract:
    signed here when the test has not)."""
    from tracker.contracts.services import signed_contract_missing
    from tracker.milestones.guards import none_planned
    from tracker.projects.lifecycle import PHASE_GATE

    gate = PHASE_GATE[project.phase]
    if gate == 2 and signed_contract_missing(project):
        sign_contract(project)
    if gate == 2 and none_planned(project, project.phase):
        accepted_milestone(project)
    upload_deliverables(project, gate)
    review = gates.request_gate(project.pm, project)
    _commit()
    return review


def accepted_milestone(project):
    """The research reviewed at gate 2, planned and accepted (before the tracker, as an
    import brings it in): what the gate needs besides the contract."""
    from tracker.milestones.models import Milestone, MilestoneState
    from tracker.projects.lifecycle import Phase

    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title="Prototype",
                          due_date=today() - timedelta(days=1), state=MilestoneState.ACCEPTED,
                          percent_complete=100)
    db.session.add(milestone)
    _commit()
    return milestone


def name_panel(review: GateReview, size: int = 3, admin=None):
    admin = admin or make_user(Role.HQ_ADMIN)
    evaluators = [make_user(Role.EVALUATOR) for _ in range(size)]
    gates.name_panel(admin, review, evaluators[0], evaluators, today() + timedelta(days=10))
    _commit()
    return evaluators


def score(review: GateReview, evaluator, value: int = 4, passed: bool = True,
          recommendation=Recommendation.GO) -> None:
    gates.declare(evaluator, review, conflict=False)
    scores = {c.id: ({"passed": passed} if c.kind is CriterionKind.MUST else {"value": value})
              for c in review.criteria}
    gates.submit_scores(evaluator, review, scores, recommendation)
    _commit()


def sign_contract(project, amount="2000000.00"):
    """A signed research contract: what gate 2 needs before it is requested."""
    from datetime import date
    from decimal import Decimal

    from tests.factories import make_enterprise
    from tracker.contracts import services as contracts
    from tracker.contracts.models import ContractType

    # 2026-01-15, or the project's start when later: a contract is signed in its project's life
    signed = max(date(2026, 1, 15), project.start_date)
    contract = contracts.record_contract(
        project.pm, project, enterprise_id=(project.partner_enterprise_id or make_enterprise().id),
        title="Development contract", type=ContractType.DEVELOPMENT, amount=Decimal(amount),
        signed_on=signed, instalments=[(signed + timedelta(days=45), Decimal(amount) / 2),
                                       (signed + timedelta(days=229), Decimal(amount) / 2)])
    _commit()
    return contract


def go(review: GateReview, outcome: Outcome = Outcome.GO, **fields):
    """Panel, scores from everyone, and the chair's decision (at research acceptance, the
    official conclusion that means `outcome`, judged on a 90 % completion ratio, unless the
    test names them)."""
    from tracker.gates.models import ACCEPTANCE_GATE, CONCLUSION_OUTCOME

    if review.gate == ACCEPTANCE_GATE and "conclusion" not in fields:
        fields["conclusion"] = next((c for c, o in CONCLUSION_OUTCOME.items() if o is outcome),
                                    None)
        fields.setdefault("completion_ratio", Decimal("90"))
    evaluators = name_panel(review) if not review.panel else [m.user for m in review.panel]
    for evaluator in evaluators:
        score(review, evaluator)
    decision = decisions.decide(evaluators[0], review, review.version, outcome, **fields)
    _commit()
    return decision


def acceptance_scored():
    """A project in contract research whose acceptance review has its quorum of scores."""
    project = make_project()
    go(submit(project))
    review = request(project)
    assert review.gate == 2
    for evaluator in name_panel(review):
        score(review, evaluator)
    return project, review


def signed_contract_count(project) -> int:
    from tracker.contracts.models import ResearchContract

    return db.session.query(ResearchContract).filter_by(project_id=project.id).count()
