"""The words of the audit trail for the expert pool (tracker/experts), research acceptance and
HQ's list of technical fields (tracker/techfields).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "expert.create": _l("Expert added to the pool"),
    "expert.update": _l("Expert changed"),
    "expert.account": _l("Expert's account created"),
    "technical_field.create": _l("Technical field added"),
    "technical_field.update": _l("Technical field changed"),
}

OBJECTS = {
    "experts": _l("Expert"),
    "technical_fields": _l("Technical field"),
}

FIELDS = {
    "professional_title": _l("Professional title"),
    "unit": _l("Unit"),
    "unit_institute_id": _l("Unit (institute)"),
    "unit_enterprise_id": _l("Unit (enterprise)"),
    "expertise": _l("Fields of expertise"),
    "conclusion": _l("Acceptance conclusion"),
    "completion_ratio": _l("Completion ratio"),
    "min_experts": _l("Experts on the panel: at least"),
    "min_outside_units": _l("Outside units on the panel: at least"),
    "min_expert_title": _l("Experts' title: at least"),
    "field_id": _l("Technical field"),
}
