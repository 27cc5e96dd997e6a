"""The portfolio's figures: the dashboard (HQ's, or a director's for their institute) and the
annual report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker import db
from tracker.achievements import spinoff_deals
from tracker.assessment.models import AssessmentYear
from tracker.dates import today
from tracker.display.collation import ordered
from tracker.display.labels import label
from tracker.errors import DomainError
from tracker.export import responses as exports
from tracker.organisations.models import Institute
from tracker.projects.funding import FundingSource
from tracker.projects.models import Project, ProjectType
from tracker.reports import annual as annual_report
from tracker.reports import charts, dashboard
from tracker.reports.columns import annual_columns
from tracker.reports.filters import Filters, for_viewer
from tracker.web.navigation import choice_arg, field_arg, text_arg, year_arg
from tracker.web.permissions import acting_user, requires

bp = Blueprint("reports", __name__)



def _filters() -> Filters:
    return for_viewer(acting_user(), _institute_arg(), text_arg("field"), year_arg(),
                      choice_arg("type", _l("Project type"), {t.value for t in ProjectType}),
                      choice_arg("source", _l("Funding source"),
                                 {s.value for s in FundingSource}), field_arg())


def _institute_arg() -> int:
    """`?institute=`: an institute by its id (the pages' filter) or by its code (the files'
    column, the command's --institute); 0 when absent or 0 (the filter's "Any institute").
    One that names no institute answers 400, as a bad year does: a code typed into the
    address was ignored, and the report of the whole network came back as if it were the
    institute's."""
    raw = (request.args.get("institute") or "").strip()
    if raw in ("", "0"):
        return 0
    by_id = raw.isdigit() and int(raw) < 2**31
    found = db.session.scalar(select(Institute.id).where(
        Institute.id == int(raw) if by_id else Institute.code == raw))
    if found is None:
        raise DomainError(_("No institute has the code or number %(value)s.", value=raw))
    return found


def _institutes(filters: Filters) -> list:
    """The institutes the viewer may pick: ids and names only."""
    query = select(Institute.id, Institute.code, Institute.shown_in_sql("name"))
    if filters.allowed is not None:
        query = query.where(Institute.id.in_(filters.allowed))
    return ordered(db.session.execute(query), lambda row: row[2])


@bp.get("/dashboard")
@requires(Project.can_view_dashboard)
def show() -> str:
    filters, on = _filters(), today()
    figures = dashboard.build(acting_user(), filters, on)
    funnel = charts.bars([
        (str(label(phase)), count, url_for("projects.list_projects",
                                           **filters.args(phase=phase.value)))
        for phase, count in figures.funnel])
    return render_template(
        "reports/dashboard.html", figures=figures, filters=filters, funnel=funnel,
        funnel_height=charts.bars_height(funnel), bar_width=charts.BAR_WIDTH,
        institutes=_institutes(filters), types=list(ProjectType), on=on,
        funding_url=_funding_url(filters), unrecorded=spinoff_deals.unrecorded(filters))


def _funding_url(filters: Filters) -> Callable[[int], str]:
    """Where a year's HQ funding figure leads: HQ admins to the year's allocation; a viewer
    limited to one institute to its assessment; others to the year's assessment table."""
    if AssessmentYear.can_decide(acting_user()):
        return lambda year: url_for("assessment.funding", year=year)
    if filters.institute_ids is not None and len(filters.institute_ids) == 1:
        (institute_id,) = filters.institute_ids
        return lambda year: url_for("assessment.institute", year=year, institute_id=institute_id)
    return lambda year: url_for("assessment.index", year=year)


@bp.get("/reports/annual")
@requires(Project.can_view_dashboard)
def annual() -> str | Response:
    """The annual report of a year beside the year before: the whole network for HQ-wide roles,
    a director's institutes for a director; `?export=csv|xlsx` for the file."""
    filters, on = _filters(), today()
    year = filters.year or on.year
    report = annual_report.build(year, filters.institute_ids)
    if fmt := exports.requested():
        return exports.send(annual_columns(year), report.rows(), f"annual-report-{year}", fmt,
                            title=_("Annual report %(year)d", year=year))
    return render_template("reports/annual.html", report=report, filters=filters,
                           institutes=_institutes(filters), on=on,
                           overview_keys=annual_report.OVERVIEW,
                           figure_url=_figure_url(report, filters))


def _figure_url(report: annual_report.AnnualReport,
                filters: Filters) -> Callable[[Any, int], str | None]:
    """Where a figure of the annual report leads, for a row (a figure in total or for an
    institute) and a year: the list of the rows it counts, filtered alike
    (`annual.LISTED`), or None for a figure no list counts yet."""
    ids = {code: id_ for id_, code, _name in report.institutes}

    def url(row: Any, year: int) -> str | None:
        listed = annual_report.LISTED.get(row.figure)
        if listed is None:
            return None
        endpoint, year_arg_name = listed
        institute = ids[row.institute_code] if row.institute_code else filters.institute_id
        return url_for(endpoint, approved=1, institute=institute or None,
                       **{year_arg_name: year})
    return url
