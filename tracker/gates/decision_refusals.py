"""Why the decision in force of a gate review can't be corrected now, in the reader's words
(issue 9 point 6): said by the correction's refusal and, before it, by the review's page,
which then offers no correction form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker.dates import local_date
from tracker.display.formatting import day, on_day
from tracker.display.labels import label
from tracker.gates.decision_models import Declaration, ReviewState, not_open

if TYPE_CHECKING:
    from tracker.gates.decision_models import GateDecision
    from tracker.gates.models import GateReview


def decide_refusal(review: GateReview) -> str | None:
    """Why the chair can't record the review's decision now: said by `decisions.decide` and,
    before it, in place of the review page's decision form; None when they can."""
    if review.state is ReviewState.DECIDED:
        decided = review.current_decision
        return _("This review was decided on %(date)s (%(outcome)s). Reload the page to see "
                 "the decision; a correction supersedes it.",
                 date=on_day(decided.decided_at), outcome=label(decided.outcome))
    if review.state is not ReviewState.OPEN:
        return not_open(review.state)
    if review.needs_new_panel:
        return _("This review cannot reach a decision: the chair has declared a conflict of "
                 "interest, or too few evaluators without a conflict remain for the quorum of "
                 "%(n)d. HQ must change the panel.", n=review.quorum)
    chair = next((m for m in review.panel if m.user_id == review.chair_id), None)
    if chair is None or chair.declaration is not Declaration.NONE:
        return _("The chair records the decision after declaring no conflict of interest: "
                 "declare your interests on the review's page first.")
    if not review.quorum_reached:
        return _("The decision can be recorded once the quorum of %(n)d scorecards is "
                 "submitted (%(have)d so far).", n=review.quorum,
                 have=len(review.submitted_members))
    return None


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
