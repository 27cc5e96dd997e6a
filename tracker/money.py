"""Every rounding rule for money, prices, shares and percentages: this module and nowhere else.

Decimal only, never float. The rules:

- an amount of money is kept to the fen (0.01 CNY), rounded half up;
- a price per share is the pre-money valuation divided by the shares outstanding before the
  round, rounded half up to 0.0001 CNY;
- a conversion price is the round price times (1 - discount), kept exact (no rounding), so
  with at most two decimals of discount in per cent it has at most eight decimals;
- shares bought or converted are the money divided by the price, rounded DOWN to whole shares
  (the fraction of a share is never issued; what it would have cost stays with the company);
- money converted is all the money disbursed: the fraction of a share it does not buy stays
  with the company and is shown apart, never subtracted from what was converted;
- a valuation (HQ's stake, a round's post-money) is shares times the round's price, to the fen;
- a percentage shown is rounded half up to 0.01 %; rules of the domain (team holding bounds,
  the contributors' share) compare the exact fractions, never the rounded figures;
- the percentages of the rows of one table (a cap table, the stakes before or after a round)
  are apportioned by largest remainder: each row gets its exact percentage rounded down to
  0.01 %, and the hundredths still missing from the rounded total (100.00 % for a table that
  accounts for every share) go one each to the rows with the largest remainders (the earlier
  row first on a tie), so the column adds up to exactly its total;
- a sum of money split into parts (HQ's funding pool among its institutes) is apportioned the
  same way to the fen: each part gets its exact amount rounded down to the fen, and the fen
  still missing from the whole go one each to the parts with the largest remainders (the
  earlier part first on a tie), so the parts add up to exactly the sum;
- the contributors' part of the net income of a transfer or licence (article 45) is the net
  times their percentage, rounded half up to the fen; it is split among them by their shares of
  the achievement the same way as a sum among parts (largest remainder, the earlier contributor
  first on a tie), so their amounts add up to exactly that part (`income_split`);
- a cap on indirect costs is progressive: each tier's rate applies to the part of the base (the
  direct costs less equipment purchase) inside that tier, the parts are added exactly, and the
  sum is rounded DOWN to the fen once (a cap says "at most": rounding never lets a budget
  above the rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sqlalchemy import Numeric

CENT = Decimal("0.01")
PRICE_QUANTUM = Decimal("0.0001")
PERCENT_QUANTUM = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")

# A round's price per share, and a conversion price (exact: see the module's docstring).
Price = Numeric(18, 4, asdecimal=True)
ConversionPrice = Numeric(20, 8, asdecimal=True)
# A percentage with at most two decimals (discounts, royalty rates).
Percent = Numeric(5, 2, asdecimal=True)


def stated(amount: Decimal | None) -> Decimal | None:
    """An amount a record keeps as 0 when there is none (a deal with no upfront payment, no
    minimum royalty), as a page or a file shows it: None, read "—" and an empty cell, never
    CN¥0.00, which would say that nothing is owed rather than that nothing was agreed."""
    return amount if amount else None


def stated_total(amount: Decimal | None, rows: int) -> Decimal | None:
    """The total of stated amounts over `rows` records, as a total row or a figure shows it:
    None ("—", an empty cell) when there are records and none of them states one, as each of
    their cells reads; 0 when there is no record to add up."""
    if not rows:
        return Decimal("0")
    return amount if amount else None


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


def price_per_share(pre_money: Decimal, shares_outstanding: Decimal) -> Decimal:
    return (pre_money / shares_outstanding).quantize(PRICE_QUANTUM, ROUND_HALF_UP)


def conversion_price(round_price: Decimal, discount_pct: Decimal) -> Decimal:
    return round_price * (HUNDRED - discount_pct) / HUNDRED


def whole_shares(amount: Decimal, price: Decimal) -> Decimal:
    """How many whole shares `amount` buys at `price`: rounded down."""
    return (amount / price).to_integral_value(ROUND_FLOOR)


def fraction_pct(part: Decimal, whole: Decimal) -> Decimal:
    """`part` in per cent of `whole`, unrounded: what the rules of the domain compare."""
    if not whole:
        return ZERO
    return part * HUNDRED / whole


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """`part` in per cent of `whole`, rounded for display."""
    return fraction_pct(part, whole).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)


def apportioned(parts: list[Decimal], whole: Decimal) -> list[Decimal]:
    """Each of `parts` in per cent of `whole`, rounded to 0.01 % so that together they add up
    to the rounded percentage of their sum (100.00 when they are the whole): largest
    remainder."""
    if not whole or not parts:
        return [ZERO for _ in parts]
    exact = [fraction_pct(part, whole) / PERCENT_QUANTUM for part in parts]  # in hundredths
    floors = [value.to_integral_value(ROUND_FLOOR) for value in exact]
    target = percent(sum(parts, ZERO), whole) / PERCENT_QUANTUM
    missing = int(target - sum(floors, ZERO))
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:max(missing, 0)]:
        floors[i] += 1
    return [(value * PERCENT_QUANTUM).quantize(PERCENT_QUANTUM) for value in floors]


def split(whole: Decimal, exact: list[Decimal]) -> list[Decimal]:
    """`exact` (unrounded parts adding up to `whole`, itself to the fen) to the fen, adding up
    to exactly `whole`: largest remainder."""
    floors = [(value / CENT).to_integral_value(ROUND_FLOOR) for value in exact]  # in fen
    missing = int(whole / CENT - sum(floors, ZERO))
    by_remainder = sorted(range(len(exact)),
                          key=lambda i: (-(exact[i] / CENT - floors[i]), i))
    for i in by_remainder[:max(missing, 0)]:
        floors[i] += 1
    return [(value * CENT).quantize(CENT) for value in floors]


def income_split(net: Decimal, contributor_pct: Decimal,
                 shares_pct: list[Decimal]) -> tuple[Decimal, list[Decimal]]:
    """The contributors' part of `net` at `contributor_pct`, and each contributor's amount of it
    by their `shares_pct` (adding up to 100). 87,654.33 at 60 % is 52,592.60; shares of 33.33,
    33.33 and 33.34 % give 17,529.12, 17,529.11 and 17,534.37."""
    pool = pro_rata(net, contributor_pct, HUNDRED)
    return pool, split(pool, [pool * share / HUNDRED for share in shares_pct])


def progressive_cap(base: Decimal, tiers: list[tuple[Decimal | None, Decimal]]) -> Decimal:
    """The most `base` allows under `tiers`: (upper bound of the tier, or None for the last,
    rate in per cent), bounds rising. 8 M under (5 M, 30), (10 M, 25), (None, 20) is
    5 M x 30 % + 3 M x 25 % = 2.25 M."""
    total, lower = ZERO, ZERO
    for upper, rate in tiers:
        top = base if upper is None else min(base, upper)
        if top > lower:
            total += (top - lower) * rate / HUNDRED
        if upper is None or base <= upper:
            break
        lower = upper
    return total.quantize(CENT, ROUND_FLOOR)


def pro_rata(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """The share of `amount` that `part` of `whole` is due, to the fen."""
    if not whole:
        return ZERO
    return cents(amount * part / whole)


def value_of(shares: Decimal, price: Decimal) -> Decimal:
    return cents(shares * price)


def unissued(amount: Decimal, shares: Decimal, price: Decimal) -> Decimal:
    """What the fraction of a share `amount` did not buy at `price` would have cost: the
    money paid for `shares` whole shares (`whole_shares`) beyond their value, to the fen. It
    stays with the company: a conversion's and a round's confirmation and page say so."""
    return amount - value_of(shares, price)


@dataclass(frozen=True)
class Conversion:
    """Disbursed money turned into shares, with every step of the computation."""

    disbursed: Decimal
    round_price: Decimal
    discount_pct: Decimal
    price: Decimal
    shares: Decimal

    @property
    def converted(self) -> Decimal:
        """The money converted: all of it is, the fraction of a share included (it stays with
        the company); what the dashboard, the annual report and the preview all count."""
        return self.disbursed

    @property
    def shares_value(self) -> Decimal:
        """The whole shares issued, at the conversion price, to the fen."""
        return value_of(self.shares, self.price)

    @property
    def fraction_unissued(self) -> Decimal:
        """What the fraction of a share that is never issued would have cost."""
        return unissued(self.disbursed, self.shares, self.price)


def convert(disbursed: Decimal, round_price: Decimal, discount_pct: Decimal) -> Conversion:
    """shares = floor(disbursed / (round price x (1 - discount)))."""
    price = conversion_price(round_price, discount_pct)
    return Conversion(disbursed=disbursed, round_price=round_price, discount_pct=discount_pct,
                      price=price, shares=whole_shares(disbursed, price))
