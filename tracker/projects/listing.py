"""The project list: which projects a person sees and how its filters narrow them. One query
for both doors, the page (`views.list_projects`) and the JSON API, so a filter or a visibility
rule changed here changes both."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import aliased

from tracker import db
from tracker.accounts.models import User
from tracker.organisations.models import Institute
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import SPIN_OFF_PHASES, Phase
from tracker.projects.models import Project, ProjectType
from tracker.projects.visibility import visible_to
from tracker.reports.filters import approved
from tracker.search import matching


@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""  # part of the code or the title
    phase: str = ""  # a Phase value
    type: str = ""  # a ProjectType value
    field: str = ""  # part of the field as written (the API's search)
    field_id: int = 0  # a technical field of HQ's list (tracker/techfields): the page's choice
    institute: int = 0
    pm: int = 0  # the PM's id (a link to one PM's projects)
    manager: str = ""  # part of the PM's name
    year: int = 0  # the year the code was given
    source: str = ""  # a FundingSource value
    approved: bool = False  # the portfolio only: no draft, proposal under review or rejected


def project_rows(user: User, filters: ProjectFilters) -> Select:
    """Columns, not projects: what the list shows (id, code, draft_number, title, phase, type,
    budget_total, institute, pm), for the projects `user` may see (`visibility.visible_to`),
    unordered."""
    pm = aliased(User)
    query = (select(Project.id, Project.code, Project.draft_number, Project.title,
                    Project.phase, Project.type, Project.funding_source,
                    Project.budget_total, Institute.shown_in_sql("name").label("institute"),
                    pm.name.label("pm"))
             .join(Institute, Institute.id == Project.institute_id)
             .join(pm, pm.id == Project.pm_id)
             .where(visible_to(user)))
    if filters.q:
        query = query.where(matching(filters.q, Project.code, Project.title))
    if filters.phase in {p.value for p in Phase}:
        query = query.where(Project.phase == Phase(filters.phase))
    if filters.type in {t.value for t in ProjectType}:
        query = query.where(Project.type == ProjectType(filters.type))
    if filters.field:
        query = query.where(matching(filters.field, Project.field))
    if filters.field_id:
        query = query.where(Project.field_id == filters.field_id)
    if filters.institute:
        query = query.where(Project.institute_id == filters.institute)
    # The PM is searched by name, not picked from a drop-down of every manager (a thousand at
    # full size); `pm` is an id, for links to one PM's projects.
    if filters.manager:
        query = query.where(Project.pm_id.in_(select(User.id).where(
            matching(filters.manager, User.name))))
    if filters.pm:
        query = query.where(Project.pm_id == filters.pm)
    if filters.year:  # the year the code was given (a dashboard's link)
        query = query.where(Project.year == filters.year)
    if filters.source in {s.value for s in FundingSource}:
        query = query.where(Project.funding_source == FundingSource(filters.source))
    if filters.approved:  # a portfolio figure's link (the dashboard's projects by source)
        query = query.where(approved())
    return query


def company_project_choices(linked: list[int]) -> list[Row]:
    """The projects a company may come from (at or past the investment decision) and those of
    `linked`, as its form offers them: id and name (the code, which every such project has, and
    the title), one statement of two columns, no project loaded as a record (issue 21 point 2)."""
    name = (func.coalesce(Project.code, "") + " " + Project.title).label("name")
    return list(db.session.execute(select(Project.id, name).where(
        Project.phase.in_(SPIN_OFF_PHASES) | Project.id.in_(linked)).order_by(Project.code)))
