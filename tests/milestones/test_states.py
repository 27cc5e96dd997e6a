"""The milestone state machine as a table: every state by every action."""

from __future__ import annotations

import itertools

import pytest

from tracker.milestones.models import MilestoneState as S
from tracker.milestones.states import Action as A
from tracker.milestones.states import next_state

EXPECTED = {
    (S.PLANNED, A.UPDATE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.UPDATE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.RETURN): S.IN_PROGRESS,
    (S.PLANNED, A.WAIVE): S.WAIVED,
    (S.IN_PROGRESS, A.WAIVE): S.WAIVED,
    (S.SUBMITTED, A.WAIVE): S.WAIVED,
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(S, A)),
                         ids=lambda v: v.value)
def test_every_state_by_every_action(state, action):
    assert next_state(state, action) == EXPECTED.get((state, action))


def test_finished_milestones_never_move():
    for action in A:
        assert next_state(S.ACCEPTED, action) is None
        assert next_state(S.WAIVED, action) is None
