"""Contracts, allocation-investment funding and companies through the API: the pages' lists
(their visibility and filters) paged by cursor, and each record behind its page's `can_view`."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from tracker.companies import ledger
from tracker.companies.models import Company
from tracker.contracts import queries as contract_queries
from tracker.contracts.models import Instalment, ResearchContract
from tracker.dates import today
from tracker.funding.models import FundingAgreement, Tranche
from tracker.projects.models import Project
from tracker.projects.visibility import visible_to
from tracker.reports.filters import Filters, registered
from tracker.web.api import more_schemas as s
from tracker.web.api.args import query_args
from tracker.web.api.paging import Keyset, encode, page
from tracker.web.api.reads import answer, listing, load_project, visible
from tracker.web.api.spec import operation
from tracker.web.permissions import acting_user


def _filters(args: s.PortfolioQuery) -> Filters:
    return Filters(args.institute, args.field, args.year, args.type, args.source)


# --- contracts ----------------------------------------------------------------------------------


@operation("/contracts", summary=_l("Research contracts"), tag="contracts",
           response=s.ContractPage, query=s.PortfolioQuery, allowed=ResearchContract.can_list)
def contracts() -> Response:
    """The contract research page's contracts and filters, latest signed first."""
    args = query_args(s.PortfolioQuery)
    query = contract_queries.contracts(and_(visible_to(acting_user()),
                                            _filters(args).projects()))
    rows, cursor = page(query, Keyset([ResearchContract.signed_on, ResearchContract.id], True),
                        args.cursor, args.limit, key_of=lambda r: (r.signed_on, r.id))
    return listing(s.ContractPage, rows, cursor)


@operation("/contracts/<int:contract_id>", summary=_l("A research contract"), tag="contracts",
           response=s.Contract)
def contract(contract_id: int) -> Response:
    record = visible(select(ResearchContract).where(ResearchContract.id == contract_id).options(
        selectinload(ResearchContract.enterprise),
        selectinload(ResearchContract.instalments).selectinload(Instalment.payments)))
    return answer(s.Contract, record)


# --- funding ------------------------------------------------------------------------------------

_AGREEMENT = (selectinload(FundingAgreement.project),
              selectinload(FundingAgreement.tranches).selectinload(Tranche.disbursements))


@operation("/funding", summary=_l("Allocation-investment agreements"), tag="funding",
           response=s.AgreementPage, query=s.FundingQuery, allowed=FundingAgreement.can_list)
def agreements() -> Response:
    """Every agreement (HQ-wide roles, as the page), soonest conversion deadline first."""
    args = query_args(s.FundingQuery)
    query = select(FundingAgreement).where(FundingAgreement.standing()).options(*_AGREEMENT)
    if args.open:
        query = query.where(FundingAgreement.outcome.is_(None) if args.open == "yes"
                            else FundingAgreement.outcome.is_not(None))
    rows, cursor = page(query, Keyset([FundingAgreement.conversion_deadline,
                                       FundingAgreement.id]), args.cursor, args.limit,
                        key_of=lambda a: (a.conversion_deadline, a.id), scalars=True)
    return listing(s.AgreementPage, rows, cursor)


@operation("/projects/<int:project_id>/funding", summary=_l("A project's funding agreement"),
           tag="funding", response=s.Agreement)
def project_funding(project_id: int) -> Response:
    """404 when the project has none, or when its funding is not yours to see."""
    project = load_project(project_id)
    agreement = visible(select(FundingAgreement).where(
        FundingAgreement.project_id == project.id, FundingAgreement.standing())
        .options(*_AGREEMENT))
    return answer(s.Agreement, agreement)


# --- companies ----------------------------------------------------------------------------------


def _company_row(company: Company) -> dict:
    return {**{k: getattr(company, k) for k in ("id", "name", "uscc", "registered_on",
                                                  "registered_capital",
                                                  "legal_representative")},
            "project_ids": [p.id for p in company.projects]}


@operation("/companies", summary=_l("Spin-off companies"), tag="companies",
           response=s.CompanyPage, query=s.CompanyQuery, allowed=Company.can_list)
def companies() -> Response:
    """The companies page's companies and filters, each one this person may see, in the order
    they were recorded."""
    # Each checked with Company.can_view. The docstring is the help page's text (/help/api).
    user = acting_user()
    args = query_args(s.CompanyQuery)
    filters = _filters(args)
    query = select(Company).options(selectinload(Company.projects).selectinload(Project.members))
    if filters.args():
        query = query.where(Company.id.in_(filters.companies()))
    if args.registered == "1":
        query = query.where(registered())
    # Visibility is a predicate on each company (through its projects): read batches until
    # the page is full and one more visible company says another page follows.
    found, after, more = [], args.cursor, False
    while True:
        batch, next_batch = page(query, Keyset([Company.id]), after, args.limit, scalars=True,
                                 key_of=lambda c: (c.id,))
        for company in filter(lambda c: c.can_view(user), batch):
            if len(found) == args.limit:
                more = True
                break
            found.append(company)
        if more or next_batch is None:
            break
        after = next_batch
    next_cursor = encode([found[-1].id]) if more else None
    return listing(s.CompanyPage, [_company_row(c) for c in found], next_cursor)


@operation("/companies/<int:company_id>/cap-table", summary=_l("A company's cap table on a day"),
           tag="companies", response=s.CapTable, query=s.CapTableQuery)
def cap_table(company_id: int) -> Response:
    company = visible(select(Company).where(Company.id == company_id).options(
        selectinload(Company.projects).selectinload(Project.members),
        selectinload(Company.holders), selectinload(Company.entries)))
    on = query_args(s.CapTableQuery).on or today()
    table = ledger.cap_table(company, on)
    return answer(s.CapTable, {"company_id": company.id, "on": on, "issued": table.issued,
                               "rows": [{"holder_id": h.holder.id, "holder": h.holder.shown_name,
                                         "kind": h.holder.kind, "shares": h.shares,
                                         "pct": h.pct} for h in table.rows]})
