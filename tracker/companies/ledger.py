"""Reading the share ledger: holdings and percentages on any date, stakes over time, the
contributors' share of technology equity. Pure functions of the entries: no session, no
Flask; the arithmetic itself is `tracker.money`'s."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tracker import money
from tracker.companies.models import (
    Acquisition,
    Company,
    EntryKind,
    FinancingRound,
    HolderType,
    ShareEntry,
    Shareholder,
)

ZERO = Decimal("0")


@dataclass(frozen=True)
class Holding:
    holder: Shareholder
    shares: Decimal
    pct: Decimal  # rounded for display; rules use money.fraction_pct on the shares


@dataclass
class CapTable:
    on: date
    issued: Decimal
    rows: list[Holding] = field(default_factory=list)

    @property
    def held(self) -> Decimal:
        return sum((h.shares for h in self.rows), ZERO)

    @property
    def total_pct(self) -> Decimal:
        """What the stake column adds up to: exactly 100.00 when every issued share is held."""
        return sum((h.pct for h in self.rows), ZERO)

    def shares_of(self, kind: HolderType) -> Decimal:
        return sum((h.shares for h in self.rows if h.holder.kind is kind), ZERO)

    def pct_of(self, kind: HolderType) -> Decimal:
        """The kind's stake as this table shows it: the sum of its rows' apportioned
        percentages, so that no page shows a stake its own cap table does not add up to."""
        return sum((h.pct for h in self.rows if h.holder.kind is kind), ZERO)

    def fraction_of(self, kind: HolderType) -> Decimal:
        """The kind's exact stake in per cent: what the rules of the domain compare."""
        return money.fraction_pct(self.shares_of(kind), self.issued)

    def shares_of_holder(self, holder_id: int) -> Decimal:
        return next((h.shares for h in self.rows if h.holder.id == holder_id), ZERO)


def standing(entries: Iterable[ShareEntry]) -> list[ShareEntry]:
    """The entries that stand: neither reversed nor reversals. A reversed entry was a mistake,
    so it drops out of every cap table, on any date, with its reversal (both stay on the
    ledger's page, marked): no holder is left with nothing, no later round is priced or
    diluted by shares that never were."""
    entries = list(entries)
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    return [e for e in entries if e.reverses_id is None and e.id not in reversed_ids]


def _upto(entries: Iterable[ShareEntry], on: date, exclude_round_id: int | None = None,
          exclude: ShareEntry | None = None,
          exclude_ip_deal_id: int | None = None) -> list[ShareEntry]:
    return [e for e in standing(entries) if e.on_date <= on and e is not exclude
            and (exclude_round_id is None or e.round_id != exclude_round_id)
            and (exclude_ip_deal_id is None or e.ip_deal_id != exclude_ip_deal_id)]


def balances(entries: Iterable[ShareEntry]) -> dict[int, Decimal]:
    """Shares held by each holder id after `entries`."""
    held: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        held[entry.to_holder_id] += entry.shares
        if entry.kind is EntryKind.TRANSFER:
            held[entry.from_holder_id] -= entry.shares
    return dict(held)


def issued(entries: Iterable[ShareEntry]) -> Decimal:
    return sum((e.shares for e in entries if e.kind is EntryKind.ISSUE), ZERO)


def outstanding(company: Company, on: date) -> Decimal:
    """The shares issued that stand at the end of `on`: what a round of that day is priced on
    (the `issued` of `cap_table`)."""
    return issued(_upto(company.entries, on))


def cap_table(company: Company, on: date, exclude_round_id: int | None = None,
              exclude: ShareEntry | None = None,
              exclude_ip_deal_id: int | None = None) -> CapTable:
    """Who held what at the end of `on` (without the shares of one round, one entry or one IP
    deal, for "before")."""
    entries = _upto(company.entries, on, exclude_round_id, exclude, exclude_ip_deal_id)
    total = issued(entries)
    holders = {h.id: h for h in company.holders}
    held = sorted(((holders[holder_id], shares)
                   for holder_id, shares in balances(entries).items() if shares),
                  key=lambda row: (-row[1], row[0].shown_name))
    pcts = money.apportioned([shares for _holder, shares in held], total)
    rows = [Holding(holder, shares, p) for (holder, shares), p in zip(held, pcts, strict=True)]
    return CapTable(on=on, issued=total, rows=rows)


