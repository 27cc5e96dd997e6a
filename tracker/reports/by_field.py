"""The annual report by technical field (HQ's list, tracker/techfields): new projects and
enterprise needs collected in each field, by institute, for the year and the year before. A
record not classified in a field counts under "not classified", so the fields add up to the
report's totals. Projects are the portfolio's: approved ones only (`filters.approved`). Two
statements, whatever the size of the data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from tracker import db
from tracker.organisations.models import TechnologyNeed
from tracker.projects.models import Project
from tracker.reports.figures import AnnualReport, Figure
from tracker.reports.filters import approved, year_bounds
from tracker.techfields.models import TechnicalField

UNCLASSIFIED = "unclassified"


def figures(report: AnnualReport) -> list[Figure]:
    year, scope = report.year, report.scope
    fields = db.session.execute(select(TechnicalField.id, TechnicalField.code,
                                       TechnicalField.shown_in_sql("name"))
                                .order_by(TechnicalField.code)).all()
    keys = [(field_id, code, name) for field_id, code, name in fields]
    keys.append((None, UNCLASSIFIED, _l("not classified")))
    projects = {field_id: Figure(f"new_projects_in_field:{code}", _l(
        "New projects in the field: %(field)s", field=name), True, False)
        for field_id, code, name in keys}
    needs = {field_id: Figure(f"needs_in_field:{code}", _l(
        "Enterprise needs collected in the field: %(field)s", field=name), True, True)
        for field_id, code, name in keys}

    query = (select(Project.institute_id, Project.field_id, Project.year, func.count(Project.id))
             .where(Project.year.in_((year - 1, year)), approved())
             .group_by(Project.institute_id, Project.field_id, Project.year))
    if scope is not None:
        query = query.where(Project.institute_id.in_(scope))
    for institute_id, field_id, in_year, count in db.session.execute(query):
        projects.get(field_id, projects[None]).add(institute_id, in_year, count, None)

    start, end = year_bounds(year - 1)[0], year_bounds(year)[1]
    in_year = case((TechnologyNeed.created_at < year_bounds(year)[0], year - 1), else_=year)
    query = (select(TechnologyNeed.institute_id, TechnologyNeed.field_id, in_year,
                    func.count(TechnologyNeed.id), func.sum(TechnologyNeed.intended_investment))
             .where(TechnologyNeed.created_at >= start, TechnologyNeed.created_at < end)
             .group_by(TechnologyNeed.institute_id, TechnologyNeed.field_id, in_year))
    if scope is not None:
        query = query.where(TechnologyNeed.institute_id.in_(scope))
    for institute_id, field_id, when, count, amount in db.session.execute(query):
        needs.get(field_id, needs[None]).add(institute_id, when, count, amount)
    return [*projects.values(), *needs.values()]
