"""What people do with approvals: endorse or return a submission, withdraw their own, delegate
their signature; and HQ's configuration of the levels.

One code for both subjects (the records: `tracker.approvals.chain`). A proposal waits in draft
while it is at the institute; once the last level endorses it, its submission takes effect
(`tracker.projects.services.enter_review`: proposal review, its code, gate 1 requested). A
change request waits as `ENDORSING`; once endorsed it waits for HQ's decision as before
(`tracker.changes.services.to_hq`). A return or a withdrawal closes the submission: the PM
edits the draft and submits it again (a new submission, the chain from its first level), or
asks for the change again.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db
from tracker.accounts.models import User
from tracker.approvals import chain
from tracker.approvals.chain import DEFAULT_LEVEL_NAME, DEFAULT_LEVEL_NAME_EN, configured_levels
from tracker.approvals.models import (
    AppliesTo,
    ApprovalDelegation,
    ApprovalLevel,
    ApprovalRequest,
    ApprovalStep,
    RequestState,
    Subject,
    Verdict,
    level_approvers,
)
from tracker.audit import services as audit
from tracker.changes import services as changes
from tracker.dates import today
from tracker.errors import Forbidden, Problems, Refused
from tracker.projects import services as proposals


def endorse(actor: User, request: ApprovalRequest, opinion: str = "") -> None:
    """Sign for the current level; the last signature of a level sends the request to the
    next level, and that of the last level to HQ."""
    step = chain.sign(actor, request, Verdict.ENDORSE, opinion)
    _after(actor, request, step)


def return_(actor: User, request: ApprovalRequest, opinion: str) -> None:
    """Send it back to its applicant with an opinion: one return at a level is enough."""
    step = chain.sign(actor, request, Verdict.RETURN, opinion)
    _after(actor, request, step)


def withdraw(actor: User, request: ApprovalRequest) -> None:
    """The applicant takes the request back (撤回) while nobody has acted on it."""
    chain.withdraw(actor, request)
    _after(actor, request, None)


def _after(actor: User, request: ApprovalRequest, step: ApprovalStep | None) -> None:
    """What the end of a submission does to what was submitted."""
    if request.is_pending:
        return
    if request.subject is Subject.PROPOSAL:
        if request.state is RequestState.PASSED:
            proposals.enter_review(request.project)
        return
    change = request.change_request
    if request.state is RequestState.PASSED:
        changes.to_hq(actor, change)
    else:
        changes.closed_at_institute(actor, change, request.state, step)


# --- delegation ----------------------------------------------------------------------------------


def can_delegate(user: User) -> bool:
    """Anyone who may be asked to sign: a director, or someone a level names."""
    if user.directed_institute_ids:
        return True
    return db.session.scalar(select(level_approvers.c.level_id).where(
        level_approvers.c.user_id == user.id).limit(1)) is not None


def delegate(actor: User, *, delegate_id: int, starts_on: date,
             ends_on: date) -> ApprovalDelegation:
    """Lend `actor`'s signature to another user from `starts_on` to `ends_on`, both
    included: they see what waits for `actor` and sign on their behalf."""
    if not can_delegate(actor):
        raise Forbidden(_("Only someone who signs approvals delegates their signature."))
    problems = Problems()
    other = db.session.get(User, delegate_id) if delegate_id else None
    if other is None or not other.active:
        problems.add("delegate_id", _("Choose an active user."))
    elif other.id == actor.id:
        problems.add("delegate_id", _("Choose someone else than yourself."))
    if ends_on < starts_on:
        problems.add("ends_on", _("The last day is before the first."))
    elif ends_on < today():
        problems.add("ends_on", _("The period is over already."))
    problems.raise_any()
    delegation = ApprovalDelegation(principal_id=actor.id, delegate_id=other.id,
                                    starts_on=starts_on, ends_on=ends_on,
                                    created_by_id=actor.id)
    db.session.add(delegation)
    audit.record(actor, "approval.delegate", delegation)
    db.session.flush()
    return delegation


def cancel_delegation(actor: User, delegation: ApprovalDelegation) -> None:
    if not delegation.can_cancel(actor):
        if delegation.cancelled_at is not None:
            raise Refused(_("This delegation has been ended already."))
        raise Forbidden()
    delegation.cancelled_at = db.utcnow()
    audit.record(actor, "approval.undelegate", delegation)
    db.session.flush()


def delegations_of(user: User) -> list[ApprovalDelegation]:
    """What `user` lent and was lent, newest first."""
    return list(db.session.scalars(
        select(ApprovalDelegation).where((ApprovalDelegation.principal_id == user.id)
                                         | (ApprovalDelegation.delegate_id == user.id))
        .order_by(ApprovalDelegation.starts_on.desc(), ApprovalDelegation.id.desc())))


# --- HQ's configuration ----------------------------------------------------------------------


def add_level(actor: User, *, name: str, name_en: str | None, director: bool,
              approver_ids: list[int], applies_to: AppliesTo) -> ApprovalLevel:
    """A level after the others. The first one HQ adds keeps the default director level
    before it, written out, so the chain does not lose it silently."""
    if not ApprovalLevel.can_configure(actor):
        raise Forbidden()
    problems = Problems()
    if not name.strip():
        problems.add("name", _("Name the level."))
    approvers = [db.session.get(User, i) for i in dict.fromkeys(approver_ids)]
    if any(u is None or not u.active for u in approvers):
        problems.add("approver_ids", _("Choose active users."))
    if not director and not approvers:
        problems.add("approver_ids", _("Someone signs at each level: the institute director, "
                                       "named people, or both."))
    problems.raise_any()
    if not configured_levels():
        _insert_level(actor, 1, DEFAULT_LEVEL_NAME, DEFAULT_LEVEL_NAME_EN, True, [],
                      AppliesTo.ALL)
    position = (db.session.scalar(select(func.max(ApprovalLevel.position))) or 0) + 1
    return _insert_level(actor, position, name.strip(), (name_en or "").strip() or None,
                         director, approvers, applies_to)


def _insert_level(actor: User, position: int, name: str, name_en: str | None, director: bool,
                  approvers: list[User], applies_to: AppliesTo) -> ApprovalLevel:
    level = ApprovalLevel(position=position, name=name, name_en=name_en, director=director,
                          applies_to=applies_to, approvers=approvers)
    changes = audit.pending_changes(level)
    changes["approvers"] = [None, [u.id for u in approvers]]
    db.session.add(level)
    audit.record(actor, "approval.level_add", level, changes)
    db.session.flush()
    return level


def remove_level(actor: User, level: ApprovalLevel) -> None:
    """Requests already submitted keep the signatures they were given."""
    if not ApprovalLevel.can_configure(actor):
        raise Forbidden()
    audit.record(actor, "approval.level_remove", level, {
        "name": [level.name, None], "approvers": [[u.id for u in level.approvers], None]})
    db.session.delete(level)
    db.session.flush()


# --- what waits for someone -------------------------------------------------------------------


def waiting_for(user: User, on: date):
    """The steps `user` may sign on `on`: their own at a request's current level, and those of
    the people whose delegation to them runs that day (a statement for the lot)."""
    principals = (select(ApprovalDelegation.principal_id).where(
        ApprovalDelegation.delegate_id == user.id, ApprovalDelegation.cancelled_at.is_(None),
        ApprovalDelegation.starts_on <= on, ApprovalDelegation.ends_on >= on))
    return (select(ApprovalStep).join(ApprovalRequest)
            .where(ApprovalRequest.state == db.inline(ApprovalRequest.state,
                                                      RequestState.PENDING),
                   ApprovalStep.level == ApprovalRequest.level,
                   ApprovalStep.verdict.is_(None),
                   ApprovalRequest.submitted_by_id != user.id,  # never one's own request
                   (ApprovalStep.approver_id == user.id)
                   | ApprovalStep.approver_id.in_(principals))
            .order_by(ApprovalRequest.level_since, ApprovalStep.id))
