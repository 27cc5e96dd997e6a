"""The project's lifecycle drawn as a stepper: the phases of the main track and the gates between
them, each passed gate with its date and decision, and where the project is now.

Pure: it reads the project's phase, its gate reviews (with their decisions) and its phase
changes, all loaded by the project page's queries; no statement of its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.gates.decision_models import UNDER_WAY
from tracker.projects.lifecycle import FINAL, PHASE_GATE, Phase

if TYPE_CHECKING:
    from tracker.gates.models import GateDecision, GateReview
    from tracker.projects.models import PhaseChange, Project

# The main track, in order; on hold, completed, terminated and rejected are drawn as a mark on
# the phase the project was in.
TRACK = (Phase.DRAFT, Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH, Phase.INVESTMENT_DECISION,
         Phase.SPIN_OFF, Phase.SPUN_OFF)


@dataclass(frozen=True)
class Stage:
    phase: Phase
    state: str  # "done", "current" or "ahead"
    gate: int | None  # the gate that closes this phase
    decision: GateDecision | None  # that gate's latest standing decision, once decided


@dataclass(frozen=True)
class Stepper:
    stages: list[Stage]
    where: Phase  # the phase of the track the project is in (or was in when it stopped)
    stopped: Phase | None  # on hold, completed, terminated or rejected: the mark on `where`
    next_gate: int | None  # the gate the project works towards now
    # That gate's review once requested, until decided: the step under way (requested, or a
    # panel scoring), drawn as such and never as a requirement still to meet.
    under_way: GateReview | None = None


def _latest_decisions(reviews: Iterable[GateReview]) -> dict[int, GateDecision]:
    """Per gate, the standing decision of its last decided review."""
    found: dict[int, GateDecision] = {}
    for review in sorted(reviews, key=lambda r: r.id):
        decision = review.current_decision
        if decision is not None:
            found[review.gate] = decision
    return found


def _track_phase(project: Project, changes: Iterable[PhaseChange]) -> Phase:
    """The phase of the main track the project is in, or left when it was held or ended."""
    if project.phase in TRACK:
        return project.phase
    if project.phase is Phase.ON_HOLD and project.held_phase is not None:
        return project.held_phase
    left = [c.from_phase for c in changes if c.to_phase is project.phase and c.from_phase in TRACK]
    return left[-1] if left else Phase.DRAFT


def stepper(project: Project, changes: Iterable[PhaseChange]) -> Stepper:
    where = _track_phase(project, list(changes))
    position = TRACK.index(where)
    decisions = _latest_decisions(project.gate_reviews)
    stages = []
    for index, phase in enumerate(TRACK):
        gate = PHASE_GATE.get(phase)
        reached = index < position or (index == position and where is Phase.SPUN_OFF)
        state = "done" if reached else ("current" if index == position else "ahead")
        stages.append(Stage(phase, state, gate, decisions.get(gate) if gate else None))
    stopped = project.phase if project.phase not in TRACK else None
    active = project.phase not in FINAL and project.phase is not Phase.ON_HOLD
    next_gate = (1 if where is Phase.DRAFT else PHASE_GATE.get(where)) if active else None
    under_way = next((r for r in project.gate_reviews
                      if r.gate == next_gate and r.state in UNDER_WAY), None)
    return Stepper(stages, where, stopped, next_gate, under_way)
