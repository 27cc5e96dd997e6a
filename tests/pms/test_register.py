"""The register's transition table, pair by pair: every (state, step) either leads where the
table says or is refused, and nothing else is allowed."""

from __future__ import annotations

import itertools

import pytest

from tracker.pms.register import PmState, PmStep, RegisterRefused, check, steps_from

S, T = PmState, PmStep

# (from, step) -> to: the whole table, written out by hand.
ALLOWED = {
    (S.CANDIDATE, T.INTERVIEW): S.INTERVIEWED,
    (S.INTERVIEWED, T.INTERVIEW): S.INTERVIEWED,
    (S.CANDIDATE, T.DECLINE): S.NOT_APPOINTED,
    (S.INTERVIEWED, T.DECLINE): S.NOT_APPOINTED,
    (S.INTERVIEWED, T.APPOINT): S.APPOINTED,
    (S.APPOINTED, T.END): S.ENDED,
    (S.APPOINTED, T.RENEW): S.APPOINTED,
    (S.ENDED, T.RENEW): S.APPOINTED,
    (S.INTERVIEWED, T.WITHDRAW_INTERVIEW): S.CANDIDATE,
}
OFFERED = {step for step in PmStep if step is not T.WITHDRAW_INTERVIEW}  # the rest: on a row


@pytest.mark.parametrize(("state", "step"), list(itertools.product(PmState, PmStep)))
def test_each_pair_of_state_and_step(state, step):
    if (state, step) in ALLOWED:
        assert check(state, step) is ALLOWED[(state, step)]
        assert (step in steps_from(state)) is (step in OFFERED)
    else:
        with pytest.raises(RegisterRefused) as refused:
            check(state, step)
        assert (refused.value.source, refused.value.step) == (state, step)
        assert step not in steps_from(state)


def test_not_appointed_is_the_end_of_the_road():
    assert steps_from(S.NOT_APPOINTED) == []
    # a candidate is never appointed without an interview
    assert T.APPOINT not in steps_from(S.CANDIDATE)
