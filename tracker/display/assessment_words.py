"""The words of the audit trail for the yearly assessment of institutes (tracker/assessment).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "assessment.indicator_create": _l("Assessment indicator defined"),
    "assessment.indicator_update": _l("Assessment indicator changed"),
    "assessment.evidence_enter": _l("Assessment evidence entered"),
    "assessment.evidence_review": _l("Assessment evidence reviewed"),
    "assessment.evidence_correct": _l("Assessment evidence corrected"),
    "assessment.evidence_withdraw": _l("Assessment evidence withdrawn as entered by mistake"),
    "assessment.publish": _l("Assessment ranking published or withdrawn"),
    "assessment.rule": _l("Funding rule set"),
    "assessment.approve": _l("Funding allocation approved"),
}

OBJECTS = {
    "assessment_indicators": _l("Assessment indicator"),
    "assessment_evidence": _l("Assessment evidence"),
    "assessment_evidence_files": _l("Evidence file"),
    "assessment_years": _l("Assessment year"),
    "assessment_allocations": _l("Funding allocation"),
}

FIELDS = {
    "measure": _l("Measure"),
    "target": _l("Target"),
    "is_count": _l("Counted in a number, not in CNY"),
    "indicator_id": _l("Indicator"),
    "entered_by_id": _l("Entered by"),
    "entered_at": _l("Entered at"),
    "opinion": _l("Opinion"),
    "reviewed_by_id": _l("Reviewed by"),
    "reviewed_at": _l("Reviewed at"),
    "ranking_published": _l("Ranking published"),
    "pool": _l("Funding pool"),
    "score_share": _l("Share by total score (%)"),
    "revenue_share": _l("Share by contract revenue received (%)"),
    "floor": _l("Floor per institute"),
    "cap": _l("Cap per institute"),
    "approved_at": _l("Approved at"),
    "allocations": _l("Allocations"),
    "assessment_id": _l("Assessment year"),
    "revenue": _l("Contract revenue received"),
    "score": _l("Total score"),
}
