"""A decision on a change request recorded by mistake, corrected by whoever decides it (issue 9
point 5): an approval undone (the plan it changed restored, and that plan the baseline again),
or a refusal turned into an approval (the change applied now, as an approval applies it). The
correction is a row of its own (`ChangeCorrection`) beside the decision it supersedes; both are
shown on the request's page, and the project's history says what changed and why.

A correction is refused, saying why, when later facts depend on the decision: the plan moved
since (another change, an edit), so what it restores or applies would overwrite them; or the
undoing breaks a rule of the plan (a milestone past the earlier end date, spending on a line
the change created, a project manager who may no longer lead it). Each applier checks again
what it checks when a change is applied (`tracker.changes.plan`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db, reversals
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.changes import plan, services
from tracker.changes.models import ChangeCorrection, ChangeKind, ChangeRequest, ChangeState
from tracker.dates import local_date
from tracker.display.formatting import day
from tracker.display.said import listed
from tracker.display.words import FIELDS
from tracker.errors import Invalid, Problems, Refused, require
from tracker.notifications.services import emit
from tracker.projects import services as proposals
from tracker.projects.closed import closed
from tracker.projects.models import Project
from tracker.spending.models import SpendingEntry


def current(project: Project, key: str) -> Any:
    """The project's value of `key` as a request's `before` and `after` keep it."""
    if key == "budget_lines":
        return plan.lines_of(project)
    if key == "budget_total":
        return f"{project.budget_total:.2f}"
    if key == "members":
        return sorted(project.team_ids)
    if key == "end_date":
        return project.end_date.isoformat()
    if key == "pm_id":
        return project.pm_id
    return getattr(project, key)


def correction_refusal(request: ChangeRequest) -> str | None:
    """Why the decision on `request` can't be corrected (the service refuses, the page says so
    instead of offering the form); None when it can."""
    if request.correction is not None:
        return _("This decision was corrected already, on %(date)s: the correction stands.",
                 date=day(local_date(request.correction.corrected_at)))
    project = request.project
    if project.is_read_only:
        return closed(project)
    if not request.is_decided:
        if request.state is ChangeState.APPLIED:
            return _("This change was within the project manager's limits and applied on their "
                     "word: no decision to correct. A new change request undoes it.")
        return _("This change has not been decided: there is no decision to correct. Approve "
                 "or refuse it on its page.")
    # An approval is undone on the plan it left; a refusal applied on the plan it kept.
    expected = request.before if request.correction_approves else request.after
    moved = [key for key, value in expected.items() if current(project, key) != value]
    if moved:
        return _("The plan has changed since this decision (%(what)s): correcting it would "
                 "overwrite what was done since. Ask for a new change instead.",
                 what=listed(str(FIELDS.get(key, key)) for key in moved))
    if request.correction_approves:
        waiting = plan.pending_of(project, plan.same_plan(request.kind))
        if waiting is not None:
            return plan.waiting_refusal(waiting)
    return None


def correct_decision(actor: User, request: ChangeRequest, reason: str) -> ChangeCorrection:
    """The decision on `request` superseded by its opposite, with the reason."""
    project = request.project
    require(request.decides(actor), lambda: correction_refusal(request))
    problems = Problems()
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    approve = request.correction_approves
    try:
        if approve:  # as an approval applies it
            services.apply_change(actor, project, request)
        else:
            _undo(actor, project, request, reason)
    except Invalid as invalid:  # a rule of the plan the undoing would break
        raise Refused(invalid.message) from None
    db.session.flush()
    plan.take_baseline(project, request)  # the plan HQ stands by now
    correction = ChangeCorrection(approved=approve, reason=reason, corrected_by_id=actor.id)
    request.correction = correction
    request.version = request.version + 1  # a stale page's correction is refused
    now = request.after if approve else request.before
    was = request.before if approve else request.after
    changes = {"change": [request.kind.value, request.kind.value],
               "change_state": [request.state.value, request.in_effect.value],
               "reason": [None, reason]}
    changes.update({key: [was.get(key), value] for key, value in now.items()})
    audit.record(actor, "change.correct", project, changes)
    emit(actor, "change_corrected", request)
    db.session.flush()
    return correction


def _undo(actor: User, project: Project, request: ChangeRequest, reason: str) -> None:
    """An approval corrected: what it applied, undone by the same appliers run back."""
    params, before = request.params, request.before
    if request.kind is ChangeKind.BUDGET_MOVE:
        _undo_move(project, params)
    elif request.kind is ChangeKind.BUDGET_TOTAL:
        plan.apply_budget_total(project, {"budget_total": before["budget_total"]})
    elif request.kind is ChangeKind.TEAM_ADD:
        plan.apply_team_remove(project, params)
    elif request.kind is ChangeKind.TEAM_REMOVE:
        plan.apply_team_add(project, params)
    elif request.kind is ChangeKind.ROUTE:
        plan.apply_route(project, {"technical_route": before["technical_route"]})
    elif request.kind is ChangeKind.END_DATE:
        earlier = date.fromisoformat(before["end_date"])
        proposals.milestones_within(project, project.start_date, earlier)
        plan.apply_end_date(project, {"end_date": before["end_date"]})
    else:
        plan.apply_handover(actor, project, {"user_id": before["pm_id"]}, reason)


def _undo_move(project: Project, params: dict) -> None:
    """Money moved back: into the line it left, out of the one it went to (a line the move
    created is removed, unless spending stands against it)."""
    amount = Decimal(params["amount"])
    if not params.get("new_line"):
        plan.apply_budget_move(project, {"from_line_id": params["to_line_id"],
                                         "to_line_id": params["from_line_id"],
                                         "amount": params["amount"]})
        return
    created = next(line for line in project.budget_lines
                   if line.category == params["new_line"])
    spent = db.session.scalar(select(func.min(SpendingEntry.spent_on)).where(
        SpendingEntry.budget_line_id == created.id))
    if spent is not None:
        raise Refused(_("Spending is recorded against the line “%(line)s” this change created, "
                        "the first on %(date)s: the line stays, and so does the change. To move "
                        "what is left back, ask for a new change of the budget.",
                        line=created.category, date=day(spent)))
    plan.line_of(project, params["from_line_id"], "from_line_id").amount += amount
    project.budget_lines.remove(created)

