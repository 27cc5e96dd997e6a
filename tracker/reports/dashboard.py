"""The portfolio dashboard: HQ's across the network, a director's for their institute.

Every figure is an SQL aggregate under the viewer's filters (`reports.filters`), in a fixed
number of statements whatever the size of the data; the lists beside them stop at ten. What each
figure counts is written in the README ("Dashboards")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ScalarSelect, and_, func, select
from sqlalchemy.orm import joinedload

from tracker import db, money
from tracker.accounts.models import User
from tracker.achievements import figures as ip_figures
from tracker.achievements.deal_models import IncomeReceipt, Transfer
from tracker.assessment.models import Allocation, AssessmentYear
from tracker.companies import holdings
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.funding.columns import co_funder_sums
from tracker.funding.models import (
    AgreementOutcome,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
    conversion_stands,
)
from tracker.gates.models import UNDER_WAY, GateReview
from tracker.milestones import overdue
from tracker.milestones.models import Milestone, MilestoneState
from tracker.needs.contracted import contracted
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.reports.filters import Filters, year_bounds

# The lists beside the counts show this many, oldest first.
OLDEST = 10
ZERO = Decimal("0")
# The funnel's order: the main track, then where projects stop.
FUNNEL = (Phase.DRAFT, Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH, Phase.INVESTMENT_DECISION,
          Phase.SPIN_OFF, Phase.SPUN_OFF, Phase.ON_HOLD, Phase.COMPLETED, Phase.TERMINATED,
          Phase.REJECTED)


def _money(value: object) -> Decimal:
    return money.cents(Decimal(value)) if value is not None else ZERO


@dataclass
class Funding:
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    converted: Decimal = ZERO
    # What the co-funders committed beside HQ by the ratio, and paid (tracker/partners).
    co_funded: Decimal = ZERO
    co_funders_paid: Decimal = ZERO
    agreements: int = 0
    # (outcome or None while the agreement runs, agreements, committed), in a fixed order.
    outcomes: list[tuple[AgreementOutcome | None, int, Decimal]] = field(default_factory=list)


@dataclass
class Needs:
    collected: int = 0
    matched: int = 0  # matched or contracted
    contracted: int = 0  # with a signed research contract (`needs.contracted`)
    collected_investment: Decimal = ZERO
    matched_investment: Decimal = ZERO
    contracted_investment: Decimal = ZERO


@dataclass
class Dashboard:
    on: date
    funnel: list[tuple[Phase, int]]
    sources: list[tuple[FundingSource, int, Decimal]]  # projects and their budget, by source
    overdue: overdue.OverdueList
    reviews_overdue: int
    oldest_reviews: list[Milestone]
    gates_awaiting: int
    gates_past_due: int
    oldest_gates: list[GateReview]
    contracts: dict[str, Decimal | int]
    deals: dict[str, Decimal | int]
    funding: Funding
    companies: holdings.Totals
    needs: Needs
    # HQ's funding of the institutes as approved assessments set it: (year, amount), newest first.
    hq_funding: list[tuple[int, Decimal]]


def build(viewer: User, filters: Filters, on: date) -> Dashboard:
    scope = filters.projects()
    funnel = dict(db.session.execute(
        select(Project.phase, func.count()).where(scope).group_by(Project.phase)).all())
    # The portfolio: approved projects only, where the funnel shows every phase.
    by_source = {source: (count, _money(budget)) for source, count, budget in db.session.execute(
        select(Project.funding_source, func.count(), func.sum(Project.budget_total))
        .where(filters.projects(portfolio=True)).group_by(Project.funding_source))}
    late = overdue.overdue(viewer, overdue.OverdueFilters(), on, 1, OLDEST, within=scope,
                           count=True)
    # Counted by the overdue list's own query (its `late=review`), so the link shows as many.
    reviews_late = overdue.overdue(viewer, overdue.OverdueFilters(reviews=True), on, 1, 0,
                                   within=scope, count=True)
    reviews = (select(Milestone).join(Project).where(
        scope, Milestone.state == MilestoneState.SUBMITTED, Milestone.review_due < on))
    gates = select(GateReview).join(Project).where(scope, GateReview.state.in_(UNDER_WAY))
    gate_counts = db.session.execute(
        select(func.count(GateReview.id),
               func.count(GateReview.id).filter(GateReview.due_date < on))
        .join(Project).where(scope, GateReview.state.in_(UNDER_WAY))).one()
    return Dashboard(
        on=on,
        funnel=[(phase, funnel.get(phase, 0)) for phase in FUNNEL],
        # Under a source filter, that source's row alone: another's would count nothing, and
        # its link would lead to that source's projects.
        sources=[(source, *by_source.get(source, (0, ZERO))) for source in FundingSource
                 if filters.source in ("", source.value)],
        overdue=late,
        reviews_overdue=reviews_late.total or 0,
        oldest_reviews=list(db.session.scalars(
            reviews.options(joinedload(Milestone.project), joinedload(Milestone.reviewer))
            .order_by(Milestone.review_due, Milestone.id).limit(OLDEST))),
        gates_awaiting=gate_counts[0] or 0, gates_past_due=gate_counts[1] or 0,
        oldest_gates=list(db.session.scalars(
            gates.options(joinedload(GateReview.project))
            .order_by(GateReview.requested_at, GateReview.id).limit(OLDEST))),
        contracts=contract_figures(filters, on.year),
        deals=deal_figures(filters, on.year),
        funding=funding_figures(filters),
        companies=company_figures(filters, on),
        needs=need_figures(filters),
        hq_funding=hq_funding_figures(filters),
    )


def contract_figures(filters: Filters, year: int) -> dict[str, Decimal | int]:
    """Contract value signed and money received, all time and in `year` (by the signing date
    and the date received). One statement: the money received is summed in subqueries."""
    scope = filters.projects()
    in_year = func.extract("year", ResearchContract.signed_on) == year

    def received(*where) -> ScalarSelect:
        return (select(func.sum(Payment.amount))
                .join(Instalment, Instalment.id == Payment.instalment_id)
                .join(ResearchContract, ResearchContract.id == Instalment.contract_id)
                .join(Project, Project.id == ResearchContract.project_id)
                .where(scope, ResearchContract.standing(), *where).scalar_subquery())

    row = db.session.execute(
        select(func.count(ResearchContract.id), func.sum(ResearchContract.amount),
               func.count(ResearchContract.id).filter(in_year),
               func.sum(ResearchContract.amount).filter(in_year),
               received(), received(func.extract("year", Payment.received_on) == year))
        .join(Project, Project.id == ResearchContract.project_id)
        .where(scope, ResearchContract.standing())).one()
    return {"contracts": row[0] or 0, "signed": _money(row[1]),
            "contracts_year": row[2] or 0, "signed_year": _money(row[3]),
            "received": _money(row[4]), "received_year": _money(row[5])}


def deal_figures(filters: Filters, year: int) -> dict[str, Decimal | int]:
    """Transfers and licences of the achievements of the filtered projects (a voided deal
    and a withdrawn achievement's aside, as `/transfers/` lists them): deals signed and their
    upfront payments, all time and in `year` (by the signing date), the income received under
    them and the contributors' part of it, all time and in `year` (by the date received, a
    reversal netting out in its own year). One statement: the income is summed in subqueries.
    The deals and the receipts are those every figure of the register counts
    (`achievements.figures`): the institute assessment's transfer and licence income is this
    income, by institute."""
    scope = filters.projects()
    in_year = func.extract("year", Transfer.signed_on) == year

    def received(column: Any, *where: Any) -> ScalarSelect:
        return ip_figures.receipts().add_columns(func.sum(column)).where(
            scope, *where).scalar_subquery()

    this_year = func.extract("year", IncomeReceipt.received_on) == year
    row = db.session.execute(ip_figures.deals().add_columns(
        func.count(Transfer.id), func.sum(Transfer.upfront),
        func.count(Transfer.id).filter(in_year), func.sum(Transfer.upfront).filter(in_year),
        received(IncomeReceipt.amount), received(IncomeReceipt.amount, this_year),
        received(IncomeReceipt.pool), received(IncomeReceipt.pool, this_year)).where(
        scope)).one()
    # The upfront payments agreed as the list states them: "—" when none of its deals agreed one.
    return {"deals": row[0] or 0, "upfront": money.stated_total(_money(row[1]), row[0]),
            "deals_year": row[2] or 0, "upfront_year": money.stated_total(_money(row[3]), row[2]),
            "income": _money(row[4]), "income_year": _money(row[5]),
            "to_contributors": _money(row[6]), "to_contributors_year": _money(row[7])}


def funding_figures(filters: Filters) -> Funding:
    """Allocation-investment: agreements and what HQ committed, disbursed and converted, per
    outcome, and what the co-funders committed and paid. One statement: disbursements and the
    co-funders' money summed per agreement before they are joined."""
    disbursed = (select(Tranche.agreement_id, func.sum(Disbursement.amount).label("amount"))
                 .join(Disbursement, Disbursement.tranche_id == Tranche.id)
                 .group_by(Tranche.agreement_id).subquery())
    co_funded, co_paid = co_funder_sums()
    by_outcome = {row[0]: row[1:] for row in db.session.execute(
        select(FundingAgreement.outcome, func.count(FundingAgreement.id),
               func.sum(FundingAgreement.committed), func.sum(disbursed.c.amount),
               func.sum(Conversion.disbursed), func.sum(co_funded.c.amount),
               func.sum(co_paid.c.amount))
        .join(Project, Project.id == FundingAgreement.project_id)
        .outerjoin(disbursed, disbursed.c.agreement_id == FundingAgreement.id)
        .outerjoin(co_funded, co_funded.c.agreement_id == FundingAgreement.id)
        .outerjoin(co_paid, co_paid.c.agreement_id == FundingAgreement.id)
        .outerjoin(Conversion, and_(Conversion.agreement_id == FundingAgreement.id,
                                    conversion_stands(Conversion.id)))
        .where(filters.projects(), FundingAgreement.standing())  # a voided one counts nowhere
        .group_by(FundingAgreement.outcome))}
    figures = Funding()
    for outcome in (None, *AgreementOutcome):
        count, committed, paid, converted, co_committed, co_paid_ = by_outcome.get(
            outcome, (0, None, None, None, None, None))
        figures.outcomes.append((outcome, count, _money(committed)))
        figures.agreements += count
        figures.committed += _money(committed)
        figures.disbursed += _money(paid)
        figures.converted += _money(converted)
        figures.co_funded += _money(co_committed)
        figures.co_funders_paid += _money(co_paid_)
    return figures


