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

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User, with_roles
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
from tracker.dates import org_zone, today
from tracker.display.collation import ordered_rows
from tracker.display.formatting import day, on_day
from tracker.errors import Forbidden, Problems, Refused, require
from tracker.organisations.models import Institute
from tracker.projects import services as proposals
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project


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


def _directors() -> list[User]:
    return list(db.session.scalars(select(User).options(*with_roles()).where(
        User.id.in_(select(Institute.director_id).where(Institute.director_id.is_not(None))))))


def eligible_delegates(principal: User) -> list[User]:
    """Who may stand in for `principal`: an active user who signs at a level where the
    principal signs (its named approvers and, at a level the director signs, the directors
    of institutes), by name. Never the principal, never a limited expert account."""
    levels = configured_levels()
    directs = bool(principal.directed_institute_ids)
    theirs = [level for level in levels if (level.director and directs)
              or any(u.id == principal.id for u in level.approvers)]
    signers: dict[int, User] = {}
    if (directs and not levels) or any(level.director for level in theirs):
        signers.update((u.id, u) for u in _directors())
    for level in theirs:
        signers.update((u.id, u) for u in level.approvers)
    return sorted((u for u in signers.values() if u.id != principal.id and u.active
                   and not u.is_external_expert), key=lambda u: (u.name, u.id))


def _overlapping(principal: User, starts_on: date, ends_on: date) -> ApprovalDelegation | None:
    """A delegation of `principal` not ended that shares a day with the period given."""
    return db.session.scalar(select(ApprovalDelegation).where(
        ApprovalDelegation.principal_id == principal.id,
        ApprovalDelegation.cancelled_at.is_(None),
        ApprovalDelegation.starts_on <= ends_on, ApprovalDelegation.ends_on >= starts_on)
        .order_by(ApprovalDelegation.starts_on, ApprovalDelegation.id).limit(1))


def delegate(actor: User, *, delegate_id: int, starts_on: date,
             ends_on: date) -> ApprovalDelegation:
    """Lend `actor`'s signature to another user from `starts_on` to `ends_on`, both
    included: they see what waits for `actor` and sign on their behalf. The delegate signs
    at one of `actor`'s levels (`eligible_delegates`); one delegation at a time: periods of
    the same signer never overlap, so who signs on a given day is never in doubt."""
    if not can_delegate(actor):
        raise Forbidden(_("Only someone who signs approvals delegates their signature."))
    problems = Problems()
    other = db.session.get(User, delegate_id) if delegate_id else None
    if other is None or not other.active:
        problems.add("delegate_id", _("Choose an active user."))
    elif other.id == actor.id:
        problems.add("delegate_id", _("Choose someone else than yourself."))
    elif other.id not in {u.id for u in eligible_delegates(actor)}:
        problems.add("delegate_id", _("%(name)s does not sign at your approval levels: choose "
                                      "someone who does.", name=other.name))
    if ends_on < starts_on:
        problems.add("ends_on", _("The last day is before the first."))
    elif ends_on < today():
        problems.add("ends_on", _("The period is over already."))
    elif (found := _overlapping(actor, starts_on, ends_on)) is not None:
        problems.add("starts_on", _(
            "You have delegated to %(name)s from %(start)s to %(end)s already: choose days "
            "outside that period, or end that delegation first.", name=found.delegate.name,
            start=day(found.starts_on), end=day(found.ends_on)))
    problems.raise_any()
    delegation = ApprovalDelegation(principal_id=actor.id, delegate_id=other.id,
                                    starts_on=starts_on, ends_on=ends_on,
                                    created_by_id=actor.id)
    db.session.add(delegation)
    audit.record(actor, "approval.delegate", delegation)
    db.session.flush()
    return delegation


def cancel_refusal(delegation: ApprovalDelegation) -> str | None:
    """Why the delegation is not ended now: it was already; None while it may be."""
    if delegation.cancelled_at is not None:
        return _("This delegation was ended on %(date)s: there is nothing to end.",
                 date=on_day(delegation.cancelled_at))
    return None


def cancel_delegation(actor: User, delegation: ApprovalDelegation) -> None:
    require(delegation.can_cancel(actor), lambda: cancel_refusal(delegation))
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
    elif any(u.is_external_expert for u in approvers):
        problems.add("approver_ids", _("An external expert's account opens their reviews "
                                       "and nothing else: it signs no approval."))
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


def possible_approvers() -> list[Row]:
    """Who a level may name: active users, less the limited accounts of external experts. Their
    ids, names and e-mails, what the picker shows: a thousand users are a thousand short rows
    in one statement, not a thousand users with their roles and institutes."""
    return ordered_rows(db.session.execute(
        select(User.id, User.name, User.email)
        .where(User.active.is_(True),
               ~User.role_grants.any(RoleGrant.role == Role.EXTERNAL_EXPERT))
        .order_by(User.name, User.id)))


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


