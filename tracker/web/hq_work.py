"""An HQ admin's lists of the home page (`tracker.web.work.for_user`): what waits for HQ, the
panels to name or change, rebaselines, changes, milestones without a reviewer, conditions to
confirm; each one statement, capped as the others (`tracker.web.capped`)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import db
from tracker.changes.models import ChangeRequest, ChangeState
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.models import GateReview, ReviewState
from tracker.milestones.models import Milestone, Rebaseline, RebaselineState
from tracker.web.capped import SHOWN, capped

if TYPE_CHECKING:
    from tracker.web.work import Work


@lru_cache(maxsize=1)
def _open_reviews_statement() -> Select:
    return (select(GateReview).where(GateReview.state == ReviewState.OPEN)
            .options(joinedload(GateReview.project), selectinload(GateReview.panel))
            .order_by(GateReview.requested_at, GateReview.id))


def fill(values: dict, work: Work, full: str | None) -> None:
    work.panels_to_name = capped("panels_to_name", lambda: (
        select(GateReview).where(GateReview.state == ReviewState.REQUESTED)
        .options(joinedload(GateReview.project).load_only(*SHOWN), selectinload(GateReview.panel))
        .order_by(GateReview.requested_at, GateReview.id)), values, work.more, full)
    # A panel to change is an open review that can no longer reach a decision: a property of
    # its panel, read in Python over the open reviews (a few dozen at any time).
    work.panels_to_change = [r for r in db.session.scalars(_open_reviews_statement())
                             if r.needs_new_panel]
    work.rebaselines = capped("rebaselines", lambda: (
        select(Rebaseline).where(Rebaseline.state == db.inline(Rebaseline.state,
                                                               RebaselineState.PENDING))
        .options(joinedload(Rebaseline.milestone).joinedload(Milestone.project).load_only(*SHOWN))
        .order_by(Rebaseline.requested_at, Rebaseline.id)), values, work.more, full)
    work.changes = capped("changes", lambda: (
        select(ChangeRequest).where(ChangeRequest.state == db.inline(ChangeRequest.state,
                                                                     ChangeState.PENDING))
        .options(joinedload(ChangeRequest.project).load_only(*SHOWN))
        .order_by(ChangeRequest.requested_at, ChangeRequest.id)), values, work.more, full)
    work.unassigned = capped("unassigned", lambda: (
        select(Milestone).where(Milestone.unassigned())
        .options(joinedload(Milestone.project).load_only(*SHOWN))
        .order_by(Milestone.submitted_at, Milestone.id)), values, work.more, full)
    # Oldest first; one imported met on no day given (none kept: imported_conditions) was met
    # before the tracker, first on every database (PostgreSQL puts NULL last by default).
    work.to_confirm = capped("to_confirm", lambda: (
        select(Condition).where(Condition.state == ConditionState.MET)
        .order_by(Condition.met_at.nulls_first(), Condition.id)), values, work.more, full)
