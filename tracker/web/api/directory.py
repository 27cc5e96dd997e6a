"""Organisations, technology needs, gate reviews with their decisions, and the reminder outbox
through the API: the pages' queries and predicates, paged by cursor."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.gates import services as gates
from tracker.gates.models import GateReview, PanelMember
from tracker.organisations import listing as organisations
from tracker.organisations.models import (
    Enterprise,
    Institute,
    JointInnovationCentre,
    TechnologyNeed,
)
from tracker.reminders.models import OutboxMessage
from tracker.web.api import more_schemas as s
from tracker.web.api.args import query_args
from tracker.web.api.paging import Keyset, page
from tracker.web.api.reads import answer, listing, load_project
from tracker.web.api.spec import operation
from tracker.web.permissions import acting_user


def _by_id(model: type[s.BaseModel], query, column, args) -> Response:
    rows, cursor = page(query, Keyset([column]), args.cursor, args.limit, scalars=True,
                        key_of=lambda r: (r.id,))
    return listing(model, rows, cursor)


@operation("/institutes", summary=_l("Institutes"), tag="organisations",
           response=s.InstitutePage, query=s.InstituteQuery)
def institutes() -> Response:
    args = query_args(s.InstituteQuery)
    return _by_id(s.InstitutePage, organisations.institutes(args.q, args.type), Institute.id,
                  args)


@operation("/enterprises", summary=_l("Enterprises"), tag="organisations",
           response=s.EnterprisePage, query=s.SearchQuery)
def enterprises() -> Response:
    args = query_args(s.SearchQuery)
    return _by_id(s.EnterprisePage, organisations.enterprises(args.q), Enterprise.id, args)


@operation("/centres", summary=_l("Joint innovation centres"), tag="organisations",
           response=s.CentrePage, query=s.SearchQuery)
def centres() -> Response:
    args = query_args(s.SearchQuery)
    return _by_id(s.CentrePage, organisations.centres(args.q), JointInnovationCentre.id, args)


@operation("/needs", summary=_l("Technology needs"), tag="needs", response=s.NeedPage,
           query=s.NeedQuery, allowed=TechnologyNeed.can_list)
def needs() -> Response:
    """The needs list's rows and filters (`matched_or_contracted` as the dashboard counts)."""
    args = query_args(s.NeedQuery)
    return _by_id(s.NeedPage, organisations.needs(acting_user(), args.q, args.state, args.institute,
                                                  args.year), TechnologyNeed.id, args)


def _review(user: User, review: GateReview) -> dict:
    """A review as its page shows it to `user`: the scorecards only as `visible_scores`
    allows (after their own is in; once decided, for the panel and HQ)."""
    member = review.member(user)
    return {
        "id": review.id, "project_id": review.project_id, "gate": review.gate,
        "name": review.name, "phase": review.phase, "state": review.state,
        "due_date": review.due_date,
        "my_declaration": member.declaration if member is not None else None,
        "criteria": review.criteria,
        "scorecards": [{"evaluator": m.user.name, "recommendation": m.recommendation,
                        "comment": m.comment, "submitted_at": m.submitted_at,
                        "scores": m.scores} for m in gates.visible_scores(user, review)],
        "decisions": review.decisions,
    }


@operation("/projects/<int:project_id>/reviews", summary=_l("A project's gate reviews"),
           tag="gates", response=s.ReviewList)
def project_reviews(project_id: int) -> Response:
    """Each review with its decisions (corrections supersede, both kept) and the scorecards
    this person may read. A panel member sees the reviews they sit on even before the project
    is theirs to see."""
    # Who sees a review: GateReview.can_view. The docstring is the help page's text (/help/api).
    reviews = db.session.scalars(
        select(GateReview).where(GateReview.project_id == project_id)
        .options(selectinload(GateReview.criteria), selectinload(GateReview.decisions),
                 selectinload(GateReview.panel).options(selectinload(PanelMember.user),
                                                        selectinload(PanelMember.scores)))
        .order_by(GateReview.id)).all()
    user = acting_user()
    visible = [r for r in reviews if r.can_view(user)]
    if not visible:
        load_project(project_id)  # 404 unless the project is the caller's to see
    return answer(s.ReviewList, {"items": [_review(user, r) for r in visible]})


@operation("/outbox", summary=_l("The reminder outbox"), tag="outbox", response=s.MessagePage,
           query=s.OutboxQuery, allowed="reminders.outbox")
def outbox() -> Response:
    """HQ admins only, as the page; latest first."""
    args = query_args(s.OutboxQuery)
    query = select(OutboxMessage).where(OutboxMessage.state == args.state)
    rows, cursor = page(query, Keyset([OutboxMessage.id], True), args.cursor, args.limit,
                        scalars=True, key_of=lambda m: (m.id,))
    return listing(s.MessagePage, rows, cursor)
