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
from tracker.gates.models import (
    Condition,
    ConditionState,
    Declaration,
    GateReview,
    PanelMember,
    ReviewState,
)
from tracker.milestones.models import (
    DONE,
    Milestone,
    MilestoneEvent,
    MilestoneState,
    Rebaseline,
    RebaselineState,
)
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
    # An HQ admin's: what waits for HQ.
    panels_to_name: list[GateReview] = field(default_factory=list)
    panels_to_change: list[GateReview] = field(default_factory=list)
    rebaselines: list[Rebaseline] = field(default_factory=list)
    unassigned: list[Milestone] = field(default_factory=list)
    to_confirm: list[Condition] = field(default_factory=list)

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
        .order_by(Condition.due_date)))
    if user.has_role(Role.EVALUATOR):
        work.milestone_reviews = list(db.session.scalars(
            select(Milestone).where(Milestone.reviewer_id == user.id,
                                    Milestone.state == MilestoneState.SUBMITTED)
            .options(selectinload(Milestone.project)).order_by(Milestone.review_due)))
        work.gate_reviews = list(db.session.scalars(
            select(PanelMember).join(GateReview)
            .where(PanelMember.user_id == user.id, PanelMember.submitted_at.is_(None),
                   PanelMember.declaration.is_distinct_from(Declaration.CONFLICT),
                   GateReview.state == ReviewState.OPEN)
            .options(selectinload(PanelMember.review).selectinload(GateReview.project))
            .order_by(GateReview.due_date)))
    if user.is_hq_admin:
        _hq_work(work)
    return work


def _hq_work(work: Work) -> None:
    open_reviews = db.session.scalars(
        select(GateReview).where(GateReview.state.in_([ReviewState.REQUESTED, ReviewState.OPEN]))
        .options(selectinload(GateReview.project), selectinload(GateReview.panel))
        .order_by(GateReview.requested_at)).all()
    work.panels_to_name = [r for r in open_reviews if r.state is ReviewState.REQUESTED]
    work.panels_to_change = [r for r in open_reviews if r.needs_new_panel]
    work.rebaselines = list(db.session.scalars(
        select(Rebaseline).where(Rebaseline.state == RebaselineState.PENDING)
        .options(selectinload(Rebaseline.milestone).selectinload(Milestone.project))
        .order_by(Rebaseline.requested_at)))
    work.unassigned = list(db.session.scalars(
        select(Milestone).where(Milestone.state == MilestoneState.SUBMITTED,
                                Milestone.reviewer_id.is_(None))
        .options(selectinload(Milestone.project)).order_by(Milestone.submitted_at)))
    work.to_confirm = list(db.session.scalars(
        select(Condition).where(Condition.state == ConditionState.MET)
        .order_by(Condition.met_at)))
