"""The home page's work lists: what a project manager and an evaluator have to do, soonest
first. Each list is one query, whatever the number of projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Date, Select, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from tracker import db
from tracker.accounts.models import Role, User
from tracker.achievements import duties as ip_duties
from tracker.achievements.duties import DUTY_RULES
from tracker.approvals import services as approvals
from tracker.approvals.models import ApprovalRequest, ApprovalStep
from tracker.changes.models import ChangeKind, ChangeRequest, ChangeState
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.funding.models import FundingAgreement
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.models import (
    Declaration,
    GateDecision,
    GateReview,
    Outcome,
    PanelMember,
    ReviewState,
)
from tracker.milestones.models import (
    Milestone,
    MilestoneEvent,
    MilestoneState,
    Rebaseline,
)
from tracker.obligations.models import ReportObligation, ReportSubmission
from tracker.obligations.queries import RECIPIENTS, owed_by
from tracker.projects.lifecycle import FINAL, Phase
from tracker.projects.models import Project, ProjectMember
from tracker.reminders.delivery import open_deadlines
from tracker.reminders.items import Item, Query
from tracker.reminders.models import Audience, MessageKind, MessageState, OutboxMessage
from tracker.reminders.rules import RULES, Rule
from tracker.web import hq_work
from tracker.web.capped import HOME_LIMIT, INSTITUTES, ON, SHOWN, USER, capped, cut

# The same table again, for the subquery of `_reworks`.
Review = aliased(GateReview)

# Instalments due within this many days show on the PM's home page.
INSTALMENT_HORIZON_DAYS = 30
# Reports owed to funders, and the duties under licences and patents, due within this many days
# show on the PM's home page (the first funder_report reminder comes 30 days before).
DUTY_HORIZON_DAYS = 30
# A PM's project is at risk when an open milestone falls due within this many days (the first
# reminder of the milestone_due ladder comes 14 days before).
AT_RISK_DAYS = 14
# A director's home page lists the escalations they received in this many days.
ESCALATION_DAYS = 30
# The lists that can be asked for in full (`/?full=<name>`).
LISTS = ("approvals", "approvals_returned", "reworks", "returned", "milestones", "instalments",
         "conditions", "milestone_reviews", "gate_reviews", "panels_to_name", "rebaselines",
         "changes", "unassigned", "to_confirm", "projects", "institute_overdue",
         "institute_reworks", "escalations", "gates_coming", "institute_conditions",
         "institute_instalments", "team_places", "reports_owed", "duties",
         "institute_reports_owed", "institute_duties", "late_duties")


@dataclass(frozen=True)
class ProjectHealth:
    """A PM's project at a glance: its next deadline and whether it is on time."""

    project: Project
    next_due: date | None  # the earliest due date of its open milestones, else its end date
    overdue: int  # open milestones past their due date
    due_soon: int  # open milestones due within AT_RISK_DAYS
    end_only: bool = False  # no open milestone: the next deadline is the project's end date
    on: date | None = None  # the day the health is judged on

    @property
    def health(self) -> str:
        if self.project.phase is Phase.DRAFT:  # nothing is due before gate 1 says GO
            return "draft"
        if self.overdue:
            return "overdue"
        if self.due_soon:
            return "at_risk"
        # No open milestone: the project's end date is the deadline the row shows.
        if self.end_only and self.next_due and self.on:
            if self.next_due < self.on:
                return "past_end"
            if self.next_due <= self.on + timedelta(days=AT_RISK_DAYS):
                return "ending"
        return "on_time"


