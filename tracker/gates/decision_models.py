"""A gate's decision: its outcome (GO, CONDITIONAL GO, HOLD, RECYCLE, KILL), research
acceptance's official conclusion, and the decision record itself (tracker/gates/decisions.py
records it); the states of a review, and what its evaluators declare and recommend.
`tracker.gates.models` re-exports these names."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ColumnElement, ForeignKey, Numeric, Text, select
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from tracker.db import Base, UTCDateTime, str_enum, utcnow
from tracker.gates.condition_models import ConditionState
from tracker.projects.lifecycle import Phase

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.gates.condition_models import Condition
    from tracker.gates.models import GateReview
    from tracker.imports.models import ImportRun

class Outcome(enum.StrEnum):
    GO = "go"
    CONDITIONAL_GO = "conditional_go"
    HOLD = "hold"
    RECYCLE = "recycle"
    KILL = "kill"


OUTCOME_LABELS = {
    Outcome.GO: _l("GO"),
    Outcome.CONDITIONAL_GO: _l("CONDITIONAL GO"),
    Outcome.HOLD: _l("HOLD"),
    Outcome.RECYCLE: _l("RECYCLE"),
    Outcome.KILL: _l("KILL"),
}


# Research acceptance (验收, gate 2) ends with one of three official conclusions, each
# recorded as the outcome it means for the project.
ACCEPTANCE_GATE = 2


class Conclusion(enum.StrEnum):
    PASSED = "passed"  # 通过验收
    RECONSIDER = "reconsider"  # 需要复议
    FAILED = "failed"  # 不通过验收


CONCLUSION_LABELS = {
    Conclusion.PASSED: _l("Passed acceptance"),
    Conclusion.RECONSIDER: _l("To be reconsidered"),
    Conclusion.FAILED: _l("Failed acceptance"),
}

CONCLUSION_OUTCOME = {
    Conclusion.PASSED: Outcome.GO,
    Conclusion.RECONSIDER: Outcome.RECYCLE,
    Conclusion.FAILED: Outcome.KILL,
}
OUTCOME_CONCLUSION = {outcome: conclusion for conclusion, outcome in CONCLUSION_OUTCOME.items()}


def outcomes_at(gate: int) -> tuple[Outcome, ...]:
    """What a gate may decide, and its evaluators recommend: at research acceptance the
    outcomes of its three conclusions (no HOLD, no CONDITIONAL GO), elsewhere all five."""
    if gate == ACCEPTANCE_GATE:
        return tuple(CONCLUSION_OUTCOME.values())
    return tuple(Outcome)


def outcome_word(gate: int, value: enum.Enum) -> str:
    """An outcome or a recommendation (the same values) in the gate's own words: research
    acceptance's conclusion (通过验收, ...) at gate 2, else GO, HOLD, ..."""
    outcome = Outcome(value.value)
    if gate == ACCEPTANCE_GATE and outcome in OUTCOME_CONCLUSION:
        return str(CONCLUSION_LABELS[OUTCOME_CONCLUSION[outcome]])
    return str(OUTCOME_LABELS[outcome])


# The states of a review and what its panel declares and recommends (the review, its panel
# and their corrections read them: `tracker.gates.correction_models` as much as the models).

class ReviewState(enum.StrEnum):
    REQUESTED = "requested"  # the PM asked; HQ has not named a panel yet
    OPEN = "open"  # a panel reviews
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


# A review requested or being scored: the gate's step under way (the project page shows it as
# such, never as a requirement unmet), and no second review of the project may start.
UNDER_WAY = (ReviewState.REQUESTED, ReviewState.OPEN)


REVIEW_STATE_LABELS = {
    ReviewState.REQUESTED: _l("Requested: panel to be named"),
    ReviewState.OPEN: _l("Under review"),
    ReviewState.DECIDED: _l("Decided"),
    ReviewState.WITHDRAWN: _l("Withdrawn"),
}


def panel_refusal(state: ReviewState) -> str | None:
    """Why a review in `state` takes no panel any more (decided or withdrawn), said before
    its form is offered (`tracker.gates.views.panel`); None while requested or open."""
    if state in (ReviewState.REQUESTED, ReviewState.OPEN):
        return None
    return not_open(state)


def not_open(state: ReviewState) -> str:
    """Why a review that is not open takes no panel, declaration, score or decision: its state
    in the reader's words, and what is done instead (issue 9 point 6)."""
    shown = str(REVIEW_STATE_LABELS[state])
    if state is ReviewState.REQUESTED:
        return _("This review is “%(state)s”: nothing is recorded on it until HQ names its "
                 "panel.", state=shown)
    if state is ReviewState.DECIDED:
        return _("This review is “%(state)s”: nothing more is recorded on it. The chair or HQ "
                 "corrects its decision from the review's page.", state=shown)
    return _("This review is “%(state)s”: nothing more is recorded on it.", state=shown)


class Declaration(enum.StrEnum):
    NONE = "none"  # declares no conflict of interest: may see the material and score
    CONFLICT = "conflict"  # recused


DECLARATION_LABELS = {
    Declaration.NONE: _l("No conflict"),
    Declaration.CONFLICT: _l("Conflict declared"),
}


class Recommendation(enum.StrEnum):
    GO = "go"
    CONDITIONAL_GO = "conditional_go"
    HOLD = "hold"
    RECYCLE = "recycle"
    KILL = "kill"


RECOMMENDATION_LABELS = {
    Recommendation.GO: _l("GO"),
    Recommendation.CONDITIONAL_GO: _l("CONDITIONAL GO"),
    Recommendation.HOLD: _l("HOLD"),
    Recommendation.RECYCLE: _l("RECYCLE"),
    Recommendation.KILL: _l("KILL"),
}


