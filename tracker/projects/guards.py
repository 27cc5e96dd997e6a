"""What must exist before a project may move on: every guard, listed in one place.

Each guard returns a sentence saying what is missing (in the user's language), or None.
The domain that owns the fact computes it; this module only says which guard applies where.

This module joins the domains: the gates, milestones, contracts and companies services it
asks all import the projects package, so it imports them inside the function that asks (the
one place outside create_app that does; tests/test_layout.py holds it to that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.projects.lifecycle import GATE_PHASE

if TYPE_CHECKING:
    from tracker.projects.models import Project


def gate_request_refusals(project: Project, gate: int) -> list[str]:
    """Why the PM may not open gate `gate` now (empty: they may)."""
    from tracker.gates import conditions
    from tracker.gates import services as gates
    from tracker.milestones import services as milestones

    checks = [
        gates.missing_deliverables(project, gate),
        milestones.open_milestones(project, GATE_PHASE[gate]),
        conditions.open_conditions(project),
        gates.open_review(project),
    ]
    if gate == 2:
        # A GO at gate 1 approves the project; its contract usually follows, and must be
        # signed before the research is reviewed.
        from tracker.contracts import services as contracts

        checks.append(contracts.signed_contract_missing(project))
    if gate == 4:
        from tracker.companies import services as companies

        checks.append(companies.spin_off_refusal(project))
    return [c for c in checks if c]

