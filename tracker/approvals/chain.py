"""The approval chain as records: submit to the institute's levels, sign (endorse or return
with an opinion), withdraw. Both subjects use it: `tracker.projects.services` and
`tracker.changes.services` start a chain here; `tracker.approvals.services` takes the users'
actions and, when a chain ends, does what follows for the proposal or the change.

Who signs is decided at submission (`start`): each level's named approvers and, where the
level says so, the director of the project's institute, less the applicant (nobody signs their
own request). A level left with nobody is passed over; a chain left with no level sends the
request to HQ at once, as before there were levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.approvals.models import (
    REQUEST_STATE_LABELS,
    ApprovalLevel,
    ApprovalRequest,
    ApprovalStep,
    RequestState,
    Subject,
    Verdict,
)
from tracker.audit import services as audit
from tracker.changes.models import ChangeRequest
from tracker.dates import today
from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.display.said import listed
from tracker.errors import Forbidden, Invalid, Refused, require
from tracker.notifications.services import emit
from tracker.projects.models import Project

# The chain when HQ has configured none: domain.md's "applicant -> institute (director) -> HQ".
DEFAULT_LEVEL_NAME = "研究所所长审核"
DEFAULT_LEVEL_NAME_EN = "Institute director"


@dataclass(frozen=True)
class LevelSpec:
    name: str
    name_en: str | None
    director: bool
    approver_ids: tuple[int, ...] = field(default_factory=tuple)


def configured_levels() -> list[ApprovalLevel]:
    return list(db.session.scalars(select(ApprovalLevel).order_by(ApprovalLevel.position,
                                                                  ApprovalLevel.id)))


def levels_for(subject: Subject) -> list[LevelSpec]:
    """The levels a `subject` climbs, in order: HQ's, or the default one when HQ set none."""
    levels = configured_levels()
    if not levels:
        return [LevelSpec(DEFAULT_LEVEL_NAME, DEFAULT_LEVEL_NAME_EN, True)]
    return [LevelSpec(level.name, level.name_en, level.director,
                      tuple(u.id for u in level.approvers))
            for level in levels if level.applies(subject)]


# --- the chain ---------------------------------------------------------------------------------


def start(actor: User, project: Project, subject: Subject,
          change: ChangeRequest | None = None) -> ApprovalRequest | None:
    """Send the applicant's proposal or change to the institute's levels; None when no level
    has anyone to sign it (the caller sends it on to HQ at once)."""
    director_id = project.institute.director_id
    steps: list[ApprovalStep] = []
    level = 0
    for spec in levels_for(subject):
        signers = ([director_id] if spec.director and director_id else []) + list(
            spec.approver_ids)
        signers = [u for u in dict.fromkeys(signers) if u != actor.id]
        if not signers:
            continue
        steps += [ApprovalStep(level=level, level_name=spec.name, level_name_en=spec.name_en,
                               approver_id=u) for u in signers]
        level += 1
    if not steps:
        return None
    request = ApprovalRequest(project_id=project.id, subject=subject,
                              change_request_id=change.id if change else None,
                              state=RequestState.PENDING, level=0, level_since=db.utcnow(),
                              submitted_by_id=actor.id, steps=steps)
    db.session.add(request)
    db.session.flush()
    # The read-only lists of submissions, read already, are read again with this one.
    db.session.expire(project, ["approvals"])
    if change is not None:
        db.session.expire(change, ["approvals"])
    audit.record(actor, "approval.submit", project, {
        "approval": [None, subject.value], "approval_state": [None, request.state.value],
        "approvers": [None, sorted({s.approver_id for s in steps if s.level == 0})]})
    db.session.flush()
    emit(actor, "approval_to_sign", request)
    return request


def _signable(actor: User, request: ApprovalRequest) -> ApprovalStep:
    require(request.can_sign(actor, today()), lambda: pending_refusal(request),
            _("This request does not wait for your signature (nobody signs their own request, "
              "not even on someone else's behalf)."))
    step = request.step_for(actor, today())
    if step is None:
        signed = next((s for s in request.current_steps if s.verdict is not None and actor.id
                       in (s.signed_by_id, s.approver_id)), None)
        if signed is not None:
            raise Refused(_("You signed at this level on %(date)s (%(verdict)s); it waits for "
                            "the others to sign: %(names)s.", date=on_day(signed.signed_at),
                            verdict=label(signed.verdict), names=listed(
                                s.approver.name for s in request.current_steps
                                if s.verdict is None)))
        raise Forbidden(_("This request does not wait for your signature."))
    return step


