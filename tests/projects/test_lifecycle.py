"""The transition table, pair by pair: allowed, or refused with the reason."""

from __future__ import annotations

import ast
import itertools

import pytest

from tests.source import tree as parsed
from tracker.projects import lifecycle
from tracker.projects.lifecycle import Phase, Step

P = Phase
# domain.md's lifecycle, written out independently of the table it checks.
ALLOWED = {
    (P.DRAFT, P.PROPOSAL_REVIEW): Step.SUBMIT,
    (P.PROPOSAL_REVIEW, P.CONTRACT_RESEARCH): Step.GO,
    (P.CONTRACT_RESEARCH, P.INVESTMENT_DECISION): Step.GO,
    (P.CONTRACT_RESEARCH, P.COMPLETED): Step.GO,
    (P.INVESTMENT_DECISION, P.SPIN_OFF): Step.GO,
    (P.INVESTMENT_DECISION, P.COMPLETED): Step.GO,
    (P.SPIN_OFF, P.SPUN_OFF): Step.GO,
    (P.PROPOSAL_REVIEW, P.REJECTED): Step.KILL,
    (P.CONTRACT_RESEARCH, P.TERMINATED): Step.KILL,
    (P.INVESTMENT_DECISION, P.TERMINATED): Step.KILL,
    (P.SPIN_OFF, P.TERMINATED): Step.KILL,
    (P.ON_HOLD, P.TERMINATED): Step.KILL,
    (P.PROPOSAL_REVIEW, P.ON_HOLD): Step.HOLD,
    (P.CONTRACT_RESEARCH, P.ON_HOLD): Step.HOLD,
    (P.INVESTMENT_DECISION, P.ON_HOLD): Step.HOLD,
    (P.SPIN_OFF, P.ON_HOLD): Step.HOLD,
    (P.ON_HOLD, P.PROPOSAL_REVIEW): Step.RESUME,
    (P.ON_HOLD, P.CONTRACT_RESEARCH): Step.RESUME,
    (P.ON_HOLD, P.INVESTMENT_DECISION): Step.RESUME,
    (P.ON_HOLD, P.SPIN_OFF): Step.RESUME,
}
FINAL = {P.SPUN_OFF, P.COMPLETED, P.TERMINATED, P.REJECTED}


def expected_refusal(source: Phase, target: Phase, step: Step) -> str | None:
    if source in FINAL:
        return "final"
    if source == target:
        return "same_phase"
    if (source, target) not in ALLOWED:
        return "not_in_table"
    if ALLOWED[(source, target)] is not step:
        return "wrong_step"
    return None


@pytest.mark.parametrize(("source", "target", "step"),
                         list(itertools.product(Phase, Phase, Step)),
                         ids=lambda v: v.value)
def test_every_pair_of_phases_by_every_step(source, target, step):
    held = target if step is Step.RESUME else None
    reason = expected_refusal(source, target, step)
    if reason is None:
        transition = lifecycle.check(source, target, step, held_phase=held)
        assert (transition.source, transition.target, transition.step) == (source, target, step)
    else:
        with pytest.raises(lifecycle.TransitionRefused) as refused:
            lifecycle.check(source, target, step, held_phase=held)
        assert refused.value.code == reason


def test_the_table_holds_exactly_the_lifecycle_of_the_domain():
    assert {k: t.step for k, t in lifecycle.TRANSITIONS.items()} == ALLOWED


def test_a_held_project_resumes_only_in_its_own_phase():
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.check(P.ON_HOLD, P.SPIN_OFF, Step.RESUME, held_phase=P.CONTRACT_RESEARCH)
    assert refused.value.code == "resume_elsewhere"


def test_go_targets_of_each_gate():
    assert lifecycle.go_targets(P.PROPOSAL_REVIEW) == [P.CONTRACT_RESEARCH]
    assert set(lifecycle.go_targets(P.CONTRACT_RESEARCH)) == {P.INVESTMENT_DECISION, P.COMPLETED}
    assert set(lifecycle.go_targets(P.INVESTMENT_DECISION)) == {P.SPIN_OFF, P.COMPLETED}
    assert lifecycle.go_targets(P.SPIN_OFF) == [P.SPUN_OFF]
    assert lifecycle.kill_target(P.PROPOSAL_REVIEW) is P.REJECTED
    assert lifecycle.kill_target(P.SPIN_OFF) is P.TERMINATED


def test_lifecycle_module_needs_no_flask_and_no_session():
    tree = parsed(lifecycle.__file__)
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("flask", "sqlalchemy", "tracker"))}


@pytest.mark.parametrize("phase, gate", [
    (P.DRAFT, 1), (P.PROPOSAL_REVIEW, 1), (P.CONTRACT_RESEARCH, 2),
    (P.INVESTMENT_DECISION, 3), (P.SPIN_OFF, 4), (P.ON_HOLD, None), (P.SPUN_OFF, None),
    (P.COMPLETED, None), (P.TERMINATED, None), (P.REJECTED, None),
])
def test_the_gate_each_phase_works_towards(phase, gate):
    assert lifecycle.current_gate(phase) == gate
