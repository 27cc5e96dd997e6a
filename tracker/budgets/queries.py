"""A project's budget against what it spent, by category of its template.

Spending is recorded against budget lines (`tracker.spending`), one line per category for a
project that follows a template: the category's figures are its line's. A project without a
template (recorded before them) shows its own lines, each as its category. No statement of
its own on the project page: the lines with their categories are the page's, and the spending
by line is the spending table's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from tracker.budgets import caps, services
from tracker.budgets.models import BudgetTemplate, CostKind
from tracker.money import ZERO, percent
from tracker.projects.models import Project
from tracker.spending.queries import ProjectSpending, spent_by_line


@dataclass(frozen=True)
class CategoryRow:
    name: str
    kind: CostKind | None  # None: a line of a project without a template
    budget: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent

    @property
    def used_pct(self) -> Decimal | None:
        return percent(self.spent, self.budget) if self.budget else None

    @property
    def over(self) -> bool:
        return self.spent > self.budget


@dataclass
class BudgetAgainstActual:
    template: BudgetTemplate | None
    rows: list[CategoryRow] = field(default_factory=list)
    figures: caps.BudgetFigures | None = None  # for a template: the cap on indirect costs
    rule: str = ""

    def _sum(self, kind: CostKind | None, what: str) -> Decimal:
        return sum((getattr(r, what) for r in self.rows if kind is None or r.kind is kind), ZERO)

    def subtotal(self, kind: CostKind) -> CategoryRow:
        return CategoryRow("", kind, self._sum(kind, "budget"), self._sum(kind, "spent"))

    @property
    def direct_rows(self) -> list[CategoryRow]:
        return [r for r in self.rows if r.kind is CostKind.DIRECT]

    @property
    def indirect_rows(self) -> list[CategoryRow]:
        return [r for r in self.rows if r.kind is CostKind.INDIRECT]

    @property
    def direct(self) -> CategoryRow:
        return self.subtotal(CostKind.DIRECT)

    @property
    def total(self) -> CategoryRow:
        return CategoryRow("", None, self._sum(None, "budget"), self._sum(None, "spent"))

    def table(self, direct: str, total: str) -> list[CategoryRow]:
        """The rows as the page's table shows them, for a file: a template's direct costs,
        their subtotal (named `direct`), its indirect costs, lines outside it, and the total
        (named `total`); a project without a template, its lines and the total."""
        if self.template is None:
            return [*self.rows, replace(self.total, name=total)]
        return [*self.direct_rows, replace(self.direct, name=direct), *self.indirect_rows,
                *(r for r in self.rows if r.kind is None), replace(self.total, name=total)]

    @property
    def spent_any(self) -> bool:
        return any(r.spent for r in self.rows)


def budget_against_actual(project: Project,
                          spending: ProjectSpending | None = None) -> BudgetAgainstActual:
    """`spending`: the project's spending by line already read (the project page's)."""
    spent = ({s.line.id: s.spent for s in spending.lines} if spending is not None
             else spent_by_line(project))
    template = project.budget_template
    result = BudgetAgainstActual(template=template)
    if template is None:
        result.rows = [CategoryRow(line.name, None, line.amount, spent.get(line.id, ZERO))
                       for line in project.budget_lines]
        return result
    lines = {line.category_id: line for line in project.budget_lines}
    for category in template.categories:
        line = lines.get(category.id)
        result.rows.append(CategoryRow(
            category.shown("name"), category.kind, line.amount if line else ZERO,
            spent.get(line.id, ZERO) if line else ZERO))
    # A line outside the template (none is made so; kept if one exists) is still shown.
    result.rows += [CategoryRow(line.name, None, line.amount, spent.get(line.id, ZERO))
                    for line in project.budget_lines if line.category_id is None]
    result.figures = caps.figures(template, services.project_amounts(project))
    result.rule = services.rule_text(template)
    return result
