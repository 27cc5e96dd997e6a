"""What the pages read of the reports owed: a subject's obligations, and the network's list
(HQ: every institute; a director: their institutes') in one statement each."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.contracts.models import ResearchContract
from tracker.funding.models import FundingAgreement
from tracker.obligations.models import ObligationState, ReportObligation, ReportSubmission
from tracker.projects.models import Project

_LOAD = (selectinload(ReportObligation.submissions).selectinload(ReportSubmission.file),
         selectinload(ReportObligation.funding_agreement).selectinload(
             FundingAgreement.project).selectinload(Project.institute),
         selectinload(ReportObligation.contract).selectinload(
             ResearchContract.project).selectinload(Project.institute))


def of(subject: FundingAgreement | ResearchContract | None) -> list[ReportObligation]:
    """The obligations of an agreement or a contract, by due date."""
    if subject is None:
        return []
    column = (ReportObligation.funding_agreement_id if isinstance(subject, FundingAgreement)
              else ReportObligation.contract_id)
    return list(db.session.scalars(select(ReportObligation).where(column == subject.id)
                                   .options(*_LOAD)
                                   .order_by(ReportObligation.due_on, ReportObligation.id)))


def _project_id():
    return func.coalesce(FundingAgreement.project_id, ResearchContract.project_id)


def _in_state(stmt: Select, state: str, on: date) -> Select:
    """Keep the obligations in `state` on `on` (the rule of `ReportObligation.state`, in SQL)."""
    submitted = exists().where(ReportSubmission.obligation_id == ReportObligation.id)
    first_late = exists().where(ReportSubmission.obligation_id == ReportObligation.id,
                                ReportSubmission.submitted_on > ReportObligation.due_on)
    open_ = and_(ReportObligation.withdrawn_at.is_(None), ~submitted)
    if state == ObligationState.LATE:
        return stmt.where(open_, ReportObligation.due_on < on)
    if state == ObligationState.DUE:
        return stmt.where(open_, ReportObligation.due_on >= on)
    if state == "open":
        return stmt.where(open_)
    if state == ObligationState.SUBMITTED:
        return stmt.where(ReportObligation.withdrawn_at.is_(None), submitted, ~first_late)
    if state == ObligationState.SUBMITTED_LATE:
        return stmt.where(ReportObligation.withdrawn_at.is_(None), first_late)
    if state == ObligationState.WITHDRAWN:
        return stmt.where(ReportObligation.withdrawn_at.is_not(None))
    return stmt


def listing(user: User, on: date, state: str = "", institute_id: int | None = None,
            kind: str = "") -> list[ReportObligation]:
    """The network's obligations `user` may list, oldest due first, filtered."""
    stmt = (select(ReportObligation)
            .outerjoin(FundingAgreement,
                       FundingAgreement.id == ReportObligation.funding_agreement_id)
            .outerjoin(ResearchContract, ResearchContract.id == ReportObligation.contract_id)
            .join(Project, Project.id == _project_id())
            .options(*_LOAD))
    if not user.sees_whole_portfolio:
        stmt = stmt.where(Project.institute_id.in_(list(user.directed_institute_ids) or [-1]))
    if institute_id:
        stmt = stmt.where(Project.institute_id == institute_id)
    if kind:
        stmt = stmt.where(ReportObligation.kind == kind)
    stmt = _in_state(stmt, state, on)
    return list(db.session.scalars(stmt.order_by(ReportObligation.due_on, ReportObligation.id)))

