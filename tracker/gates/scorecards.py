"""Who reads a review's named scorecards: the rule of the review page's scorecards
(`tracker.gates.services.visible_scores`) and of the review opinion form that prints them
(`tracker.documents`). Apart from the services so that a model's predicate can ask it. And a
history line as the applicants read it: the panel unnamed (`GateReview.can_see_panel`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

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


# The fields of a review's trail that name its evaluators: the panel named, its chair, the
# evaluator who declared or scored.
PANEL_FIELDS = frozenset({"panel", "chair_id", "member"})


class Unnamed:
    """An evaluator as the applicants read them in a history line: not by name."""

    @property
    def name(self) -> str:
        return _("a member of the panel")


def _review_of(object_type: str, obj: Any) -> GateReview | None:
    if obj is None:
        return None
    if object_type == "gate_reviews":
        return obj
    return obj.review if object_type in ("panel_members", "gate_decisions") else None


def as_read_by(reader: Any, object_type: str, obj: Any, actor: Any, name: str
               ) -> tuple[Any, str, frozenset[str]]:
    """A history line's actor, its object's name and the fields left out of it for `reader`:
    for an applicant of a review they may not name the panel of (`GateReview.can_see_panel`),
    an evaluator who acted, or whose place the line is about, is `Unnamed`, and the fields
    naming evaluators are left out; as they are for anyone else."""
    review = _review_of(object_type, obj)
    if reader is None or review is None or review.can_see_panel(reader):
        return actor, name, frozenset()
    if getattr(actor, "id", None) in {m.user_id for m in review.panel}:
        actor = Unnamed()
    if object_type == "panel_members":
        name = Unnamed().name
    return actor, name, PANEL_FIELDS
