"""The words of the audit trail for budget templates (tracker/budgets).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "budget_template.create": _l("Budget template added"),
    "budget_template.update": _l("Budget template changed"),
}

OBJECTS = {
    "budget_templates": _l("Budget template"),
    "budget_categories": _l("Budget template category"),
}

FIELDS = {
    "funder": _l("Funder"),
    "edition": _l("Edition"),
    "indirect_rule": _l("Cap on indirect costs"),
    "flat_pct": _l("Percentage (one rate)"),
    "is_default": _l("Default template"),
    "is_equipment": _l("Equipment purchase"),
    "budget_template_id": _l("Budget template"),
    "category_id": _l("Budget category"),
    "categories": _l("Categories"),
}
