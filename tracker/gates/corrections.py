"""An evaluator corrects their own submitted scorecard or their declaration of interests, with
a reason, while the panel has not decided (issue 9 point 5). Each correction keeps what it
replaced (`PanelCorrection.earlier`) and is audited on the evaluator's place on the panel, whose
version refuses a save made on a stale copy. Once the panel has decided, the decision was taken
on them as they stood: what was decided is corrected through the decision's own correction
(`tracker.gates.decisions.correct_decision`), and these are refused, saying so
(`correction_models.review_refusal`).

A conflict declared since scoring withdraws the evaluator's scorecard: `GateReview
.submitted_members` counts only evaluators who declared no conflict, so the weighted score, the
quorum, the must-meet knock-outs and the scores others read follow, and HQ is told (the review
may now need a new panel: `GateReview.needs_new_panel`).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from tracker import corrections, db, reversals
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.errors import Problems, Refused
from tracker.experts.recusal import stake_refusal
from tracker.gates.correction_models import (
    CorrectionKind,
    PanelCorrection,
    as_it_stands,
    declaration_refusal,
    scores_refusal,
)
from tracker.gates.models import Declaration, GateReview, PanelMember, Recommendation
from tracker.gates.services import member_or_404, one_member_at_a_time, scorecard_rows, touch
from tracker.notifications import events as notices
from tracker.notifications.services import emit


def _member(actor: User, review: GateReview, refusal) -> PanelMember:
    """The actor's place on the panel, read after the panel's other members are done (as a
    first declaration or scorecard is), refused when `refusal` says it can't be corrected."""
    one_member_at_a_time(review)
    member = member_or_404(actor, review)
    if (said := refusal(member)) is not None:
        raise Refused(said)
    return member


def _scorecard(scores: list, recommendation: Recommendation | None, comment: str,
               ) -> dict[str, Any]:
    """A scorecard as a correction compares it (`corrections.differences`): a row per
    criterion, the recommendation and the comment."""
    return {"scores": {s.criterion_id: (s.passed, s.value, (s.comment or "").strip())
                       for s in scores},
            "recommendation": recommendation, "comment": (comment or "").strip()}


def correct_scores(actor: User, review: GateReview, scores: dict[int, dict[str, Any]],
                   recommendation: Recommendation | None, comment: str,
                   reason: str) -> PanelMember:
    """The evaluator's submitted scorecard replaced by a corrected one, every criterion scored
    again as a first scorecard is; the earlier one is kept with the reason."""
    member = _member(actor, review, scores_refusal)
    problems = Problems()
    rows = scorecard_rows(review, scores, recommendation, problems)
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    corrections.changed(member, changes=corrections.differences(
        _scorecard(member.scores, member.recommendation, member.comment),
        _scorecard(rows, recommendation, comment)))
    member.corrections.append(PanelCorrection(kind=CorrectionKind.SCORES, reason=reason,
                                              earlier=as_it_stands(member)))
    kept = {s.criterion_id: s for s in member.scores}
    for row in rows:  # in place: a criterion keeps its one score row
        score = kept.get(row.criterion_id)
        if score is None:
            member.scores.append(row)
        else:
            score.passed, score.value, score.comment = row.passed, row.value, row.comment
    member.recommendation = recommendation
    member.comment = comment.strip()
    member.submitted_at = db.utcnow()
    touch(review)  # a decision taken on the earlier scores is refused
    # As a first scorecard's, the scores and the recommendation stay out of the trail.
    audit.record(actor, "gate.correct_scores", member, {
        "review_id": [None, review.id], "reason": [None, reason]})
    db.session.flush()
    return member


def correct_declaration(actor: User, review: GateReview, conflict: bool, note: str,
                        reason: str) -> PanelMember:
    """A declaration made by mistake corrected: a conflict declared wrongly (the evaluator
    may then read the material and score, unless they have a stake), or one the evaluator
    failed to declare (their scorecard, if submitted, is withdrawn: kept with the correction,
    counted nowhere; HQ is told)."""
    member = _member(actor, review, declaration_refusal)
    declared = Declaration.CONFLICT if conflict else Declaration.NONE
    problems = Problems()
    # The correction of a declaration is the other one.
    corrections.changed(member, changes=corrections.differences(
        {"declaration": member.declaration}, {"declaration": declared}))
    if not conflict and (refusal := stake_refusal(review.project, actor)):
        raise Refused(refusal)
    elif conflict and not note.strip():
        problems.add("note", _("Say briefly what the conflict is."))
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    before, was_all_scored = member.declaration.value, notices.all_scored(review)
    withdrawn = conflict and member.submitted_at is not None
    member.corrections.append(PanelCorrection(kind=CorrectionKind.DECLARATION, reason=reason,
                                              earlier=as_it_stands(member)))
    member.declaration, member.declared_at = declared, db.utcnow()
    member.conflict_note = note.strip() if conflict else ""
    if conflict:
        member.scores = []
        member.recommendation, member.comment, member.submitted_at = None, "", None
    touch(review)
    changes = {"review_id": [None, review.id], "declaration": [before, declared.value],
               "reason": [None, reason]}
    if withdrawn:
        changes["scores_withdrawn"] = [None, True]
    audit.record(actor, "gate.correct_declaration", member, changes)
    db.session.flush()
    if conflict:
        emit(actor, "conflict_declared_late", review)
    if notices.all_scored(review) and not was_all_scored:  # the last to score stepped aside
        emit(actor, "all_scores_in", review)
    return member

