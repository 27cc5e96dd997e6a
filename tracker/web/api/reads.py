"""Reading through the API: each list is the page's own query (its visibility rule and its
filters), paged by cursor; each record is loaded and checked with the page's `can_view`."""

from __future__ import annotations

from flask import Response, g, jsonify
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.dates import today
from tracker.milestones import overdue
from tracker.milestones.models import Milestone
from tracker.milestones.models import MilestoneState as State
from tracker.projects.listing import ProjectFilters, project_rows
from tracker.projects.models import Project
from tracker.web.api import schemas
from tracker.web.api.args import query_args
from tracker.web.api.blueprint import bp
from tracker.web.api.paging import Keyset, page
from tracker.web.api.spec import document, operation
from tracker.web.permissions import acting_user, found


def answer(model: type[BaseModel], value, etag: str | None = None) -> Response:
    response = jsonify(model.model_validate(value).model_dump(mode="json"))
    if etag:
        response.set_etag(etag)
    return response


def etag_of(record) -> str:
    """A versioned record's ETag: its kind, id and version (`version_id_col`)."""
    return f"{record.__tablename__}-{record.id}-v{record.version}"


def listing(model: type[BaseModel], items: list, next_cursor: str | None) -> Response:
    return answer(model, {"items": items, "next_cursor": next_cursor})


# --- the document and its page -----------------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


# --- who calls ----------------------------------------------------------------------------------


@operation("/me", summary=_l("The token's person and scope"), tag="account",
           response=schemas.Me)
def me() -> Response:
    user, token = acting_user(), g.api_token
    return answer(schemas.Me, {"id": user.id, "name": user.name, "email": user.email,
                               "roles": sorted(r.value for r in user.roles),
                               "token_scope": token.scope,
                               "token_expires_at": token.expires_at})


# --- projects -----------------------------------------------------------------------------------


@operation("/projects", summary=_l("Projects you may see"), tag="projects",
           response=schemas.ProjectPage, query=schemas.ProjectQuery)
def projects() -> Response:
    """The project list's rows and filters, oldest project first."""
    args = query_args(schemas.ProjectQuery)
    filters = ProjectFilters(q=args.q, phase=args.phase, type=args.type, field=args.field,
                             institute=args.institute, pm=args.pm, manager=args.manager,
                             year=args.year, source=args.source)
    rows, cursor = page(project_rows(acting_user(), filters), Keyset([Project.id]), args.cursor,
                        args.limit, key_of=lambda r: (r.id,))
    return listing(schemas.ProjectPage, rows, cursor)


def visible(query):
    """The one record `query` selects when the caller may see it: 404 when it is absent or not
    theirs alike, so the answer never tells which."""
    record = found(db.session.scalar(query))
    return record


def load_project(project_id: int) -> Project:
    return visible(select(Project).where(Project.id == project_id).options(
        selectinload(Project.pm), selectinload(Project.institute),
        selectinload(Project.members), selectinload(Project.gate_reviews)))


@operation("/projects/<int:project_id>", summary=_l("A project"), tag="projects",
           response=schemas.Project, versioned=True)
def project(project_id: int) -> Response:
    record = load_project(project_id)
    return answer(schemas.Project, record, etag_of(record))


@operation("/projects/<int:project_id>/milestones", summary=_l("A project's milestones"),
           tag="milestones", response=schemas.MilestonePage, query=schemas.MilestoneQuery)
def project_milestones(project_id: int) -> Response:
    """In the order of their due dates."""
    load_project(project_id)
    args = query_args(schemas.MilestoneQuery)
    query = select(Milestone).where(Milestone.project_id == project_id)
    if args.state:
        query = query.where(Milestone.state == State(args.state))
    rows, cursor = page(query, Keyset([Milestone.due_date, Milestone.id]), args.cursor,
                        args.limit, key_of=lambda m: (m.due_date, m.id), scalars=True)
    return listing(schemas.MilestonePage, rows, cursor)


# --- milestones ---------------------------------------------------------------------------------


def load_milestone(milestone_id: int) -> Milestone:
    return visible(select(Milestone).where(Milestone.id == milestone_id).options(
        selectinload(Milestone.project).selectinload(Project.members),
        selectinload(Milestone.project).selectinload(Project.gate_reviews)))


@operation("/milestones/<int:milestone_id>", summary=_l("A milestone"), tag="milestones",
           response=schemas.Milestone, versioned=True)
def milestone(milestone_id: int) -> Response:
    record = load_milestone(milestone_id)
    return answer(schemas.Milestone, record, etag_of(record))


@operation("/milestones/overdue", summary=_l("Overdue milestones"), tag="milestones",
           response=schemas.OverduePage, query=schemas.OverdueQuery,
           allowed=Milestone.can_list_overdue)
def overdue_milestones() -> Response:
    """The overdue list across projects, with its filters and sorts (most late first)."""
    args, on = query_args(schemas.OverdueQuery), today()
    filters = overdue.OverdueFilters(
        reviews=args.late == overdue.REVIEWS, institute_id=args.institute, pm=args.pm,
        field=args.field, late=None if args.late in ("open", overdue.REVIEWS) else int(args.late),
        sort=args.sort, type=args.type, year=args.year, source=args.source)
    columns, backwards = overdue.ORDERS[args.sort]
    fields = overdue.ORDER_FIELDS[args.sort]
    rows, cursor = page(overdue.rows_query(acting_user(), filters, on), Keyset(columns, backwards),
                        args.cursor, args.limit,
                        key_of=lambda r: tuple(getattr(r, f) for f in fields))
    return listing(schemas.OverduePage, [overdue.as_row(r, on) for r in rows], cursor)
