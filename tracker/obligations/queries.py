"""What the pages read of the reports owed: a subject's obligations, and the network's list
(HQ: every institute; a director: their institutes'; a PM: their projects'), each in a fixed
number of statements."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.contracts.models import ResearchContract
from tracker.funding.models import FundingAgreement
from tracker.obligations.models import ObligationState, ReportObligation, ReportSubmission
from tracker.projects.models import Project

# Who each goes to, to name it in the reader's language: one statement per kind, not per row.
RECIPIENTS = (selectinload(ReportObligation.recipient_enterprise),
              selectinload(ReportObligation.recipient_partner),
              selectinload(ReportObligation.recipient_hq))
_LOAD = (*RECIPIENTS,
         selectinload(ReportObligation.submissions).selectinload(ReportSubmission.file),
         selectinload(ReportObligation.funding_agreement).selectinload(
             FundingAgreement.project).selectinload(Project.institute),
         selectinload(ReportObligation.contract).selectinload(
             ResearchContract.project).selectinload(Project.institute))


def _recorded_under(subject: FundingAgreement | ResearchContract) -> Select:
    column = (ReportObligation.funding_agreement_id if isinstance(subject, FundingAgreement)
              else ReportObligation.contract_id)
    return select(ReportObligation).where(column == subject.id)


def of(subject: FundingAgreement | ResearchContract | None) -> list[ReportObligation]:
    """The obligations of an agreement or a contract, by due date."""
    if subject is None:
        return []
    return list(db.session.scalars(_recorded_under(subject).options(*_LOAD)
                                   .order_by(ReportObligation.due_on, ReportObligation.id)))


def under(subject: FundingAgreement | ResearchContract, *,
          standing: bool = False) -> list[ReportObligation]:
    """The obligations recorded under an agreement or a contract, in the order recorded, for
    a service to follow or refuse by (none of the page's loading); `standing`: those not
    cancelled only."""
    stmt = _recorded_under(subject)
    if standing:
        stmt = stmt.where(ReportObligation.withdrawn_at.is_(None))
    return list(db.session.scalars(stmt.order_by(ReportObligation.id)))


def of_project(user: User, project: Project) -> list[ReportObligation]:
    """The obligations of the project's agreement and contracts that `user` may see (an
    agreement's only to who sees the agreement), by due date: the project page's section."""
    stmt = (with_project(select(ReportObligation)).where(Project.id == project.id)
            .options(*_LOAD).order_by(ReportObligation.due_on, ReportObligation.id))
    return [o for o in db.session.scalars(stmt) if o.can_view(user)]


def with_project(stmt: Select) -> Select:
    """`stmt` over obligations joined to the project that owes each (through its agreement or
    its contract): the list and the reminder rule both read the project and its institute."""
    return (stmt.outerjoin(FundingAgreement,
                           FundingAgreement.id == ReportObligation.funding_agreement_id)
            .outerjoin(ResearchContract, ResearchContract.id == ReportObligation.contract_id)
            .join(Project, Project.id == func.coalesce(FundingAgreement.project_id,
                                                       ResearchContract.project_id)))


def owed_by(projects: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQL: the obligation is owed by a project that `projects` holds for (through its
    agreement or its contract), as a filter where `with_project` is a join. The home pages'
    lists load each row's agreement or contract and its project, four tables more: with
    `with_project` the database planned eight tables for a list of a few rows (4 ms, most of
    the list's time), with this five and two subqueries (0.7 ms)."""

    def of(subject: type[FundingAgreement] | type[ResearchContract]) -> Select:
        return select(subject.id).join(Project, Project.id == subject.project_id).where(projects)

    return or_(ReportObligation.funding_agreement_id.in_(of(FundingAgreement)),
               ReportObligation.contract_id.in_(of(ResearchContract)))


def first_submitted_on() -> ColumnElement[date]:
    """SQL: the date the obligation's first report was submitted (None: none yet), as
    `ReportObligation.state` reads `submissions[0]`."""
    return (select(ReportSubmission.submitted_on)
            .where(ReportSubmission.obligation_id == ReportObligation.id)
            .order_by(ReportSubmission.id).limit(1).correlate(ReportObligation)
            .scalar_subquery())


def state_of(on: date) -> ColumnElement[str]:
    """SQL: `ReportObligation.state(on)`, an `ObligationState` value, so that a list filters
    and pages in the database instead of reading every row the viewer may see."""
    late_after = case((ReportObligation.missed_due_on < ReportObligation.due_on,
                       ReportObligation.missed_due_on), else_=ReportObligation.due_on)
    first = first_submitted_on()
    return case(
        (ReportObligation.withdrawn_at.is_not(None), ObligationState.WITHDRAWN.value),
        (first.is_not(None), case((first > late_after, ObligationState.SUBMITTED_LATE.value),
                                  else_=ObligationState.SUBMITTED.value)),
        (late_after < on, ObligationState.LATE.value),
        else_=ObligationState.DUE.value)


def listing(user: User, on: date, state: str = "", institute_id: int | None = None,
            kind: str = "") -> Select:
    """The network's obligations `user` may list, oldest due first, filtered, as a query to
    page (the list) or to stream (its export); `state` is one of `ObligationState`, "open"
    (not submitted nor withdrawn) or "" (every one), read in SQL (`state_of`)."""
    stmt = with_project(select(ReportObligation)).options(*_LOAD)
    if not user.sees_whole_portfolio:  # a director's institutes, a PM's own projects
        stmt = stmt.where(or_(
            Project.institute_id.in_(list(user.directed_institute_ids) or [-1]),
            Project.pm_id == user.id))
    if institute_id:
        stmt = stmt.where(Project.institute_id == institute_id)
    if kind:
        stmt = stmt.where(ReportObligation.kind == kind)
    if state == "open":
        stmt = stmt.where(state_of(on).in_([ObligationState.DUE.value,
                                            ObligationState.LATE.value]))
    elif state:
        stmt = stmt.where(state_of(on) == ObligationState(state).value)
    return stmt.order_by(ReportObligation.due_on, ReportObligation.id)
