"""The cap on a budget's indirect costs, by its template's rule.

The base is the direct costs less equipment purchase (国办发〔2021〕32号: 间接费用按照直接费用扣除
设备购置费后的一定比例核定). The national rule is progressive by tier, its bounds and rates
settings HQ tunes (`tracker.settings.catalogue.BUDGETS`); a template may instead cap at one
percentage of its own, or not at all. The arithmetic is `tracker.money.progressive_cap`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tracker.budgets.models import BudgetCategory, BudgetTemplate, CostKind, IndirectRule
from tracker.money import ZERO, progressive_cap
from tracker.settings import catalogue
from tracker.settings import services as settings


def national_tiers() -> list[tuple[Decimal | None, Decimal]]:
    """The national tiers as HQ has set them: (upper bound or None, rate in per cent)."""
    return [
        (Decimal(settings.get(catalogue.INDIRECT_TIER1_UPTO)),
         Decimal(settings.get(catalogue.INDIRECT_TIER1_PCT))),
        (Decimal(settings.get(catalogue.INDIRECT_TIER2_UPTO)),
         Decimal(settings.get(catalogue.INDIRECT_TIER2_PCT))),
        (None, Decimal(settings.get(catalogue.INDIRECT_TIER3_PCT))),
    ]


def tiers_of(template: BudgetTemplate) -> list[tuple[Decimal | None, Decimal]] | None:
    """The template's tiers, None when it does not cap indirect costs."""
    if template.indirect_rule is IndirectRule.NATIONAL_TIERS:
        return national_tiers()
    if template.indirect_rule is IndirectRule.FLAT:
        return [(None, template.flat_pct or ZERO)]
    return None


@dataclass(frozen=True)
class BudgetFigures:
    """A budget by a template's categories, with its cap on indirect costs."""

    direct: Decimal
    equipment: Decimal
    indirect: Decimal
    cap: Decimal | None  # None: the template does not cap indirect costs

    @property
    def base(self) -> Decimal:
        """Direct costs less equipment purchase: what the cap is a share of."""
        return self.direct - self.equipment

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect

    @property
    def over_cap(self) -> Decimal:
        """By how much the indirect costs exceed their cap (0 when they do not)."""
        if self.cap is None or self.indirect <= self.cap:
            return ZERO
        return self.indirect - self.cap


def figures(template: BudgetTemplate,
            amounts: Mapping[int, Decimal]) -> BudgetFigures:
    """`amounts` by category id (a category missing counts as nothing)."""
    direct = equipment = indirect = ZERO
    for category in template.categories:
        amount = amounts.get(category.id) or ZERO
        if category.kind is CostKind.INDIRECT:
            indirect += amount
        else:
            direct += amount
            if category.is_equipment:
                equipment += amount
    tiers = tiers_of(template)
    cap = None if tiers is None else progressive_cap(max(direct - equipment, ZERO), tiers)
    return BudgetFigures(direct=direct, equipment=equipment, indirect=indirect, cap=cap)


def first_indirect(template: BudgetTemplate) -> BudgetCategory | None:
    """The category an error about the cap stands beside."""
    return next(iter(template.indirect), None)
