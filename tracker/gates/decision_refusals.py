"""Why a panel member can't declare or score now, why the chair can't record the decision, and
why the decision in force can't be corrected, in the reader's words (issue 9 point 6): each said
by the service that refuses and, before it, by the review's page in place of the form. Who may
act is the model's predicate (`PanelMember.can_declare`, `can_score`, `GateReview.can_decide`,
`GateDecision.can_correct`); when is asked here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.dates import local_date
from tracker.display.formatting import day, on_day
from tracker.display.labels import label
from tracker.gates.decision_models import Declaration, ReviewState, not_open

if TYPE_CHECKING:
    from tracker.gates.decision_models import GateDecision
    from tracker.gates.models import GateReview, PanelMember


def _closed(review: GateReview) -> str | None:
    """Why a review takes no declaration or scorecard now: decided (on what they were then),
    or not open; None while its panel reviews."""
    if review.state is ReviewState.DECIDED:
        return _("This review is “%(state)s”: the panel decided it on %(date)s, on the "
                 "declarations and scorecards as they stood then, and it takes no more.",
                 state=label(review.state), date=on_day(review.current_decision.decided_at))
    if review.state is not ReviewState.OPEN:
        return not_open(review.state)
    return None


def declare_refusal(member: PanelMember) -> str | None:
    """Why `member` doesn't declare their interests now (`services.declare` refuses, the
    review's page says it in place of the form): the review not open, or declared already
    (a wrong declaration is corrected, with the reason); None when they can."""
    if (said := _closed(member.review)) is not None:
        return said
    if member.declaration is not None:
        return _("You declared on %(date)s (%(declaration)s): if it was wrong, correct it "
                 "with “Correct your declaration” in your row of the panel, with the reason.",
                 date=on_day(member.declared_at), declaration=label(member.declaration))
    return None


def score_refusal(member: PanelMember) -> str | None:
    """Why `member` doesn't submit a scorecard now (`services.submit_scores` refuses, the
    review's page says it in place of the form): the review not open, no declaration yet, a
    conflict declared, or submitted already (corrected, with the reason); None when they
    can."""
    if (said := _closed(member.review)) is not None:
        return said
    if member.declaration is None:
        return _("Declare that you have no conflict of interest before scoring.")
    if member.declaration is Declaration.CONFLICT:
        return _("You declared a conflict of interest on %(date)s and take no part in this "
                 "review: you do not score it. If that declaration was wrong, correct it first, "
                 "with the reason.", date=on_day(member.declared_at))
    if member.submitted_at is not None:
        return _("You submitted your scores on %(date)s: to correct them, use “Correct your "
                 "scores” in your row of the panel, with the reason.",
                 date=on_day(member.submitted_at))
    return None


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
                 "declare your interests first, under “Declare before you see the material” "
                 "on this page.")
    if not review.quorum_reached:
        return ngettext("The decision can be recorded once the quorum of %(num)d scorecard is "
                        "submitted (%(have)d so far).",
                        "The decision can be recorded once the quorum of %(num)d scorecards is "
                        "submitted (%(have)d so far).", review.quorum,
                        have=len(review.submitted_members))
    return None


def correction_refusal(decision: GateDecision) -> str | None:
    """A correction superseded the decision (the one in force is corrected); the project left
    the phase the decision led it to (a later gate, a termination), or its gate was requested
    again after it (a RECYCLE's rework, which keeps the phase): the decision stands as
    recorded; None while it is in force where the decision put it, nothing after."""
    if (current := decision.review.current_decision) is not decision:
        return _("This decision was superseded on %(date)s: correct the one in force "
                 "instead.", date=on_day(current.decided_at))
    project = decision.review.project
    gate = decision.review.gate
    later = [review for review in project.gate_reviews
             if review.gate == gate and review.id > decision.review_id]
    if later:
        return _("Gate %(gate)d was requested again on %(date)s, after this decision: the "
                 "decision stands as recorded, and the new review decides.",
                 gate=gate, date=on_day(later[0].requested_at))
    phase = project.phase
    if phase == decision.target_phase:
        return None
    return _("The project has moved on since this decision of %(date)s: it is now “%(phase)s”, "
             "no longer “%(target)s”, where the decision led it. The decision stands as "
             "recorded; correct what followed it instead.",
             date=day(local_date(decision.decided_at)), phase=label(phase),
             target=label(decision.target_phase))
