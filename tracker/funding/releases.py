"""Which tranches a milestone accepted or a gate passed has just made payable: what the
investment committee hears of (the `tranche_payable` event, tracker/notifications/events.py).
A module of its own: tracker/funding/services.py is at the length a module may have."""

from __future__ import annotations

from tracker.funding.models import Tranche
from tracker.funding.refusals import agreement_of, not_payable
from tracker.projects.models import Project


def released_tranches(project: Project, *, milestone_id: int | None = None,
                      gate: int | None = None) -> list[Tranche]:
    """The tranches of the project's agreement that the milestone just accepted (or the gate
    just passed) makes payable: what the committee hears of (tranche_payable)."""
    agreement = agreement_of(project)
    if agreement is None:
        return []
    return [t for t in agreement.tranches
            if (t.milestone_id == milestone_id if milestone_id is not None else t.gate == gate)
            and not_payable(t) is None]
