"""The home page's work lists: what a project manager and an evaluator have to do, soonest
first. Each list is one query, whatever the number of projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import Role, User
from tracker.contracts.models import Instalment, ResearchContract
from tracker.gates.models import Condition, ConditionState, GateReview, PanelMember, ReviewState
from tracker.milestones.models import DONE, Milestone, MilestoneEvent, MilestoneState
from tracker.projects.models import Project

# Instalments due within this many days show on the PM's home page.
INSTALMENT_HORIZON_DAYS = 30


@dataclass
class Work:
    milestones: list[Milestone] = field(default_factory=list)
    returned: list[Milestone] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    instalments: list[Instalment] = field(default_factory=list)
    milestone_reviews: list[Milestone] = field(default_factory=list)
    gate_reviews: list[PanelMember] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())


def _returned_ids(user: User) -> set[int]:
    """Milestones in progress whose last step was a return for rework."""
    last = (select(MilestoneEvent.milestone_id, MilestoneEvent.to_state, MilestoneEvent.from_state)
            .join(Milestone).join(Project)
            .where(Project.pm_id == user.id, Milestone.state == MilestoneState.IN_PROGRESS)
            .order_by(MilestoneEvent.milestone_id, MilestoneEvent.id))
    latest: dict[int, tuple] = {}
    for milestone_id, to_state, from_state in db.session.execute(last):
        latest[milestone_id] = (from_state, to_state)
    return {m for m, (f, t) in latest.items()
            if f is MilestoneState.SUBMITTED and t is MilestoneState.IN_PROGRESS}


def for_user(user: User, on: date) -> Work:
    work = Work()
    if user.has_role(Role.PROJECT_MANAGER):
        open_milestones = db.session.scalars(
            select(Milestone).join(Project)
            .where(Project.pm_id == user.id, Milestone.state.not_in(DONE))
            .options(selectinload(Milestone.project))
            .order_by(case((Milestone.is_overdue(on), 0), else_=1), Milestone.due_date)).all()
        returned = _returned_ids(user)
        work.returned = [m for m in open_milestones if m.id in returned]
        work.milestones = [m for m in open_milestones if m.id not in returned]
        work.instalments = [
            i for i in db.session.scalars(
                select(Instalment).join(ResearchContract).join(Project)
                .where(Project.pm_id == user.id,
                       Instalment.due_date <= on + timedelta(days=INSTALMENT_HORIZON_DAYS))
                .options(selectinload(Instalment.payments),
                         selectinload(Instalment.contract).selectinload(ResearchContract.project))
                .order_by(Instalment.due_date))
            if not i.is_paid
        ]
    work.conditions = list(db.session.scalars(
        select(Condition).where(Condition.owner_id == user.id,
                                Condition.state == ConditionState.OPEN)
        .options(selectinload(Condition.decision)).order_by(Condition.due_date)))
    if user.has_role(Role.EVALUATOR):
        work.milestone_reviews = list(db.session.scalars(
            select(Milestone).where(Milestone.reviewer_id == user.id,
                                    Milestone.state == MilestoneState.SUBMITTED)
            .options(selectinload(Milestone.project)).order_by(Milestone.review_due)))
        work.gate_reviews = list(db.session.scalars(
            select(PanelMember).join(GateReview)
            .where(PanelMember.user_id == user.id, PanelMember.submitted_at.is_(None),
                   GateReview.state == ReviewState.OPEN)
            .options(selectinload(PanelMember.review).selectinload(GateReview.project))
            .order_by(GateReview.due_date)))
    return work
