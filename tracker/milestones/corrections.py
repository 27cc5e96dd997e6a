"""HQ's decision on a re-baseline recorded by mistake, corrected (issue 9 point 5): an approval
undone (the milestone due on its earlier date again) or a rejection turned into an approval (the
milestone moved now). The correction is a row of its own (`RebaselineCorrection`) beside the
decision it supersedes; the milestone's page shows both and its history says why.

It is refused, saying why, when later facts depend on the decision: the milestone was submitted,
accepted or waived since, or its date moved again; and the date it would be due on must still
fall within the project.
"""

from __future__ import annotations

from flask_babel import gettext as _

from tracker import db, reversals
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import local_date
from tracker.display.formatting import day
from tracker.errors import Problems, require
from tracker.milestones.models import (
    DONE,
    Milestone,
    MilestoneState,
    Rebaseline,
    RebaselineCorrection,
    RebaselineState,
)
from tracker.notifications.services import emit
from tracker.projects.closed import closed


def correction_refusal(entry: Rebaseline) -> str | None:
    """Why HQ's decision on `entry` can't be corrected (the service refuses, the page says so
    instead of offering the form); None when it can."""
    milestone = entry.milestone
    if entry.correction is not None:
        return _("This decision was corrected already, on %(date)s: the correction stands.",
                 date=day(local_date(entry.correction.corrected_at)))
    if milestone.project.is_read_only:
        return closed(milestone.project)
    if not entry.is_decided:
        if entry.state is RebaselineState.PENDING:
            return _("This re-baseline waits for a decision: there is none to correct. "
                     "Approve or reject it on the milestone's page.")
        return _("This move was within the project manager's limit and needed no decision: "
                 "there is none to correct. %(then)s", then=_move_again(milestone))
    if milestone.state in DONE:
        return _("The milestone was accepted or waived since, on the date it had then: that "
                 "date stays.")
    if milestone.state is MilestoneState.SUBMITTED:
        return _("The milestone is under review: nothing of it changes until its reviewer "
                 "answers.")
    later = [r for r in milestone.rebaselines if r.id > entry.id]
    standing = entry.old_date if entry.correction_approves else entry.new_date
    if later or milestone.due_date != standing:
        return _("The milestone's due date has moved since this decision (it is due on "
                 "%(date)s): correcting it would overwrite that move. %(then)s",
                 date=day(milestone.due_date), then=_move_again(milestone))
    project, wanted = milestone.project, _due_after(entry)
    if not project.start_date <= wanted <= project.end_date:
        return _("The milestone would be due on %(date)s, outside the project's dates, "
                 "%(start)s to %(end)s.", date=day(wanted), start=day(project.start_date),
                 end=day(project.end_date))
    return None


def _move_again(milestone: Milestone) -> str:
    """What moves the milestone's date now, said as the milestone's state allows."""
    if milestone.state in DONE:
        return _("The milestone was accepted or waived since: its date stays.")
    if milestone.state is MilestoneState.SUBMITTED:
        return _("Once its reviewer answers, a new re-baseline moves the date.")
    if any(r.state is RebaselineState.PENDING for r in milestone.rebaselines):
        return _("A re-baseline of it waits for HQ's decision: decide it on the milestone's "
                 "page.")
    return _("A new re-baseline moves the date.")


def _due_after(entry: Rebaseline):
    """The due date the correction leaves: the earlier one when an approval is undone."""
    return entry.new_date if entry.correction_approves else entry.old_date


def correct_rebaseline(actor: User, entry: Rebaseline, reason: str) -> RebaselineCorrection:
    """HQ's decision on `entry` superseded by its opposite, with the reason; the milestone's
    due date follows, and its version moves (a stale page's correction is refused)."""
    require(Milestone.can_administer(actor), lambda: correction_refusal(entry))
    problems = Problems()
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    milestone = entry.milestone
    before = milestone.due_date
    approved = entry.correction_approves
    correction = RebaselineCorrection(approved=approved, reason=reason,
                                      corrected_by_id=actor.id)
    entry.correction = correction
    milestone.due_date = _due_after(entry)
    audit.record(actor, "milestone.rebaseline_corrected", milestone, {
        "due_date": [before.isoformat(), milestone.due_date.isoformat()],
        "state": [entry.state.value, entry.in_effect.value], "reason": [None, reason]})
    emit(actor, "rebaseline_corrected", entry)
    db.session.flush()
    return correction
