"""Spending against budget: a project's lines, and HQ's list across projects.

A line is *over budget* when spent exceeds its amount; it *needs a budget change* (the warning)
when the excess is more than `BUDGET_CHANGE_THRESHOLD_PCT` of the line's amount, the share of
the budget the PM may move on their own: beyond it, the money can't be found without HQ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, case, extract, func, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.organisations.models import Institute
from tracker.projects.models import BudgetLine, Project
from tracker.projects.visibility import visible_to
from tracker.reports.filters import approved
from tracker.settings import catalogue
from tracker.settings import services as settings
from tracker.spending.models import SpendingEntry

ZERO = Decimal("0")


def warning_factor() -> Decimal:
    """Spent above amount × this is warned about."""
    return 1 + Decimal(settings.get(catalogue.BUDGET_CHANGE_THRESHOLD_PCT)) / 100


@dataclass
class LineSpending:
    line: BudgetLine
    spent: Decimal
    warned: bool

    @property
    def remaining(self) -> Decimal:
        return self.line.amount - self.spent

    @property
    def over_budget(self) -> bool:
        return self.spent > self.line.amount


@dataclass
class ProjectSpending:
    lines: list[LineSpending] = field(default_factory=list)
    budget: Decimal = ZERO
    entries: list[SpendingEntry] = field(default_factory=list)

    @property
    def spent(self) -> Decimal:
        return sum((line.spent for line in self.lines), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent

    @property
    def warnings(self) -> list[LineSpending]:
        return [line for line in self.lines if line.warned]


def spent_by_line(project: Project) -> dict[int, Decimal]:
    return dict(db.session.execute(
        select(SpendingEntry.budget_line_id, func.sum(SpendingEntry.amount))
        .where(SpendingEntry.project_id == project.id)
        .group_by(SpendingEntry.budget_line_id)).tuples().all())


def project_spending(project: Project, with_entries: bool = False) -> ProjectSpending:
    """Spent, budget and remaining per line and in total (the budget is the project's
    total, of which the lines allocate all or part)."""
    spent = spent_by_line(project)
    factor = warning_factor()
    result = ProjectSpending(budget=project.budget_total)
    for line in project.budget_lines:
        amount = spent.get(line.id, ZERO)
        result.lines.append(LineSpending(line, amount, amount > line.amount * factor))
    if with_entries:
        result.entries = list(db.session.scalars(
            select(SpendingEntry).where(SpendingEntry.project_id == project.id)
            .options(selectinload(SpendingEntry.budget_line), selectinload(SpendingEntry.voucher),
                     selectinload(SpendingEntry.recorded_by),
                     selectinload(SpendingEntry.reversed_by),
                     selectinload(SpendingEntry.reverses))
            .order_by(SpendingEntry.spent_on.desc(), SpendingEntry.id.desc())))
    return result


def across_projects(user: User, institute_id: int = 0, year: int = 0) -> Select:
    """One row per approved project (under way or closed) that `user` may see: its budget,
    what it spent (in `year` when given, else to date), spent to date, remaining, and how many
    of its lines are over budget beyond the threshold. One statement however many projects."""
    per_line = (select(SpendingEntry.budget_line_id.label("line_id"),
                       func.sum(SpendingEntry.amount).label("spent"))
                .group_by(SpendingEntry.budget_line_id).subquery())
    warned = (select(func.count()).select_from(BudgetLine)
              .join(per_line, per_line.c.line_id == BudgetLine.id)
              .where(BudgetLine.project_id == Project.id,
                     per_line.c.spent > BudgetLine.amount * warning_factor())
              .scalar_subquery())
    in_period = SpendingEntry.amount if not year else case(
        (extract("year", SpendingEntry.spent_on) == year, SpendingEntry.amount), else_=0)
    totals = (select(SpendingEntry.project_id.label("project_id"),
                     func.sum(SpendingEntry.amount).label("to_date"),
                     func.sum(in_period).label("in_period"))
              .group_by(SpendingEntry.project_id).subquery())
    to_date = func.coalesce(totals.c.to_date, 0)
    query = (select(Project.id, Project.code, Project.title,
                    Institute.shown_in_sql("name").label("institute"),
                    Project.budget_total.label("budget"),
                    func.coalesce(totals.c.in_period, 0).label("spent"),
                    to_date.label("to_date"),
                    (Project.budget_total - to_date).label("remaining"),
                    warned.label("warned"))
             .join(Institute, Institute.id == Project.institute_id)
             .outerjoin(totals, totals.c.project_id == Project.id)
             .where(visible_to(user),
                    approved())
             .order_by(Institute.code, *Project.in_code_order(newest_first=False)))
    if institute_id:
        query = query.where(Project.institute_id == institute_id)
    if year:
        # Projects that spent in the year, or were under way in it.
        query = query.where(and_(Project.start_date <= date(year, 12, 31),
                                 Project.end_date >= date(year, 1, 1)))
    return query