@dataclass
class Work:
    # Signatures that wait for the user at the institute's approval levels (their own, and
    # those they stand in for by a running delegation).
    approvals: list[ApprovalStep] = field(default_factory=list)
    on_behalf: set[int] = field(default_factory=set)  # of those, the ones signed for another
    # The applicant's submissions an approver returned with an opinion, to answer.
    approvals_returned: list[ApprovalRequest] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    returned: list[Milestone] = field(default_factory=list)
    # The PM's proposals gate 1 sent back for rework (RECYCLE), not yet asked again.
    reworks: list[GateDecision] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    instalments: list[Instalment] = field(default_factory=list)
    milestone_reviews: list[Milestone] = field(default_factory=list)
    gate_reviews: list[PanelMember] = field(default_factory=list)
    # An HQ admin's: what waits for HQ.
    panels_to_name: list[GateReview] = field(default_factory=list)
    panels_to_change: list[GateReview] = field(default_factory=list)
    rebaselines: list[Rebaseline] = field(default_factory=list)
    changes: list[ChangeRequest] = field(default_factory=list)
    unassigned: list[Milestone] = field(default_factory=list)
    to_confirm: list[Condition] = field(default_factory=list)
    # A PM's projects under way, with their health.
    projects: list[ProjectHealth] = field(default_factory=list)
    # A director's: what needs them in their institutes.
    institute_overdue: list[Milestone] = field(default_factory=list)
    institute_reworks: list[GateDecision] = field(default_factory=list)  # past their due date
    escalations: list[OutboxMessage] = field(default_factory=list)
    gates_coming: list[GateReview] = field(default_factory=list)
    institute_conditions: list[Condition] = field(default_factory=list)
    institute_instalments: list[Instalment] = field(default_factory=list)
    # Reports owed to funders not submitted: a PM's due soon or late, a director's late.
    reports_owed: list[ReportObligation] = field(default_factory=list)
    institute_reports_owed: list[ReportObligation] = field(default_factory=list)
    # A PM's duties under licences and patents (annuities, royalty reports and payments,
    # DUTY_RULES, listed from the reminder rules' own queries); those late, a director's of
    # their institutes and an HQ admin's of the network (tracker/achievements/duties.py).
    duties: list[tuple[Rule, Item]] = field(default_factory=list)
    institute_duties: list[ip_duties.Duty] = field(default_factory=list)
    late_duties: list[ip_duties.Duty] = field(default_factory=list)
    # Places on a team waiting for the person's, or their director's, answer.
    team_places: list[ProjectMember] = field(default_factory=list)
    # The lists cut at HOME_LIMIT.
    more: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not any(value for name, value in vars(self).items()
                       if name not in ("more", "on_behalf"))


@lru_cache(maxsize=1)
def _events_statement() -> Select:
    return (select(MilestoneEvent.milestone_id, MilestoneEvent.to_state,
                   MilestoneEvent.from_state)
            .join(Milestone).join(Project)
            .where(Project.pm_id == USER, Milestone.state == MilestoneState.IN_PROGRESS)
            .order_by(MilestoneEvent.milestone_id, MilestoneEvent.id))


def _returned_ids(values: dict) -> set[int]:
    """Milestones in progress whose last step was a return for rework."""
    latest: dict[int, tuple] = {}
    for milestone_id, to_state, from_state in db.session.execute(_events_statement(), values):
        latest[milestone_id] = (from_state, to_state)
    return {m for m, (f, t) in latest.items()
            if f is MilestoneState.SUBMITTED and t is MilestoneState.IN_PROGRESS}


def _values(user: User, on: date) -> dict:
    """The request's values of VALUES' parameters."""
    return {"user_id": user.id, "on": on, "institutes": list(user.directed_institute_ids),
            "returned_since": approvals.returned_since(on),
            "instalments_until": on + timedelta(days=INSTALMENT_HORIZON_DAYS),
            "duties_until": on + timedelta(days=DUTY_HORIZON_DAYS),
            "soon": on + timedelta(days=AT_RISK_DAYS),
            "escalated_since": on - timedelta(days=ESCALATION_DAYS)}


