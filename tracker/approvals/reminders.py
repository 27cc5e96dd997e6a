"""The open items of the reminder rule `approval_waiting` (tracker/reminders/rules.py): a
proposal or change request waiting for a signature at one of the institute's approval levels
(tracker/approvals). Signing it, or the submission closing, takes it out of the query, so its
reminders stop."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from tracker import db
from tracker.accounts.models import User
from tracker.approvals.models import (
    ApprovalDelegation,
    ApprovalRequest,
    ApprovalStep,
    RequestState,
)
from tracker.dates import local_date, org_zone, today
from tracker.db import inline
from tracker.organisations.models import Institute
from tracker.projects.models import Project
from tracker.reminders.items import Item, Query


def _submission(r: Any) -> dict[str, str]:
    """What an approver needs to know a submission by, beside its title: the institute, who
    submitted it and when, and a draft's provisional reference (a proposal at the institute
    has no code yet)."""
    return {"institute": r[10], **({"institute_en": r[11]} if r[11] else {}),
            "submitted_by": r[12], "submitted_on": local_date(r[13]).isoformat(),
            **({"draft_number": str(r[9])} if not r[4] and r[9] else {})}


def approvals_waiting(q: Query) -> list[Item]:
    """Signatures a submission waits for at its current level (tracker/approvals), counted
    from the day it reached that level; done once signed (or the submission closed). While
    the approver's delegation runs (on `q.on`), their delegate is reminded too, and the item
    is the delegate's as much as the approver's (`q.owner_id`)."""
    on = q.on or today()
    running = (ApprovalDelegation.cancelled_at.is_(None), ApprovalDelegation.starts_on <= on,
               ApprovalDelegation.ends_on >= on)
    submitter = aliased(User)
    stmt = (select(ApprovalStep.id, ApprovalRequest.level_since, Project.title, Project.id,
                   Project.code, ApprovalStep.approver_id, Institute.director_id,
                   ApprovalRequest.id, ApprovalRequest.submitted_by_id, Project.draft_number,
                   Institute.name, Institute.name_en, submitter.name,
                   ApprovalRequest.submitted_at)
            .join(ApprovalRequest, ApprovalRequest.id == ApprovalStep.request_id)
            .join(Project, Project.id == ApprovalRequest.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .join(submitter, submitter.id == ApprovalRequest.submitted_by_id)
            .where(ApprovalRequest.state == inline(ApprovalRequest.state, RequestState.PENDING),
                   ApprovalStep.level == ApprovalRequest.level, ApprovalStep.verdict.is_(None)))
    if q.until is not None:
        end = datetime.combine(q.until + timedelta(days=1), time(0), org_zone()).astimezone(UTC)
        stmt = stmt.where(ApprovalRequest.level_since < end)
    if q.owner_id is not None:
        # Their own signatures, and those they stand in for (never their own request's).
        stmt = stmt.where(or_(ApprovalStep.approver_id == q.owner_id, and_(
            ApprovalRequest.submitted_by_id != q.owner_id,
            ApprovalStep.approver_id.in_(select(ApprovalDelegation.principal_id).where(
                ApprovalDelegation.delegate_id == q.owner_id, *running)))))
    stmt = Query(item_ids=q.item_ids).apply(stmt, ApprovalStep.id, None, None)
    rows = list(db.session.execute(stmt))
    delegates: dict[int, list[tuple[int, str]]] = {}
    principals: dict[int, str] = {}
    if rows:
        principal = aliased(User)
        for principal_id, principal_name, delegate_id, name in db.session.execute(
                select(ApprovalDelegation.principal_id, principal.name, User.id, User.name)
                .join(User, User.id == ApprovalDelegation.delegate_id)
                .join(principal, principal.id == ApprovalDelegation.principal_id)
                .where(ApprovalDelegation.principal_id.in_({r[5] for r in rows}), *running)
                .order_by(ApprovalDelegation.id)):
            delegates.setdefault(principal_id, []).append((delegate_id, name))
            principals[principal_id] = principal_name
    items = []
    for r in rows:
        # Nobody is reminded to sign their own request, on anyone's behalf.
        standing = [(i, name) for i, name in delegates.get(r[5], []) if i != r[8]]
        items.append(Item(id=r[0], deadline=local_date(r[1]), title=r[2], project_id=r[3],
                          project=r[4] or "", owner_id=r[5], director_id=r[6],
                          stand_in_ids=tuple(i for i, _name in standing),
                          # the names one a line, listed in the reader's language when
                          # the e-mail is written (email/approval_waiting.*)
                          extra={**_submission(r), **({
                              "delegate": "\n".join(n for _i, n in standing),
                              "approver": principals[r[5]]} if standing else {})},
                          link=("approvals.show", {"request_id": r[7]})))
    return items
