"""The annual report by what organisations carry (issue 15): new projects (approved ones, as
the report's new projects) by their institute's region (its headquarters' list, `tracker.regions`:
JITRI's 苏南, 苏中, 苏北, 省外; retired ones too, whose institutes keep them) and
enterprise needs collected by their enterprise's size, by institute, for the year and the year
before. An institute or enterprise whose region or size is not recorded counts under "not
recorded", so the groups add up to the report's totals. Three statements (the regions, the
projects, the needs), whatever the size of the data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from tracker import db
from tracker.organisations.models import (
    ENTERPRISE_SIZE_LABELS,
    Enterprise,
    EnterpriseSize,
    Institute,
    TechnologyNeed,
)
from tracker.projects.models import Project
from tracker.regions import services as regions
from tracker.reports.figures import AnnualReport, Figure
from tracker.reports.filters import approved, year_bounds

NOT_RECORDED = "not_recorded"


def figures(report: AnnualReport) -> list[Figure]:
    year, scope = report.year, report.scope
    by_region = {r.id if r else None: Figure(
        f"new_projects_in_region:{r.code if r else NOT_RECORDED}", _l(
            "New projects in the region: %(region)s",
            region=r.shown("name") if r else _l("not recorded")), True, False)
        for r in [*regions.every(), None]}
    sizes = {s: Figure(f"needs_by_size:{s.value if s else NOT_RECORDED}", _l(
        "Enterprise needs collected by enterprise size: %(size)s",
        size=ENTERPRISE_SIZE_LABELS[s] if s else _l("not recorded")), True, True)
        for s in [*EnterpriseSize, None]}

    query = (select(Project.institute_id, Institute.region_id, Project.year,
                    func.count(Project.id))
             .join(Institute, Institute.id == Project.institute_id)
             .where(Project.year.in_((year - 1, year)), approved())
             .group_by(Project.institute_id, Institute.region_id, Project.year))
    if scope is not None:
        query = query.where(Project.institute_id.in_(scope))
    for institute_id, region, in_year, count in db.session.execute(query):
        by_region[region].add(institute_id, in_year, count, None)

    start, end = year_bounds(year - 1)[0], year_bounds(year)[1]
    in_year = case((TechnologyNeed.created_at < year_bounds(year)[0], year - 1), else_=year)
    query = (select(TechnologyNeed.institute_id, Enterprise.size, in_year,
                    func.count(TechnologyNeed.id), func.sum(TechnologyNeed.intended_investment))
             .join(Enterprise, Enterprise.id == TechnologyNeed.enterprise_id)
             .where(TechnologyNeed.created_at >= start, TechnologyNeed.created_at < end)
             .group_by(TechnologyNeed.institute_id, Enterprise.size, in_year))
    if scope is not None:
        query = query.where(TechnologyNeed.institute_id.in_(scope))
    for institute_id, size, when, count, amount in db.session.execute(query):
        sizes[size].add(institute_id, when, count, amount)
    return [*by_region.values(), *sizes.values()]
