"""Stage gates: templates HQ configures, reviews by a panel, scores, decisions (their
conditions are in `condition_models`)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import REVIEWING_ROLES
from tracker.db import Base, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.bilingual import Bilingual, in_reader_language
from tracker.experts.models import ExpertTitle
from tracker.gates.decision_models import (  # noqa: F401  (re-exported: one place to import from)
    ACCEPTANCE_GATE,
    CONCLUSION_LABELS,
    CONCLUSION_OUTCOME,
    DECLARATION_LABELS,
    OUTCOME_LABELS,
    RECOMMENDATION_LABELS,
    REVIEW_STATE_LABELS,
    UNDER_WAY,
    Conclusion,
    Declaration,
    GateDecision,
    Outcome,
    Recommendation,
    ReviewState,
    outcome_word,
    outcomes_at,
)
from tracker.projects.lifecycle import GATE_PHASE, Phase
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.gates.correction_models import PanelCorrection
    from tracker.projects.models import Project


class CriterionKind(enum.StrEnum):
    MUST = "must"  # pass/fail, a knock-out
    SHOULD = "should"  # scored on a scale, weighted


CRITERION_KIND_LABELS = {
    CriterionKind.MUST: _l("Must meet"),
    CriterionKind.SHOULD: _l("Should meet"),
}


class GateTemplate(Bilingual, Versioned, Base):
    """How HQ runs one gate. Reviews copy its criteria when they open, so later edits never
    change what an earlier panel scored."""

    __tablename__ = "gate_templates"
    __table_args__ = (
        CheckConstraint("gate BETWEEN 1 AND 4", name="gate_range"),
        CheckConstraint("min_trl IS NULL OR min_trl BETWEEN 1 AND 9", name="min_trl_range"),
        CheckConstraint("quorum >= 1", name="quorum_positive"),
        CheckConstraint("review_days >= 1", name="review_days_positive"),
        CheckConstraint("pass_threshold BETWEEN 0 AND 100", name="threshold_range"),
        CheckConstraint("min_experts >= 0", name="min_experts_not_negative"),
        CheckConstraint("min_outside_units >= 0", name="min_outside_units_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gate: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    # Weighted score, in per cent of the maximum, that GO needs.
    pass_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("60"))
    min_trl: Mapped[int | None] = mapped_column(Integer)
    quorum: Mapped[int] = mapped_column(Integer, default=3)
    review_days: Mapped[int] = mapped_column(Integer, default=14)
    # Names of the documents the PM must upload before the gate opens; English ones in order.
    required_deliverables: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_deliverables_en: Mapped[list[str] | None] = mapped_column(JSON)
    # What a panel must hold (tracker/experts/panels.py): at least `min_experts` experts of the
    # pool at `min_expert_title` or above, from at least `min_outside_units` units other than
    # the project's institute and partner enterprise. 0 / None: no such requirement.
    min_experts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    min_outside_units: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    min_expert_title: Mapped[ExpertTitle | None] = mapped_column(
        str_enum(ExpertTitle, "min_expert_title"))

    criteria: Mapped[list[GateCriterion]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="GateCriterion.position"
    )

    @property
    def phase(self) -> Phase:
        return GATE_PHASE[self.gate]

    def deliverable_shown(self, name: str) -> str:
        english = dict(zip(self.required_deliverables or [], self.required_deliverables_en or [],
                           strict=False))
        return in_reader_language(name, english.get(name))

    @staticmethod
    def can_configure(user: User) -> bool:
        return user.is_hq_admin


class GateCriterion(Bilingual, Base):
    __tablename__ = "gate_criteria"
    __table_args__ = (
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("scale_max >= 1", name="scale_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("gate_templates.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[CriterionKind] = mapped_column(str_enum(CriterionKind, "criterion_kind"))
    text: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str | None] = mapped_column(String(300))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    scale_max: Mapped[int] = mapped_column(Integer, default=5)

    template: Mapped[GateTemplate] = relationship(back_populates="criteria")


class GateReview(Bilingual, Base):
    __tablename__ = "gate_reviews"
    __table_args__ = (
        Index("ix_gate_reviews_state_due", "state", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    gate: Mapped[int] = mapped_column(Integer)
    phase: Mapped[Phase] = mapped_column(str_enum(Phase, "review_phase"))
    state: Mapped[ReviewState] = mapped_column(
        str_enum(ReviewState, "review_state"), default=ReviewState.REQUESTED
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date | None]
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Copied from the template when the review is requested.
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    pass_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    min_trl: Mapped[int | None] = mapped_column(Integer)
    quorum: Mapped[int] = mapped_column(Integer)
    # Bumped on every change: a decision taken on what someone saw earlier is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship(back_populates="gate_reviews")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    criteria: Mapped[list[ReviewCriterion]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewCriterion.position"
    )
    panel: Mapped[list[PanelMember]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="PanelMember.id"
    )
    decisions: Mapped[list[GateDecision]] = relationship(
        back_populates="review", order_by="GateDecision.id"
    )
    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="review", order_by="Deliverable.id"
    )

    def can_view(self, user: User) -> bool:
        """The project's viewers; and the panel (record only: `Project.can_review_material`),
        never with a stake, even one gained since."""
        return self.project.can_view(user) or (
            self.member(user) is not None and self.project.stake_of(user) is None)

    def can_see_material(self, user: User) -> bool:
        """Panel members see the material only after declaring no conflict."""
        member = self.member(user)
        if member is None:
            return self.project.can_view(user)
        if member.declaration is not Declaration.NONE:
            return False
        if user.is_external_expert:  # sees no project: the review's material, while open
            return self.state is ReviewState.OPEN and self.project.stake_of(user) is None
        # Evaluators only while the review is open: `Project.can_view`.
        return self.project.can_view(user)

    def can_see_panel(self, user: User) -> bool:
        """Who sits on the panel, chairs it, declared a conflict (评审专家名单保密): everyone who
        sees the review but the applicants, the project's PM and team, who read the panel's
        size and, once taken, the decision with its conditions; on the page and in histories."""
        project = self.project
        return user.id != project.pm_id and user.id not in project.member_ids

    @staticmethod
    def can_name_panel(user: User) -> bool:
        return user.is_hq_admin

    @staticmethod
    def can_list_own(user: User) -> bool:
        """An evaluator's (or an external expert's) list of the reviews they sit on."""
        return user.has_role(*REVIEWING_ROLES)

    @staticmethod
    def can_list_awaiting(user: User) -> bool:
        """The list of reviews awaiting a panel or a decision: HQ's, and a director's of their
        institutes (the dashboard's gate figures link to it)."""
        return user.sees_whole_portfolio or bool(user.directed_institute_ids)

    def member(self, user: User) -> PanelMember | None:
        return next((m for m in self.panel if m.user_id == user.id), None)

    @property
    def scoring_members(self) -> list[PanelMember]:
        return [m for m in self.panel if m.declaration is Declaration.NONE]

    @property
    def submitted_members(self) -> list[PanelMember]:
        return [m for m in self.scoring_members if m.submitted_at is not None]

    def can_decide(self, user: User) -> bool:
        """The chair records the decision (when they may: `decision_refusals.decide_refusal`)."""
        return self.chair_id == user.id

    @property
    def needs_new_panel(self) -> bool:
        """Open, but unable to reach a decision: the chair stepped aside, or too few
        evaluators without a conflict remain for the quorum. HQ changes the panel."""
        if self.state is not ReviewState.OPEN:
            return False
        eligible = [m for m in self.panel if m.declaration is not Declaration.CONFLICT]
        chair_recused = any(m.user_id == self.chair_id and m.declaration is Declaration.CONFLICT
                            for m in self.panel)
        return chair_recused or len(eligible) < self.quorum

    @property
    def awaits_decision(self) -> bool:
        """Open, and its panel as named able to reach the decision: its page has the chair's
        section for it (what still stops the chair: `decision_refusals.decide_refusal`)."""
        return self.state is ReviewState.OPEN and not self.needs_new_panel

    @property
    def is_acceptance(self) -> bool:
        return self.gate == ACCEPTANCE_GATE

    def word(self, value: enum.Enum | None) -> str:
        """An outcome or a recommendation as this gate names it (`outcome_word`)."""
        return outcome_word(self.gate, value) if value is not None else "—"

    @property
    def quorum_reached(self) -> bool:
        return len(self.submitted_members) >= self.quorum

    @property
    def imported(self) -> bool:
        """Decided before the tracker, brought in by an import: requested, as far as the
        tracker knows, the day its first decision was taken (`record_imported_decision`)."""
        return bool(self.decisions) and self.decisions[0].imported_in_id is not None

    @property
    def current_decision(self) -> GateDecision | None:
        """The decision in force: the last one recorded (each correction supersedes)."""
        return self.decisions[-1] if self.decisions else None


class ReviewCriterion(Bilingual, Base):
    """A criterion as it stood when the review opened."""

    __tablename__ = "review_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("gate_reviews.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[CriterionKind] = mapped_column(str_enum(CriterionKind, "review_criterion_kind"))
    text: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str | None] = mapped_column(String(300))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    scale_max: Mapped[int] = mapped_column(Integer)

    review: Mapped[GateReview] = relationship(back_populates="criteria")


