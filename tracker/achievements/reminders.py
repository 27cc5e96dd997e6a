"""The open items of the register's reminder rules (tracker/reminders/rules.py): patent
annuities not yet paid, royalty reports not yet received and royalties not yet paid. Like
tracker/reminders/items.py, an item done (the annuity paid, the report or the royalty
received, the patent lapsed or withdrawn) no longer comes out of its query, so its reminders
stop. The home pages read them each request (a PM's duties, a director's and HQ's late ones):
each statement is built once a process (`built_once`)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, Select, exists, func, select

from tracker.achievements import periods
from tracker.achievements.deal_models import (
    IncomeReceipt,
    ReceiptFor,
    RoyaltyReport,
    RoyaltyReportReversal,
    Transfer,
)
from tracker.achievements.models import LIVE, Achievement, Annuity, IpRight, RightKind
from tracker.organisations.models import Enterprise, Institute
from tracker.projects.models import Project
from tracker.reminders.items import Item
from tracker.reminders.query import Query, built_once


def _in_english(enterprise_en: str | None, title: str) -> str | None:
    """The item's title for an English reader: the licensee's English name, where it has one
    (the Chinese one otherwise, `Item.title`), and the achievement's title as written."""
    return f"{enterprise_en} · {title}" if enterprise_en else None


def _annuities(q: Query) -> Select:
    stmt = (select(Annuity.id, Annuity.due_on, IpRight.number, IpRight.title, Project.id,
                   Project.code, Project.pm_id, Institute.director_id, Annuity.year_no,
                   Annuity.fee, IpRight.id, IpRight.created_at)
            .join(IpRight, IpRight.id == Annuity.right_id)
            .join(Achievement, Achievement.id == IpRight.achievement_id)
            .join(Project, Project.id == Achievement.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Annuity.paid_on.is_(None), IpRight.status.in_(LIVE),
                   IpRight.kind == RightKind.PATENT, IpRight.standing()))
    return q.apply(stmt, Annuity.id, Annuity.due_on, Project.pm_id, Project.institute_id)


def annuities_due(q: Query) -> list[Item]:
    """Annuities of live patents (filed or granted) not yet paid, to the PM of the
    achievement's project."""
    return [Item(id=r[0], deadline=r[1], title=f"{r[2]} {r[3]}".strip(), project_id=r[4],
                 project=r[5] or "", owner_id=r[6], director_id=r[7],
                 extra={"year": str(r[8]), "fee": str(r[9])}, arrived=r[11],
                 link=("achievements.right", {"right_id": r[10]}))
            for r in built_once(_annuities, q)]


