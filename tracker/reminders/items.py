"""The open items each reminder rule watches: one query per deadline of domain.md.

An item that has been done no longer comes out of its query, so its reminders stop (and a
message written before is cancelled when it is sent: `open_deadlines`). Each query reads the
deadline, the title and link shown in the message, and the people the ladder may reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import Row, Select, exists, func, or_, select
from sqlalchemy.orm import aliased
from werkzeug.routing import BuildError

from tracker import db
from tracker.accounts.models import User
from tracker.approvals.models import (
    ApprovalRequest,
    RequestState,
)
from tracker.centres.models import CentreAgreement
from tracker.changes.models import ChangeKind, ChangeRequest, ChangeState
from tracker.companies.models import Company, HolderType, ShareEntry, Shareholder, company_projects
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.dates import local_date, org_zone
from tracker.db import inline
from tracker.display.bilingual import in_reader_language
from tracker.funding.models import FundingAgreement
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.models import Declaration, GateDecision, GateReview, PanelMember, ReviewState
from tracker.imports.models import ImportRun
from tracker.milestones.models import Milestone, MilestoneState
from tracker.organisations.models import Institute, JointInnovationCentre
from tracker.projects.lifecycle import ACTIVE, Phase
from tracker.projects.models import Project
from tracker.reminders.query import Query, built_once

if TYPE_CHECKING:
    from tracker.reminders.ladder import Ladder


@dataclass(slots=True)
class Item:
    """One open item a rule watches, with the people its ladder may reach. Read, never
    changed; not frozen, as a frozen dataclass takes four times as long to make, and a scan
    makes tens of thousands (20,000 milestones: 0.04 s of CPU more)."""

    id: int
    deadline: date
    title: str
    link: tuple[str, dict[str, Any]]  # endpoint and its values
    project_id: int | None = None
    project: str = ""  # the project's code, for the message
    owner_id: int | None = None
    # Who stands in for the owner while the item is open (an approver's delegate): reminded
    # with them, at the owner's rungs.
    stand_in_ids: tuple[int, ...] = ()
    director_id: int | None = None
    chair_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)  # more the template shows
    # The title's English where the title is reference data kept in both languages (a gate
    # review's name), so each recipient reads their own (`OutboxMessage.title`).
    title_en: str | None = None
    # When the work is due, where the item stores it apart from its deadline: a submitted
    # milestone's review due date, fixed at submission (tracker/milestones/services.py).
    due_on: date | None = None
    # When the record came into the tracker (imported, entered late, made by a correction):
    # rungs whose day was past by then are sent only where still news (`Ladder.news`). None
    # where only the tracker makes the record, on the day its count starts (a request).
    arrived: datetime | None = None

    def shown_title(self) -> str:
        return in_reader_language(self.title, self.title_en)

    def reference(self) -> str:
        """The project's code, or a draft's provisional reference in the reader's language
        (a proposal at the institute has no code yet: `Project.reference`)."""
        number = self.extra.get("draft_number")
        return self.project or (Project.reference_of(None, int(number)) if number else "")

    def due(self, ladder: Ladder) -> date:
        """When the work is due, in subjects and the calendar: the stored date, so page and
        e-mail agree even after the setting changed; else what the ladder counts."""
        return self.due_on or ladder.due_on(self.deadline)


OPEN_MILESTONE = (MilestoneState.PLANNED, MilestoneState.IN_PROGRESS)


def _rows(stmt: Select) -> Sequence[Row]:
    """The rows of a rule's statement, run on the session's connection (flushed first, as the
    session would), all fetched at once: its columns, never objects (`built_once` says why)."""
    db.session.flush()
    return db.session.connection().execute(stmt).all()


def _milestones(q: Query) -> Select:
    stmt = (select(Milestone.id, Milestone.due_date, Milestone.title, Project.id, Project.code,
                   Project.pm_id, Institute.director_id, Milestone.created_at)
            .join(Project, Project.id == Milestone.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Milestone.state.in_(OPEN_MILESTONE), Project.phase.in_(ACTIVE)))
    return q.apply(stmt, Milestone.id, Milestone.due_date, Project.pm_id)


def milestones_due(q: Query) -> list[Item]:
    """Milestones of active projects not yet submitted (submitted ones wait on the evaluator;
    accepted or waived ones are done). Built once a process (`built_once`): a director's home
    reads whether the milestones it was escalated are still open each request."""
    # Made positionally, in the order of Item's fields: a scan makes 20,000 of these, and
    # keywords took twice the time (33 ms against 16).
    return [Item(milestone_id, due, title, ("milestones.show", {"milestone_id": milestone_id}),
                 project_id, code, pm_id, (), director_id, arrived=created)
            for milestone_id, due, title, project_id, code, pm_id, director_id, created
            in built_once(_milestones, q)]


def milestones_awaiting_review(q: Query) -> list[Item]:
    """Submitted milestones, counted from the day of submission; done once reviewed (accepted,
    or returned to the PM) or waived."""
    stmt = (select(Milestone.id, Milestone.submitted_at, Milestone.title, Project.id,
                   Project.code, Milestone.reviewer_id, Institute.director_id,
                   Milestone.review_due, Milestone.created_at)
            .join(Project, Project.id == Milestone.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Milestone.submitted(), Milestone.submitted_at.is_not(None),
                   Project.phase.in_(ACTIVE)))
    if q.until is not None:
        # The deadline is the org-zone date of the submission: compare instants in SQL.
        end = datetime.combine(q.until + timedelta(days=1), time(0), org_zone()).astimezone(UTC)
        stmt = stmt.where(Milestone.submitted_at < end)
    stmt = Query(item_ids=q.item_ids, owner_id=q.owner_id).apply(
        stmt, Milestone.id, None, Milestone.reviewer_id)
    return [Item(id=r[0], deadline=local_date(r[1]), title=r[2], project_id=r[3], project=r[4],
                 owner_id=r[5], director_id=r[6], due_on=r[7], arrived=r[8],
                 link=("milestones.show", {"milestone_id": r[0]}))
            for r in _rows(stmt)]


def gate_scores_due(q: Query) -> list[Item]:
    """One item per evaluator of an open review who has neither scored nor declared a
    conflict."""
    stmt = (select(PanelMember.id, GateReview.due_date, GateReview.name, Project.id,
                   Project.code, PanelMember.user_id, GateReview.chair_id, GateReview.id,
                   User.name, GateReview.name_en)
            .join(GateReview, GateReview.id == PanelMember.review_id)
            .join(Project, Project.id == GateReview.project_id)
            .join(User, User.id == PanelMember.user_id)
            .where(GateReview.state == ReviewState.OPEN, GateReview.due_date.is_not(None),
                   PanelMember.submitted_at.is_(None),
                   or_(PanelMember.declaration.is_(None),
                       PanelMember.declaration != Declaration.CONFLICT)))
    stmt = q.apply(stmt, PanelMember.id, GateReview.due_date, PanelMember.user_id)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3], project=r[4],
                 owner_id=r[5], chair_id=r[6] if r[6] != r[5] else None,
                 extra={"evaluator": r[8]}, title_en=r[9],
                 link=("gates.review", {"review_id": r[7]}))
            for r in _rows(stmt)]


def conditions_due(q: Query) -> list[Item]:
    """Open conditions of decisions in force (a superseded decision's conditions went with
    it), on projects still under way; done once the owner reports them met."""
    # Arrived with its decision: the import that brought it, else the moment it was recorded.
    arrived = func.coalesce(ImportRun.started_at, GateDecision.decided_at)
    stmt = (select(Condition.id, Condition.due_date, Condition.text, Project.id, Project.code,
                   Condition.owner_id, Institute.director_id, arrived)
            .join(GateDecision, GateDecision.id == Condition.decision_id)
            .outerjoin(ImportRun, ImportRun.id == GateDecision.imported_in_id)
            .join(Project, Project.id == Condition.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Condition.state == ConditionState.OPEN,
                   Project.phase.in_(ACTIVE),
                   GateDecision.in_force(Condition.decision_id)))
    stmt = q.apply(stmt, Condition.id, Condition.due_date, Condition.owner_id)
    return [Item(id=r[0], deadline=r[1], title=_shorten(r[2]), project_id=r[3], project=r[4],
                 owner_id=r[5], director_id=r[6], arrived=r[7],
                 link=("projects.show", {"project_id": r[3], "_anchor": f"condition-{r[0]}"}))
            for r in _rows(stmt)]


def hold_revisits(q: Query) -> list[Item]:
    """Projects on hold, on their revisit date; done once HQ resumes or ends them."""
    stmt = (select(Project.id, Project.revisit_date, Project.title, Project.code,
                   Project.created_at)
            .where(Project.phase == Phase.ON_HOLD, Project.revisit_date.is_not(None)))
    stmt = q.apply(stmt, Project.id, Project.revisit_date, None)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[0], project=r[3],
                 arrived=r[4], link=("projects.show", {"project_id": r[0]}))
            for r in _rows(stmt)]


def _instalments(q: Query) -> Select:
    paid = (select(Payment.instalment_id, func.sum(Payment.amount).label("paid"))
            .group_by(Payment.instalment_id).subquery())
    received = func.coalesce(paid.c.paid, 0)
    stmt = (select(Instalment.id, Instalment.due_date, ResearchContract.title, Project.id,
                   Project.code, Project.pm_id, Institute.director_id, Instalment.amount,
                   received, ResearchContract.id, ResearchContract.created_at)
            .join(ResearchContract, ResearchContract.id == Instalment.contract_id)
            .join(Project, Project.id == ResearchContract.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .outerjoin(paid, paid.c.instalment_id == Instalment.id)
            .where(received < Instalment.amount, ResearchContract.standing()))
    return q.apply(stmt, Instalment.id, Instalment.due_date, Project.pm_id)


def instalments_due(q: Query) -> list[Item]:
    """Contract payment instalments not yet received in full (built once, as
    `milestones_due`: directors are escalated them too)."""
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3], project=r[4],
                 owner_id=r[5], director_id=r[6],
                 extra={"amount": str(r[7]), "outstanding": str(r[7] - r[8])},
                 arrived=r[10],  # the contract's, with its schedule
                 link=("contracts.show", {"contract_id": r[9]}))
            for r in built_once(_instalments, q)]


def project_ends(q: Query) -> list[Item]:
    """Projects under way, ahead of their end date (the final acceptance window)."""
    stmt = (select(Project.id, Project.end_date, Project.title, Project.code, Project.pm_id,
                   Institute.director_id, Project.created_at)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Project.phase.in_(ACTIVE)))
    stmt = q.apply(stmt, Project.id, Project.end_date, Project.pm_id)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[0], project=r[3],
                 owner_id=r[4], director_id=r[5], arrived=r[6],
                 link=("projects.show", {"project_id": r[0]}))
            for r in _rows(stmt)]


def changes_awaiting_hq(q: Query) -> list[Item]:
    """Change requests of projects under way waiting for HQ, counted from the day they came
    before HQ: the day the institute's last level endorsed them (tracker/approvals), or the
    day they were asked when no level had to; done once approved or refused."""
    endorsed = (select(func.max(ApprovalRequest.closed_at))
                .where(ApprovalRequest.change_request_id == ChangeRequest.id,
                       ApprovalRequest.state == inline(ApprovalRequest.state,
                                                       RequestState.PASSED))
                .correlate(ChangeRequest).scalar_subquery())
    return _pending_changes(q, since=func.coalesce(endorsed, ChangeRequest.requested_at))


def handovers_awaiting_director(q: Query) -> list[Item]:
    """Handovers the PM asked for, waiting for the director of the project's institute (who may
    decide them, as HQ may), counted from the day they were asked; done once decided. Only
    where the institute has a director."""
    return _pending_changes(
        q, ChangeRequest.kind == inline(ChangeRequest.kind, ChangeKind.HANDOVER),
        Institute.director_id.is_not(None))


def _pending_changes(q: Query, *where, since: Any = None) -> list[Item]:
    """Pending change requests of projects under way (and `where`), dated by `since` (their
    request when not given)."""
    since = ChangeRequest.requested_at if since is None else since
    stmt = (select(ChangeRequest.id, since, Project.title,
                   Project.id, Project.code, Institute.director_id)
            .join(Project, Project.id == ChangeRequest.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(ChangeRequest.state == inline(ChangeRequest.state, ChangeState.PENDING),
                   Project.phase.in_(ACTIVE), *where))
    if q.until is not None:
        end = datetime.combine(q.until + timedelta(days=1), time(0), org_zone()).astimezone(UTC)
        stmt = stmt.where(since < end)
    stmt = Query(item_ids=q.item_ids, owner_id=q.owner_id).apply(
        stmt, ChangeRequest.id, None, None)
    return [Item(id=r[0], deadline=local_date(r[1]), title=r[2],
                 project_id=r[3], project=r[4], director_id=r[5],
                 link=("changes.show", {"request_id": r[0]}))
            for r in _rows(stmt)]


def conversion_deadlines(q: Query) -> list[Item]:
    """Allocation-investment agreements still running (no conversion, no outcome recorded)."""
    stmt = (select(FundingAgreement.id, FundingAgreement.conversion_deadline, Project.title,
                   Project.id, Project.code, Project.pm_id, Institute.director_id,
                   FundingAgreement.decided_at)  # recorded in the tracker: form or import
            .join(Project, Project.id == FundingAgreement.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(FundingAgreement.outcome.is_(None), FundingAgreement.standing()))
    stmt = q.apply(stmt, FundingAgreement.id, FundingAgreement.conversion_deadline, None)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3], project=r[4],
                 director_id=r[6], arrived=r[7],
                 link=("funding.show", {"project_id": r[3]}))
            for r in _rows(stmt)]


def lockup_expiries(q: Query) -> list[Item]:
    """The lock-up of team shares, one item per company and lock-up date still ahead; the
    item's id is the first ledger entry with that date. A reversed entry, and the reversal
    itself, lock nothing up."""
    project = (select(func.min(company_projects.c.project_id))
               .where(company_projects.c.company_id == Company.id).scalar_subquery())
    reversal = aliased(ShareEntry)
    reversed_ = exists().where(reversal.reverses_id == ShareEntry.id)
    stmt = (select(func.min(ShareEntry.id), ShareEntry.lock_up_until, Company.name,
                   project, Company.id)
            .join(Company, Company.id == ShareEntry.company_id)
            .join(Shareholder, Shareholder.id == ShareEntry.to_holder_id)
            .where(Shareholder.kind == HolderType.TEAM, ShareEntry.lock_up_until.is_not(None),
                   ShareEntry.reverses_id.is_(None), ~reversed_)
            .group_by(Company.id, Company.name, ShareEntry.lock_up_until))
    if q.on is not None:
        stmt = stmt.where(ShareEntry.lock_up_until >= q.on)
    if q.until is not None:
        stmt = stmt.where(ShareEntry.lock_up_until <= q.until)
    if q.owner_id is not None:
        return []
    if q.item_ids is not None:
        stmt = stmt.having(func.min(ShareEntry.id).in_(list(q.item_ids)))
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3],
                 link=("companies.show", {"company_id": r[4]}))
            for r in _rows(stmt)]


def centre_expiries(q: Query) -> list[Item]:
    """The end of a joint innovation centre's term that no renewal names yet: once HQ records
    the renewal, the old term's reminders stop and the new term's end is watched instead."""
    renewal = aliased(CentreAgreement)
    stmt = (select(CentreAgreement.id, CentreAgreement.ends_on, JointInnovationCentre.name,
                   JointInnovationCentre.name_en, JointInnovationCentre.id,
                   CentreAgreement.recorded_at)
            .join(JointInnovationCentre, JointInnovationCentre.id == CentreAgreement.centre_id)
            .where(~exists().where(renewal.renews_id == CentreAgreement.id)))
    stmt = q.apply(stmt, CentreAgreement.id, CentreAgreement.ends_on, None)
    return [Item(id=r[0], deadline=r[1], title=r[2], title_en=r[3], arrived=r[5],
                 link=("organisations.centre", {"object_id": r[4]}))
            for r in _rows(stmt)]


def _shorten(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def item_path(item: Item, adapter: Any = None) -> str:
    """The item's page, as a path (the message adds BASE_URL): no request needed."""
    endpoint, values = item.link
    values = dict(values)
    anchor = values.pop("_anchor", None)
    adapter = adapter or current_app.url_map.bind("localhost")
    try:
        path = adapter.build(endpoint, values)
    except BuildError:  # a page not built yet: the project's page instead
        if item.project_id is None:
            return "/"
        path = adapter.build("projects.show", {"project_id": item.project_id})
    return f"{path}#{anchor}" if anchor else path
