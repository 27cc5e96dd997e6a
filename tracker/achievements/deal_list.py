"""Every transfer and licence across the portfolio (`/transfers/`): who took what from which
project and institute, when, on which terms, what it has brought in so far and whether it is
still in effect. One statement for the page's rows, one for the total; the file streams the
same query.

A deal's status follows its term: in effect until the day it ends (`ends_on`, none: for good),
ended after it. Its income is what was received under it, net of reversals (a reversing
receipt's amount is negative), as the deal's page and the annual report count it.
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
from tracker.achievements.deal_models import (
    DealStatus,
    IncomeReceipt,
    RoyaltyBase,
    Transfer,
    TransferKind,
)
from tracker.achievements.models import Achievement
from tracker.organisations.models import Enterprise, Institute
from tracker.projects.models import Project


@dataclass(frozen=True)
class DealFilters:
    """The list's filters: an institute (id), a kind of deal, the year it was signed, its
    status; each empty (0, "") when not chosen."""

    institute_id: int = 0
    kind: str = ""
    year: int = 0
    status: str = ""


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


def _income() -> Any:
    return (select(func.coalesce(func.sum(IncomeReceipt.amount), 0))
            .where(IncomeReceipt.transfer_id == Transfer.id).correlate(Transfer)
            .scalar_subquery())


def _chosen(user: User, filters: DealFilters, on: date) -> Select:
    """The deals `user` may see that the filters keep, as a query to choose columns for."""
    query = (select().select_from(Transfer)
             .join(Achievement, Achievement.id == Transfer.achievement_id)
             .join(Project, Project.id == Achievement.project_id)
             .where(Achievement.withdrawn_at.is_(None)))
    if not user.sees_whole_portfolio:
        query = query.where(Project.institute_id.in_(user.directed_institute_ids))
    if filters.institute_id:
        query = query.where(Project.institute_id == filters.institute_id)
    if filters.kind:
        query = query.where(Transfer.kind == TransferKind(filters.kind))
    if filters.year:
        query = query.where(Transfer.signed_on.between(date(filters.year, 1, 1),
                                                       date(filters.year, 12, 31)))
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
                         Project.id.label("project_id"), Project.code,
                         Institute.shown_in_sql("name").label("institute"), Transfer.signed_on,
                         Transfer.ends_on, Transfer.upfront, Transfer.royalty_pct,
                         Transfer.royalty_base, _income().label("income"))
            .order_by(Transfer.signed_on.desc(), Transfer.id.desc()))


def line(row: Any, on: date) -> DealLine:
    ended = row.ends_on is not None and row.ends_on < on
    return DealLine(
        id=row.id, licensee=row.name, kind=row.kind, achievement_id=row.achievement_id,
        achievement=row.title, project_id=row.project_id,
        project=Project.reference_of(row.code, row.project_id), institute=row.institute,
        signed_on=row.signed_on, ends_on=row.ends_on, upfront=row.upfront,
        royalty_pct=row.royalty_pct or None, royalty_base=row.royalty_base,
        income=Decimal(row.income), status=DealStatus.ENDED if ended else DealStatus.IN_EFFECT)


def total(user: User, filters: DealFilters, on: date) -> DealLine:
    """The last row: the upfront payments and the income of every deal listed, on every page."""
    ids = select(_chosen(user, filters, on).add_columns(Transfer.id).subquery().c.id)
    upfront, received = db.session.execute(select(
        select(func.sum(Transfer.upfront)).where(Transfer.id.in_(ids)).scalar_subquery(),
        select(func.sum(IncomeReceipt.amount)).where(IncomeReceipt.transfer_id.in_(ids))
        .scalar_subquery())).one()
    return DealLine(id=None, licensee=str(_l("Total")), kind=None, achievement_id=None,
                    achievement=None, project_id=None, project=None, institute=None,
                    signed_on=None, ends_on=None, upfront=Decimal(upfront or 0),
                    royalty_pct=None, royalty_base=None, income=Decimal(received or 0),
                    status=None)
