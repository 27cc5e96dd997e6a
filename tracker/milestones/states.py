"""The milestone state machine: which action moves a milestone from which state to which.

planned -> in progress -> submitted -> accepted, or returned for rework (back to in progress);
HQ may waive a milestone that is not accepted. Pure Python: no Flask, no session.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from tracker.milestones.models import MilestoneState as S


class Action(enum.StrEnum):
    UPDATE = "update"  # the PM posts progress
    SUBMIT = "submit"  # the PM submits it for review
    ACCEPT = "accept"  # the reviewer accepts it
    RETURN = "return"  # the reviewer returns it for rework, with a comment
    WAIVE = "waive"  # HQ waives it, with a reason


ACTION_LABELS = {
    Action.UPDATE: _l("updated"),
    Action.SUBMIT: _l("submitted"),
    Action.ACCEPT: _l("accepted"),
    Action.RETURN: _l("returned for rework"),
    Action.WAIVE: _l("waived"),
}


TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.PLANNED, Action.UPDATE): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.UPDATE): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Action.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Action.RETURN): S.IN_PROGRESS,
    (S.PLANNED, Action.WAIVE): S.WAIVED,
    (S.IN_PROGRESS, Action.WAIVE): S.WAIVED,
    (S.SUBMITTED, Action.WAIVE): S.WAIVED,
}


def next_state(state: S, action: Action) -> S | None:
    """The state `action` leads to from `state`, or None when it is not allowed."""
    return TRANSITIONS.get((state, action))
