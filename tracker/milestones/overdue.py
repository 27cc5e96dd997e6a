"""Overdue milestones across every project a viewer may see: the list an HQ admin opens every
morning. One statement a page whatever the number of milestones: columns only, no ORM objects,
read from the partial index of unfinished milestones, and one row more than the page shows to
know whether a next page exists (counting every late milestone would cost more than the page)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, select
from sqlalchemy.orm import aliased

from tracker import db
from tracker.accounts.models import User
from tracker.display.bilingual import reads_english
from tracker.milestones.models import Milestone
from tracker.organisations.models import Institute
from tracker.projects import visibility
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import FINAL, Phase
from tracker.projects.models import Project, ProjectType
from tracker.search import matching
from tracker.techfields.models import TechnicalField

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
    # The project's field in HQ's list, in the reader's language (what the page filters by);
    # None when the project is not classified. `field` is the PM's own words, any language.
    technical_field: str | None = None


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
    of walking ix_milestones_not_done_due in due order (the README's speed log).

    The phases are written into the SQL (`db.inline`), not sent as parameters: a plan made
    once for any values (the statement prepared, `db.finish`) then knows them as the plan of
    each run does. With them as parameters the director's plan for any values guessed every
    project late and read them all (estimated a third dearer), so PostgreSQL planned the
    statement again at every run: 1.3 ms of planning for 0.6 of execution."""
    if db.session.get_bind().dialect.name == "postgresql":
        return Project.phase.in_(db.inline(Project.phase, LATE_PHASES))
    return Project.phase.not_in(NOT_LATE_PHASES)


def rows_query(viewer: User, filters: OverdueFilters, on: date) -> Select:
    """The list's rows (`OverdueRow`'s columns, by name), unordered."""
    return _rows(visibility.visible_to(viewer), filters, on)


def _rows(visible: ColumnElement[bool], filters: OverdueFilters, on: date,
          bound: bool = False) -> Select:
    """`rows_query` of the projects `visible`. `bound`: each filter's value is the parameter
    of its name in `_values`, given at each run, not written in (`_page_query`)."""
    return _filtered(_columns(), visible, filters, on, bound)


def _columns() -> Select:
    """The rows' columns, from the tables they come from."""
    return (select(Milestone.id.label("milestone_id"), Milestone.title, Milestone.due_date,
                   Milestone.state, Project.id.label("project_id"),
                   Project.code.label("project_code"), Project.title.label("project_title"),
                   Project.field, Institute.shown_in_sql("name").label("institute_name"),
                   _PM.name.label("pm_name"),
                   # The sort's own column (the name as stored), for the API's keyset.
                   Institute.name.label("institute_key"),
                   TechnicalField.shown_in_sql("name").label("technical_field"))
            .join(Project, Project.id == Milestone.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .join(_PM, _PM.id == Project.pm_id)
            .outerjoin(TechnicalField, TechnicalField.id == Project.field_id))


def _filtered(query: Select, visible: ColumnElement[bool], filters: OverdueFilters, on: date,
              bound: bool) -> Select:
    """`query` (of milestones joined to their projects, and to their PMs if `filters.pm`)
    limited to the late milestones `filters` choose, of the projects `visible`."""
    def value(name: str, given: object, planned: bool = False) -> object:
        """`given`, or the parameter `name`; `planned`: one written into the SQL at each run
        (`_page_query`)."""
        return bindparam(name, required=True, literal_execute=planned) if bound else given

    query = query.where(Milestone.not_done(), _in_late_phase(), visible)
    values = _values(filters, on)
    if filters.reviews:
        query = query.where(Milestone.submitted(),
                            Milestone.review_due < value("on", on, planned=True))
    elif filters.late is not None:
        query = query.where(Milestone.due_date < value(
            "late_before", values["late_before"], planned=True))
    if filters.institute_id:
        query = query.where(Project.institute_id == value("institute_id", filters.institute_id))
    if filters.pm:
        query = query.where(matching(filters.pm, _PM.name))
    if filters.field:
        query = query.where(matching(filters.field, Project.field))
    if filters.field_id:
        query = query.where(Project.field_id == value("field_id", filters.field_id))
    if values["type"] is not None:
        query = query.where(Project.type == value("type", values["type"]))
    if filters.year:
        query = query.where(Project.year == value("year", filters.year))
    if values["source"] is not None:
        query = query.where(Project.funding_source == value("source", values["source"]))
    return query


def _values(filters: OverdueFilters, on: date) -> dict:
    """The values of the filters, by the name of their parameter in `rows_query`."""
    return {"on": on, "institute_id": filters.institute_id, "field_id": filters.field_id,
            "year": filters.year,
            "late_before": on - timedelta(days=filters.late or 0),
            "type": ProjectType(filters.type) if filters.type in _TYPES else None,
            "source": FundingSource(filters.source) if filters.source in _SOURCES else None}


_TYPES = {t.value for t in ProjectType}
_SOURCES = {s.value for s in FundingSource}


def _ordered(query: Select, filters: OverdueFilters) -> Select:
    columns, backwards = ORDERS[filters.sort if filters.sort in SORTS else "late"]
    return query.order_by(*(c.desc() for c in columns) if backwards else columns)


def as_row(row, on: date) -> OverdueRow:
    return OverdueRow(*row[:10], days_late=(on - row[2]).days, technical_field=row[11])


def every_overdue(viewer: User, filters: OverdueFilters, on: date) -> Iterator[OverdueRow]:
    """All of the list (for its export), read in batches."""
    for row in db.session.execute(_ordered(rows_query(viewer, filters, on), filters)
                                   .execution_options(yield_per=2000)):
        yield as_row(row, on)


def overdue(viewer: User, filters: OverdueFilters, on: date, page: int,
            per_page: int, within: ColumnElement[bool] | None = None,
            count: bool = False) -> OverdueList:
    """One page of the unfinished milestones `viewer` may see (`visibility.visible_to`) in
    projects not closed, past due by at least `filters.late` days on `on`; `within` limits
    the projects further (a dashboard's filters); `per_page` 0 reads no row (a count only)."""
    if within is None and not count and per_page and not filters.pm and not filters.field:
        seen = visibility.shape_of(viewer)
        query = _page_query(db.session.get_bind().dialect.name, reads_english(),
                            _shape(filters), seen, page > 1)
        values = {**_values(filters, on), "limit": per_page + 1,
                  "offset": (page - 1) * per_page}
        if seen is not None:
            values.update(visibility.values(viewer))
        rows = [as_row(row, on) for row in db.session.execute(query, values)]
        return OverdueList(rows=rows[:per_page], more=len(rows) > per_page)
    visible = visibility.visible_to(viewer)
    query = _ordered(_rows(visible, filters, on), filters)
    if within is not None:
        query = query.where(within)
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) if count else None
    rows = [as_row(row, on) for row in db.session.execute(
        query.limit(per_page + 1).offset((page - 1) * per_page))] if per_page else []
    return OverdueList(rows=rows[:per_page], more=len(rows) > per_page, total=total)