def for_user(user: User, on: date, full: str | None = None) -> Work:
    """What `user` has to do on `on`, each list capped at HOME_LIMIT; `full` names the one list
    shown whole (the "show all" link of a capped list)."""
    work, values = Work(), _values(user, on)
    work.approvals = capped("approvals", lambda: approvals.waiting_for(USER, ON).options(
        joinedload(ApprovalStep.approver), joinedload(ApprovalStep.request).options(
            joinedload(ApprovalRequest.submitted_by), joinedload(ApprovalRequest.project)
            .joinedload(Project.institute))), values, work.more, full)
    work.on_behalf = {s.id for s in work.approvals if s.approver_id != user.id}
    work.approvals_returned = capped("approvals_returned", lambda: approvals.returned_to(
        USER, bindparam("returned_since")).options(
            joinedload(ApprovalRequest.project), selectinload(ApprovalRequest.steps)
            .joinedload(ApprovalStep.signed_by)), values, work.more, full)
    if user.has_role(Role.PROJECT_MANAGER):
        work.projects = _project_health(values, work, full)
        work.reworks = capped("reworks", lambda: _reworks().where(Project.pm_id == USER),
                              values, work.more, full)
        values["returned"] = list(_returned_ids(values))
        work.returned = capped("returned", lambda: _open_milestones().where(
            Milestone.id.in_(bindparam("returned", expanding=True))), values, work.more, full)
        work.milestones = capped("milestones", lambda: _open_milestones().where(
            Milestone.id.not_in(bindparam("returned", expanding=True))), values, work.more, full)
        work.instalments = capped("instalments", lambda: (
            select(Instalment).join(ResearchContract).join(Project)
            .where(Project.pm_id == USER, _received() < Instalment.amount,
                   ResearchContract.standing(),
                   Instalment.due_date <= bindparam("instalments_until", type_=Date))
            .options(selectinload(Instalment.payments),
                     joinedload(Instalment.contract).joinedload(ResearchContract.project).load_only(*SHOWN))
            .order_by(Instalment.due_date, Instalment.id)), values, work.more, full)
        work.reports_owed = capped("reports_owed", lambda: _reports_owed().where(
            owed_by(Project.pm_id == USER),
            ReportObligation.due_on <= bindparam("duties_until", type_=Date)), values, work.more,
            full)
        work.duties = _duties(user, on, work, full)
    work.team_places = capped("team_places", lambda: (
        select(ProjectMember).where(~ProjectMember.confirmed, or_(
            ProjectMember.user_id == USER, *([ProjectMember.project_id.in_(
                select(Project.id).where(Project.institute_id.in_(INSTITUTES)))]
                if user.directed_institute_ids else [])))
        .options(joinedload(ProjectMember.user),
                 joinedload(ProjectMember.project).joinedload(Project.pm))
        .order_by(ProjectMember.id)), values, work.more, full,
        shape=bool(user.directed_institute_ids))
    work.conditions = capped("conditions", lambda: (
        select(Condition).where(Condition.owner_id == USER,
                                Condition.state == ConditionState.OPEN)
        .options(joinedload(Condition.project).load_only(*SHOWN))
        .order_by(Condition.due_date, Condition.id)), values, work.more, full)
    if user.has_role(Role.EVALUATOR):
        work.milestone_reviews = capped("milestone_reviews", lambda: (
            select(Milestone).where(Milestone.reviewer_id == USER,
                                    Milestone.state == MilestoneState.SUBMITTED)
            .options(joinedload(Milestone.project).load_only(*SHOWN))
            .order_by(Milestone.review_due, Milestone.id)), values, work.more, full)
        work.gate_reviews = capped("gate_reviews", lambda: (
            select(PanelMember).join(GateReview)
            .where(PanelMember.user_id == USER, PanelMember.submitted_at.is_(None),
                   PanelMember.declaration.is_distinct_from(Declaration.CONFLICT),
                   GateReview.state == ReviewState.OPEN)
            .options(joinedload(PanelMember.review).joinedload(GateReview.project).load_only(*SHOWN))
            .order_by(GateReview.due_date, PanelMember.id)), values, work.more, full)
    if user.directed_institute_ids:
        _director_work(user, on, values, work, full)
    if user.is_hq_admin:
        hq_work.fill(values, work, full)
        work.late_duties = cut("late_duties", ip_duties.late(on), work.more, full)
    return work


