"""The portfolio dashboard: HQ's across the network, a director's for their institute.

Every figure is an SQL aggregate under the viewer's filters (`reports.filters`), in a fixed
number of statements whatever the size of the data; the lists beside them stop at ten. What each
figure counts is written in the README ("Dashboards")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, select, union_all
from sqlalchemy.orm import aliased, selectinload

from tracker import db, money
from tracker.accounts.models import User
from tracker.companies.models import (
    Company,
    CompanyExit,
    FinancingRound,
    HolderType,
    RoundInvestment,
    ShareEntry,
    Shareholder,
)
from tracker.companies.reversal_models import exit_stands, round_stands
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.funding.models import (
    AgreementOutcome,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
    conversion_stands,
)
from tracker.gates.models import GateReview, ReviewState
from tracker.milestones import overdue
from tracker.milestones.models import Milestone, MilestoneState
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.reports.filters import Filters, registered, year_bounds

# The lists beside the counts show this many, oldest first.
OLDEST = 10
ZERO = Decimal("0")
# The funnel's order: the main track, then where projects stop.
FUNNEL = (Phase.DRAFT, Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH, Phase.INVESTMENT_DECISION,
          Phase.SPIN_OFF, Phase.SPUN_OFF, Phase.ON_HOLD, Phase.COMPLETED, Phase.TERMINATED,
          Phase.REJECTED)
AWAITING = (ReviewState.REQUESTED, ReviewState.OPEN)


def _money(value: object) -> Decimal:
    return money.cents(Decimal(value)) if value is not None else ZERO


@dataclass
class Funding:
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    converted: Decimal = ZERO
    agreements: int = 0
    # (outcome or None while the agreement runs, agreements, committed), in a fixed order.
    outcomes: list[tuple[AgreementOutcome | None, int, Decimal]] = field(default_factory=list)


@dataclass
class Companies:
    companies: int = 0
    registered: int = 0
    rounds: int = 0
    raised: Decimal = ZERO  # the amounts of their financing rounds
    with_hq_stake: int = 0  # companies, not exited, in which HQ holds shares
    hq_value: Decimal = ZERO  # HQ's shares at each company's last round price
    hq_cost: Decimal = ZERO  # what HQ paid for the stakes it holds: conversions, rounds
    exited: int = 0
    realised: Decimal = ZERO  # HQ's proceeds of the exits that stand
    exited_cost: Decimal = ZERO  # what HQ had paid for the stakes it exited

    @property
    def multiple(self) -> Decimal | None:
        """What HQ's stakes are worth and what it realised, over what it paid for both."""
        paid = self.hq_cost + self.exited_cost
        return ((self.hq_value + self.realised) / paid).quantize(Decimal("0.01")) if paid else None


@dataclass
class Needs:
    collected: int = 0
    matched: int = 0  # matched or contracted
    contracted: int = 0
    collected_investment: Decimal = ZERO
    matched_investment: Decimal = ZERO
    contracted_investment: Decimal = ZERO


@dataclass
class Dashboard:
    on: date
    funnel: list[tuple[Phase, int]]
    overdue: overdue.OverdueList
    reviews_overdue: int
    oldest_reviews: list[Milestone]
    gates_awaiting: int
    gates_past_due: int
    oldest_gates: list[GateReview]
    contracts: dict[str, Decimal | int]
    funding: Funding
    companies: Companies
    needs: Needs