class GateDecision(Base):
    """A decision of the panel. Never edited: a correction is a new row that supersedes it."""

    __tablename__ = "gate_decisions"
    __table_args__ = (
        CheckConstraint("(conclusion IS NULL AND completion_ratio IS NULL) OR "
                        "(conclusion IS NOT NULL AND completion_ratio IS NOT NULL AND "
                        "completion_ratio BETWEEN 0 AND 100)",
                        name="conclusion_with_ratio"),
        # Every correction says why, but those recorded before a reason was required.
        CheckConstraint("supersedes_id IS NULL OR correction_reason <> '' OR "
                        "unreasoned_before IS NOT NULL", name="correction_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("gate_reviews.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "outcome"))
    # Where GO led (gate 2 and 3 may complete the project instead of moving on).
    target_phase: Mapped[Phase | None] = mapped_column(str_enum(Phase, "target_phase"))
    rationale: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # Why a correction was made ('' on a first decision; `correct_decision` requires it).
    correction_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A correction recorded before a reason was required (migration 0102 marked them): the
    # day this database ran 0102, which may be long after reasons were required (0096), so
    # pages say the correction's own day instead of a reason never given ("no reason
    # recorded: corrected on ..."). None on every other decision.
    unreasoned_before: Mapped[date | None]
    revisit_date: Mapped[date | None]  # HOLD
    rework_due: Mapped[date | None]  # RECYCLE
    weighted_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # Research acceptance: the official conclusion, and the share of the task agreement's
    # targets met (per cent) it was judged on. None at the other gates.
    conclusion: Mapped[Conclusion | None] = mapped_column(str_enum(Conclusion, "conclusion"))
    completion_ratio: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # The scores and declarations the decision was taken on, as they were.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("gate_decisions.id"), unique=True
    )
    # A decision taken before the tracker, brought in by this import (decided_by: who imported).
    imported_in_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))

    review: Mapped[GateReview] = relationship(back_populates="decisions")
    decided_by: Mapped[User] = relationship()
    supersedes: Mapped[GateDecision | None] = relationship(remote_side=[id])
    imported_in: Mapped[ImportRun | None] = relationship()
    conditions: Mapped[list[Condition]] = relationship(
        back_populates="decision", order_by="Condition.id"
    )

    @property
    def verdict(self) -> Conclusion | Outcome:
        """What pages call the decision: research acceptance's official conclusion, else its
        outcome."""
        return self.conclusion or self.outcome

    @property
    def is_superseded(self) -> bool:
        return self.review.current_decision is not self

    @classmethod
    def in_force(cls, decision_id: Any = None) -> ColumnElement[bool]:
        """SQL of a decision in force, `not is_superseded`: no correction supersedes it (each
        supersedes the one before it, so the review's `current_decision`, its last, is the
        one none supersedes). `decision_id`: the column naming the decision (a condition's
        `decision_id`), by default the decision's own id. Every query of decisions or their
        conditions in force asks it: one NOT IN of the superseded ids, which both databases
        read once a statement (a correlated NOT EXISTS read them again for each row on SQLite,
        whose table has no index on `supersedes_id`)."""
        later = aliased(cls)
        superseded = select(later.supersedes_id).where(later.supersedes_id.is_not(None))
        return (cls.id if decision_id is None else decision_id).not_in(superseded)

    def can_correct(self, user: User) -> bool:
        """The chair who may decide the review, or an HQ admin, corrects its decision."""
        return self.review.can_decide(user) or user.is_hq_admin

    @property
    def carried_conditions(self) -> list[Condition]:
        """What a correction starts with and carries forward: the conditions nobody has
        acted on (the others are met or cleared, and stay so)."""
        return [c for c in self.conditions if c.state is ConditionState.OPEN]

    @staticmethod
    def as_given(outcome: Outcome, target: Phase | None,
                 fields: dict[str, Any]) -> dict[str, Any]:
        """What a correction of `outcome` leading to `target`, with `fields` as
        `tracker.gates.decisions.correct_decision` takes them, would say, as `as_decided` says
        it: the two compared (`tracker.corrections.differences`), nothing that differs is no
        new decision (`tracker.corrections.changed`)."""
        conclusion = fields.get("conclusion")
        return {"outcome": outcome, "target_phase": target, "conclusion": conclusion,
                "completion_ratio": fields.get("completion_ratio") if conclusion else None,
                "revisit_date": fields.get("revisit_date") if outcome is Outcome.HOLD else None,
                "rework_due": fields.get("rework_due") if outcome is Outcome.RECYCLE else None,
                "rationale": (fields.get("rationale") or "").strip(),
                "override_reason": (fields.get("override_reason") or "").strip(),
                "conditions": sorted((c["text"].strip(), c["owner"].id, c["due_date"])
                                     for c in fields.get("conditions") or [])}

    def as_decided(self) -> dict[str, Any]:
        """What this decision says, as a correction compares it (`as_given`): its outcome and
        phase, conclusion and ratio, dates, texts and the conditions a correction carries."""
        return {"outcome": self.outcome, "target_phase": self.target_phase,
                "conclusion": self.conclusion, "completion_ratio": self.completion_ratio,
                "revisit_date": self.revisit_date, "rework_due": self.rework_due,
                "rationale": self.rationale, "override_reason": self.override_reason,
                "conditions": sorted((c.text, c.owner_id, c.due_date)
                                     for c in self.carried_conditions)}
