"""The words of the audit trail for corrections of what a person recorded by mistake, where
they have no domain's words of their own: an evaluator's declaration or scorecard
(tracker/gates/corrections.py). `tracker.display.words` merges them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "gate.correct_declaration": _l("Declaration of interests corrected"),
    "gate.correct_scores": _l("Scores corrected"),
}

OBJECTS = {
    "panel_corrections": _l("Evaluator's correction"),
}

FIELDS = {
    "scores_withdrawn": _l("Scores withdrawn"),
    "earlier": _l("As it was before"),
    "corrected_at": _l("Corrected at"),
}
