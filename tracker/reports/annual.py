"""The annual report: the figures an institute network publishes (JITRI's 2020 report is the
model), for one year beside the year before, by institute and in total.

Each figure is one SQL aggregate grouped by institute and year, whatever the size of the data.
The year of a date is its calendar year; the year of an instant (a need's recording) is the
year of its date in the organisation's time zone. What each figure counts, and which date
decides its year, is in the README ("Annual report"); `rows()` gives the report as one flat
list, which the page, the JSON, the CSV and the XLSX all read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, null, or_, select
from sqlalchemy.orm import aliased

from tracker import db
from tracker.achievements.figures import STATED
from tracker.achievements.figures import figures as ip_figures
from tracker.assessment.models import Allocation, AssessmentYear
from tracker.centres.models import CentreAgreement
from tracker.companies.models import Company, CompanyExit, FinancingRound, ShareEntry
from tracker.companies.models import company_projects as links
from tracker.companies.reversal_models import exit_stands, round_stands
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.funding.models import (
    CoFunder,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
    conversion_stands,
)
from tracker.organisations.models import (
    Institute,
    JointInnovationCentre,
    NeedState,
    TechnologyNeed,
)
from tracker.partners.payment_models import CoFunderPayment, co_funder_commitment
from tracker.pms import figures as pm_figures
from tracker.projects.funding import FUNDING_SOURCE_LABELS, FundingSource
from tracker.projects.lifecycle import FINAL
from tracker.projects.models import PROJECT_TYPE_LABELS, PhaseChange, Project, ProjectType
from tracker.reports import by_field, by_organisation
from tracker.reports.figures import AnnualReport, Figure
from tracker.reports.filters import approved, year_bounds

# The figures of the page's table of institutes (one row each, the report's year); the files
# and the page of one institute hold every figure.
OVERVIEW = ("new_projects", "active_projects", "needs_matched", "contracts_signed",
            "contracts_received", "ai_committed", "companies_founded", "financing_raised")

# The figures whose cells link to the list of the rows they count (the endpoint, and its
# argument naming the year), filtered alike: approved projects only, the institute of the row.
# The list's total row has the figure: the achievements its deals are of and their upfront
# payments; the income received that year and the contributors' part of it.
LISTED = {"achievements_transferred": ("transfers.index", "signed"),
          "licence_income": ("transfers.index", "received"),
          "licence_income_distributed": ("transfers.index", "received")}


def _kind(column: Any) -> type:
    """int for a year, date for a date, datetime for an instant (UTCDateTime names no type)."""
    try:
        return column.type.python_type
    except NotImplementedError:
        return datetime


def _year_of(column: Any, year: int) -> ColumnElement:
    """The year (previous or this) of a year, date or instant column already limited to the
    two years (`_in_years`)."""
    kind = _kind(column)
    if kind is int:
        return column
    start = date(year, 1, 1) if kind is date else year_bounds(year)[0]
    return case((column < start, year - 1), else_=year)


def _in_years(column: Any, year: int) -> ColumnElement[bool]:
    kind = _kind(column)
    if kind is int:
        return column.in_((year - 1, year))
    if kind is date:
        return column.between(date(year - 1, 1, 1), date(year, 12, 31))
    return and_(column >= year_bounds(year - 1)[0], column < year_bounds(year)[1])


def _scoped(query: Select, institute: Any, scope: frozenset[int] | None) -> Select:
    return query.where(institute.in_(scope)) if scope is not None else query


# Each figure: (key, label, has a count, has an amount, the query giving rows of
# (institute id, year, count, amount) for the report's year and the one before).
Query = Callable[[int, frozenset[int] | None], Select]


def _dated(base: Select, institute: Any, column: Any, count: Any, amount: Any) -> Query:
    def query(year: int, scope: frozenset[int] | None) -> Select:
        year_of = _year_of(column, year)
        return _scoped(base.add_columns(institute, year_of, count, amount)
                       .where(_in_years(column, year)).group_by(institute, year_of),
                       institute, scope)
    return query


def _company_institute() -> Any:
    """A company counts for the institute of its first project."""
    first = (select(links.c.company_id, func.min(links.c.project_id).label("project_id"))
             .group_by(links.c.company_id).subquery())
    owner = aliased(Project)
    return first, owner


def _simple_figures() -> list[tuple[str, Any, bool, bool, Query]]:
    first, owner = _company_institute()

    def by_company(model: Any, company_id: Any, date_column: Any, count: Any,
                   amount: Any, *conditions: Any) -> Query:
        base = (select().select_from(model)
                .join(first, first.c.company_id == company_id)
                .join(owner, owner.id == first.c.project_id).where(*conditions))
        return _dated(base, owner.institute_id, date_column, count, amount)

    def by_project(base: Select, date_column: Any, count: Any, amount: Any) -> Query:
        # The portfolio's figures: of approved projects only (`filters.approved`).
        return _dated(base.where(approved()), Project.institute_id, date_column, count, amount)

    none = null()
    contract_base = (select().select_from(ResearchContract).join(Project)
                     .where(ResearchContract.standing()))
    payment_base = (select().select_from(Payment).join(Instalment).join(ResearchContract)
                    .join(Project).where(ResearchContract.standing()))
    # A voided agreement or tranche (recorded by mistake) counts nowhere, nor its money.
    agreement_base = (select().select_from(FundingAgreement)
                      .join(Project, Project.id == FundingAgreement.project_id)
                      .where(FundingAgreement.standing()))
    disbursed_base = (select().select_from(Disbursement).join(Tranche)
                      .join(FundingAgreement, FundingAgreement.id == Tranche.agreement_id)
                      .join(Project, Project.id == FundingAgreement.project_id)
                      .where(FundingAgreement.standing(), Tranche.standing()))
    co_funder_base = (select().select_from(CoFunder).join(FundingAgreement)
                      .join(Project, Project.id == FundingAgreement.project_id)
                      .where(FundingAgreement.standing()))
    converted_base = (select().select_from(Conversion)
                      .join(ShareEntry, ShareEntry.id == Conversion.entry_id)
                      .join(FundingAgreement, FundingAgreement.id == Conversion.agreement_id)
                      .join(Project, Project.id == FundingAgreement.project_id)
                      .where(conversion_stands(Conversion.id)))
    matched = TechnologyNeed.state.in_((NeedState.MATCHED, NeedState.CONTRACTED))
    return [
        ("institutes_founded", _l("Institutes founded"), True, False, _dated(
            select().select_from(Institute), Institute.id, Institute.founded_on,
            func.count(Institute.id), none)),
        ("needs_collected", _l("Enterprise needs collected"), True, True, _dated(
            select().select_from(TechnologyNeed), TechnologyNeed.institute_id,
            TechnologyNeed.created_at, func.count(TechnologyNeed.id),
            func.sum(TechnologyNeed.intended_investment))),
        # In the year of the match (tracker/needs); a need matched before the moment was
        # recorded (migration 0050), in the year it was recorded.
        ("needs_matched", _l("Enterprise needs matched"), True, True, _dated(
            select().select_from(TechnologyNeed).where(matched), TechnologyNeed.institute_id,
            func.coalesce(TechnologyNeed.matched_at, TechnologyNeed.created_at),
            func.count(TechnologyNeed.id), func.sum(TechnologyNeed.intended_investment))),
        ("projects_from_needs", _l("Cooperation projects from needs"), True, False, by_project(
            select().select_from(Project).where(Project.need_id.is_not(None)),
            Project.year, func.count(Project.id), none)),
        ("contracts_from_needs", _l("Contract value of projects from needs"), True, True,
         by_project(contract_base.where(Project.need_id.is_not(None)),
                    ResearchContract.signed_on, func.count(ResearchContract.id),
                    func.sum(ResearchContract.amount))),
        ("contracts_signed", _l("Research contracts signed"), True, True, by_project(
            contract_base, ResearchContract.signed_on, func.count(ResearchContract.id),
            func.sum(ResearchContract.amount))),
        ("contracts_received", _l("Contract money received"), False, True, by_project(
            payment_base, Payment.received_on, none, func.sum(Payment.amount))),
        ("contracts_registered", _l("Technology contracts registered (transaction value)"),
         True, True, by_project(
             contract_base.where(ResearchContract.registration_number.is_not(None)),
             ResearchContract.registered_on, func.count(ResearchContract.id),
             func.sum(ResearchContract.registered_value))),
        ("ai_committed", _l("Allocation-investment committed"), True, True, by_project(
            agreement_base, FundingAgreement.signed_on, func.count(FundingAgreement.id),
            func.sum(FundingAgreement.committed))),
        ("ai_disbursed", _l("Allocation-investment disbursed"), False, True, by_project(
            disbursed_base, Disbursement.paid_on, none, func.sum(Disbursement.amount))),
        # Co-funders (tracker/partners): what each matched by the ratio, in the year the
        # agreement was signed, and what they paid, in the year they paid it.
        ("ai_co_funded", _l("Allocation-investment committed by co-funders"), True, True,
         by_project(co_funder_base, FundingAgreement.signed_on, func.count(CoFunder.id),
                    func.sum(co_funder_commitment()))),
        ("ai_co_funders_paid", _l("Allocation-investment paid by co-funders"), False, True,
         by_project(co_funder_base.join(CoFunderPayment), CoFunderPayment.paid_on, none,
                    func.sum(CoFunderPayment.amount))),
        ("ai_converted", _l("Allocation-investment converted to equity"), True, True,
         by_project(converted_base, ShareEntry.on_date, func.count(Conversion.id),
                    func.sum(Conversion.disbursed))),
        ("companies_founded", _l("Companies founded"), True, False, by_company(
            Company, Company.id, Company.registered_on, func.count(Company.id), none)),
        ("financing_raised", _l("Financing raised by companies"), True, True, by_company(
            FinancingRound, FinancingRound.company_id, FinancingRound.on_date,
            func.count(FinancingRound.id), func.sum(FinancingRound.amount),
            round_stands(FinancingRound.id))),
        ("exits", _l("Exits"), True, True, by_company(
            CompanyExit, CompanyExit.company_id, CompanyExit.on_date, func.count(CompanyExit.id),
            func.sum(CompanyExit.proceeds), exit_stands(CompanyExit.id))),
        ("hq_funding", _l("HQ funding set by the assessment"), False, True, _dated(
            select().select_from(Allocation).join(AssessmentYear), Allocation.institute_id,
            AssessmentYear.year, none, func.sum(Allocation.amount))),
        *[(key, label, counts, amounts, by_project(base, column, count, amount))
          for key, label, counts, amounts, base, column, count, amount in ip_figures()],
    ]


def _centres(report: AnnualReport) -> list[Figure]:
    """Joint innovation centres belong to an enterprise, not an institute: network figures.
    Founded in a year: established in it. Active in a year: one of its agreement terms
    (tracker/centres) runs some day of it; a centre with no agreement recorded counts as
    active from its establishment on (as before agreements were recorded); a centre with
    neither counts in no figure. One statement."""
    year = report.year
    founded = Figure("centres_founded", _l("Joint innovation centres founded"), True, False,
                     by_institute=False)
    active = Figure("centres_active", _l("Joint innovation centres active"), True, False,
                    by_institute=False)
    centre, established = JointInnovationCentre, JointInnovationCentre.established_on

    def active_in(y: int) -> ColumnElement[bool]:
        terms = select(CentreAgreement.id).where(CentreAgreement.centre_id == centre.id)
        in_term = exists(terms.where(CentreAgreement.starts_on <= date(y, 12, 31),
                                     CentreAgreement.ends_on >= date(y, 1, 1)))
        return or_(in_term, and_(~exists(terms), established <= date(y, 12, 31)))

    counts = db.session.execute(select(*(
        func.count(centre.id).filter(condition) for condition in (
            established.between(date(year - 1, 1, 1), date(year - 1, 12, 31)),
            established.between(date(year, 1, 1), date(year, 12, 31)),
            active_in(year - 1), active_in(year))))).one()
    founded.add(None, year - 1, counts[0], None)
    founded.add(None, year, counts[1], None)
    active.add(None, year - 1, counts[2], None)
    active.add(None, year, counts[3], None)
    return [founded, active]


def _projects(report: AnnualReport) -> list[Figure]:
    """New projects (approved ones, by the year their code was given: submitted) and projects
    active in the year (approved, coded by its end and not closed before it began), in total,
    by type and by funding source: drafts, proposals not yet approved and rejected ones are
    not part of the portfolio (`filters.approved`). Two statements."""
    year, scope = report.year, report.scope
    new = Figure("new_projects", _l("New projects"), True, False)
    active = Figure("active_projects", _l("Active projects"), True, False)
    new_by = {t: Figure(f"new_projects:{t.value}", _l("New projects: %(type)s",
                                                      type=PROJECT_TYPE_LABELS[t]), True, False)
              for t in ProjectType}
    active_by = {t: Figure(f"active_projects:{t.value}", _l(
        "Active projects: %(type)s", type=PROJECT_TYPE_LABELS[t]), True, False)
        for t in ProjectType}
    new_from = {s: Figure(f"new_projects:{s.value}", _l(
        "New projects: %(source)s", source=FUNDING_SOURCE_LABELS[s]), True, False)
        for s in FundingSource}
    active_from = {s: Figure(f"active_projects:{s.value}", _l(
        "Active projects: %(source)s", source=FUNDING_SOURCE_LABELS[s]), True, False)
        for s in FundingSource}
    rows = db.session.execute(_scoped(
        select(Project.institute_id, Project.year, Project.type, Project.funding_source,
               func.count(Project.id))
        .where(Project.year.in_((year - 1, year)), approved())
        .group_by(Project.institute_id, Project.year, Project.type, Project.funding_source),
        Project.institute_id, scope))
    for institute_id, in_year, type_, source, count in rows:
        for figure in (new_by[type_], new_from[source]):
            figure.add(institute_id, in_year, count, None)
        new.add(institute_id, in_year, count, None)

    def active_in(y: int) -> ColumnElement[bool]:
        ended = exists().where(PhaseChange.project_id == Project.id,
                               PhaseChange.to_phase.in_(FINAL),
                               PhaseChange.at < year_bounds(y)[0])
        return and_(Project.year <= y, ~ended)

    rows = db.session.execute(_scoped(
        select(Project.institute_id, Project.type, Project.funding_source,
               func.count(Project.id).filter(active_in(year - 1)),
               func.count(Project.id).filter(active_in(year)))
        .where(Project.year <= year, approved())
        .group_by(Project.institute_id, Project.type, Project.funding_source),
        Project.institute_id, scope))
    for institute_id, type_, source, before, now in rows:
        for figure in (active, active_by[type_], active_from[source]):
            figure.add(institute_id, year - 1, before, None)
            figure.add(institute_id, year, now, None)
    return [new, *new_by.values(), *new_from.values(), active, *active_by.values(),
            *active_from.values()]


def _new_managers(report: AnnualReport) -> Figure:
    """Project managers first appointed in the year (the register, tracker/pms: a first term,
    by the day HQ recorded it in the organisation's time zone), by the institute of that term.
    One statement."""
    year = report.year
    figure = Figure("new_project_managers", _l("New project managers"), True, False)
    for (institute_id, in_year), count in sorted(pm_figures.first_appointments(
            (year - 1, year), report.scope).items()):
        figure.add(institute_id, in_year, count, None)
    return figure


def build(year: int, scope: frozenset[int] | None = None) -> AnnualReport:
    """The report of `year` (with the year before), for the institutes in `scope` (None: the
    whole network, where figures that belong to no institute count in the total)."""
    institutes = [tuple(row) for row in db.session.execute(_scoped(
        select(Institute.id, Institute.code, Institute.shown_in_sql("name"))
        .order_by(Institute.code),
        Institute.id, scope))]
    report = AnnualReport(year, institutes, [], scope)
    simple = {key: Figure(key, label, counts, amounts, stated=key in STATED)
              for key, label, counts, amounts, _query in _simple_figures()}
    for key, _label, _counts, _amounts, query in _simple_figures():
        for institute_id, in_year, count, amount in db.session.execute(query(year, scope)):
            simple[key].add(institute_id, in_year, count, amount)
    centres = [] if scope is not None else _centres(report)
    report.figures = [
        simple["institutes_founded"], *centres, simple["needs_collected"],
        simple["needs_matched"], simple["projects_from_needs"], simple["contracts_from_needs"],
        *_projects(report), _new_managers(report), simple["contracts_signed"],
        simple["contracts_received"], simple["contracts_registered"], simple["ai_committed"],
        simple["ai_disbursed"], simple["ai_co_funded"], simple["ai_co_funders_paid"],
        simple["ai_converted"], simple["companies_founded"], simple["financing_raised"],
        simple["exits"], *(simple[key] for key, *_rest in ip_figures()), simple["hq_funding"],
        *by_field.figures(report), *by_organisation.figures(report)]
    return report
