"""Why the decision in force of a gate review can't be corrected now, in the reader's words
(issue 9 point 6): said by the correction's refusal and, before it, by the review's page,
which then offers no correction form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker.dates import local_date
from tracker.display.formatting import day
from tracker.display.labels import label

if TYPE_CHECKING:
    from tracker.gates.decision_models import GateDecision


def correction_refusal(decision: GateDecision) -> str | None:
    """The project left the phase the decision led it to (a later gate, a termination): the
    decision stands as recorded; None while it is where the decision put it."""
    phase = decision.review.project.phase
    if phase == decision.target_phase:
        return None
    return _("The project has moved on since this decision of %(date)s: it is now “%(phase)s”, "
             "no longer “%(target)s”, where the decision led it. The decision stands as "
             "recorded; correct what followed it instead.",
             date=day(local_date(decision.decided_at)), phase=label(phase),
             target=label(decision.target_phase))