def move_refusal(level: ApprovalLevel, up: bool,
                 levels: list[ApprovalLevel] | None = None) -> str | None:
    """Why `level` can't move up (`up`) or down now: it is the first, or the last, of the chain
    `levels` (HQ's, read when not given); None while it can. The levels page offers a move only
    when this is None."""
    levels = configured_levels() if levels is None else levels
    index = next(i for i, found in enumerate(levels) if found.id == level.id)
    if up and index == 0:
        return _("“%(name)s” is the first level already: nothing comes before it. To put "
                 "another level first, move that one up.", name=level.shown("name"))
    if not up and index == len(levels) - 1:
        return _("“%(name)s” is the last level already: nothing comes after it. To put "
                 "another level last, move that one down.", name=level.shown("name"))
    return None


def move_level(actor: User, level: ApprovalLevel, up: bool) -> None:
    """Swap a level with the one before it (`up`) or after it; audited with both positions.
    Requests already submitted keep the order they were given."""
    if not ApprovalLevel.can_configure(actor):
        raise Forbidden()
    levels = configured_levels()
    if (said := move_refusal(level, up, levels)) is not None:
        raise Refused(said)
    index = next(i for i, found in enumerate(levels) if found.id == level.id)
    other_index = index - 1 if up else index + 1
    other = levels[other_index]
    # Positions are written out in order first: levels added at the same position swap too.
    for i, found in enumerate(levels, start=1):
        found.position = i
    level.position, other.position = other.position, level.position
    audit.record(actor, "approval.level_move", level,
                 {"position": [index + 1, other_index + 1]})
    db.session.flush()


def remove_level(actor: User, level: ApprovalLevel) -> None:
    """Requests already submitted keep the signatures they were given."""
    if not ApprovalLevel.can_configure(actor):
        raise Forbidden()
    audit.record(actor, "approval.level_remove", level, {
        "name": [level.name, None], "approvers": [[u.id for u in level.approvers], None]})
    db.session.delete(level)
    db.session.flush()


# --- what waits for someone -------------------------------------------------------------------


def waiting_for(user_id: Any, on: Any):
    """The steps user `user_id` may sign on `on`: their own at a request's current level, and
    those of the people whose delegation to them runs that day (a statement for the lot).
    Either value may be a bound parameter (the home page builds the statement once)."""
    principals = (select(ApprovalDelegation.principal_id).where(
        ApprovalDelegation.delegate_id == user_id, ApprovalDelegation.cancelled_at.is_(None),
        ApprovalDelegation.starts_on <= on, ApprovalDelegation.ends_on >= on))
    return (select(ApprovalStep).join(ApprovalRequest)
            .where(ApprovalRequest.state == db.inline(ApprovalRequest.state,
                                                      RequestState.PENDING),
                   ApprovalStep.level == ApprovalRequest.level,
                   ApprovalStep.verdict.is_(None),
                   ApprovalRequest.submitted_by_id != user_id,  # never one's own request
                   (ApprovalStep.approver_id == user_id)
                   | ApprovalStep.approver_id.in_(principals))
            .order_by(ApprovalRequest.level_since, ApprovalStep.id))


# A returned change is closed (the PM asks again, or lets it be): it stays in the applicant's
# "returned to me" list this many days. A returned proposal stays until it is submitted again.
RETURNED_CHANGE_DAYS = 30


def returned_since(on: date) -> datetime:
    """The instant from which a change returned is still listed on `on` (`returned_to`)."""
    return datetime.combine(on - timedelta(days=RETURNED_CHANGE_DAYS), time(0),
                            org_zone()).astimezone(UTC)


def returned_to(user_id: Any, since: Any):
    """The applicant's submissions returned with an opinion and not submitted again: a
    proposal still a draft with no later submission, a change returned since `since`
    (`returned_since`) with no later change submitted on its project (a statement). Either
    value may be a bound parameter (the home page builds the statement once)."""
    later = aliased(ApprovalRequest)
    return (select(ApprovalRequest).join(Project, Project.id == ApprovalRequest.project_id)
            .where(ApprovalRequest.submitted_by_id == user_id,
                   ApprovalRequest.state == db.inline(ApprovalRequest.state,
                                                      RequestState.RETURNED),
                   ~exists().where(later.project_id == ApprovalRequest.project_id,
                                   later.subject == ApprovalRequest.subject,
                                   later.id > ApprovalRequest.id),
                   or_(and_(ApprovalRequest.subject == db.inline(ApprovalRequest.subject,
                                                                 Subject.PROPOSAL),
                            Project.phase == db.inline(Project.phase, Phase.DRAFT)),
                       and_(ApprovalRequest.subject == db.inline(ApprovalRequest.subject,
                                                                 Subject.CHANGE),
                            ApprovalRequest.closed_at >= since)))
            .order_by(ApprovalRequest.closed_at.desc(), ApprovalRequest.id.desc()))
