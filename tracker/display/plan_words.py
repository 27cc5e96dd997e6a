"""The words of the audit trail for a project's plan once under way (PM system): TRL records,
spending, change requests, baselines and handovers. `tracker.display.words` merges them into
its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PLAN_ACTIONS = {
    "project.trl": _l("TRL recorded"),
    "spending.record": _l("Spending recorded"),
}

PLAN_OBJECTS = {
    "trl_records": _l("TRL record"),
    "spending_entries": _l("Spending"),
}

PLAN_FIELDS = {
    "level": _l("TRL"),
    "trl": _l("TRL"),
    "budget_line": _l("Budget line"),
    "budget_line_id": _l("Budget line"),
    "spent_on": _l("Date spent"),
    "voucher": _l("Voucher"),
    "voucher_id": _l("Voucher"),
}