def holders(company: Company, on: date) -> list[Shareholder]:
    """Who holds shares on `on`, and so may give some (a reversed round's investor holds
    none, and is offered no transfer)."""
    return [h.holder for h in cap_table(company, on).rows]


def problem(table: CapTable) -> str | None:
    """Why a cap table does not account for every issued share, as a code, or None."""
    if not table.issued:
        return "empty"
    if any(h.shares < 0 for h in table.rows) or table.held != table.issued:
        return "unbalanced"
    return None


def stake_history(company: Company,
                  kinds: tuple[HolderType, ...] = (HolderType.HQ, HolderType.INSTITUTE)
                  ) -> list[tuple[date, dict[HolderType, Decimal]]]:
    """Each kind's percentage on every date the ledger changed."""
    history = []
    for day in sorted({e.on_date for e in standing(company.entries)}):
        table = cap_table(company, day)
        history.append((day, {kind: table.pct_of(kind) for kind in kinds}))
    return history


def locked(company: Company, holder_id: int, on: date) -> Decimal:
    """Shares of `holder_id` still under a lock-up on `on`."""
    return sum((e.shares for e in standing(company.entries)
                if e.to_holder_id == holder_id and e.on_date <= on
                and e.lock_up_until is not None and e.lock_up_until > on), ZERO)


def lowest_balance_from(company: Company, holder_id: int, on: date) -> Decimal:
    """The fewest shares `holder_id` holds on `on` or any later date of the ledger: what a
    transfer dated `on` may take without leaving a later entry short."""
    days = sorted({on} | {e.on_date for e in standing(company.entries) if e.on_date >= on})
    return min(balances(_upto(company.entries, day)).get(holder_id, ZERO) for day in days)


@dataclass(frozen=True)
class Shortfall:
    technology: str
    contributors: Decimal  # shares the team got for the technology
    issued: Decimal  # all shares issued for it

    @property
    def pct(self) -> Decimal:
        return money.percent(self.contributors, self.issued)


# (holder type, shares, acquired by, technology): one issuance, written or about to be.
Issue = tuple[HolderType, Decimal, Acquisition, str]


def contributor_shortfalls(entries: Iterable[Issue], minimum_pct: Decimal) -> list[Shortfall]:
    """Technologies whose contributors (the team) hold less than `minimum_pct` of the equity
    issued for them (Law on Promoting the Transformation of S&T Achievements, art. 45).

    Issuances are tuples, so that the check runs on a cap table before it is written as well
    as on the ledger."""
    issued_for: dict[str, Decimal] = defaultdict(lambda: ZERO)
    to_team: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for kind, shares, acquired_by, technology in entries:
        if acquired_by is not Acquisition.IP:
            continue
        name = technology.strip()
        issued_for[name] += shares
        if kind is HolderType.TEAM:
            to_team[name] += shares
    return [Shortfall(name, to_team[name], total) for name, total in issued_for.items()
            if money.fraction_pct(to_team[name], total) < minimum_pct]


def issues_of(company: Company) -> list[Issue]:
    """The company's issuances as the tuples `contributor_shortfalls` reads."""
    return [(e.to_holder.kind, e.shares, e.acquired_by, e.technology)
            for e in standing(company.entries) if e.kind is EntryKind.ISSUE]


@dataclass(frozen=True)
class RoundStake:
    holder: Shareholder
    before: Decimal
    before_pct: Decimal
    after: Decimal
    after_pct: Decimal


def round_stakes(company: Company, round_id: int, on: date) -> list[RoundStake]:
    """Each holder's stake just before the round (its own issuances left out) and after it."""
    return stake_changes(cap_table(company, on, exclude_round_id=round_id),
                         cap_table(company, on))


def stake_changes(before: CapTable, after: CapTable) -> list[RoundStake]:
    """Each holder's shares and percentage in `before` and in `after` (holders of either)."""
    holders = [h.holder for h in after.rows]
    holders += [h.holder for h in before.rows if h.holder not in holders]
    before_shares = [before.shares_of_holder(holder.id) for holder in holders]
    after_shares = [after.shares_of_holder(holder.id) for holder in holders]
    return [RoundStake(holder, b, b_pct, a, a_pct) for holder, b, b_pct, a, a_pct in zip(
        holders, before_shares, money.apportioned(before_shares, before.issued),
        after_shares, money.apportioned(after_shares, after.issued), strict=True)]


def post_money(financing: FinancingRound) -> Decimal:
    """A round's post-money valuation: every share outstanding after it at its price, so that
    it is what the round's shares are worth, as HQ's stake is valued (money.value_of)."""
    return money.value_of(financing.shares_before + financing.new_shares,
                          financing.price_per_share)