def _state_word(request: ApprovalRequest) -> str:
    return str(REQUEST_STATE_LABELS[request.state]).lower()


def sign(actor: User, request: ApprovalRequest, verdict: Verdict, opinion: str) -> ApprovalStep:
    """Record `actor`'s signature at the current level (their own, or as a delegate): the last
    endorsement of a level moves the request to the next level, that of the last level passes
    it; a return closes it. What that does to the proposal or change is the caller's."""
    opinion = opinion.strip()
    if verdict is Verdict.RETURN and not opinion:
        raise Invalid("opinion", _("Say why it goes back: the applicant reads your opinion."))
    step = _signable(actor, request)
    now = db.utcnow()
    step.verdict, step.opinion, step.signed_by_id, step.signed_at = (
        verdict, opinion, actor.id, now)
    changes = {"approval": [None, request.subject.value], "verdict": [None, verdict.value],
               "opinion": [None, opinion or None]}
    if step.approver_id != actor.id:
        changes["on_behalf_of"] = [None, step.approver_id]
    project = request.project
    next_level = False
    if verdict is Verdict.RETURN:
        _close(request, RequestState.RETURNED)
    elif all(s.verdict is Verdict.ENDORSE for s in request.current_steps):
        if any(s.level > request.level for s in request.steps):
            request.level += 1
            request.level_since = now
            next_level = True
        else:
            _close(request, RequestState.PASSED)
    changes["approval_state"] = [RequestState.PENDING.value, request.state.value]
    audit.record(actor, "approval.endorse" if verdict is Verdict.ENDORSE else "approval.return",
                 project, changes)
    db.session.flush()
    if next_level:
        emit(actor, "approval_to_sign", request)
    elif verdict is Verdict.RETURN:
        emit(actor, "approval_returned", request)
    return step


def signed_said(request: ApprovalRequest) -> str:
    """What the signature just recorded did to `request`, said to whoever signed: returned to
    the applicant, passed on to HQ, or waiting for the level's other signatures."""
    if request.state is RequestState.RETURNED:
        return _("Returned to the applicant with your opinion.")
    if request.state is RequestState.PASSED:
        return _("Endorsed: it goes on to HQ.")
    return _("Endorsed: it waits for the other signatures.")


def pending_refusal(request: ApprovalRequest) -> str | None:
    """Why nothing more is done with the request at the institute (signed, withdrawn): it no
    longer waits there (passed, returned, withdrawn); None while it does. The first refusal of
    a signature and of a withdrawal."""
    if request.is_pending:
        return None
    return _("This request no longer waits at the institute: it was %(state)s.",
             state=_state_word(request))


def withdrawal_refusal(request: ApprovalRequest) -> str | None:
    """Why the applicant (`can_withdraw`) can't take the request back now: it no longer waits
    at the institute, or an approver has acted on it; None while they can."""
    if (said := pending_refusal(request)) is not None:
        return said
    if request.acted:
        first = min((s for s in request.steps if s.verdict is not None),
                    key=lambda s: s.signed_at)
        return _("%(name)s acted on it on %(date)s (%(verdict)s): it can no longer be "
                 "withdrawn.", name=(first.signed_by or first.approver).name,
                 date=on_day(first.signed_at), verdict=label(first.verdict))
    return None


def withdraw(actor: User, request: ApprovalRequest) -> None:
    """The applicant takes the request back (撤回) while nobody has acted on it."""
    require(request.can_withdraw(actor), lambda: withdrawal_refusal(request))
    _close(request, RequestState.WITHDRAWN)
    audit.record(actor, "approval.withdraw", request.project, {
        "approval": [None, request.subject.value],
        "approval_state": [RequestState.PENDING.value, request.state.value]})
    db.session.flush()


def _close(request: ApprovalRequest, state: RequestState) -> None:
    request.state = state
    request.closed_at = db.utcnow()