def build(viewer: User, filters: Filters, on: date) -> Dashboard:
    scope = filters.projects()
    funnel = dict(db.session.execute(
        select(Project.phase, func.count()).where(scope).group_by(Project.phase)).all())
    late = overdue.overdue(viewer, overdue.OverdueFilters(), on, 1, OLDEST, within=scope,
                           count=True)
    # Counted by the overdue list's own query (its `late=review`), so the link shows as many.
    reviews_late = overdue.overdue(viewer, overdue.OverdueFilters(reviews=True), on, 1, 0,
                                   within=scope, count=True)
    reviews = (select(Milestone).join(Project).where(
        scope, Milestone.state == MilestoneState.SUBMITTED, Milestone.review_due < on))
    gates = select(GateReview).join(Project).where(scope, GateReview.state.in_(AWAITING))
    gate_counts = db.session.execute(
        select(func.count(GateReview.id),
               func.count(GateReview.id).filter(GateReview.due_date < on))
        .join(Project).where(scope, GateReview.state.in_(AWAITING))).one()
    return Dashboard(
        on=on,
        funnel=[(phase, funnel.get(phase, 0)) for phase in FUNNEL],
        overdue=late,
        reviews_overdue=reviews_late.total or 0,
        oldest_reviews=list(db.session.scalars(
            reviews.options(selectinload(Milestone.project), selectinload(Milestone.reviewer))
            .order_by(Milestone.review_due, Milestone.id).limit(OLDEST))),
        gates_awaiting=gate_counts[0] or 0, gates_past_due=gate_counts[1] or 0,
        oldest_gates=list(db.session.scalars(
            gates.options(selectinload(GateReview.project))
            .order_by(GateReview.requested_at, GateReview.id).limit(OLDEST))),
        contracts=contract_figures(filters, on.year),
        funding=funding_figures(filters),
        companies=company_figures(filters, on),
        needs=need_figures(filters),
    )


def contract_figures(filters: Filters, year: int) -> dict[str, Decimal | int]:
    """Contract value signed and money received, all time and in `year` (by the signing date
    and the date received). Two statements."""
    scope = filters.projects()
    in_year = func.extract("year", ResearchContract.signed_on) == year
    signed = db.session.execute(
        select(func.count(ResearchContract.id), func.sum(ResearchContract.amount),
               func.count(ResearchContract.id).filter(in_year),
               func.sum(ResearchContract.amount).filter(in_year))
        .join(Project).where(scope)).one()
    received_in_year = func.extract("year", Payment.received_on) == year
    received = db.session.execute(
        select(func.sum(Payment.amount), func.sum(Payment.amount).filter(received_in_year))
        .join(Instalment, Instalment.id == Payment.instalment_id)
        .join(ResearchContract, ResearchContract.id == Instalment.contract_id)
        .join(Project).where(scope)).one()
    return {"contracts": signed[0] or 0, "signed": _money(signed[1]),
            "contracts_year": signed[2] or 0, "signed_year": _money(signed[3]),
            "received": _money(received[0]), "received_year": _money(received[1])}


def funding_figures(filters: Filters) -> Funding:
    """Allocation-investment: committed per outcome, disbursed, converted. Three statements."""
    scope = filters.projects()
    figures = Funding()
    by_outcome = {outcome: (count, _money(committed)) for outcome, count, committed in
                  db.session.execute(
                      select(FundingAgreement.outcome, func.count(FundingAgreement.id),
                             func.sum(FundingAgreement.committed))
                      .join(Project, Project.id == FundingAgreement.project_id).where(scope)
                      .group_by(FundingAgreement.outcome))}
    for outcome in (None, *AgreementOutcome):
        count, committed = by_outcome.get(outcome, (0, ZERO))
        figures.outcomes.append((outcome, count, committed))
        figures.agreements += count
        figures.committed += committed
    figures.disbursed = _money(db.session.scalar(
        select(func.sum(Disbursement.amount)).join(Tranche)
        .join(FundingAgreement, FundingAgreement.id == Tranche.agreement_id)
        .join(Project, Project.id == FundingAgreement.project_id).where(scope)))
    figures.converted = _money(db.session.scalar(
        select(func.sum(Conversion.disbursed))
        .join(FundingAgreement, FundingAgreement.id == Conversion.agreement_id)
        .join(Project, Project.id == FundingAgreement.project_id)
        .where(scope, conversion_stands(Conversion.id))))
    return figures


