"""Why a milestone's work can't go on now (issue 9 point 6): progress posted, the milestone
submitted for review, a re-baseline decided by HQ. Each sentence is said by the service that
refuses and, before it, by the milestone's page in place of the form: who may act is the
model's predicate (`Milestone.can_post`, `can_manage`, `can_administer`), when is asked here.
What a move of the date asked became (`rebaselined_said`) is said here too, by its state."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.milestones.models import DONE, Milestone, MilestoneState, Rebaseline, RebaselineState
from tracker.projects.closed import open_refusal


def percent_refusal(percent: int | None) -> str | None:
    """Why `percent` is no milestone's progress (a post's, its correction's, an imported
    row's, whatever its state): none, or outside 0 to 100; None when it is one."""
    if percent is not None and 0 <= percent <= 100:
        return None
    return _("Give a percentage from 0 to 100.")


def progress_refusal(milestone: Milestone) -> str | None:
    """Why no progress is posted on `milestone` now: its project closed, it waits for its
    reviewer's answer, or it is accepted or waived; None while it is in work."""
    if (said := open_refusal(milestone.project)) is not None:
        return said
    if milestone.state is MilestoneState.SUBMITTED:
        return _("The milestone was submitted for review on %(date)s: wait for the reviewer's "
                 "answer.", date=on_day(milestone.submitted_at))
    if milestone.state in DONE:
        return _("This milestone is “%(state)s”: it takes no more progress. Plan a new "
                 "milestone for work still to do.", state=label(milestone.state))
    return None


def submit_refusal(milestone: Milestone) -> str | None:
    """Why its PM doesn't submit `milestone` for review now: as for progress, or no progress
    posted on it yet; None once it is in progress."""
    if (said := progress_refusal(milestone)) is not None:
        return said
    if milestone.state is MilestoneState.PLANNED:
        return _("This milestone is “%(state)s”: it cannot be submitted before progress is "
                 "posted on it. Post its progress first.", state=label(milestone.state))
    return None


def rebaselined_said(entry: Rebaseline) -> str:
    """What the move of the date just asked became, said to whoever asked: the date moved
    (within what they decide alone), or the move waits for HQ."""
    if entry.state is RebaselineState.APPROVED:
        return _("Due date moved.")
    return _("The move is longer than you may decide alone: it waits for HQ.")


def decision_refusal(entry: Rebaseline, approve: bool) -> str | None:
    """Why HQ doesn't approve the move (or, `approve` False, reject it) now: decided already,
    its project closed, or (to approve it) the milestone accepted or waived since it was
    asked; None when they can."""
    if entry.state is not RebaselineState.PENDING:
        return _("This move of the date is “%(state)s” already: ask for a new one if the date "
                 "must still change.", state=label(entry.state))
    if (said := open_refusal(entry.milestone.project)) is not None:
        return said
    if approve and entry.milestone.state in DONE:
        return _("The milestone was accepted or waived meanwhile: its date stays.")
    return None


@dataclass(frozen=True)
class Decision:
    """What the milestone's page offers on a re-baseline that waits for HQ."""

    approve: bool
    reject: bool
    refusal: str | None  # why it is not approved now, said beside what is offered


def decisions(user: User, rebaselines: list[Rebaseline]) -> dict[int, Decision]:
    """The re-baselines waiting for HQ that `user` decides, by id (none for whoever never
    decides one). A decided one is absent: its row says the decision, and offers its
    correction."""
    if not Milestone.can_administer(user):
        return {}
    offered = {}
    for entry in rebaselines:
        if entry.state is RebaselineState.PENDING:
            approve = decision_refusal(entry, approve=True)
            offered[entry.id] = Decision(approve=approve is None,
                                         reject=decision_refusal(entry, approve=False) is None,
                                         refusal=approve)
    return offered