@dataclass(frozen=True)
class PortfolioLine:
    company: Company
    hq_shares: Decimal
    hq_pct: Decimal
    institute_pct: Decimal
    price: Decimal | None  # the last round's price per share on the date, if any
    value: Decimal | None  # HQ's shares at that price
    realised: Decimal  # what HQ got from an exit
    exited: bool = False
    rounds: int = 0  # financing rounds standing on the date
    raised: Decimal = ZERO  # their amounts
    cost: Decimal | None = None  # what HQ paid for its shares, as recorded (None once exited)
    costed_shares: Decimal = ZERO  # HQ's shares whose cost is recorded (`hq_basis`)

    @property
    def hq_stake(self) -> bool:
        """HQ holds shares in the company, which has not exited."""
        return not self.exited and self.hq_shares > 0

    @property
    def no_round_yet(self) -> bool:
        """HQ holds shares no round has priced yet (a founding stake taken for IP or a nominal
        sum): its value is unknown, said as such, never 0."""
        return self.hq_stake and self.price is None

    @property
    def partial_cost(self) -> bool:
        """Some of HQ's shares carry no recorded cost (taken at incorporation before the paid
        amount was asked, received by a transfer, or some passed on since): their value and
        the cost of the others are not over the same shares, so no multiple is given. Said
        only of a stake a round has valued (before, there is no value: "No round yet")."""
        return (self.hq_stake and self.price is not None
                and self.hq_shares != self.costed_shares)

    @property
    def uncosted_shares(self) -> Decimal:
        return max(self.hq_shares - self.costed_shares, ZERO)

    @property
    def multiple(self) -> Decimal | None:
        """None (shown "—") with no price to value the stake, nothing paid for it, or a cost
        recorded for only some of its shares (`partial_cost`)."""
        return None if self.partial_cost else multiple(self.value, self.cost)


def multiple(value: Decimal | None, cost: Decimal | None) -> Decimal | None:
    """What HQ's stakes are worth over what it paid for them, to two decimals; None when
    either is unknown or nothing was paid (a founding stake: never 0, never infinite)."""
    if value is None or not cost:
        return None
    return (value / cost).quantize(Decimal("0.01"))


def hq_basis(company: Company, rounds: list, on: date) -> tuple[Decimal, Decimal]:
    """What HQ paid for its shares by `on`, and how many shares that bought: an issue typed in
    with what was paid for it (`ShareEntry.paid`), the disbursements converted into shares,
    and its money in `rounds`, but for a reversed share entry (a reversed issue, conversion or
    round: it drops out, as from every cap table)."""
    entries = {e.id: e for e in standing(company.entries)
               if e.on_date <= on and e.to_holder.kind is HolderType.HQ}
    paid = [(c.disbursed, c.entry_id) for r in rounds for c in r.conversions]
    paid += [(i.amount, i.entry_id) for r in rounds for i in r.investments]
    paid += [(e.paid, e.id) for e in entries.values() if e.paid is not None]
    bought = [(amount, entries[entry_id].shares) for amount, entry_id in paid
              if entry_id in entries]
    return (sum((amount for amount, _shares in bought), ZERO),
            sum((shares for _amount, shares in bought), ZERO))


def portfolio_line(company: Company, on: date) -> PortfolioLine:
    """HQ's stake in `company` on `on`, valued at the company's last round price."""
    table = cap_table(company, on)
    hq = table.shares_of(HolderType.HQ)
    # A reversed round drops out on every date, as its shares do (`standing`): no price.
    rounds = [r for r in company.rounds if r.on_date <= on and r.stands_on(None)]
    price = rounds[-1].price_per_share if rounds else None
    exits = [e for e in company.exits if e.on_date <= on and e.stands_on(on)]
    exited = bool(exits)
    cost, costed = hq_basis(company, rounds, on)
    return PortfolioLine(
        company=company, hq_shares=hq, hq_pct=table.pct_of(HolderType.HQ),
        institute_pct=table.pct_of(HolderType.INSTITUTE), price=price,
        value=money.value_of(hq, price) if price is not None and not exited else None,
        realised=sum((e.hq_proceeds for e in exits), ZERO), exited=exited,
        rounds=len(rounds), raised=sum((r.amount for r in rounds), ZERO),
        cost=None if exited else cost, costed_shares=costed)
