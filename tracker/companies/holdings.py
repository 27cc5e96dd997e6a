"""HQ's holdings company by company, in SQL: what `ledger.portfolio_line` reads from one
company's ledger, for every company at once and in one statement, each figure aggregated per
company before it is joined. The dashboard's company figures and the portfolio's totals and
filters add these rows up (`totals`), so both count alike whatever the number of companies;
`tests/reports/` checks them against the ledger's lines and a hand-counted network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    exists,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload

from tracker import db, money
from tracker.accounts.models import User
from tracker.companies.ip_models import IpDeal
from tracker.companies.ledger import multiple
from tracker.companies.models import (
    Company,
    CompanyExit,
    FinancingRound,
    HolderType,
    RoundInvestment,
    ShareEntry,
    Shareholder,
    company_projects,
)
from tracker.companies.reversal_models import exit_stands, round_stands
from tracker.funding.models import Conversion
from tracker.projects.models import Project, ProjectMember
from tracker.reports.filters import Filters

ZERO = Decimal("0")


@lru_cache(maxsize=16)
def lines(on: date) -> Subquery:
    """A row per company on `on`: company_id, name, registered, rounds (standing), raised,
    exited, hq_shares, price (of its last standing round), paid (HQ's cost), realised, costed
    (HQ's shares whose cost is recorded: a multiple is given only when they are all of them).
    Built once per date and process: the statement, a dozen joined and aggregated selects,
    took longer to build (and its cache key to compute) than the database took to run it; it
    reads nothing of the request, and a construct is never changed once built."""
    # A reversed round drops out on every date, as its shares do (`ledger.standing`).
    standing = and_(FinancingRound.on_date <= on, round_stands(FinancingRound.id))
    rounds = (select(FinancingRound.company_id, func.count(FinancingRound.id).label("n"),
                     func.sum(FinancingRound.amount).label("raised"))
              .where(standing).group_by(FinancingRound.company_id).subquery())
    last = (select(FinancingRound.company_id, FinancingRound.price_per_share.label("price"),
                   func.row_number().over(partition_by=FinancingRound.company_id,
                                          order_by=(FinancingRound.on_date.desc(),
                                                    FinancingRound.id.desc())).label("n"))
            .where(standing).subquery())
    exits = (select(CompanyExit.company_id,
                    func.sum(CompanyExit.hq_proceeds).label("realised"))
             .where(CompanyExit.on_date <= on, exit_stands(CompanyExit.id, on))
             .group_by(CompanyExit.company_id).subquery())
    to_holder, from_holder = aliased(Shareholder), aliased(Shareholder)
    reversed_ = aliased(ShareEntry)  # a reversed entry and its reversal drop out (ledger.standing)
    # HQ's shares whose cost is recorded (`ledger.hq_basis`): a typed issue with what was paid,
    # a round investment's, a conversion's.
    costed = or_(ShareEntry.paid.is_not(None),
                 exists().where(RoundInvestment.entry_id == ShareEntry.id),
                 exists().where(Conversion.entry_id == ShareEntry.id))
    hq = (select(ShareEntry.company_id,
                 func.sum(ShareEntry.shares).filter(to_holder.kind == HolderType.HQ).label("in"),
                 func.sum(ShareEntry.shares).filter(from_holder.kind == HolderType.HQ)
                 .label("out"),
                 func.sum(ShareEntry.shares).filter(to_holder.kind == HolderType.HQ, costed)
                 .label("costed"))
          .join(to_holder, to_holder.id == ShareEntry.to_holder_id)
          .outerjoin(from_holder, from_holder.id == ShareEntry.from_holder_id)
          .where(ShareEntry.on_date <= on, ShareEntry.reverses_id.is_(None),
                 ~exists().where(reversed_.reverses_id == ShareEntry.id))
          .group_by(ShareEntry.company_id).subquery())
    cost = _paid(on)
    return (select(Company.id.label("company_id"), Company.name,
                   and_(Company.uscc.is_not(None), Company.registered_on.is_not(None))
                   .label("registered"),
                   func.coalesce(rounds.c.n, 0).label("rounds"), rounds.c.raised,
                   exits.c.company_id.is_not(None).label("exited"),
                   (func.coalesce(hq.c["in"], 0) - func.coalesce(hq.c.out, 0))
                   .label("hq_shares"),
                   last.c.price, cost.c.paid, exits.c.realised,
                   func.coalesce(hq.c.costed, 0).label("costed"))
            .select_from(Company)
            .outerjoin(rounds, rounds.c.company_id == Company.id)
            .outerjoin(last, and_(last.c.company_id == Company.id, last.c.n == 1))
            .outerjoin(exits, exits.c.company_id == Company.id)
            .outerjoin(hq, hq.c.company_id == Company.id)
            .outerjoin(cost, cost.c.company_id == Company.id)).subquery("holdings")


def _paid(on: date) -> Subquery:
    """What HQ paid for its shares by `on`, per company (`ledger.hq_basis`): an issue typed in
    with what was paid for it, the disbursements converted into shares and its money in rounds
    of `on` or before. A reversed share entry (a reversed issue, conversion or round) does not
    count, on any date."""
    holder, reversal = aliased(Shareholder), aliased(ShareEntry)

    def paid(amount, entry_id, round_id) -> Select:
        return (select(ShareEntry.company_id, amount.label("amount"))
                .join(ShareEntry, ShareEntry.id == entry_id)
                .join(holder, holder.id == ShareEntry.to_holder_id)
                .join(FinancingRound, FinancingRound.id == round_id)
                .where(holder.kind == HolderType.HQ, ShareEntry.on_date <= on,
                       ~exists().where(reversal.reverses_id == ShareEntry.id),
                       FinancingRound.on_date <= on, round_stands(FinancingRound.id)))

    typed = (select(ShareEntry.company_id, ShareEntry.paid.label("amount"))
             .join(holder, holder.id == ShareEntry.to_holder_id)
             .where(holder.kind == HolderType.HQ, ShareEntry.paid.is_not(None),
                    ShareEntry.on_date <= on, ShareEntry.reverses_id.is_(None),
                    ~exists().where(reversal.reverses_id == ShareEntry.id)))
    both = union_all(paid(Conversion.disbursed, Conversion.entry_id, Conversion.round_id),
                     paid(RoundInvestment.amount, RoundInvestment.entry_id,
                          RoundInvestment.round_id), typed).subquery()
    return (select(both.c.company_id, func.sum(both.c.amount).label("paid"))
            .group_by(both.c.company_id).subquery())


def listed(user: User, on: date, filters: Filters | None = None, registered: bool = False,
           exited: bool = False, with_stake: bool = False) -> Select:
    """The rows of `lines` of the companies `user` may see: of the projects `filters` counts
    (the dashboard's), and only the registered ones, the exited ones, those with an HQ stake
    (not exited, HQ holding shares) when asked."""
    rows = lines(on)
    chosen = [visible_to(user, rows.c.company_id)]
    if filters is not None:
        chosen.append(rows.c.company_id.in_(filters.companies()))
    for wanted, clause in ((registered, rows.c.registered), (exited, rows.c.exited),
                           (with_stake, and_(~rows.c.exited, rows.c.hq_shares > 0))):
        if wanted:
            chosen.append(clause)
    return select(rows).where(*chosen)


def with_ledger() -> tuple:
    """The loader options of a company whose ledger a page reads (`ledger.portfolio_line`,
    its cap table and rounds): a statement per relation, whatever the number of companies."""
    return (selectinload(Company.projects).selectinload(Project.members),
            selectinload(Company.holders),
            selectinload(Company.entries).selectinload(ShareEntry.reversed_by),
            selectinload(Company.rounds).selectinload(FinancingRound.investments),
            selectinload(Company.rounds).selectinload(FinancingRound.reversal),
            selectinload(Company.rounds).selectinload(FinancingRound.conversions)
            .options(selectinload(Conversion.reversal), selectinload(Conversion.agreement)),
            selectinload(Company.ip_deals).options(selectinload(IpDeal.project),
                                                   selectinload(IpDeal.achievement),
                                                   selectinload(IpDeal.rights)),
            selectinload(Company.exits).selectinload(CompanyExit.reversal))


def read_once(chosen: Select, page: int, per_page: int) -> tuple[Totals, list[int], int]:
    """The rows of `chosen` (`listed`), read once by name: their `totals`, the ids of the
    companies of page `page` in that order, and how many there are. The aggregates of `lines`
    over every company are most of the portfolio's time; it ran them three times (totals, the
    pager's count, the page's ids)."""
    rows = db.session.execute(chosen.order_by(chosen.selected_columns.name,
                                              chosen.selected_columns.company_id)).all()
    start = (page - 1) * per_page
    return totals(rows), [row.company_id for row in rows[start:start + per_page]], len(rows)


def visible_to(user: User, company_id: ColumnElement[int]) -> ColumnElement[bool]:
    """The SQL form of `Company.can_view` on `company_id`: HQ-wide roles see every company;
    others those of a project whose funding they may see (`FundingAgreement.can_see`)."""
    if user.sees_whole_portfolio:
        return true()
    theirs = [Project.pm_id == user.id,
              Project.id.in_(select(ProjectMember.project_id).where(
                  ProjectMember.user_id == user.id, ProjectMember.confirmed))]
    if user.directed_institute_ids:
        theirs.append(Project.institute_id.in_(user.directed_institute_ids))
    return company_id.in_(select(company_projects.c.company_id)
                          .join(Project, Project.id == company_projects.c.project_id)
                          .where(or_(*theirs)))


@dataclass
class Totals:
    companies: int = 0
    registered: int = 0
    rounds: int = 0
    raised: Decimal = ZERO
    exited: int = 0
    with_hq_stake: int = 0  # companies, not exited, in which HQ holds shares
    hq_value: Decimal = ZERO  # HQ's shares at each company's last round price
    hq_cost: Decimal = ZERO  # what HQ paid for them, as recorded
    realised: Decimal = ZERO  # what HQ got from exits
    exited_cost: Decimal = ZERO  # what HQ had paid for the stakes it exited
    # HQ stakes a round has priced (they make `hq_value`) and what HQ paid in the companies
    # so priced; the HQ stakes no round has priced yet, and what HQ paid for them.
    valued: int = 0
    valued_cost: Decimal = ZERO
    unvalued: int = 0
    unvalued_cost: Decimal = ZERO
    # What the multiple is over: the stakes (priced or exited) whose every share has a
    # recorded cost, their value (or what they realised) and cost; the others are counted
    # apart (`partial`), never mixed in.
    multiple_value: Decimal = ZERO
    multiple_cost: Decimal = ZERO
    partial: int = 0

    @property
    def no_round_yet(self) -> bool:
        """HQ holds stakes and no round has priced any of them: the value is unknown."""
        return self.valued == 0 and self.unvalued > 0

    @property
    def multiple(self) -> Decimal | None:
        """What HQ's stakes priced by a round are worth and what it realised, over what it
        paid for both; a stake no round has priced yet counts in neither, nor one some of
        whose shares carry no recorded cost (`partial`: value and cost would be over different
        shares). None, shown "—", when nothing so counted was paid for."""
        return multiple(self.multiple_value, self.multiple_cost)


def _money(value: object) -> Decimal:
    return money.cents(Decimal(value)) if value is not None else ZERO


def totals(rows) -> Totals:
    """The rows of `lines` added up as the portfolio's lines are: value and cost for the
    companies not exited, what HQ paid for those exited apart (`exited_cost`)."""
    found = Totals()
    # By position, in the order of `lines`: a row's attributes by name cost about a
    # microsecond each, most of this loop's time over a network's 1,500 companies.
    for (_id, _name, registered, rounds, raised, exited, hq_shares, price, paid, realised,
         costed) in rows:
        found.companies += 1
        found.registered += bool(registered)
        found.rounds += rounds or 0
        found.raised += _money(raised)
        found.realised += _money(realised)
        shares = Decimal(hq_shares or 0)
        whole_basis = shares == Decimal(costed or 0)  # as `ledger.PortfolioLine.partial_cost`
        if shares > 0 and not whole_basis and (exited or price is not None):
            found.partial += 1
        if exited:
            found.exited += 1
            found.exited_cost += _money(paid)
            if whole_basis:
                found.multiple_value += _money(realised)
                found.multiple_cost += _money(paid)
            continue
        found.hq_cost += _money(paid)
        if shares > 0:
            found.with_hq_stake += 1
        if price is not None:  # as `ledger.portfolio_line` values each company
            value = money.value_of(shares, Decimal(price))
            found.valued += shares > 0
            found.valued_cost += _money(paid)
            found.hq_value += value
            if whole_basis:
                found.multiple_value += value
                found.multiple_cost += _money(paid)
        elif shares > 0:
            found.unvalued += 1
            found.unvalued_cost += _money(paid)
    return found
