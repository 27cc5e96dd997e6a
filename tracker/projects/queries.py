"""The project page's queries: what it shows, loaded in a fixed number of statements whatever
the size of the project (team, milestones, contracts, reviews, decisions). Every relationship
the template reads is loaded here, a batch per kind, never one row at a time, and only the kinds
the project has any of (one statement asks which)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker import db
from tracker.approvals.models import ApprovalRequest, ApprovalStep
from tracker.budgets.models import BudgetTemplate
from tracker.budgets.queries import BudgetAgainstActual, budget_against_actual
from tracker.contracts.models import Instalment, ResearchContract
from tracker.dates import today
from tracker.gates.condition_models import Condition
from tracker.gates.models import Deliverable, GateDecision, GateReview
from tracker.milestones.models import Milestone
from tracker.milestones.progress import weighted_progress
from tracker.projects.guards import Known
from tracker.projects.history_models import TrlRecord
from tracker.projects.models import BudgetLine, PhaseChange, Project, ProjectMember
from tracker.projects.stepper import Stepper, stepper
from tracker.reports.charts import Timeline
from tracker.reports.charts import timeline as milestone_timeline
from tracker.spending.queries import ProjectSpending, project_spending

# What the page and `Project.can_view` read of the project itself, one of each: joined to the
# project's own statement.
PROJECT_OPTIONS = (
    joinedload(Project.pm),
    joinedload(Project.institute),
    joinedload(Project.partner_enterprise),
    joinedload(Project.need),
    joinedload(Project.budget_template).selectinload(BudgetTemplate.categories),
)
# Its collections, each with its rows' own one-of-each (or collections), loaded by a statement of
# its own only when the project has any: a project early in its life has no reviews, TRL
# records or approvals, and a statement that finds nothing costs as much as one that finds rows.
COLLECTIONS = {
    Project.members: (joinedload(ProjectMember.user),),
    Project.budget_lines: (joinedload(BudgetLine.template_category),),
    Project.trl_records: (joinedload(TrlRecord.file), joinedload(TrlRecord.recorded_by)),
    Project.gate_reviews: (selectinload(GateReview.decisions), selectinload(GateReview.panel)),
    # The signed history of its submissions to the institute (tracker/approvals).
    Project.approvals: (selectinload(ApprovalRequest.steps).options(
        joinedload(ApprovalStep.approver), joinedload(ApprovalStep.signed_by)),),
}
# Both, as options of a statement that loads projects (the milestone page's): every collection by a
# statement of its own, whether the project has any or none.
PROJECT_LOADED = (*PROJECT_OPTIONS,
                  *(selectinload(c).options(*options) for c, options in COLLECTIONS.items()))


def _rows_of(project_id: ColumnElement[int], collection: Any) -> Select:
    """The rows of one of `Project`'s collections (a foreign key to it), in its order."""
    relation = collection.property
    (_, foreign_key), = relation.local_remote_pairs
    return (select(relation.mapper).where(foreign_key == project_id)
            .order_by(*(relation.order_by or ())))


def find_project(project_id: int) -> Project | None:
    """The project with everything its page and its permission check read: the project, its
    one-of-each and whether it has any of each collection in one statement, then each collection
    it has."""
    row = db.session.execute(
        select(Project, *(exists(_rows_of(Project.id, c)) for c in COLLECTIONS))
        .where(Project.id == project_id).options(*PROJECT_OPTIONS)).first()
    if row is None:
        return None
    project, *present = row
    for (collection, options), has_any in zip(COLLECTIONS.items(), present, strict=True):
        rows = (list(db.session.scalars(_rows_of(project.id, collection).options(*options)))
                if has_any else [])
        set_committed_value(project, collection.key, rows)
    return project


@dataclass
class TimelineEvent:
    at: datetime
    kind: str  # "phase", "decision", "upload" (a deliverable) or "submitted" (to the institute)
    change: PhaseChange | None = None
    decision: GateDecision | None = None
    deliverable: Deliverable | None = None
    approval: Any = None  # the proposal's submission to the institute (ApprovalRequest)


@dataclass
class ProjectPage:
    project: Project
    deliverables: list[Deliverable] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    progress: Decimal | None = None  # weighted by the milestones' weights (milestones.progress)
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


# The page's own lists of rows about the project, by the table's `project_id`: one statement says
# which the project has, and only those are read (see COLLECTIONS).
SECTIONS = (Deliverable, Condition, ResearchContract, PhaseChange, GateDecision)


def project_page(project: Project) -> ProjectPage:
    """The lists of the project page, one statement (and its batched collections) each: a
    row's one-of-each (a milestone's reviewer, a contract's enterprise) joined to it."""
    page = ProjectPage(project)
    present = dict(zip(SECTIONS, db.session.execute(select(*(
        exists().where(section.project_id == project.id) for section in SECTIONS))).one(),
        strict=True))
    if present[Deliverable]:
        page.deliverables = list(db.session.scalars(
            select(Deliverable).where(Deliverable.project_id == project.id)
            .options(joinedload(Deliverable.file)).order_by(Deliverable.gate, Deliverable.id)))
    if present[Condition]:
        page.conditions = list(db.session.scalars(
            select(Condition).where(Condition.project_id == project.id)
            .options(joinedload(Condition.owner), joinedload(Condition.decision)
                     .joinedload(GateDecision.review)).order_by(Condition.due_date)))
    page.milestones = list(db.session.scalars(
        select(Milestone).where(Milestone.project_id == project.id)
        .options(joinedload(Milestone.reviewer)).order_by(Milestone.due_date)))
    page.progress = weighted_progress(page.milestones)
    if present[ResearchContract]:
        page.contracts = list(db.session.scalars(
            select(ResearchContract).where(ResearchContract.project_id == project.id)
            .options(joinedload(ResearchContract.enterprise),
                     selectinload(ResearchContract.instalments).selectinload(Instalment.payments))
            .order_by(ResearchContract.signed_on)))
    page.spending = project_spending(project)
    page.against = budget_against_actual(project, page.spending)
    # What the PM did before the phase moved: the deliverables uploaded and the proposal's
    # submissions to the institute (read already: the page asks whether one waits there).
    page.timeline = sorted(
        timeline(project, present[PhaseChange], present[GateDecision])
        + [TimelineEvent(d.uploaded_at, "upload", deliverable=d) for d in page.deliverables]
        + [TimelineEvent(a.submitted_at, "submitted", approval=a) for a in project.approvals
           if a.subject == "proposal"], key=lambda e: e.at)
    page.stepper = stepper(project, [e.change for e in page.timeline if e.change is not None])
    page.milestone_chart = milestone_timeline(page.milestones, project.start_date,
                                              project.end_date, today())
    return page


def timeline(project: Project, changes: bool = True, decisions: bool = True
             ) -> list[TimelineEvent]:
    """Phase changes and decisions (superseded ones included), oldest first; `changes` or
    `decisions` false: the project has none (nothing to read)."""
    events = [TimelineEvent(c.at, "phase", change=c) for c in db.session.scalars(
        select(PhaseChange).where(PhaseChange.project_id == project.id)
        .options(joinedload(PhaseChange.actor), joinedload(PhaseChange.imported_in)))
        ] if changes else []
    events += [TimelineEvent(d.decided_at, "decision", decision=d) for d in db.session.scalars(
        select(GateDecision).where(GateDecision.project_id == project.id)
        .options(joinedload(GateDecision.decided_by), joinedload(GateDecision.imported_in),
                 joinedload(GateDecision.review)
                 .selectinload(GateReview.decisions)))] if decisions else []
    return sorted(events, key=lambda e: (e.at, e.kind != "decision"))
