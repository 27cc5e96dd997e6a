"""What a PM may change on a project under way, and HQ's decision on what exceeds the limits.

Limits (settings, `tracker/settings/catalogue.py`):
- money moved between budget lines on the PM's word adds up over the project's life; a move
  that takes the sum above `BUDGET_CHANGE_THRESHOLD_PCT` of the total waits for HQ (two moves
  of 6 % of a 10 % limit: the second waits);
- the end date moves on the PM's word by at most `REBASELINE_APPROVAL_DAYS` from the approved
  baseline's end date;
- the total, a handover asked by the PM, and a new member who sits on one of the project's
  open panels always wait for HQ; the technical route and the team otherwise are the PM's.
What waits for HQ climbs the institute's approval levels first (`tracker.approvals`: state
`ENDORSING`, then `PENDING` once endorsed, or `RETURNED` / `WITHDRAWN`), except a handover the
PM asks for, which the director decides as HQ does.
Every request is audited on the project with what changes, before and after.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.approvals import chain
from tracker.approvals.models import ApprovalStep, RequestState, Subject
from tracker.audit import services as audit
from tracker.budgets import services as budgets
from tracker.changes import plan
from tracker.changes.models import ChangeKind, ChangeRequest, ChangeState
from tracker.dates import today
from tracker.display.labels import label
from tracker.errors import Invalid, Problems, Refused, require
from tracker.money import cents
from tracker.notifications.services import emit
from tracker.projects import services as proposals
from tracker.projects import team
from tracker.projects.closed import closed, plan_refusal
from tracker.projects.models import Project
from tracker.settings import catalogue
from tracker.settings import services as settings


def _open(actor: User, project: Project, kind: ChangeKind, reason: str, params: dict,
          before: dict, after: dict, why: dict | None, moved: Decimal | None = None,
          ) -> ChangeRequest:
    """Record the request; apply it now when nothing needs HQ. `before` and `after` name the
    project's own fields, valued as its audit records value them (ids for people), so its
    history and the request's page read them alike. `why`: what makes it wait for HQ
    (`ChangeRequest.why_hq` says it in the reader's language), None within the limits."""
    needs_hq = why is not None
    if needs_hq:
        params = {**params, "why": why}
    # What HQ decides climbs the institute's levels first (tracker/approvals); a handover the
    # PM asks for does not: the director decides it as HQ does.
    endorsed_first = needs_hq and kind is not ChangeKind.HANDOVER
    request = ChangeRequest(project_id=project.id, kind=kind, params=params, before=before,
                            after=after, reason=reason, requested_by_id=actor.id,
                            state=ChangeState.PENDING if needs_hq else ChangeState.APPLIED,
                            moved=None if needs_hq else moved)
    plan.ensure_baseline(project)
    db.session.add(request)
    db.session.flush()
    if not needs_hq:
        apply_change(actor, project, request)
    elif endorsed_first and chain.start(actor, project, Subject.CHANGE, request):
        request.state = ChangeState.ENDORSING
    changes = {"change": [None, kind.value], "change_state": [None, request.state.value],
               "reason": [None, reason]}
    changes.update({k: [before.get(k), v] for k, v in after.items()})
    audit.record(actor, "change.request" if needs_hq else "change.apply", project, changes)
    db.session.flush()
    if request.is_pending:
        emit(actor, "change_waiting", request)
    return request


def to_hq(actor: User, request: ChangeRequest) -> None:
    """The institute endorsed the change: it waits for HQ's decision."""
    request.state = ChangeState.PENDING
    audit.record(actor, "change.endorsed", request.project, {
        "change": [request.kind.value, request.kind.value],
        "change_state": [ChangeState.ENDORSING.value, request.state.value]})
    db.session.flush()
    emit(actor, "change_waiting", request)


def closed_at_institute(actor: User, request: ChangeRequest, state: RequestState,
                        step: ApprovalStep | None) -> None:
    """Returned by an approver (with their opinion as the reason), or withdrawn by its PM:
    nothing changes; the PM asks again if they still want it."""
    returned = state is RequestState.RETURNED
    request.state = ChangeState.RETURNED if returned else ChangeState.WITHDRAWN
    if returned and step is not None:
        request.decided_by_id, request.decided_at = actor.id, db.utcnow()
        request.decision_reason = step.opinion
    audit.record(actor, "change.return" if returned else "change.withdraw", request.project, {
        "change": [request.kind.value, request.kind.value],
        "change_state": [ChangeState.ENDORSING.value, request.state.value]})
    db.session.flush()
    if returned:
        emit(actor, "change_decided", request)


def apply_change(actor: User, project: Project, request: ChangeRequest) -> None:
    """The change in effect: at once within the limits, or when approved (then or by a
    correction of its refusal, `tracker.changes.corrections`)."""
    if request.kind is ChangeKind.HANDOVER:
        plan.apply_handover(actor, project, request.params, request.reason)
    else:
        plan.APPLY[request.kind](project, request.params)
    db.session.flush()


def _start(actor: User, project: Project, reason: str) -> str:
    require(ChangeRequest.can_request(actor, project), lambda: plan_refusal(project))
    if not reason.strip():
        raise Invalid("reason", _("Say why the plan changes."))
    return reason.strip()


# The kinds asked only while no other change of the same plan waits (a team's change waits
# only for one about the same person: `people_waiting`; a route is asked any time).
WAITS = (ChangeKind.BUDGET_MOVE, ChangeKind.BUDGET_TOTAL, ChangeKind.END_DATE,
         ChangeKind.HANDOVER)


def waiting_refusal(project: Project, kind: ChangeKind) -> str | None:
    """Why a change of `kind` can't be asked now (another of the same plan waits), said on
    the project's page of changes: in place of its form, and when a stale form is sent (409);
    None when it can."""
    if kind not in WAITS:
        return None
    waiting = plan.pending_of(project, plan.same_plan(kind))
    return None if waiting is None else plan.waiting_refusal(waiting, here=True)


def people_waiting(project: Project) -> dict[int, ChangeRequest]:
    """The people a change not decided is about (added, removed, handed the project), each
    with that change: one statement, whatever the team."""
    return {r.params["user_id"]: r for r in reversed(plan.pending_list(project))
            if r.params.get("user_id") is not None}


def _no_pending(project: Project, kind: ChangeKind) -> None:
    if (said := waiting_refusal(project, kind)) is not None:
        raise Refused(said)


def move_budget(actor: User, project: Project, *, from_line_id: int, to_line_id: int | None,
                amount: Decimal, reason: str, new_line: str = "") -> ChangeRequest:
    """Money from one budget line to another, or to a new line named `new_line` (when
    `to_line_id` is None), under the same limits: the new line is created when the move
    applies (at once, or when HQ approves it)."""
    reason = _start(actor, project, reason)
    _no_pending(project, ChangeKind.BUDGET_MOVE)
    problems = Problems()  # every problem at once, each beside its field
    source = problems.collect(plan.line_of, project, from_line_id, "from_line_id")
    if to_line_id is None:
        target, new_line = None, problems.collect(plan.check_new_line, project, new_line)
    else:
        target = problems.collect(plan.line_of, project, to_line_id, "to_line_id")
    if source is not None and source is target:
        problems.add("to_line_id", _("Choose another line than the one the money leaves."))
    if amount <= 0 or cents(amount) != amount:
        problems.add("amount", _("Give an amount of more than zero, in yuan and fen."))
    elif source is not None and (short := plan.short_of(source, amount)):
        problems.add("amount", short)
    elif source is not None and target is not None and "to_line_id" not in problems:
        plan.check_cap_after_move(project, source, target, amount, problems)
    problems.raise_any()
    limit = Decimal(settings.get(catalogue.BUDGET_CHANGE_THRESHOLD_PCT))
    moved = plan.moved_on_own_word(project) + amount
    share = moved * 100 / project.budget_total if project.budget_total else Decimal("100")
    why = None if share <= limit else {"share": f"{share:.2f}", "limit": f"{limit}"}
    before = plan.lines_of(project)
    after = [[c, f"{Decimal(a) - amount:.2f}" if i == project.budget_lines.index(source)
              else f"{Decimal(a) + amount:.2f}"
              if target is not None and i == project.budget_lines.index(target)
              else a] for i, (c, a) in enumerate(before)]
    if target is None:
        after.append([new_line, f"{amount:.2f}"])
    params = {"from_line_id": source.id, "to_line_id": target.id if target else None,
              "amount": f"{amount:.2f}"}
    if target is None:
        params["new_line"] = new_line
    return _open(actor, project, ChangeKind.BUDGET_MOVE, reason, params,
                 {"budget_lines": before}, {"budget_lines": after}, why, moved=amount)


def change_total(actor: User, project: Project, *, budget_total: Decimal,
                 reason: str) -> ChangeRequest:
    """The approved total is HQ's: a new one always waits for HQ."""
    reason = _start(actor, project, reason)
    _no_pending(project, ChangeKind.BUDGET_TOTAL)
    if budget_total < 0 or cents(budget_total) != budget_total:
        raise Invalid("budget_total", _("Give an amount of zero or more, in yuan and fen."))
    if budget_total == project.budget_total:
        raise Invalid("budget_total", _("This is the current total."))
    if over := budgets.lines_over_total(project.budget_allocated, budget_total):
        raise Invalid("budget_total", over)
    return _open(actor, project, ChangeKind.BUDGET_TOTAL, reason,
                 {"budget_total": f"{budget_total:.2f}"},
                 {"budget_total": f"{project.budget_total:.2f}"},
                 {"budget_total": f"{budget_total:.2f}"}, {})


def add_member(actor: User, project: Project, *, user_id: int, reason: str) -> ChangeRequest:
    """A new place, pending its holder's (or the director's) confirmation as on a proposal;
    someone who sits on one of the project's open panels waits for HQ, who sees why."""
    reason = _start(actor, project, reason)
    team.check_names(project.pm, project.institute_id, [user_id], project)
    seat = team.open_panel_seat(project, user_id)
    # A place already named but not confirmed, whose holder sits on an open panel, is asked
    # of HQ here too: it can't be confirmed until HQ has seen the conflict (`team.answer`).
    if user_id in project.team_ids and (seat is None or user_id in project.member_ids):
        raise Invalid("user_id", _("This person is on the team already."))
    if (waiting := people_waiting(project).get(user_id)) is not None:
        raise Refused(plan.waiting_refusal(waiting, here=True))
    why = None if seat is None else {"review": seat.name, "review_en": seat.name_en}
    before = sorted(project.team_ids - {user_id})
    return _open(actor, project, ChangeKind.TEAM_ADD, reason, {"user_id": user_id},
                 {"members": before}, {"members": sorted([*before, user_id])}, why)


def remove_member(actor: User, project: Project, *, user_id: int,
                  reason: str) -> ChangeRequest:
    reason = _start(actor, project, reason)
    if user_id not in project.team_ids:
        raise Invalid("user_id", _("Choose a member of the team."))
    before = sorted(project.team_ids)
    return _open(actor, project, ChangeKind.TEAM_REMOVE, reason, {"user_id": user_id},
                 {"members": before}, {"members": [u for u in before if u != user_id]}, None)


def change_route(actor: User, project: Project, *, technical_route: str,
                 reason: str) -> ChangeRequest:
    reason = _start(actor, project, reason)
    route = technical_route.strip()
    if not route or route == project.technical_route:
        raise Invalid("technical_route", _("Describe the new technical route."))
    return _open(actor, project, ChangeKind.ROUTE, reason, {"technical_route": route},
                 {"technical_route": project.technical_route}, {"technical_route": route},
                 None)


def change_end_date(actor: User, project: Project, *, end_date: date,
                    reason: str) -> ChangeRequest:
    reason = _start(actor, project, reason)
    _no_pending(project, ChangeKind.END_DATE)
    if end_date == project.end_date:
        raise Invalid("end_date", _("This is the current end date."))
    if end_date < project.start_date:
        raise Invalid("end_date", _("The end date is before the start date."))
    if end_date < today():
        raise Invalid("end_date", _("The project is under way: it ends today at the earliest. "
                                    "A project that stops early is closed at its gate."))
    proposals.milestones_within(project, project.start_date, end_date)
    approved = plan.ensure_baseline(project).end_date
    limit = int(settings.get(catalogue.REBASELINE_APPROVAL_DAYS))
    moved = abs((end_date - approved).days)
    why = None if moved <= limit else {"days": moved, "approved": approved.isoformat(),
                                       "limit": limit}
    return _open(actor, project, ChangeKind.END_DATE, reason, {"end_date": end_date.isoformat()},
                 {"end_date": project.end_date.isoformat()},
                 {"end_date": end_date.isoformat()}, why)


def hand_over(actor: User, project: Project, *, user_id: int, reason: str) -> ChangeRequest:
    """HQ or the director hands the project over at once; the PM asks them to."""
    require(project.can_hand_over(actor) or ChangeRequest.can_request(actor, project),
            lambda: plan_refusal(project))
    if project.can_hand_over(actor):
        if not reason.strip():
            raise Invalid("reason", _("Say why the plan changes."))
        reason, why = reason.strip(), None
    else:
        reason = _start(actor, project, reason)
        why = {}
    _no_pending(project, ChangeKind.HANDOVER)
    new_pm = plan.check_new_pm(project, db.session.get(User, user_id))
    return _open(actor, project, ChangeKind.HANDOVER, reason, {"user_id": new_pm.id},
                 {"pm_id": project.pm_id}, {"pm_id": new_pm.id}, why)


def requested_said(request: ChangeRequest) -> str:
    """Where the change just asked stands, said to whoever asked it: at the institute first, in
    effect at once, or waiting for the decision of HQ (a handover: HQ or the director)."""
    if request.is_endorsing:
        return _("The change goes to the institute first, then to HQ.")
    if not request.is_pending:
        return _("The change is in effect.")
    if request.kind is ChangeKind.HANDOVER:
        return _("The handover waits for the decision of HQ or the institute's director.")
    return _("The change waits for HQ's decision.")


def decide_refusal(request: ChangeRequest) -> str | None:
    """Why who decides (`ChangeRequest.can_decide`) can't decide `request` now: it waits at the
    institute, it was decided, or its project closed; None while it waits for them."""
    if request.state is ChangeState.ENDORSING:
        return _("This change waits at the institute: HQ decides it once endorsed.")
    if not request.is_pending:
        return _("This change is “%(state)s”: it was decided already, as this page shows. A "
                 "decision recorded by mistake is corrected with “Correct the decision”, with "
                 "the reason.", state=label(request.state))
    return closed(request.project) if request.project.is_read_only else None


def decide(actor: User, request: ChangeRequest, approve: bool, reason: str) -> None:
    """HQ approves (the change is applied, and the plan becomes the new baseline) or refuses
    with a reason (nothing changes)."""
    project = request.project
    require(request.can_decide(actor), lambda: decide_refusal(request))
    reason = reason.strip()
    if not approve and not reason:
        raise Invalid("reason", _("Say why the change is refused."))
    if approve:
        apply_change(actor, project, request)
        plan.take_baseline(project, request)
    request.state = ChangeState.APPROVED if approve else ChangeState.REFUSED
    request.decided_by_id, request.decided_at = actor.id, db.utcnow()
    request.decision_reason = reason
    changes = {"change": [request.kind.value, request.kind.value],
               "change_state": [ChangeState.PENDING.value, request.state.value],
               "decision_reason": [None, reason or None]}
    if approve:
        changes.update({k: [request.before.get(k), v] for k, v in request.after.items()})
    audit.record(actor, "change.approve" if approve else "change.refuse", project, changes)
    db.session.flush()
    emit(actor, "change_decided", request)