def company_figures(filters: Filters, on: date) -> Companies:
    """Companies of the filtered projects, their rounds, and HQ's stakes on `on` valued at each
    company's last round price (exited companies apart). Six statements."""
    ids = filters.companies()
    figures = Companies()
    counts = db.session.execute(select(
        func.count(Company.id),
        func.count(Company.id).filter(registered()))
        .where(Company.id.in_(ids))).one()
    figures.companies, figures.registered = counts[0] or 0, counts[1] or 0
    rounds = db.session.execute(select(func.count(FinancingRound.id),
                                       func.sum(FinancingRound.amount))
                                .where(FinancingRound.company_id.in_(ids),
                                       round_stands(FinancingRound.id, on))).one()
    figures.rounds, figures.raised = rounds[0] or 0, _money(rounds[1])
    exits = db.session.execute(select(CompanyExit.company_id, CompanyExit.hq_proceeds).where(
        CompanyExit.company_id.in_(ids), CompanyExit.on_date <= on,
        exit_stands(CompanyExit.id, on))).all()
    exited = {company_id for company_id, _proceeds in exits}
    figures.exited = len(exited)
    figures.realised = sum((_money(proceeds) for _company, proceeds in exits), ZERO)
    to_holder, from_holder = aliased(Shareholder), aliased(Shareholder)
    hq_shares = dict(db.session.execute(
        select(ShareEntry.company_id,
               func.sum(ShareEntry.shares).filter(to_holder.kind == HolderType.HQ)
               - func.coalesce(func.sum(ShareEntry.shares).filter(
                   from_holder.kind == HolderType.HQ), 0))
        .join(to_holder, to_holder.id == ShareEntry.to_holder_id)
        .outerjoin(from_holder, from_holder.id == ShareEntry.from_holder_id)
        .where(ShareEntry.company_id.in_(ids), ShareEntry.on_date <= on)
        .group_by(ShareEntry.company_id)).all())
    last = (select(FinancingRound.company_id, FinancingRound.price_per_share,
                   func.row_number().over(partition_by=FinancingRound.company_id,
                                          order_by=(FinancingRound.on_date.desc(),
                                                    FinancingRound.id.desc())).label("n"))
            .where(FinancingRound.company_id.in_(ids), FinancingRound.on_date <= on,
                   round_stands(FinancingRound.id, on)).subquery())
    prices = dict(db.session.execute(
        select(last.c.company_id, last.c.price_per_share).where(last.c.n == 1)).all())
    for company_id, shares in hq_shares.items():
        if company_id in exited or not shares:
            continue
        figures.with_hq_stake += 1
        if company_id in prices:
            figures.hq_value += money.value_of(Decimal(shares), Decimal(prices[company_id]))
    # What HQ paid for its shares, per company: the disbursements converted into them, and its
    # money in rounds (shares HQ took at incorporation carry no price in the ledger); that of
    # the companies it exited is the cost of what it realised.
    # A conversion or a round reversed by `on` reversed its share entry too: what it paid
    # is no longer HQ's cost.
    holder, reversal = aliased(Shareholder), aliased(ShareEntry)
    paid = [select(ShareEntry.company_id, amount).select_from(amount.class_)
            .join(ShareEntry, ShareEntry.id == entry_id)
            .join(holder, holder.id == ShareEntry.to_holder_id)
            .where(holder.kind == HolderType.HQ, ShareEntry.company_id.in_(ids),
                   ShareEntry.on_date <= on,
                   ~exists().where(reversal.reverses_id == ShareEntry.id,
                                   reversal.on_date <= on))
            for amount, entry_id in ((Conversion.disbursed, Conversion.entry_id),
                                     (RoundInvestment.amount, RoundInvestment.entry_id))]
    for company_id, amount in db.session.execute(union_all(*paid)).all():
        if company_id in exited:
            figures.exited_cost += _money(amount)
        else:
            figures.hq_cost += _money(amount)
    return figures


def need_figures(filters: Filters) -> Needs:
    """Technology needs by state (one statement). They hang from an institute once matched,
    not from a project: the institute filter applies to them (collected needs not yet matched
    count only when no institute is chosen), the year filter by the date they were recorded,
    the field and type filters not at all."""
    query = select(TechnologyNeed.state, func.count(TechnologyNeed.id),
                   func.sum(TechnologyNeed.intended_investment))
    if filters.institute_ids is not None:
        query = query.where(filters.institutes(TechnologyNeed.institute_id))
    if filters.year:
        start, end = year_bounds(filters.year)
        query = query.where(TechnologyNeed.created_at >= start, TechnologyNeed.created_at < end)
    figures = Needs()
    for state, count, amount in db.session.execute(query.group_by(TechnologyNeed.state)):
        figures.collected += count
        figures.collected_investment += _money(amount)
        if state in (NeedState.MATCHED, NeedState.CONTRACTED):
            figures.matched += count
            figures.matched_investment += _money(amount)
        if state is NeedState.CONTRACTED:
            figures.contracted += count
            figures.contracted_investment += _money(amount)
    return figures
