"""The funding rule, pure Python: a pool split among institutes by a mix of their total scores
and the contract revenue they received, each held between a floor and a cap, to the fen.

Each institute's weight is score_share % of its part of all the scores plus revenue_share % of
its part of all the revenue (a key nobody has any of, every score zero say, is split equally;
negative revenue counts as none). The pool is then shared in proportion to the weights, except
that nobody gets less than the floor or more than the cap: the amounts are
clamp(lambda x weight, floor, cap), with the one lambda that makes them add up to the pool
(found exactly: the sum is piecewise linear in lambda). When everyone with a weight is at the
cap and money is left, it is shared equally among the others, up to the cap. Last, the exact
amounts are rounded to the fen by largest remainder (`money.split`), so that they add up to
exactly the pool; with a floor and cap in whole fen no rounding moves an amount past either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tracker import money

ZERO = Decimal("0")
HUNDRED = Decimal("100")


class Unplaceable(ValueError):
    """The pool cannot be placed under the floor and cap (too small for every floor, or too
    large for every cap)."""


@dataclass(frozen=True)
class Rule:
    pool: Decimal
    score_share: Decimal  # per cent
    revenue_share: Decimal  # per cent, 100 with score_share
    floor: Decimal
    cap: Decimal | None


def _parts(values: list[Decimal]) -> list[Decimal]:
    values = [max(v, ZERO) for v in values]
    whole = sum(values, ZERO)
    if not whole:
        return [Decimal(1) / len(values) for _ in values]
    return [v / whole for v in values]


def weights(rule: Rule, scores: list[Decimal], revenues: list[Decimal]) -> list[Decimal]:
    by_score, by_revenue = _parts(scores), _parts(revenues)
    return [(rule.score_share * s + rule.revenue_share * r) / HUNDRED
            for s, r in zip(by_score, by_revenue, strict=True)]


def _place(pool: Decimal, weight: list[Decimal], floors: list[Decimal],
           caps: list[Decimal | None]) -> list[Decimal]:
    """clamp(lambda x w_i, floor_i, cap_i) with the lambda that adds them up to `pool`, or as
    close below it as the caps allow. The sum is piecewise linear and increasing in lambda,
    with breaks where an amount leaves its floor or reaches its cap: between the last break
    below the pool and the first at or above it, lambda is solved for exactly."""
    n = range(len(weight))

    def clamp(i: int, lam: Decimal) -> Decimal:
        value = max(lam * weight[i], floors[i])
        return value if caps[i] is None else min(value, caps[i])

    def total(lam: Decimal) -> Decimal:
        return sum((clamp(i, lam) for i in n), ZERO)

    points = sorted({floors[i] / weight[i] for i in n if weight[i] > 0}
                    | {caps[i] / weight[i] for i in n if weight[i] > 0 and caps[i] is not None})
    low, high = ZERO, None
    for point in points:
        if total(point) >= pool:
            high = point
            break
        low = point
    # Between low and high each amount is stuck at its floor or cap, or free (lambda x w).
    free = [weight[i] > 0 and floors[i] / weight[i] <= low
            and (caps[i] is None or (high is not None and caps[i] / weight[i] >= high))
            for i in n]
    slope = sum((weight[i] for i in n if free[i]), ZERO)
    fixed = sum((clamp(i, low) for i in n if not free[i]), ZERO)
    lam = (pool - fixed) / slope if slope else low
    return [clamp(i, lam) for i in n]


def exact_amounts(rule: Rule, weight: list[Decimal]) -> list[Decimal]:
    """The amounts by weight between the floor and the cap, unrounded. What the weights
    can't place (when everyone with a weight is at the cap) is shared equally among the
    others, up to the cap."""
    n = len(weight)
    if rule.floor * n > rule.pool:
        raise Unplaceable("floor")
    if rule.cap is not None and rule.cap * n < rule.pool:
        raise Unplaceable("cap")
    caps = [rule.cap] * n
    exact = _place(rule.pool, weight, [rule.floor] * n, caps)
    if sum(exact, ZERO) < rule.pool - money.CENT:
        exact = _place(rule.pool, [Decimal(1)] * n, exact, caps)
    if abs(sum(exact, ZERO) - rule.pool) >= money.CENT:
        raise Unplaceable("cap")
    return exact


def allocate(rule: Rule, scores: list[Decimal], revenues: list[Decimal]) -> list[Decimal]:
    """Each institute's allocation, to the fen, adding up to exactly the pool."""
    if not scores:
        return []
    return money.split(rule.pool, exact_amounts(rule, weights(rule, scores, revenues)))