# A page of the list as it opens every morning (HQ's of the whole portfolio, a director's of
# their institutes, a PM's of their projects) is read by a statement built once a process for
# each form of it (`_shape`, and the viewer's kind: `visibility.Shape`), its values given at
# each run: building it and computing its cache key took as long as running it (0.5 of 1.0 ms
# of the app's CPU for HQ's). A name searched is written into the statement (`matching`), and
# a dashboard's filters are its own: those are built each time.
def _shape(filters: OverdueFilters) -> tuple:
    """What changes the statement's form: which filters are given, and the sort."""
    values = _values(filters, date.max)
    return (filters.reviews, filters.late is None, bool(filters.institute_id),
            bool(filters.field_id), values["type"], bool(filters.year), values["source"],
            filters.sort if filters.sort in SORTS else "late")


@lru_cache(maxsize=256)
def _page_query(dialect: str, english: bool, shape: tuple, seen: visibility.Shape | None,
                later: bool) -> Select:
    """A page of the list of `shape` (`_shape`), on `dialect` (`_in_late_phase`), for a reader
    of English or not (`english`: the institute's name is read in the reader's language,
    `Institute.shown_in_sql`, which writes the column of that language into the statement),
    of the projects a viewer of kind `seen` may see (`visibility.condition`); `later`: a page
    after the first, whose rows are found first (`_page_ids`)."""
    del english  # part of the cache's key only: shown_in_sql reads it as the statement is built
    reviews, every_open, institute, field_id, type_, year, source, sort = shape
    # Each filter given stands for its parameter: the statement names it, not this value.
    filters = OverdueFilters(
        reviews=reviews, late=None if every_open else 0, institute_id=int(institute),
        field_id=int(field_id), type=type_.value if type_ else "", year=int(year),
        source=source.value if source else "", sort=sort)
    if later:
        return _ordered(_columns().where(Milestone.id.in_(_page_ids(seen, filters))), filters)
    # The first page walks the milestones in the sort's order and stops at its last row: the
    # same statement with its ids found first took 0.1 to 0.2 ms longer. Its size is written
    # into the SQL, as the day the milestones are late on (`_filtered`): PostgreSQL, the
    # statement prepared (`db.finish`), plans it once for every run of the day, where with
    # them as parameters it planned it at every run (0.65 ms, a fifth of the request's work
    # in the database), the plan for any values guessing a third of the milestones late.
    return (_ordered(_rows(visibility.condition(seen), filters, date.max, bound=True), filters)
            .limit(_PAGE_SIZE))


def _page_ids(seen: visibility.Shape | None, filters: OverdueFilters) -> Select:
    """The ids of a page's milestones (`_page_query`), found with only the tables the filters
    and the sort read: the rows before the page's are passed over without reading their
    institutes and PMs (page 10 of HQ's list, 225 rows passed over: 2.3 -> 1.4 ms, the best
    of 50 runs at full size on PostgreSQL, the README's speed log), and the page's 25 rows
    read them after."""
    ids = select(Milestone.id).join(Project, Project.id == Milestone.project_id)
    if filters.sort == "institute":
        ids = ids.join(Institute, Institute.id == Project.institute_id)
    if filters.sort == "pm" or filters.pm:
        ids = ids.join(_PM, _PM.id == Project.pm_id)
    ids = _filtered(ids, visibility.condition(seen), filters, date.max, bound=True)
    # Its own tables, never the page's (it is no correlated subquery). The page's size is
    # written into the SQL, as in the first page's (`_page_query`), and where it starts is a
    # parameter: one plan for every page (page 10: 1.1 ms executing, against 1.0 planning
    # and 1.3 executing with the size a parameter too).
    return (_ordered(ids, filters).limit(_PAGE_SIZE)
            .offset(bindparam("offset", required=True)).correlate(None))


# The rows a page reads (one more than it shows), written into its SQL: the same for every
# page of a process (the PAGE_SIZE setting), and a plan that knows it stops early.
_PAGE_SIZE = bindparam("limit", type_=Integer(), required=True, literal_execute=True)
