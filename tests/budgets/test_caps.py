"""The cap on indirect costs, hand-computed for each national tier (国办发〔2021〕32号: 30 % up to
5 M of the direct costs less equipment purchase, 25 % of the part from 5 M to 10 M, 20 % of the
part above), with a tier HQ changed, a flat-rate template and one without a cap."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.budgets import caps
from tracker.budgets.defaults import default_template, nine_category
from tracker.budgets.models import IndirectRule
from tracker.money import progressive_cap
from tracker.settings import catalogue
from tracker.settings import services as settings


def _amounts(template, **by_code) -> dict[int, D]:
    return {c.id: D(by_code[c.code]) for c in template.categories if c.code in by_code}


@pytest.mark.parametrize(("equipment", "operations", "labour", "base", "cap"), [
    # base 4 M: all in the first tier, 4 M x 30 % = 1.2 M
    ("1000000", "3000000", "1000000", "4000000", "1200000.00"),
    # base 8 M: 5 M x 30 % + 3 M x 25 % = 1.5 M + 0.75 M
    ("2000000", "6000000", "2000000", "8000000", "2250000.00"),
    # base 15 M: 1.5 M + 5 M x 25 % + 5 M x 20 % = 1.5 M + 1.25 M + 1 M
    ("5000000", "10000000", "5000000", "15000000", "3750000.00"),
    # exactly on a bound
    ("0", "5000000", "0", "5000000", "1500000.00"),
    ("0", "10000000", "0", "10000000", "2750000.00"),
])
def test_the_national_cap_on_each_tier(equipment, operations, labour, base, cap):
    template = default_template()
    figures = caps.figures(template, _amounts(template, equipment=equipment,
                                              operations=operations, labour=labour))
    assert figures.base == D(base)
    assert figures.cap == D(cap)
    assert figures.over_cap == 0
    above = caps.figures(template, _amounts(template, equipment=equipment, operations=operations,
                                            labour=labour, indirect=str(D(cap) + D("0.01"))))
    assert above.over_cap == D("0.01")


def test_a_cap_is_rounded_down_to_the_fen():
    # 0.05 x 30 % = 0.015: at most 0.01
    assert progressive_cap(D("0.05"), [(None, D("30"))]) == D("0.01")
    assert progressive_cap(D("0"), [(D("5000000"), D("30")), (None, D("20"))]) == D("0")


def test_a_tier_changed_in_the_settings_changes_the_cap():
    hq = make_user(Role.HQ_ADMIN)
    template = default_template()
    amounts = _amounts(template, operations="8000000")
    assert caps.figures(template, amounts).cap == D("2250000.00")
    settings.save(hq, {catalogue.INDIRECT_TIER1_UPTO: D("4000000"),
                       catalogue.INDIRECT_TIER2_PCT: D("20")})
    # 4 M x 30 % + 4 M x 20 % = 1.2 M + 0.8 M
    assert caps.figures(template, amounts).cap == D("2000000.00")


def test_tiers_go_up():
    from tracker.errors import Invalid

    hq = make_user(Role.HQ_ADMIN)
    with pytest.raises(Invalid, match="must end above the first") as refused:
        settings.save(hq, {catalogue.INDIRECT_TIER2_UPTO: D("5000000")})
    assert [p.field for p in refused.value.each()] == [catalogue.INDIRECT_TIER2_UPTO]


def test_a_flat_template_and_one_without_a_cap():
    template = nine_category()
    for i, category in enumerate(template.categories):
        category.id = 1000 + i  # unsaved: ids only to key the amounts
    amounts = _amounts(template, equipment="3000000", materials="1000000", labour="1000000")
    assert caps.figures(template, amounts).cap == D("400000.00")  # 2 M x 20 %
    template.indirect_rule, template.flat_pct = IndirectRule.NONE, None
    assert caps.figures(template, amounts).cap is None
