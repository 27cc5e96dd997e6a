"""What a new network starts with, besides its headquarters: the default gate templates (each
gate's criteria, quorum and deliverables, which every gate review copies, imported decisions
too) and the budget forms a project's budget lines name (the national one and the older
nine-category one). `flask hq create` and `flask demo seed` both install them here, each
template audited as its configuration page audits its creation, with no actor (the system,
like the headquarters of `organisations.create_hq`)."""

from __future__ import annotations

from typing import Any

from tracker import db
from tracker.audit import services as audit
from tracker.budgets.defaults import missing_forms
from tracker.budgets.services import described_categories
from tracker.gates.configuration import described_criteria
from tracker.gates.defaults import missing_templates


def install() -> dict[str, int]:
    """Add the gate templates and budget forms the network has not got yet, each audited;
    returns how many of each were added (none, run again)."""
    gates, forms = missing_templates(), missing_forms()
    for template in gates:
        _created("gate_template.create", template, "criteria",
                 described_criteria(template.criteria))
    for form in forms:
        _created("budget_template.create", form, "categories",
                 described_categories(form.categories))
    db.session.flush()
    return {"gate templates": len(gates), "budget templates": len(forms)}


def _created(action: str, template: Any, rows: str, described: list) -> None:
    changes = audit.pending_changes(template)  # its values, before the flush writes them
    audit.record(None, action, template, {**changes, rows: [[], described]})
