"""The project page's queries: what it shows, loaded in a fixed number of statements whatever
the size of the project (team, milestones, contracts, reviews, decisions). Every relationship
the template reads is loaded here, a batch per kind, never one row at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker import db
from tracker.approvals.models import ApprovalRequest, ApprovalStep
from tracker.budgets.models import BudgetTemplate
from tracker.budgets.queries import BudgetAgainstActual, budget_against_actual
from tracker.contracts.models import Instalment, ResearchContract
from tracker.dates import today
from tracker.gates.condition_models import Condition
from tracker.gates.models import Deliverable, GateDecision, GateReview
from tracker.milestones.models import Milestone
from tracker.projects.guards import Known
from tracker.projects.history_models import TrlRecord
from tracker.projects.models import BudgetLine, PhaseChange, Project, ProjectMember
from tracker.projects.stepper import Stepper, stepper
from tracker.reports.charts import Timeline
from tracker.reports.charts import timeline as milestone_timeline
from tracker.spending.queries import ProjectSpending, project_spending

# What the page and `Project.can_view` read of the project itself.
PROJECT_OPTIONS = (
    # One of each: joined to the project's own statement.
    joinedload(Project.pm),
    joinedload(Project.institute),
    joinedload(Project.partner_enterprise),
    joinedload(Project.need),
    # A collection each: one statement, its rows' own one-of-each joined to it.
    selectinload(Project.members).joinedload(ProjectMember.user),
    selectinload(Project.budget_lines).joinedload(BudgetLine.template_category),
    joinedload(Project.budget_template).selectinload(BudgetTemplate.categories),
    selectinload(Project.trl_records).options(joinedload(TrlRecord.file),
                                              joinedload(TrlRecord.recorded_by)),
    selectinload(Project.gate_reviews).selectinload(GateReview.decisions),
    selectinload(Project.gate_reviews).selectinload(GateReview.panel),
    # The signed history of its submissions to the institute (tracker/approvals).
    selectinload(Project.approvals).selectinload(ApprovalRequest.steps).options(
        joinedload(ApprovalStep.approver), joinedload(ApprovalStep.signed_by)),
)


@dataclass
class TimelineEvent:
    at: datetime
    kind: str  # "phase" or "decision"
    change: PhaseChange | None = None
    decision: GateDecision | None = None


@dataclass
class ProjectPage:
    project: Project
    deliverables: list[Deliverable] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    contracts: list[ResearchContract] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    # The lifecycle drawn as a stepper, and the milestones on a line against today.
    stepper: Stepper | None = None
    milestone_chart: Timeline | None = None
    spending: ProjectSpending | None = None
    against: BudgetAgainstActual | None = None

    def as_context(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def known(self) -> Known:
        """What the gate checklist would otherwise read again."""
        return Known(deliverables=self.deliverables, milestones=self.milestones,
                     conditions=self.conditions, contracts=self.contracts)


def find_project(project_id: int) -> Project | None:
    """The project with everything its page and its permission check read."""
    return db.session.scalar(select(Project).where(Project.id == project_id)
                             .options(*PROJECT_OPTIONS))


def project_page(project: Project) -> ProjectPage:
    """The lists of the project page, one statement (and its batched collections) each: a
    row's one-of-each (a milestone's reviewer, a contract's enterprise) joined to it."""
    page = ProjectPage(project)
    page.deliverables = list(db.session.scalars(
        select(Deliverable).where(Deliverable.project_id == project.id)
        .options(joinedload(Deliverable.file)).order_by(Deliverable.gate, Deliverable.id)))
    page.conditions = list(db.session.scalars(
        select(Condition).where(Condition.project_id == project.id)
        .options(joinedload(Condition.owner), joinedload(Condition.decision)
                 .joinedload(GateDecision.review)).order_by(Condition.due_date)))
    page.milestones = list(db.session.scalars(
        select(Milestone).where(Milestone.project_id == project.id)
        .options(joinedload(Milestone.reviewer)).order_by(Milestone.due_date)))
    page.contracts = list(db.session.scalars(
        select(ResearchContract).where(ResearchContract.project_id == project.id)
        .options(joinedload(ResearchContract.enterprise),
                 selectinload(ResearchContract.instalments).selectinload(Instalment.payments))
        .order_by(ResearchContract.signed_on)))
    page.spending = project_spending(project)
    page.against = budget_against_actual(project, page.spending)
    page.timeline = timeline(project)
    page.stepper = stepper(project, [e.change for e in page.timeline if e.change is not None])
    page.milestone_chart = milestone_timeline(page.milestones, project.start_date,
                                              project.end_date, today())
    return page


def timeline(project: Project) -> list[TimelineEvent]:
    """Phase changes and decisions (superseded ones included), oldest first."""
    events = [TimelineEvent(c.at, "phase", change=c) for c in db.session.scalars(
        select(PhaseChange).where(PhaseChange.project_id == project.id)
        .options(joinedload(PhaseChange.actor), joinedload(PhaseChange.imported_in)))]
    events += [TimelineEvent(d.decided_at, "decision", decision=d) for d in db.session.scalars(
        select(GateDecision).where(GateDecision.project_id == project.id)
        .options(joinedload(GateDecision.decided_by), joinedload(GateDecision.imported_in),
                 joinedload(GateDecision.review)
                 .selectinload(GateReview.decisions)))]
    return sorted(events, key=lambda e: (e.at, e.kind != "decision"))
