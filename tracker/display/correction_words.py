"""The words of the audit trail for corrections of what a person recorded by mistake, where
they have no domain's words of their own: an evaluator's declaration or scorecard
(tracker/gates/corrections.py), HQ's decision on a re-baseline
(tracker/milestones/corrections.py), what was paid for an issue recorded without it
(tracker/companies/corrections.py). `tracker.display.words` merges them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    # migration 0106: a transfer 0100's merge of two HQ holders left from a holder to itself
    "share_entry.fold": _l("Transfer from a holder to itself taken out of the ledger"),
    "gate.correct_declaration": _l("Declaration of interests corrected"),
    "gate.correct_scores": _l("Scores corrected"),
    "milestone.rebaseline_corrected": _l("Decision on a new due date corrected"),
    "shares.record_paid": _l("What was paid for the shares recorded"),
}

OBJECTS = {
    "panel_corrections": _l("Evaluator's correction"),
    "rebaseline_corrections": _l("Correction of a decision on a new due date"),
}

FIELDS = {
    "scores_withdrawn": _l("Scores withdrawn"),
    "earlier": _l("As it was before"),
    "corrected_at": _l("Corrected at"),
    "rebaseline_id": _l("New due date"),
}
