"""The result of a gate review, computed from its scorecards: the weighted score of the
should-meet criteria, what stands against GO, and the snapshot a decision keeps of what it was
taken on. Reads the review's loaded objects; writes nothing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _

from tracker.gates.models import CriterionKind, GateReview

PERCENT = Decimal("0.01")


def weighted_score(review: GateReview) -> Decimal | None:
    """The weighted score rounded for display (and kept with the decision)."""
    exact = exact_weighted_score(review)
    return None if exact is None else exact.quantize(PERCENT, ROUND_HALF_UP)


def exact_weighted_score(review: GateReview) -> Decimal | None:
    """Mean over submitted scorecards of sum(weight * value / scale) / sum(weight), in %."""
    should = [c for c in review.criteria if c.kind is CriterionKind.SHOULD]
    total_weight = sum((c.weight for c in should), Decimal("0"))
    members = review.submitted_members
    if not members or total_weight == 0:
        return None
    per_member = []
    for member in members:
        values = {s.criterion_id: s.value for s in member.scores}
        points = sum((c.weight * Decimal(values[c.id]) / Decimal(c.scale_max) for c in should),
                     Decimal("0"))
        per_member.append(points / total_weight * 100)
    return sum(per_member, Decimal("0")) / len(per_member)


def criterion_means(review: GateReview, scorecards: list) -> dict[int, str]:
    """Each criterion's result over `scorecards` (the ones the viewer may read), as the review
    opinion form prints it: a should-meet criterion's mean score ("7.33 / 10"), a must-meet
    criterion's count of evaluators who found it met ("2 of 3 met")."""
    means = {}
    for criterion in review.criteria:
        scores = [s for m in scorecards for s in m.scores if s.criterion_id == criterion.id]
        if not scores:
            continue
        if criterion.kind is CriterionKind.MUST:
            means[criterion.id] = _("%(met)d of %(n)d met", met=sum(1 for s in scores if s.passed),
                                    n=len(scores))
        else:
            mean = sum((Decimal(s.value) for s in scores), Decimal("0")) / len(scores)
            means[criterion.id] = f"{mean.quantize(PERCENT, ROUND_HALF_UP)} / {criterion.scale_max}"
    return means


def blockers(review: GateReview) -> list[str]:
    """What stands against GO: failed must-meet criteria, TRL below the bar, score below the
    threshold. The chair may still decide GO with an override and a reason."""
    found = []
    for criterion in review.criteria:
        if criterion.kind is not CriterionKind.MUST:
            continue
        fails = [m.user.name for m in review.submitted_members for s in m.scores
                 if s.criterion_id == criterion.id and s.passed is False]
        if fails:
            found.append(_("Must-meet criterion failed: %(text)s (by %(names)s).",
                           text=criterion.text, names=", ".join(fails)))
    if review.min_trl and review.project.current_trl < review.min_trl:
        found.append(_("TRL %(now)d is below the gate's minimum of %(min)d.",
                       now=review.project.current_trl, min=review.min_trl))
    exact = exact_weighted_score(review)
    if exact is not None and exact < review.pass_threshold:
        found.append(_("Weighted score %(score)s%% is below the pass threshold of "
                       "%(threshold)s%%.", score=weighted_score(review),
                       threshold=review.pass_threshold))
    return found


def snapshot(review: GateReview) -> dict[str, Any]:
    return {
        "weighted_score": str(weighted_score(review)),
        "trl": review.project.current_trl,
        "quorum": review.quorum,
        "criteria": [{"id": c.id, "kind": c.kind.value, "text": c.text, "weight": str(c.weight),
                      "scale_max": c.scale_max} for c in review.criteria],
        "panel": [{
            "user_id": m.user_id, "name": m.user.name, "chair": m.user_id == review.chair_id,
            "declaration": m.declaration.value if m.declaration else None,
            "conflict_note": m.conflict_note,
            "declared_at": m.declared_at.isoformat() if m.declared_at else None,
            "recommendation": m.recommendation.value if m.recommendation else None,
            "submitted_at": m.submitted_at.isoformat() if m.submitted_at else None,
            "scores": [{"criterion_id": s.criterion_id, "passed": s.passed, "value": s.value,
                        "comment": s.comment} for s in m.scores],
        } for m in review.panel],
    }