def _reworks() -> Select:
    """The RECYCLEs in force (`closed.rework`: the decision of a project's last gate-1 review,
    the project still in proposal review), soonest due first; whose, the caller says."""
    last_review = (select(func.max(Review.id)).where(Review.project_id == Project.id,
                                                      Review.gate == 1).scalar_subquery())
    return (select(GateDecision).join(GateReview).join(Project)
            .where(Project.phase == Phase.PROPOSAL_REVIEW,
                   GateReview.id == last_review, GateDecision.in_force(),
                   GateDecision.outcome == Outcome.RECYCLE)
            .options(joinedload(GateDecision.review).joinedload(GateReview.project)
                     .load_only(*SHOWN))
            .order_by(GateDecision.rework_due, GateDecision.id))


def _open_milestones() -> Select:
    """The PM's milestones not done, overdue first, then by due date."""
    return (select(Milestone).join(Project)
            .where(Project.pm_id == USER, Milestone.not_done())
            .options(joinedload(Milestone.project).load_only(*SHOWN))
            .order_by(case((Milestone.is_overdue(ON), 0), else_=1), Milestone.due_date,
                      Milestone.id))


def _received() -> object:
    return (select(func.coalesce(func.sum(Payment.amount), 0))
            .where(Payment.instalment_id == Instalment.id).scalar_subquery())


def _reports_owed() -> Select:
    """Reports owed to funders neither submitted nor cancelled, with their project, soonest
    due first (`funder_report`'s rows); whose, the caller says (`owed_by`)."""
    return (select(ReportObligation)
            .where(ReportObligation.withdrawn_at.is_(None),
                   ~exists().where(ReportSubmission.obligation_id == ReportObligation.id))
            .options(*RECIPIENTS, joinedload(ReportObligation.funding_agreement)
                     .joinedload(FundingAgreement.project),
                     joinedload(ReportObligation.contract)
                     .joinedload(ResearchContract.project))
            .order_by(ReportObligation.due_on, ReportObligation.id))


def _duties(user: User, on: date, work: Work, full: str | None) -> list[tuple[Rule, Item]]:
    """The PM's open items of DUTY_RULES due within DUTY_HORIZON_DAYS or late, soonest first:
    one statement per rule."""
    asked = Query(until=on + timedelta(days=DUTY_HORIZON_DAYS), owner_id=user.id, on=on)
    return cut("duties", sorted(((RULES[name], item) for name in DUTY_RULES
                                  for item in RULES[name].items(asked)),
                                 key=lambda row: (row[1].deadline, row[0].name, row[1].id)),
               work.more, full)


@lru_cache(maxsize=2)
def _project_health_statement(whole: bool) -> Select:
    open_ = Milestone.not_done()
    next_due = func.min(case((open_, Milestone.due_date)))
    query = (
        select(Project, next_due,
               func.count(case((and_(open_, Milestone.due_date < ON), Milestone.id))),
               func.count(case((and_(open_, Milestone.due_date >= ON,
                                     Milestone.due_date <= bindparam("soon", type_=Date)),
                                Milestone.id))))
        .outerjoin(Milestone, Milestone.project_id == Project.id)
        .where(Project.pm_id == USER, Project.phase.not_in(FINAL))
        .group_by(Project.id)
        .order_by(next_due.is_(None), next_due, Project.end_date, Project.id))
    return query if whole else query.limit(HOME_LIMIT + 1)


def _project_health(values: dict, work: Work, full: str | None) -> list[ProjectHealth]:
    """The PM's projects under way with their next deadline and health: one statement."""
    whole = full == "projects"
    rows = [ProjectHealth(p, due or p.end_date, late, near, due is None, values["on"])
            for p, due, late, near in db.session.execute(_project_health_statement(whole),
                                                         values)]
    if not whole and len(rows) > HOME_LIMIT:
        work.more.add("projects")
    return rows if whole else rows[:HOME_LIMIT]


