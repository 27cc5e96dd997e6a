"""The figures of a corrected scorecard, as a history shows them (issue 9 points 5 and 9).

An evaluator's scores stay out of the audit trail (`tracker.gates.corrections`): the trail is
read whole by HQ and its lines by the project's people. A correction keeps the scorecard it
replaced (`PanelCorrection.earlier`); the one that replaced it is the next correction's
`earlier`, or the scorecard as it stands. A history drawn for a reader who may read them
(`scorecards.may_read_corrected`) adds each changed score old -> new to the correction's line;
for anyone else, one line says where the figures are shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.audit.models import AuditRecord
from tracker.gates.correction_models import CorrectionKind, as_it_stands
from tracker.gates.decision_models import Recommendation
from tracker.gates.models import CriterionKind, GateReview, PanelMember, ReviewCriterion
from tracker.gates.scorecards import may_read_corrected

ACTION = "gate.correct_scores"


def _score(criterion: ReviewCriterion, given: dict[str, Any] | None) -> str:
    """A score as the review page writes it: met or not, or the value out of the scale."""
    if not given:
        return "—"
    if criterion.kind is CriterionKind.MUST:
        return _("Met") if given.get("passed") else _("Not met")
    value = given.get("value")
    return f"{value} / {criterion.scale_max}" if value is not None else "—"


def _recommendation(review: GateReview, card: dict[str, Any]) -> str:
    value = card.get("recommendation") if card.get("submitted_at") else None
    return review.word(Recommendation(value) if value else None)


def compared(review: GateReview, before: dict[str, Any], after: dict[str, Any]
             ) -> list[tuple[str, str, str]]:
    """(what, before, after) for each criterion whose score changed, then the
    recommendation if it changed: two scorecards as `as_it_stands` keeps them."""
    old = {s["criterion_id"]: s for s in before.get("scores") or []}
    new = {s["criterion_id"]: s for s in after.get("scores") or []}
    lines = []
    for criterion in review.criteria:
        was = _score(criterion, old.get(criterion.id))
        now = _score(criterion, new.get(criterion.id))
        if was != now:
            lines.append((criterion.shown("text"), was, now))
    was, now = _recommendation(review, before), _recommendation(review, after)
    if was != now:
        lines.append((_("Recommendation"), was, now))
    return lines


def corrected_scores(records: Iterable[Any], reader: Any) -> dict[int, list[tuple[str, str, str]]]:
    """By audit record id, the lines each score correction among `records` adds for `reader`.
    A fixed number of statements whatever the number of records: the trail's score
    corrections of their evaluators (the n-th is the evaluator's n-th `PanelCorrection` of
    scores: both are written together), and the evaluators with their reviews, corrections
    and scores."""
    records = [r for r in records if r.action == ACTION and getattr(r, "id", None)]
    member_ids = {r.object_id for r in records}
    if not member_ids:
        return {}
    ordinal: dict[int, int] = {}
    seen: dict[int, int] = defaultdict(int)
    for record_id, member_id in db.session.execute(
            select(AuditRecord.id, AuditRecord.object_id)
            .where(AuditRecord.action == ACTION, AuditRecord.object_type == "panel_members",
                   AuditRecord.object_id.in_(member_ids)).order_by(AuditRecord.id)):
        ordinal[record_id] = seen[member_id]
        seen[member_id] += 1
    members = {m.id: m for m in db.session.scalars(
        select(PanelMember).where(PanelMember.id.in_(member_ids)).options(
            selectinload(PanelMember.corrections), selectinload(PanelMember.scores),
            selectinload(PanelMember.review).selectinload(GateReview.criteria),
            selectinload(PanelMember.review).selectinload(GateReview.panel)))}
    said = {}
    for record in records:
        member = members.get(record.object_id)
        if member is None:
            continue
        if not may_read_corrected(reader, member.review):
            said[record.id] = [(_("Scores before and after"), "—",
                                _("Shown to HQ and the evaluators once the panel has decided"))]
            continue
        said[record.id] = _figures(member, ordinal.get(record.id))
    return said


def _figures(member: PanelMember, nth: int | None) -> list[tuple[str, str, str]]:
    """The changed scores of the member's `nth` correction of scores: before it, and as the
    next correction (of either kind) found them, else as they stand."""
    kept = member.corrections
    of_scores = [i for i, c in enumerate(kept) if c.kind is CorrectionKind.SCORES]
    if nth is None or nth >= len(of_scores):
        return []
    at = of_scores[nth]
    after = kept[at + 1].earlier if at + 1 < len(kept) else as_it_stands(member)
    return compared(member.review, kept[at].earlier, after)
