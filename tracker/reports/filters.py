"""The filters of the dashboards and the annual report, and who sees which institutes.

HQ-wide roles see the whole network and may pick an institute; a director sees only the
institutes they direct (a filter naming another one is ignored), so every figure they get is
about their own institute."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, true

from tracker import db
from tracker.accounts.models import User
from tracker.companies.models import Company, company_projects
from tracker.dates import org_zone
from tracker.display.bilingual import reads_english
from tracker.display.collation import ordered_rows
from tracker.organisations.models import Institute
from tracker.projects import visibility
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import NOT_APPROVED
from tracker.projects.models import Project, ProjectType
from tracker.search import matching


@dataclass(frozen=True)
class Filters:
    institute_id: int = 0  # 0: every institute the viewer may see
    field: str = ""  # part of the project's field as written (the API's search only)
    # A technical field of HQ's list (tracker/techfields): what the pages' filters choose.
    year: int = 0  # 0: every year; else the projects whose code was given that year
    type: str = ""  # a ProjectType value, or "" for every type
    source: str = ""  # a FundingSource value, or "" for every source
    field_id: int = 0
    # The institutes the viewer may see: None for the whole network (HQ-wide roles).
    allowed: frozenset[int] | None = None

    @property
    def institute_ids(self) -> frozenset[int] | None:
        """The institutes every figure is limited to; None: the whole network."""
        if self.institute_id and (self.allowed is None or self.institute_id in self.allowed):
            return frozenset({self.institute_id})
        return self.allowed

    def projects(self, cohort: bool = True, portfolio: bool = False) -> ColumnElement[bool]:
        """The projects the figures count. `cohort`: apply the year filter too (the flows of
        the annual report take their year from their own dates instead). `portfolio`: the
        approved projects only (`approved`), for a figure that counts the portfolio."""
        clauses = [approved()] if portfolio else []
        if self.institute_ids is not None:
            clauses.append(Project.institute_id.in_(self.institute_ids))
        if self.field:
            clauses.append(matching(self.field, Project.field))
        if self.field_id:
            clauses.append(Project.field_id == self.field_id)
        if self.type in {t.value for t in ProjectType}:
            clauses.append(Project.type == ProjectType(self.type))
        if self.source in {s.value for s in FundingSource}:
            clauses.append(Project.funding_source == FundingSource(self.source))
        if cohort and self.year:
            clauses.append(Project.year == self.year)
        return and_(*clauses) if clauses else true()

    def companies(self) -> Select:
        """The ids of the companies of the projects the figures count."""
        return (select(company_projects.c.company_id)
                .join(Project, Project.id == company_projects.c.project_id)
                .where(self.projects()))

    def institutes(self, column: Any) -> ColumnElement[bool]:
        """The institute limit alone, for what hangs from an institute but not from a project
        (technology needs)."""
        return column.in_(self.institute_ids) if self.institute_ids is not None else true()

    def args(self, **more: Any) -> dict[str, Any]:
        """The query string of a list counting the same thing: the filters that are set."""
        found = {"institute": self.institute_id or None, "field": self.field or None,
                 "field_id": self.field_id or None,
                 "year": self.year or None, "type": self.type or None,
                 "source": self.source or None}
        found.update(more)
        return {k: v for k, v in found.items() if v not in (None, "", 0)}

    def without_year(self) -> Filters:
        return replace(self, year=0)


def for_viewer(user: User, institute_id: int = 0, field: str = "", year: int = 0,
               type: str = "", source: str = "", field_id: int = 0) -> Filters:
    allowed = None if user.sees_whole_portfolio else frozenset(user.directed_institute_ids)
    if allowed is not None and institute_id not in allowed:
        institute_id = 0
    return Filters(institute_id, field.strip(), year, type, source, field_id, allowed)


def approved(column: Any = None) -> ColumnElement[bool]:
    """The portfolio: projects approved at gate 1, under way or closed since. Drafts, proposals
    submitted but not yet approved and rejected proposals (`NOT_APPROVED`) are not part of
    it, and no figure that counts the portfolio counts them. `column`: the phase column of
    an aliased project."""
    return (Project.phase if column is None else column).not_in(list(NOT_APPROVED))


def registered() -> ColumnElement[bool]:
    """`Company.is_registered` in SQL."""
    return and_(Company.uscc.is_not(None), Company.registered_on.is_not(None))


@lru_cache(maxsize=2)
def _institutes(in_english: bool) -> Select:
    """Every institute's id and name in one language: built once a process (each list's page
    reads it; building it cost more than running it)."""
    return select(Institute.id, Institute.shown_in_sql("name"))


def institute_choices(user: User) -> list:
    """The institutes a list's filter offers `user` (ids and names): every one to the HQ-wide
    roles; to anyone else only those they direct and those of the projects they may see, so
    that no filter names an institute whose rows the list would never show them (a
    director's lists offer their own institutes only). Every list's filter reads it.
    The projects seen as director are left out of the subquery (their institutes are the
    directed ones): with them PostgreSQL read every project to find the institutes of a
    director's, 1.25 ms against 0.07 at full size (the README's speed log)."""
    if user.sees_whole_portfolio:
        return ordered_rows(db.session.execute(_institutes(reads_english())))
    query = _institutes_seen(reads_english(), visibility.shape_of(user, directed=False),
                             bool(user.directed_institute_ids))
    return ordered_rows(db.session.execute(query, visibility.values(user)))


@lru_cache(maxsize=64)
def _institutes_seen(in_english: bool, seen: visibility.Shape, directs: bool) -> Select:
    """`institute_choices` of a viewer of shape `seen` who `directs` institutes or not: built
    once a process, run with the viewer's `visibility.values`."""
    projects = Institute.id.in_(select(Project.institute_id).where(visibility.condition(seen)))
    return _institutes(in_english).where(
        or_(projects, Institute.id.in_(visibility.directed_institutes())) if directs
        else projects)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The instants (UTC-aware, in the organisation's zone) a calendar year runs between: an
    instant stored in UTC counts in the year of its date in the organisation's time zone."""
    zone = org_zone()
    return (datetime.combine(date(year, 1, 1), time(), zone),
            datetime.combine(date(year + 1, 1, 1), time(), zone))