def _director_work(user: User, on: date, values: dict, work: Work, full: str | None) -> None:
    """What waits on a director: their institutes' overdue milestones and reworks of gate 1,
    the escalations they received, gates coming, open conditions, overdue instalments, and the
    reports owed to funders and the licence and patent duties that are late."""
    work.institute_overdue = capped("institute_overdue", lambda: (
        select(Milestone).join(Project).where(Project.institute_id.in_(INSTITUTES),
                                              Milestone.is_overdue(ON))
        .options(joinedload(Milestone.project).load_only(*SHOWN))
        .order_by(Milestone.due_date, Milestone.id)), values, work.more, full)
    work.escalations = _open_escalations(values, work, full)
    work.institute_reworks = capped("institute_reworks", lambda: _reworks().where(
        Project.institute_id.in_(INSTITUTES), GateDecision.rework_due < ON), values, work.more,
        full)
    work.gates_coming = capped("gates_coming", lambda: (
        select(GateReview).join(Project).where(
            Project.institute_id.in_(INSTITUTES),
            GateReview.state.in_((ReviewState.REQUESTED, ReviewState.OPEN)))
        .options(joinedload(GateReview.project).load_only(*SHOWN))
        .order_by(GateReview.due_date.is_(None), GateReview.due_date, GateReview.id)),
        values, work.more, full)
    work.institute_conditions = capped("institute_conditions", lambda: (
        select(Condition).join(Project, Condition.project_id == Project.id)
        .where(Project.institute_id.in_(INSTITUTES), Condition.state == ConditionState.OPEN)
        .options(joinedload(Condition.owner), joinedload(Condition.project).load_only(*SHOWN))
        .order_by(Condition.due_date, Condition.id)), values, work.more, full)
    # A handover its PM asked for is the director's to decide too (HQ's list has them all).
    work.changes = capped("changes", lambda: (
        select(ChangeRequest).join(Project, ChangeRequest.project_id == Project.id)
        .where(Project.institute_id.in_(INSTITUTES), ChangeRequest.kind == ChangeKind.HANDOVER,
               ChangeRequest.state == db.inline(ChangeRequest.state, ChangeState.PENDING))
        .options(joinedload(ChangeRequest.project).load_only(*SHOWN))
        .order_by(ChangeRequest.requested_at, ChangeRequest.id)), values, work.more, full)
    work.institute_instalments = capped("institute_instalments", lambda: (
        select(Instalment).join(ResearchContract).join(Project)
        .where(Project.institute_id.in_(INSTITUTES), _received() < Instalment.amount,
               Instalment.due_date < ON, ResearchContract.standing())
        .options(selectinload(Instalment.payments),
                 joinedload(Instalment.contract).joinedload(ResearchContract.project).load_only(*SHOWN))
        .order_by(Instalment.due_date, Instalment.id)), values, work.more, full)
    work.institute_reports_owed = capped("institute_reports_owed", lambda: _reports_owed()
                                          .where(owed_by(Project.institute_id.in_(INSTITUTES)),
                                                 ReportObligation.due_on < ON),
                                          values, work.more, full)
    work.institute_duties = cut("institute_duties", ip_duties.late(
        on, institute_ids=user.directed_institute_ids), work.more, full)


@lru_cache(maxsize=1)
def _escalations_statement() -> Select:
    return (select(OutboxMessage).where(
        OutboxMessage.recipient_id == USER, OutboxMessage.audience == Audience.DIRECTOR,
        OutboxMessage.kind == MessageKind.REMINDER,
        OutboxMessage.state != MessageState.CANCELLED,
        OutboxMessage.fire_on >= bindparam("escalated_since", type_=Date))
        .order_by(OutboxMessage.fire_on.desc(), OutboxMessage.id.desc()))


def _open_escalations(values: dict, work: Work, full: str | None) -> list:
    """The escalations `user` received as director in ESCALATION_DAYS whose subject is still
    open on its deadline: once the milestone is submitted or accepted, the condition met, the
    instalment paid or the report handed in, the escalation is done with and leaves the list,
    as its unsent messages are cancelled (`tracker.reminders.delivery.open_deadlines`, the
    rules' own queries: one per rule among them)."""
    received = list(db.session.scalars(_escalations_statement(), values))
    items: dict[str, set[int]] = {}
    for message in received:
        items.setdefault(message.rule, set()).add(message.item_id)
    still = {(name, item_id): deadline for name, ids in items.items() if name in RULES
             for item_id, deadline in open_deadlines(RULES[name], ids).items()}
    return cut("escalations", [m for m in received
                                if still.get((m.rule, m.item_id)) == m.deadline], work.more, full)
