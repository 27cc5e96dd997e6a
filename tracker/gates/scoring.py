"""The result of a gate review, computed from its scorecards: the weighted score of the
should-meet criteria, what stands against GO, and the snapshot a decision keeps of what it was
taken on. Reads the review's loaded objects; writes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _

from tracker.display.said import listed
from tracker.gates import taken_on
from tracker.gates.models import CriterionKind, GateReview

PERCENT = Decimal("0.01")  # a score's and a weight's places


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


def unmet_musts(review: GateReview) -> list[tuple[Any, list[str]]]:
    """The must-meet criteria an evaluator found not met, each with who found it so."""
    found = []
    for criterion in review.criteria:
        if criterion.kind is not CriterionKind.MUST:
            continue
        fails = [m.user.name for m in review.submitted_members for s in m.scores
                 if s.criterion_id == criterion.id and s.passed is False]
        if fails:
            found.append((criterion, fails))
    return found


def go_refusals(review: GateReview) -> list[str]:
    """Why a plain GO (passing acceptance) can't be recorded at all: a must-meet criterion is a
    knock-out, no override lifts it. The one place of the rule: the decision, its correction
    and the review page read it. A CONDITIONAL GO (its conditions meeting the criterion) or a
    HOLD can still be recorded; at research acceptance, “to be reconsidered”."""
    if review.is_acceptance:
        advice = _("Conclude “to be reconsidered” with a rework due date, or “failed”.")
    else:
        advice = _("Record a CONDITIONAL GO with a condition that meets it, or a HOLD.")
    return [_("Must-meet criterion not met: %(text)s (by %(names)s). %(advice)s",
              text=criterion.shown("text"), names=listed(names), advice=advice)
            for criterion, names in unmet_musts(review)]


def blockers(review: GateReview, musts: bool = True) -> list[str]:
    """What stands against GO: failed must-meet criteria (unless `musts` is False: a plain GO
    is refused over them by `go_refusals`), TRL below the bar, score below the threshold. The
    chair may still decide a CONDITIONAL GO over them with an override and a reason, and a
    plain GO over the TRL and the score."""
    found = []
    if musts:
        found = [_("Must-meet criterion failed: %(text)s (by %(names)s).",
                   text=criterion.shown("text"), names=listed(names))
                 for criterion, names in unmet_musts(review)]
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
    return snapshot_of(taken_on.kept(review.project), str(weighted_score(review)),
                       review.project.current_trl, review.quorum, review.criteria,
                       _panel(review))


def snapshot_of(project: dict[str, Any], weighted: str, trl: int, quorum: int,
                criteria: Iterable[Any], panel: list[dict[str, Any]]) -> dict[str, Any]:
    """What a decision keeps of what it was taken on: its project's facts (`taken_on.kept`),
    score, TRL, quorum, criteria (records, or rows with the same names) and panel. A panel's
    decision keeps its review's (`snapshot`); an imported one, which had no panel here, the
    same of the project as imported, on both of the import's paths."""
    return {
        "project": project, "weighted_score": weighted, "trl": trl, "quorum": quorum,
        # A weight as its column keeps it (Numeric(6, 2)): "1.00" whether the criterion was
        # read back or is the template's as typed ("1"), so that equal snapshots read equal.
        "criteria": [{"id": c.id, "kind": c.kind.value, "text": c.text,
                      "weight": str(Decimal(c.weight).quantize(PERCENT)),
                      "scale_max": c.scale_max} for c in criteria],
        "panel": panel,
    }


def _panel(review: GateReview) -> list[dict[str, Any]]:
    return [{
        "user_id": m.user_id, "name": m.user.name, "chair": m.user_id == review.chair_id,
        "declaration": m.declaration.value if m.declaration else None,
        "conflict_note": m.conflict_note,
        "declared_at": m.declared_at.isoformat() if m.declared_at else None,
        "recommendation": m.recommendation.value if m.recommendation else None,
        "submitted_at": m.submitted_at.isoformat() if m.submitted_at else None,
        "scores": [{"criterion_id": s.criterion_id, "passed": s.passed, "value": s.value,
                    "comment": s.comment} for s in m.scores],
    } for m in review.panel]
