"""The funding rule: shares by score and by revenue, the floor, the cap, and the rounding of
tracker/money.py (largest remainder to the fen), the amounts adding up to exactly the pool."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker import money
from tracker.assessment.allocation import Rule, Unplaceable, allocate, exact_amounts, weights
from tracker.assessment.scoring import score

D = Decimal


def rule(pool="1000000.00", score_share="100", floor="0", cap=None):
    return Rule(D(pool), D(score_share), D(100) - D(score_share), D(floor),
                D(cap) if cap is not None else None)


def test_a_pure_share_by_score_is_proportional():
    assert allocate(rule(), [D(60), D(30), D(10)], [D(0)] * 3) == [
        D("600000.00"), D("300000.00"), D("100000.00")]


def test_the_mix_of_score_and_revenue_by_hand():
    # 70 % by score (3:1), 30 % by revenue (1:3): 0.7*0.75 + 0.3*0.25 = 0.6; 0.7*0.25+0.3*0.75
    # = 0.4.
    assert allocate(rule(score_share="70"), [D(75), D(25)], [D(1000), D(3000)]) == [
        D("600000.00"), D("400000.00")]


def test_the_floor_is_met_and_the_rest_shared_by_the_others():
    # By score 90:10 of 1,000,000 would give 100,000 to the second; the floor lifts it to
    # 200,000 and the first gets the remaining 800,000.
    assert allocate(rule(floor="200000"), [D(90), D(10)], [D(0)] * 2) == [
        D("800000.00"), D("200000.00")]


def test_the_cap_is_kept_and_the_excess_shared_by_the_others():
    # 70:20:10 of 1,000,000 gives 700,000 to the first; capped at 500,000 the 500,000 left go
    # 2:1 to the others (333,333.33 and 166,666.67 after rounding).
    amounts = allocate(rule(cap="500000"), [D(70), D(20), D(10)], [D(0)] * 3)
    assert amounts == [D("500000.00"), D("333333.33"), D("166666.67")]
    assert sum(amounts) == D("1000000.00")


def test_floor_and_cap_together():
    # Weights 80:15:5 of 1,000,000 with floor 100,000 and cap 600,000: the first is capped at
    # 600,000, the third lifted to the floor, the second takes the remaining 300,000.
    assert allocate(rule(floor="100000", cap="600000"), [D(80), D(15), D(5)],
                    [D(0)] * 3) == [D("600000.00"), D("300000.00"), D("100000.00")]


def test_rounding_by_largest_remainder_adds_up_to_exactly_the_pool():
    # A third each of 100.00: 33.33 + 33.33 + 33.33 = 99.99; the missing fen goes to the
    # earliest of the equal remainders.
    assert allocate(rule(pool="100.00"), [D(1)] * 3, [D(0)] * 3) == [
        D("33.34"), D("33.33"), D("33.33")]
    # Rounding half up each amount would give 16.67 x 6 = 100.02: the rule gives 100.00.
    six = allocate(rule(pool="100.00"), [D(1)] * 6, [D(0)] * 6)
    assert six == [D("16.67")] * 4 + [D("16.66")] * 2 and sum(six) == D("100.00")


@pytest.mark.parametrize("pool,scores,floor,cap", [
    ("9999999.99", [7, 13, 0, 29, 51, 3, 3], "250000.01", "3000000"),
    ("1234567.89", [1, 1, 1], "0", None),
    ("500000.00", [0, 0, 0, 0], "125000", "125000"),
    ("777777.77", [5, 95], "0", "700000"),
])
def test_every_allocation_adds_up_to_the_pool_within_floor_and_cap(pool, scores, floor, cap):
    r = rule(pool=pool, score_share="60", floor=floor, cap=cap)
    revenues = [D(s * 1000 % 7) for s in scores]
    amounts = allocate(r, [D(s) for s in scores], revenues)
    assert sum(amounts) == D(pool)
    assert all(a == money.cents(a) for a in amounts)
    assert all(a >= D(floor) for a in amounts)
    assert cap is None or all(a <= D(cap) for a in amounts)


def test_a_pool_below_every_floor_or_above_every_cap_is_refused():
    with pytest.raises(Unplaceable):
        allocate(rule(pool="100", floor="50"), [D(1)] * 3, [D(0)] * 3)
    with pytest.raises(Unplaceable):
        allocate(rule(pool="100", cap="30"), [D(1)] * 3, [D(0)] * 3)

def test_what_the_capped_leave_is_shared_equally_by_those_with_no_weight():
    # Only the first has a score: it reaches the cap of 40; the 60 left go 30 and 30 to the
    # others, who had none.
    only_first = weights(rule(), [D(1), D(0), D(0)], [D(0)] * 3)
    assert exact_amounts(rule(pool="100", cap="40"), only_first) == [D(40), D(30), D(30)]
    assert allocate(rule(pool="100", cap="40", floor="10"), [D(1), D(0), D(0)],
                    [D(0)] * 3) == [D("40.00"), D("30.00"), D("30.00")]


def test_nobody_scored_shares_equally_and_negative_revenue_counts_as_none():
    assert allocate(rule(pool="90", score_share="50"), [D(0)] * 3,
                    [D(-5), D(0), D(0)]) == [D("30.00")] * 3


def test_an_indicator_scores_its_share_of_the_weight_up_to_the_whole():
    assert score(D("700000"), D("1000000"), D("20")) == D("14.00")
    assert score(D("3000000"), D("1000000"), D("20")) == D("20.00")
    assert score(D("-600"), D("1000"), D("20")) == D("0.00")
    assert score(D("1"), D("3"), D("10")) == D("3.33")  # 3.333..., half up to 0.01
    assert score(D("1"), D("8"), D("0.2")) == D("0.03")  # 0.025 rounds half up
