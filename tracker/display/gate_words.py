"""The words of the audit trail for stage-gates (tracker/gates): reviews, panels and their
scores, decisions and their conditions, deliverables and the gate templates.
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "condition.confirm": _l("Condition confirmed as cleared"),
    "condition.met": _l("Condition reported as met"),
    "condition.return": _l("Condition returned"),
    "condition.supersede": _l("Condition superseded"),
    "deliverable.upload": _l("Deliverable uploaded"),
    "deliverable.correct": _l("Deliverable corrected"),
    "deliverable.withdraw": _l("Deliverable taken off"),
    "gate.correct": _l("Gate decision corrected"),
    "gate.decide": _l("Gate decision recorded"),
    "gate.declare": _l("Conflict of interest declared"),
    "gate.panel": _l("Review panel named"),
    "gate.request": _l("Gate review requested"),
    "gate.score": _l("Scores submitted"),
    "gate_template.create": _l("Gate template created"),
    "gate_template.update": _l("Gate template changed"),
}

OBJECTS = {
    "conditions": _l("Condition"),
    "deliverables": _l("Deliverable"),
    "gate_criteria": _l("Gate template criterion"),
    "gate_decisions": _l("Gate decision"),
    "gate_reviews": _l("Gate review"),
    "gate_templates": _l("Gate template"),
    "panel_members": _l("Panel member"),
    "review_criteria": _l("Review criterion"),
    "scores": _l("Score"),
}

FIELDS = {
    "chair_id": _l("Panel chair"),
    "condition": _l("Condition"),
    "conflict_note": _l("Conflict note"),
    "criterion_id": _l("Criterion"),
    "decided_at": _l("Decided at"),
    "decided_by_id": _l("Decided by"),
    "decision_id": _l("Gate decision"),
    "declaration": _l("Declaration"),
    "declared_at": _l("Declared at"),
    "deliverable": _l("Deliverable"),
    "gate": _l("Gate"),
    "member": _l("Panel member"),
    "member_id": _l("Panel member"),
    "override_reason": _l("Reason for the override"),
    "pass_threshold": _l("Pass threshold"),
    "quorum": _l("Quorum"),
    "rationale": _l("Rationale"),
    "recommendation": _l("Recommendation"),
    "required_deliverables": _l("Required deliverables"),
    "review_id": _l("Gate review"),
    "revisit_date": _l("Revisit date"),
    "rework_due": _l("Rework due"),
    "scale_max": _l("Scale"),
    "target_phase": _l("Target phase"),
    "template_id": _l("Gate template"),
    "weight": _l("Weight"),
    "weighted_score": _l("Weighted score"),
    "min_trl": _l("Minimum TRL"),
    "snapshot": _l("Snapshot"),
}
