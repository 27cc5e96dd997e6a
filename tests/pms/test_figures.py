"""A PM's figures against a fixture counted by hand, and new PMs per year on the year's
boundary in Asia/Shanghai.

PM Gao leads four projects: P1 in contract research, P2 in contract research, P3 spun off,
P4 a draft. Milestones of P1 (all accepted unless said): due 2026-03-31 submitted 15:59 UTC
that day (23:59 in Shanghai: on time), due 2026-03-31 submitted 16:00 UTC (00:00 on 1 April in
Shanghai: late), due 2026-06-30 submitted 2026-06-01 (on time), due 2026-05-01 still submitted
(not counted). Gate decisions: P1 gate 1 GO; P3 gate 1 GO, gate 2 KILL superseded by CONDITIONAL
GO, gate 3 GO. Contracts: 1,000,000 and 250,000.50 on P1, 300,000 on P3. A company from P3 and
a second company from P3's spin-off partner project P2. PM Qian (another PM) leads one project
with a 9,000,000 contract, which Gao's figures never count.

By hand, Gao: 2 in contract research, 1 spun off, 1 draft (4 projects); milestones on time 2,
late 1; gate outcomes GO 3, CONDITIONAL GO 1 (the superseded KILL is not counted); contract
value 1,550,000.50; companies 2. Qian: 1 project, contract value 9,000,000.00, nothing else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.factories import (
    _commit,
    make_enterprise,
    make_institute,
    make_pm_record,
    make_project,
    make_user,
)
from tracker import db
from tracker.accounts.models import Role
from tracker.companies.models import Company
from tracker.contracts.models import ContractType, ResearchContract
from tracker.gates.decision_models import GateDecision, Outcome
from tracker.gates.models import GateReview
from tracker.milestones.models import Milestone, MilestoneState
from tracker.pms.figures import figures, first_appointments
from tracker.pms.models import PmTerm
from tracker.projects.lifecycle import Phase
from tracker.reports import annual

D = Decimal


def _contract(project, amount: str) -> None:
    db.session.add(ResearchContract(
        project_id=project.id, enterprise_id=make_enterprise().id, title="Development",
        type=ContractType.DEVELOPMENT, amount=D(amount), signed_on=date(2026, 3, 1)))


def _milestone(project, due, submitted, state=MilestoneState.ACCEPTED) -> None:
    db.session.add(Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title="M",
                             due_date=due, submitted_at=submitted, state=state))


def _decide(project, gate, outcome, by) -> GateDecision:
    review = GateReview(project_id=project.id, gate=gate, phase=Phase.PROPOSAL_REVIEW,
                        requested_by_id=by.id, name=f"Gate {gate}", pass_threshold=D("60"),
                        quorum=3)
    db.session.add(review)
    db.session.flush()
    decision = GateDecision(review_id=review.id, project_id=project.id, outcome=outcome,
                            decided_by_id=by.id)
    db.session.add(decision)
    db.session.flush()
    return decision


def test_figures_of_each_pm_as_counted_by_hand(app):
    admin = make_user(Role.HQ_ADMIN)
    gao, qian = make_user(Role.PROJECT_MANAGER), make_user(Role.PROJECT_MANAGER)
    p1 = make_project(pm=gao, phase=Phase.CONTRACT_RESEARCH)
    p2 = make_project(pm=gao, phase=Phase.CONTRACT_RESEARCH)
    p3 = make_project(pm=gao, phase=Phase.SPUN_OFF)
    make_project(pm=gao)
    other = make_project(pm=qian, phase=Phase.CONTRACT_RESEARCH)
    _milestone(p1, date(2026, 3, 31), datetime(2026, 3, 31, 15, 59, tzinfo=UTC))
    _milestone(p1, date(2026, 3, 31), datetime(2026, 3, 31, 16, 0, tzinfo=UTC))
    _milestone(p1, date(2026, 6, 30), datetime(2026, 6, 1, tzinfo=UTC))
    _milestone(p1, date(2026, 5, 1), datetime(2026, 4, 1, tzinfo=UTC), MilestoneState.SUBMITTED)
    _decide(p1, 1, Outcome.GO, admin)
    _decide(p3, 1, Outcome.GO, admin)
    wrong = _decide(p3, 2, Outcome.KILL, admin)
    db.session.add(GateDecision(review_id=wrong.review_id, project_id=p3.id,
                                outcome=Outcome.CONDITIONAL_GO, decided_by_id=admin.id,
                                supersedes_id=wrong.id, correction_reason="Outcome mistyped"))
    _decide(p3, 3, Outcome.GO, admin)
    _contract(p1, "1000000")
    _contract(p1, "250000.50")
    _contract(p3, "300000")
    _contract(other, "9000000")
    db.session.add(Company(name="Gao Robotics", projects=[p3]))
    db.session.add(Company(name="Gao Sensing", projects=[p2]))
    _commit()
    found = figures([gao.id, qian.id])
    g, q = found[gao.id], found[qian.id]
    assert dict(g.by_phase) == {Phase.CONTRACT_RESEARCH: 2, Phase.SPUN_OFF: 1, Phase.DRAFT: 1}
    assert g.projects == 4
    assert (g.milestones_on_time, g.milestones_late) == (2, 1)
    assert dict(g.gate_outcomes) == {Outcome.GO: 3, Outcome.CONDITIONAL_GO: 1}
    assert (g.contract_value, g.companies) == (D("1550000.50"), 2)
    assert (q.projects, q.contract_value, q.companies) == (1, D("9000000.00"), 0)
    assert (q.milestones_on_time, q.milestones_late, dict(q.gate_outcomes)) == (0, 0, {})
    assert figures([admin.id])[admin.id].projects == 0


def test_new_pms_per_year_by_the_day_in_shanghai(app):
    admin = make_user(Role.HQ_ADMIN)
    a, b = make_institute(), make_institute()
    # 23:59:59 on 31 December 2025 in Shanghai, and 00:00 on 1 January 2026 (16:00 UTC).
    make_pm_record(make_user(), a, by=admin,
                   appointed_at=datetime(2025, 12, 31, 15, 59, 59, tzinfo=UTC))
    renewed = make_pm_record(make_user(), a, by=admin,
                             appointed_at=datetime(2025, 12, 31, 16, 0, tzinfo=UTC))
    make_pm_record(make_user(), b, by=admin, appointed_at=datetime(2026, 7, 1, tzinfo=UTC))
    # 00:00 on 1 January 2025 in Shanghai: 2025
    make_pm_record(make_user(), b, by=admin, appointed_at=datetime(2024, 12, 31, 16, tzinfo=UTC))
    make_pm_record(None, a, by=admin)  # a candidate: no appointment
    # a renewal in 2026 is no new PM
    db.session.add(PmTerm(record_id=renewed.id, institute_id=a.id, starts_on=date(2029, 1, 1),
                          ends_on=date(2031, 1, 1), renews_id=renewed.terms[0].id,
                          appointed_at=datetime(2026, 9, 1, tzinfo=UTC),
                          recorded_by_id=admin.id))
    _commit()
    assert first_appointments((2025, 2026)) == {(a.id, 2025): 1, (a.id, 2026): 1,
                                                (b.id, 2025): 1, (b.id, 2026): 1}
    assert first_appointments((2025,)) == {(a.id, 2025): 1, (b.id, 2025): 1}
    assert first_appointments((2026,), [b.id]) == {(b.id, 2026): 1}
    report = annual.build(2026)
    figure = next(f for f in report.figures if f.key == "new_project_managers")
    assert (figure.total(2025).count, figure.total(2026).count) == (2, 2)