class PanelMember(Versioned, Base):
    """An evaluator's place on a panel: their declaration and their scorecard. Both are the
    evaluator's to correct, with a reason, until the panel decides (`corrections`: each keeps
    what it replaced); a save on a stale copy is refused (the version)."""

    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("gate_reviews.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    declaration: Mapped[Declaration | None] = mapped_column(str_enum(Declaration, "declaration"))
    conflict_note: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recommendation: Mapped[Recommendation | None] = mapped_column(
        str_enum(Recommendation, "recommendation")
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    review: Mapped[GateReview] = relationship(back_populates="panel")
    user: Mapped[User] = relationship()
    scores: Mapped[list[Score]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="Score.criterion_id"
    )
    corrections: Mapped[list[PanelCorrection]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="PanelCorrection.id"
    )

    def can_read_note(self, user: User) -> bool:
        """A conflict note is for HQ admins and the evaluator who wrote it."""
        return user.is_hq_admin or user.id == self.user_id

    def can_declare(self, user: User) -> bool:
        """The evaluator declares their own interests (when they may:
        `decision_refusals.declare_refusal`)."""
        return user.id == self.user_id

    def can_score(self, user: User) -> bool:
        """The evaluator submits their own scorecard (when they may:
        `decision_refusals.score_refusal`)."""
        return user.id == self.user_id

    def can_correct_scores(self, user: User) -> bool:
        """The evaluator corrects their own submitted scorecard (when they may:
        `correction_models.scores_refusal`)."""
        return user.id == self.user_id

    def can_correct_declaration(self, user: User) -> bool:
        """The evaluator corrects their own declaration, a conflict declared wrongly or one
        they failed to declare (when they may: `correction_models.declaration_refusal`)."""
        return user.id == self.user_id

    def can_view_history(self, user: User) -> bool:
        """Its history (declarations and scorecards corrected, with their reasons): HQ-wide
        roles and the evaluator; not the project's people, as its conflict note."""
        return user.sees_whole_portfolio or user.id == self.user_id


class Score(Base):
    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("member_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("review_criteria.id"))
    # Must-meet criteria: passed; should-meet: value on 0..scale_max.
    passed: Mapped[bool | None] = mapped_column(Boolean)
    value: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    member: Mapped[PanelMember] = relationship(back_populates="scores")
    criterion: Mapped[ReviewCriterion] = relationship()


class Deliverable(Voidable, Base):
    """A document the PM uploaded for a gate's required deliverable. Until its gate's review
    is requested the PM corrects it, with the reason: its file replaced, or the deliverable
    taken off (`Voidable`: it stays, marked, and counts for its gate no more); then the panel
    reads it as it is (`tracker.gates.deliverables`)."""

    __tablename__ = "deliverables"
    __table_args__ = (void_whole(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    gate: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))  # which required deliverable
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("gate_reviews.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file: Mapped[StoredFile] = relationship()
    review: Mapped[GateReview | None] = relationship(back_populates="deliverables")
    project: Mapped[Project] = relationship(viewonly=True)

    def can_view(self, user: User) -> bool:
        return self.project.can_view(user)

    def can_correct(self, user: User) -> bool:
        """Its project's PM, who uploads it (whether it may still be: `deliverables.refusal`)."""
        return user.id == self.project.pm_id
