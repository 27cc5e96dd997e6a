"""An evaluator's corrections of their own declaration and scorecard (tracker/gates/
corrections.py records them): each keeps what it replaced. Why one can't be made now
(`scores_refusal`, `declaration_refusal`) is said here, once, for the model's predicates, the
services and the pages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import local_date
from tracker.db import Base, UTCDateTime, str_enum, utcnow
from tracker.display.formatting import day
from tracker.gates.decision_models import Declaration, Recommendation, ReviewState, not_open

if TYPE_CHECKING:
    from tracker.gates.models import GateReview, PanelMember


class CorrectionKind(enum.StrEnum):
    SCORES = "scores"
    DECLARATION = "declaration"


CORRECTION_KIND_LABELS = {
    CorrectionKind.SCORES: _l("Scores corrected"),
    CorrectionKind.DECLARATION: _l("Declaration corrected"),
}


class PanelCorrection(Base):
    """An evaluator's correction of their declaration or scorecard: why, when, and what it
    replaced (`earlier`: the declaration, the recommendation, the comment and each score as
    they were), so the earlier one stays readable beside the one in force."""

    __tablename__ = "panel_corrections"
    __table_args__ = (CheckConstraint("reason <> ''", name="reason_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[CorrectionKind] = mapped_column(str_enum(CorrectionKind, "correction_kind"))
    reason: Mapped[str] = mapped_column(Text)
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    earlier: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    member: Mapped[PanelMember] = relationship(back_populates="corrections")

    @property
    def earlier_declaration(self) -> Declaration | None:
        value = self.earlier.get("declaration")
        return Declaration(value) if value else None

    @property
    def earlier_recommendation(self) -> Recommendation | None:
        """Of the scorecard it replaced; None when none was submitted."""
        value = self.earlier.get("recommendation") if self.earlier.get("submitted_at") else None
        return Recommendation(value) if value else None

    @property
    def earlier_scores(self) -> dict[int, dict[str, Any]]:
        """The earlier scorecard's scores by criterion id."""
        return {s["criterion_id"]: s for s in self.earlier.get("scores") or []}


def as_it_stands(member: PanelMember) -> dict[str, Any]:
    """The declaration and scorecard as they stand, as a correction keeps them (`earlier`)."""
    return {
        "declaration": member.declaration.value if member.declaration else None,
        "conflict_note": member.conflict_note,
        "declared_at": member.declared_at.isoformat() if member.declared_at else None,
        "recommendation": member.recommendation.value if member.recommendation else None,
        "comment": member.comment,
        "submitted_at": member.submitted_at.isoformat() if member.submitted_at else None,
        "scores": [{"criterion_id": s.criterion_id, "passed": s.passed, "value": s.value,
                    "comment": s.comment} for s in member.scores],
    }


def review_refusal(review: GateReview) -> str | None:
    """Why no declaration or scorecard of the review can be corrected now; None while it is
    open. Once the panel has decided, the decision was taken on them as they stood (its
    snapshot keeps them): what was decided is corrected through the decision's own
    correction."""
    if review.state is ReviewState.DECIDED:
        decision = review.current_decision
        decided = decision.decided_at
        if review.project.phase != decision.target_phase:  # the decision's correction refuses
            return _("The panel's decision was recorded on %(date)s, on the declarations and "
                     "scores as they stood then, and the project has moved on since: the "
                     "decision, the declarations and the scores stand as recorded. If "
                     "something in them was wrong, tell HQ.", date=day(local_date(decided)))
        return _("The panel's decision was recorded on %(date)s, on the declarations and scores "
                 "as they stood then; they are kept with it and no longer change. To correct "
                 "what was decided, the chair or HQ records a correction of the decision on the "
                 "review's page.", date=day(local_date(decided)))
    if review.state is not ReviewState.OPEN:
        return not_open(review.state)
    return None


def scores_refusal(member: PanelMember) -> str | None:
    """Why `member` can't correct their scorecard (the service refuses, the page offers no
    link); None when they can."""
    if (said := review_refusal(member.review)) is not None:
        return said
    if member.declaration is Declaration.CONFLICT:
        return _("You declared a conflict of interest on this review, so you have no "
                 "scorecard to correct. If that declaration was a mistake, correct it first "
                 "(on the review's page); then you may score.")
    if member.declaration is None:
        return _("There is no scorecard of yours to correct: declare your interests on the "
                 "review's page, then score.")
    if member.submitted_at is None:
        return _("There is no submitted scorecard of yours to correct: score on the review's "
                 "page.")
    return None


def declaration_refusal(member: PanelMember) -> str | None:
    """Why `member` can't correct their declaration; None when they can."""
    if (said := review_refusal(member.review)) is not None:
        return said
    if member.declaration is None:
        return _("You have not declared yet: declare on the review's page.")
    return None