def _standing(report_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: the report is not reversed."""
    return ~exists().where(RoyaltyReportReversal.report_id == report_id)


def _upfront_payments(q: Query) -> Select:
    paid = (select(IncomeReceipt.transfer_id, func.sum(IncomeReceipt.amount).label("paid"))
            .where(IncomeReceipt.pays == ReceiptFor.UPFRONT)
            .group_by(IncomeReceipt.transfer_id).subquery())
    received = func.coalesce(paid.c.paid, 0)
    stmt = (select(Transfer.id, Transfer.upfront_due_on, Enterprise.name, Achievement.title,
                   Project.id, Project.code, Project.pm_id, Institute.director_id,
                   Transfer.upfront, received, Enterprise.name_en, Transfer.created_at)
            .join(Achievement, Achievement.id == Transfer.achievement_id)
            .join(Enterprise, Enterprise.id == Transfer.enterprise_id)
            .join(Project, Project.id == Achievement.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .outerjoin(paid, paid.c.transfer_id == Transfer.id)
            .where(Transfer.standing(), Transfer.upfront_due_on.is_not(None),
                   Transfer.upfront > 0, received < Transfer.upfront))
    return q.apply(stmt, Transfer.id, Transfer.upfront_due_on, Project.pm_id,
                   Project.institute_id)


def upfront_payments_due(q: Query) -> list[Item]:
    """Upfront payments with a due date, until the receipts that say they pay it reach the
    upfront amount (net of reversals: a reversed receipt no longer counts as paid)."""
    return [Item(id=r[0], deadline=r[1], title=f"{r[2]} · {r[3]}", project_id=r[4],
                 project=r[5] or "", owner_id=r[6], director_id=r[7],
                 title_en=_in_english(r[10], r[3]),
                 extra={"amount": str(r[8]), "outstanding": str(r[8] - r[9])}, arrived=r[11],
                 link=("transfers.show", {"transfer_id": r[0]}))
            for r in built_once(_upfront_payments, q)]


def _deals(q: Query) -> Select:
    """Deals with royalty reports, their project's PM and director, and how many reports
    stand (a reversed one's period is owed again)."""
    reported = (select(RoyaltyReport.transfer_id, func.count(RoyaltyReport.id).label("n"))
                .where(_standing(RoyaltyReport.id))
                .group_by(RoyaltyReport.transfer_id).subquery())
    stmt = (select(Transfer.id, Transfer.signed_on, Transfer.ends_on, Transfer.reporting_months,
                   Transfer.report_days, func.coalesce(reported.c.n, 0), Enterprise.name,
                   Achievement.title, Project.id, Project.code, Project.pm_id,
                   Institute.director_id, Enterprise.name_en, Transfer.created_at)
            .join(Achievement, Achievement.id == Transfer.achievement_id)
            .join(Enterprise, Enterprise.id == Transfer.enterprise_id)
            .join(Project, Project.id == Achievement.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .outerjoin(reported, reported.c.transfer_id == Transfer.id)
            .where(Transfer.standing(), Transfer.reporting_months > 0))
    return q.apply(stmt, Transfer.id, None, Project.pm_id, Project.institute_id)


def _deal_rows(q: Query):
    """`_deals`' rows: the next report's due date is worked out from each row, so `until`
    is not asked of the statement."""
    return built_once(_deals, replace(q, until=None))


def royalty_reports_due(q: Query) -> list[Item]:
    """The next royalty report of each deal that reports, until the deal ends; done once it
    is recorded (the next period's report is then the deal's item, with its own date)."""
    items = []
    for r in _deal_rows(q):
        number = r[5] + 1
        start, _end = periods.period(r[1], r[3], number)
        if r[2] is not None and start > r[2]:
            continue
        deadline = periods.report_due(r[1], r[3], number, r[4])
        if q.until is not None and deadline > q.until:
            continue
        items.append(Item(id=r[0], deadline=deadline, title=f"{r[6]} · {r[7]}",
                          title_en=_in_english(r[12], r[7]),
                          project_id=r[8], project=r[9] or "", owner_id=r[10],
                          director_id=r[11], arrived=r[13],
                          link=("transfers.show", {"transfer_id": r[0]})))
    return items


def _royalty_payments(q: Query) -> Select:
    paid = (select(IncomeReceipt.report_id, func.sum(IncomeReceipt.amount).label("paid"))
            .where(IncomeReceipt.report_id.is_not(None))
            .group_by(IncomeReceipt.report_id).subquery())
    received = func.coalesce(paid.c.paid, 0)
    stmt = (select(RoyaltyReport.id, RoyaltyReport.payment_due_on, Enterprise.name,
                   Achievement.title, Project.id, Project.code, Project.pm_id,
                   Institute.director_id, RoyaltyReport.royalty_due, received, Transfer.id,
                   Enterprise.name_en, Transfer.created_at)
            .join(Transfer, Transfer.id == RoyaltyReport.transfer_id)
            .join(Achievement, Achievement.id == Transfer.achievement_id)
            .join(Enterprise, Enterprise.id == Transfer.enterprise_id)
            .join(Project, Project.id == Achievement.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .outerjoin(paid, paid.c.report_id == RoyaltyReport.id)
            .where(received < RoyaltyReport.royalty_due, _standing(RoyaltyReport.id),
                   Transfer.standing()))
    return q.apply(stmt, RoyaltyReport.id, RoyaltyReport.payment_due_on, Project.pm_id,
                   Project.institute_id)


def royalty_payments_due(q: Query) -> list[Item]:
    """Royalties of the reports that stand, not yet received in full (net of reversals), by
    their payment due date."""
    return [Item(id=r[0], deadline=r[1], title=f"{r[2]} · {r[3]}", project_id=r[4],
                 project=r[5] or "", owner_id=r[6], director_id=r[7],
                 title_en=_in_english(r[11], r[3]),
                 extra={"amount": str(r[8]), "outstanding": str(r[8] - r[9])},
                 arrived=r[12],  # the deal's: a report is entered as it comes
                 link=("transfers.show", {"transfer_id": r[10]}))
            for r in built_once(_royalty_payments, q)]
