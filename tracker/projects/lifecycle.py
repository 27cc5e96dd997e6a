"""The project lifecycle: which phase may follow which, and by what kind of step.

Pure Python, no Flask, no session: the one place that decides transitions. The service
`tracker.projects.phases.change_phase` asks `check` before it moves any project.

    draft -> proposal_review --GO--> contract_research --GO--> investment_decision --GO-->
    spin_off --GO--> spun_off
    gate 1 KILL -> rejected; KILL elsewhere -> terminated; gate 2 or 3 may end in completed;
    HOLD -> on_hold --resume--> the phase it was held in; RECYCLE keeps the phase.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Phase(enum.StrEnum):
    DRAFT = "draft"
    PROPOSAL_REVIEW = "proposal_review"
    CONTRACT_RESEARCH = "contract_research"
    INVESTMENT_DECISION = "investment_decision"
    SPIN_OFF = "spin_off"
    SPUN_OFF = "spun_off"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    REJECTED = "rejected"


class Step(enum.StrEnum):
    """What moves a project: who may take it is the service's business, not the table's."""

    SUBMIT = "submit"  # the PM submits the proposal; gate 1 opens
    GO = "go"  # a gate decision GO or CONDITIONAL GO
    KILL = "kill"  # a gate decision KILL, or HQ ending a held project
    HOLD = "hold"  # a gate decision HOLD
    RESUME = "resume"  # HQ resumes a held project in the phase it was held in


# The phase each gate closes, by gate number.
GATE_PHASE = {
    1: Phase.PROPOSAL_REVIEW,
    2: Phase.CONTRACT_RESEARCH,
    3: Phase.INVESTMENT_DECISION,
    4: Phase.SPIN_OFF,
}
PHASE_GATE = {phase: gate for gate, phase in GATE_PHASE.items()}

# Phases in which work goes on and a gate can be held or killed.
ACTIVE = frozenset(GATE_PHASE.values())
# Nothing changes a project in these any more: it is read-only.
FINAL = frozenset({Phase.SPUN_OFF, Phase.COMPLETED, Phase.TERMINATED, Phase.REJECTED})
# A project never approved (gate 1 not passed): a proposal, not research with results.
NOT_APPROVED = frozenset({Phase.DRAFT, Phase.PROPOSAL_REVIEW, Phase.REJECTED})
# A proposal of today's people (gate 1 not decided): a project imported in any other phase is
# history, its PM and team named as they were then, wherever they are now (issue 13,
# `projects.services._validate`'s `history`).
PROPOSED = frozenset({Phase.DRAFT, Phase.PROPOSAL_REVIEW})
# A spin-off company may be recorded for a project once HQ decides to invest in it (gate 2 GO
# into investment decision), and for one that went on to spin off or ended completed.
SPIN_OFF_PHASES = frozenset({Phase.INVESTMENT_DECISION, Phase.SPIN_OFF, Phase.SPUN_OFF,
                             Phase.COMPLETED})


@dataclass(frozen=True)
class Transition:
    source: Phase
    target: Phase
    step: Step


def _build() -> dict[tuple[Phase, Phase], Transition]:
    table = [
        Transition(Phase.DRAFT, Phase.PROPOSAL_REVIEW, Step.SUBMIT),
        Transition(Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH, Step.GO),
        Transition(Phase.CONTRACT_RESEARCH, Phase.INVESTMENT_DECISION, Step.GO),
        Transition(Phase.CONTRACT_RESEARCH, Phase.COMPLETED, Step.GO),
        Transition(Phase.INVESTMENT_DECISION, Phase.SPIN_OFF, Step.GO),
        Transition(Phase.INVESTMENT_DECISION, Phase.COMPLETED, Step.GO),
        Transition(Phase.SPIN_OFF, Phase.SPUN_OFF, Step.GO),
        Transition(Phase.PROPOSAL_REVIEW, Phase.REJECTED, Step.KILL),
        Transition(Phase.ON_HOLD, Phase.TERMINATED, Step.KILL),
    ]
    for phase in ACTIVE:
        table.append(Transition(phase, Phase.ON_HOLD, Step.HOLD))
        table.append(Transition(Phase.ON_HOLD, phase, Step.RESUME))
        if phase is not Phase.PROPOSAL_REVIEW:
            table.append(Transition(phase, Phase.TERMINATED, Step.KILL))
    return {(t.source, t.target): t for t in table}


TRANSITIONS = _build()


class TransitionRefused(Exception):
    """Why a transition is not in the table. `code` says which rule, for translation."""

    def __init__(self, code: str, source: Phase, target: Phase) -> None:
        super().__init__(f"{code}: {source} -> {target}")
        self.code = code
        self.source = source
        self.target = target


def check(
    source: Phase, target: Phase, step: Step, held_phase: Phase | None = None
) -> Transition:
    """The transition, or TransitionRefused saying why it is not allowed."""
    if source in FINAL:
        raise TransitionRefused("final", source, target)
    if source == target:
        raise TransitionRefused("same_phase", source, target)
    transition = TRANSITIONS.get((source, target))
    if transition is None:
        raise TransitionRefused("not_in_table", source, target)
    if transition.step is not step:
        raise TransitionRefused("wrong_step", source, target)
    if step is Step.RESUME and target != held_phase:
        raise TransitionRefused("resume_elsewhere", source, target)
    return transition


def current_gate(phase: Phase) -> int | None:
    """The gate a project in `phase` works towards: gate 1 for a draft (submitting it requests
    the gate), the gate closing an active phase, none once the project is held or ended."""
    if phase is Phase.DRAFT:
        return 1
    return PHASE_GATE.get(phase)


def go_targets(phase: Phase) -> list[Phase]:
    """Where a GO at the gate closing `phase` may lead (gate 2 and 3 may complete the project)."""
    return [t.target for t in TRANSITIONS.values() if t.source is phase and t.step is Step.GO]


def kill_target(phase: Phase) -> Phase:
    return next(t.target for t in TRANSITIONS.values() if t.source is phase and t.step is Step.KILL)
