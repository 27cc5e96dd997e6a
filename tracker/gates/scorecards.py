"""Who reads a review's named scorecards: the rule of the review page's scorecards
(`tracker.gates.services.visible_scores`) and of the review opinion form that prints them
(`tracker.documents`). Apart from the services so that a model's predicate can ask it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.gates.models import GateReview, ReviewState

if TYPE_CHECKING:
    from tracker.accounts.models import User


def may_read(user: User, review: GateReview) -> bool:
    """A panel member once they have submitted their own scorecard; after the decision,
    HQ-wide roles too. The named scorecards stay with the panel and HQ: the project's team and
    director see the decision, its rationale and the weighted score."""
    member = review.member(user)
    if member is not None and member.submitted_at is not None:
        return True
    return review.state is ReviewState.DECIDED and user.sees_whole_portfolio


def may_read_corrected(user: User, review: GateReview) -> bool:
    """A corrected scorecard's figures, before and after, in a history: once the panel has
    decided, to those who read the named scorecards (`may_read`: HQ-wide roles and the
    evaluators who scored, the one who corrected included). Before the decision, and to anyone
    else, the history says who corrected their scores, when and why, without the figures: the
    review's history is read by the project's people too, and HQ reads no scores before the
    panel decides."""
    return review.state is ReviewState.DECIDED and may_read(user, review)