def company_figures(filters: Filters, on: date) -> holdings.Totals:
    """Companies of the filtered projects, their rounds standing on `on`, and HQ's stakes on
    `on` valued at each company's last round price, with what HQ paid for them (exited
    companies apart), as the portfolio adds them up (`companies.holdings`). One statement."""
    lines = holdings.lines(on)
    return holdings.totals(db.session.execute(
        select(lines).where(lines.c.company_id.in_(filters.companies()))))


def need_figures(filters: Filters) -> Needs:
    """Technology needs by state (one statement). They hang from an institute once matched,
    not from a project: the institute filter applies to them (collected needs not yet matched
    count only when no institute is chosen), the year filter by the date they were recorded,
    the field and type filters not at all."""
    signed = contracted()
    query = select(TechnologyNeed.state, func.count(TechnologyNeed.id),
                   func.sum(TechnologyNeed.intended_investment),
                   func.count(TechnologyNeed.id).filter(signed),
                   func.sum(TechnologyNeed.intended_investment).filter(signed))
    if filters.institute_ids is not None:
        query = query.where(filters.institutes(TechnologyNeed.institute_id))
    if filters.year:
        start, end = year_bounds(filters.year)
        query = query.where(TechnologyNeed.created_at >= start, TechnologyNeed.created_at < end)
    figures = Needs()
    for state, count, amount, with_contract, contract_amount in db.session.execute(
            query.group_by(TechnologyNeed.state)):
        figures.collected += count
        figures.collected_investment += _money(amount)
        if state in (NeedState.MATCHED, NeedState.CONTRACTED):
            figures.matched += count
            figures.matched_investment += _money(amount)
        figures.contracted += with_contract or 0
        figures.contracted_investment += _money(contract_amount)
    return figures


def hq_funding_figures(filters: Filters) -> list[tuple[int, Decimal]]:
    """HQ's funding of the institutes, by the year of the approved assessment that set it
    (an allocation is recorded only when HQ approves it). It hangs from an institute, not from a
    project: the institute filter applies, the year filter chooses the assessment's year, the
    field, type and source filters do not apply. One statement."""
    query = (select(AssessmentYear.year, func.sum(Allocation.amount))
             .join(Allocation, Allocation.assessment_id == AssessmentYear.id)
             .where(filters.institutes(Allocation.institute_id)))
    if filters.year:
        query = query.where(AssessmentYear.year == filters.year)
    return [(year, _money(amount)) for year, amount in db.session.execute(
        query.group_by(AssessmentYear.year).order_by(AssessmentYear.year.desc()))]
