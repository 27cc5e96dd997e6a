"""Overdue milestones across every project a viewer may see: the list an HQ admin opens every
morning. One statement a page whatever the number of milestones: columns only, no ORM objects,
read from the partial index of unfinished milestones, and one row more than the page shows to
know whether a next page exists (counting every late milestone would cost more than the page)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased

from tracker import db
from tracker.accounts.models import User
from tracker.milestones.models import Milestone
from tracker.organisations.models import Institute
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import FINAL, Phase
from tracker.projects.models import Project, ProjectType
from tracker.search import matching

# How late, in days: the choices of the filter. 0 is "overdue at all"; None lists every
# unfinished milestone, due or not.
LATENESS = (0, 7, 30, 90)
# The `late` choice that lists overdue reviews instead.
REVIEWS = "review"
SORTS = ("late", "due", "project", "institute", "pm")
# The phases whose milestones can be late: not a draft's (it plans milestones nobody has
# approved yet) nor a closed project's.
NOT_LATE_PHASES = sorted({*FINAL, Phase.DRAFT})
LATE_PHASES = sorted(frozenset(Phase) - set(NOT_LATE_PHASES))


@dataclass(frozen=True)
class OverdueFilters:
    institute_id: int = 0
    pm: str = ""  # part of the PM's name
    field: str = ""  # part of the project's field as written (the API's search)
    field_id: int = 0  # a technical field of HQ's list (tracker/techfields): the page's choice
    late: int | None = 0  # at least this many days late; None: not yet due too
    sort: str = "late"
    type: str = ""  # the project's type (a ProjectType value)
    year: int = 0  # the year the project's code was given
    source: str = ""  # the project's funding source (a FundingSource value)
    # Submitted milestones whose review is past its due date (the dashboard's overdue
    # reviews), instead of milestones past their own due date; `late` does not apply.
    reviews: bool = False


@dataclass(frozen=True)
class OverdueRow:
    milestone_id: int
    title: str
    due_date: date
    state: str
    project_id: int
    project_code: str
    project_title: str
    field: str
    institute_name: str
    pm_name: str
    days_late: int


@dataclass
class OverdueList:
    rows: list[OverdueRow]
    more: bool  # another page follows
    total: int | None = None  # counted only when asked: a dashboard's figure, not the list


# The PM of each row's project (a second join of users).
_PM = aliased(User, name="pm")

# Each sort, as the columns of a stable order (ending with the milestone's id) and whether it
# runs backwards: the page orders by it, the API pages through it by keyset.
ORDERS: dict[str, tuple[tuple, bool]] = {
    "late": ((Milestone.due_date, Milestone.id), False),
    "due": ((Milestone.due_date, Milestone.id), True),
    "project": ((Project.code, Milestone.due_date, Milestone.id), False),
    "institute": ((Institute.name, Milestone.due_date, Milestone.id), False),
    "pm": ((_PM.name, Milestone.due_date, Milestone.id), False),
}
# The same columns, by their name in a row (`OverdueRow`).
ORDER_FIELDS = {
    "late": ("due_date", "milestone_id"),
    "due": ("due_date", "milestone_id"),
    "project": ("project_code", "due_date", "milestone_id"),
    "institute": ("institute_key", "due_date", "milestone_id"),
    "pm": ("pm_name", "due_date", "milestone_id"),
}


def _in_late_phase() -> ColumnElement[bool]:
    """The same projects said for each database's planner. PostgreSQL reads the phases in
    through ix_projects_phase (a tenth of the projects at full size), where `NOT IN` made it
    read and test every project: the list sorted by PM and its page 10 took twice as long, a
    director's list five times. SQLite, given the phases in, starts from their projects and
    reads all of their milestones (20 ms against 0.1 for the first page at full size) instead
    of walking ix_milestones_not_done_due in due order (the README's speed log)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return Project.phase.in_(LATE_PHASES)
    return Project.phase.not_in(NOT_LATE_PHASES)


def rows_query(viewer: User, filters: OverdueFilters, on: date) -> Select:
    """The list's rows (`OverdueRow`'s columns, by name), unordered."""
    pm = _PM
    query = (select(Milestone.id.label("milestone_id"), Milestone.title, Milestone.due_date,
                    Milestone.state, Project.id.label("project_id"),
                    Project.code.label("project_code"), Project.title.label("project_title"),
                    Project.field, Institute.shown_in_sql("name").label("institute_name"),
                    pm.name.label("pm_name"),
                    # The sort's own column (the name as stored), for the API's keyset.
                    Institute.name.label("institute_key"))
             .join(Project, Project.id == Milestone.project_id)
             .join(Institute, Institute.id == Project.institute_id)
             .join(pm, pm.id == Project.pm_id)
             .where(Milestone.not_done(), _in_late_phase(), Project.visible_to(viewer)))
    if filters.reviews:
        query = query.where(Milestone.submitted(), Milestone.review_due < on)
    elif filters.late is not None:
        query = query.where(Milestone.due_date < on - timedelta(days=filters.late))
    if filters.institute_id:
        query = query.where(Project.institute_id == filters.institute_id)
    if filters.pm:
        query = query.where(matching(filters.pm, pm.name))
    if filters.field:
        query = query.where(matching(filters.field, Project.field))
    if filters.field_id:
        query = query.where(Project.field_id == filters.field_id)
    if filters.type in {t.value for t in ProjectType}:
        query = query.where(Project.type == ProjectType(filters.type))
    if filters.year:
        query = query.where(Project.year == filters.year)
    if filters.source in {s.value for s in FundingSource}:
        query = query.where(Project.funding_source == FundingSource(filters.source))
    return query


def _query(viewer: User, filters: OverdueFilters, on: date) -> Select:
    columns, backwards = ORDERS[filters.sort if filters.sort in SORTS else "late"]
    return rows_query(viewer, filters, on).order_by(
        *(c.desc() for c in columns) if backwards else columns)


def as_row(row, on: date) -> OverdueRow:
    return OverdueRow(*row[:10], days_late=(on - row[2]).days)


def every_overdue(viewer: User, filters: OverdueFilters, on: date) -> Iterator[OverdueRow]:
    """All of the list (for its export), read in batches."""
    for row in db.session.execute(_query(viewer, filters, on).execution_options(yield_per=2000)):
        yield as_row(row, on)


def overdue(viewer: User, filters: OverdueFilters, on: date, page: int,
            per_page: int, within: ColumnElement[bool] | None = None,
            count: bool = False) -> OverdueList:
    """One page of the unfinished milestones `viewer` may see (`Project.visible_to`) in
    projects not closed, past due by at least `filters.late` days on `on`; `within` limits
    the projects further (a dashboard's filters); `per_page` 0 reads no row (a count only)."""
    query = _query(viewer, filters, on)
    if within is not None:
        query = query.where(within)
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) if count else None
    rows = [as_row(row, on) for row in db.session.execute(
        query.limit(per_page + 1).offset((page - 1) * per_page))] if per_page else []
    return OverdueList(rows=rows[:per_page], more=len(rows) > per_page, total=total)
