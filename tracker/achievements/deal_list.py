"""Every transfer and licence across the portfolio (`/transfers/`): who took what from which
project and institute, when, on which terms, what it has brought in so far and whether it is
still in effect. One statement for the page's rows, one for the total; the file streams the
same query.

A deal's status follows its term: in effect until the day it ends (`ends_on`, none: for good),
ended after it. Its income is what was received under it, net of reversals (a reversing
receipt's amount is negative), as the deal's page and the annual report count it, and the
contributors' part of it (the article 45 distribution, `IncomeReceipt.pool`).

The list takes the dashboard's filters (institute, technical field, year of the project's code,
project type, funding source: `reports.filters.Filters`) and `approved` (the portfolio only, as
the annual report counts), so that a dashboard or annual-report figure counting deals links to
a list of the same rows: `signed` keeps the deals signed in a year, `received` the deals that
received money in a year and only that year's income.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from tracker import db
from tracker.accounts.models import User
from tracker.achievements import figures as ip_figures
from tracker.achievements.deal_models import (
    DealStatus,
    IncomeReceipt,
    RoyaltyBase,
    Transfer,
    TransferKind,
)
from tracker.achievements.models import Achievement
from tracker.money import stated, stated_total
from tracker.organisations.models import Enterprise, Institute
from tracker.projects.models import Project
from tracker.reports.filters import Filters, approved


@dataclass(frozen=True)
class DealFilters:
    """The list's filters: the dashboard's (`portfolio`), a kind of deal, the year it was
    signed, the year it received money, its status, the portfolio only; each empty (0, "",
    False) when not chosen."""

    portfolio: Filters = Filters()
    kind: str = ""
    signed: int = 0
    received: int = 0
    status: str = ""
    approved: bool = False

    def args(self) -> dict[str, Any]:
        """The query string of the list under these filters (the ones set)."""
        found = {"kind": self.kind, "signed": self.signed, "received": self.received,
                 "status": self.status, "approved": 1 if self.approved else 0}
        return self.portfolio.args(**{k: v for k, v in found.items() if v})


@dataclass(frozen=True)
class DealLine:
    """One deal as the list shows it; the total row has only its sums."""

    id: int | None
    licensee: str | None
    kind: TransferKind | None
    achievement_id: int | None
    achievement: str | None
    project_id: int | None
    project: str | None
    institute: str | None
    signed_on: date | None
    ends_on: date | None
    upfront: Decimal | None
    royalty_pct: Decimal | None
    royalty_base: RoyaltyBase | None
    income: Decimal | None
    status: DealStatus | None
    # The contributors' part of that income; on the total row, the achievements listed.
    to_contributors: Decimal | None = None
    achievements: int | None = None


def _in_year(column: Any, year: int) -> Any:
    return column.between(date(year, 1, 1), date(year, 12, 31))


def _receipts(filters: DealFilters) -> list[Any]:
    """The receipts a deal's income counts: all, or those of the `received` year."""
    return [_in_year(IncomeReceipt.received_on, filters.received)] if filters.received else []


def _income(filters: DealFilters, column: Any) -> Any:
    return (select(func.coalesce(func.sum(column), 0))
            .where(IncomeReceipt.transfer_id == Transfer.id, *_receipts(filters))
            .correlate(Transfer).scalar_subquery())


def _chosen(user: User, filters: DealFilters, on: date) -> Select:
    """The deals `user` may see that the filters keep, as a query to choose columns for."""
    # The deals every figure of the register counts (the dashboard's, the annual report's).
    query = ip_figures.deals().where(filters.portfolio.projects())
    if not user.sees_whole_portfolio:
        query = query.where(Project.institute_id.in_(user.directed_institute_ids))
    if filters.approved:
        query = query.where(approved())
    if filters.kind:
        query = query.where(Transfer.kind == TransferKind(filters.kind))
    if filters.signed:
        query = query.where(_in_year(Transfer.signed_on, filters.signed))
    if filters.received:
        query = query.where(select(IncomeReceipt.id).where(
            IncomeReceipt.transfer_id == Transfer.id, *_receipts(filters)).exists())
    if filters.status == DealStatus.ENDED:
        query = query.where(Transfer.ends_on < on)
    elif filters.status == DealStatus.IN_EFFECT:
        query = query.where((Transfer.ends_on.is_(None)) | (Transfer.ends_on >= on))
    return query


def deals(user: User, filters: DealFilters, on: date) -> Select:
    """The rows of the list, most recently signed first (`line` makes each a `DealLine`)."""
    return (_chosen(user, filters, on)
            .join(Enterprise, Enterprise.id == Transfer.enterprise_id)
            .join(Institute, Institute.id == Project.institute_id)
            .add_columns(Transfer.id, Enterprise.shown_in_sql("name"), Transfer.kind,
                         Achievement.id.label("achievement_id"), Achievement.title,
                         Project.id.label("project_id"), Project.code, Project.draft_number,
                         Institute.shown_in_sql("name").label("institute"), Transfer.signed_on,
                         Transfer.ends_on, Transfer.upfront, Transfer.royalty_pct,
                         Transfer.royalty_base,
                         _income(filters, IncomeReceipt.amount).label("income"),
                         _income(filters, IncomeReceipt.pool).label("to_contributors"))
            .order_by(Transfer.signed_on.desc(), Transfer.id.desc()))


def line(row: Any, on: date) -> DealLine:
    ended = row.ends_on is not None and row.ends_on < on
    return DealLine(
        id=row.id, licensee=row.name, kind=row.kind, achievement_id=row.achievement_id,
        achievement=row.title, project_id=row.project_id,
        project=Project.reference_of(row.code, row.draft_number), institute=row.institute,
        signed_on=row.signed_on, ends_on=row.ends_on, upfront=stated(row.upfront),
        royalty_pct=row.royalty_pct or None, royalty_base=row.royalty_base,
        income=Decimal(row.income), status=DealStatus.ENDED if ended else DealStatus.IN_EFFECT,
        to_contributors=Decimal(row.to_contributors))


def total(user: User, filters: DealFilters, on: date) -> DealLine:
    """The last row: the upfront payments, the income and the contributors' part of it of
    every deal listed, on every page, and how many achievements they are of (the annual
    report counts an achievement once a year however many deals it had). The upfront
    payments' total is stated as each deal's is: "—" when no deal listed agreed one
    (`money.stated_total`)."""
    chosen = _chosen(user, filters, on).add_columns(Transfer.id, Transfer.achievement_id)
    ids = select(chosen.subquery().c.id)
    received = (select(func.sum(IncomeReceipt.amount), func.sum(IncomeReceipt.pool))
                .where(IncomeReceipt.transfer_id.in_(ids), *_receipts(filters)).subquery())
    upfront, achievements, income, pool = db.session.execute(select(
        select(func.sum(Transfer.upfront)).where(Transfer.id.in_(ids)).scalar_subquery(),
        select(func.count(func.distinct(chosen.subquery().c.achievement_id))).scalar_subquery(),
        *received.c)).one()
    return DealLine(id=None, licensee=str(_l("Total")), kind=None, achievement_id=None,
                    achievement=None, project_id=None, project=None, institute=None,
                    signed_on=None, ends_on=None, upfront=stated_total(upfront, achievements or 0),
                    royalty_pct=None, royalty_base=None, income=Decimal(income or 0),
                    status=None, to_contributors=Decimal(pool or 0),
                    achievements=achievements or 0)
