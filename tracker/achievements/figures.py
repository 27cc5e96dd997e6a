"""The register's figures of the annual report (tracker/reports/annual.py): what is counted,
from which rows, and which date decides the year. Each is a base statement joined to the
project (whose institute the figure counts for), the date column, the count and the amount;
the report groups them by institute and year like its other figures."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, null, select

from tracker.achievements.deal_models import IncomeReceipt, Transfer
from tracker.achievements.models import Achievement, IpRight, RightKind, RightStatus
from tracker.db import inline
from tracker.projects.models import Project

# The figures whose amount is upfront payments, kept as 0 when none was agreed: stated as the
# deals list states them ("—", an empty cell), never CN¥0.00 (`money.stated`).
STATED = frozenset({"achievements_transferred"})


def deals() -> Select:
    """The transfers and licences every figure counting deals counts (the dashboard, the annual
    report, `/transfers/`): those not voided, of an achievement that stands (a withdrawn one's
    aside), joined to the project whose institute they count for."""
    return (select().select_from(Transfer)
            .join(Achievement, Achievement.id == Transfer.achievement_id)
            .join(Project, Project.id == Achievement.project_id)
            .where(Transfer.standing(), Achievement.standing()))


def receipts() -> Select:
    """The income received under those deals, as every figure of transfer and licence income
    counts it: the dashboard's, the annual report's and the institute assessment's indicator
    (tracker/assessment/measures.py), each adding its own date and project filters."""
    return (select().select_from(IncomeReceipt)
            .join(Transfer, Transfer.id == IncomeReceipt.transfer_id)
            .join(Achievement, Achievement.id == Transfer.achievement_id)
            .join(Project, Project.id == Achievement.project_id)
            .where(Transfer.standing(), Achievement.standing()))


def figures() -> list[tuple[str, Any, bool, bool, Any, Any, Any, Any]]:
    """(key, label, has a count, has an amount, base, date column, count, amount)."""
    patents = (select().select_from(IpRight)
               .join(Achievement, Achievement.id == IpRight.achievement_id)
               .join(Project, Project.id == Achievement.project_id)
               .where(IpRight.kind == inline(IpRight.kind, RightKind.PATENT),
                      IpRight.standing(), Achievement.standing()))
    transfers, income = deals(), receipts()
    return [
        ("patents_filed", _l("Patents filed"), True, False, patents, IpRight.filed_on,
         func.count(IpRight.id), null()),
        # A right recorded as still pending counts as filed only, whatever date it carries.
        ("patents_granted", _l("Patents granted"), True, False,
         patents.where(IpRight.status != inline(IpRight.status, RightStatus.FILED)),
         IpRight.granted_on,
         func.count(IpRight.id), null()),
        # An achievement counts once a year however many deals it had that year; the amount
        # is what those deals were signed for upfront.
        ("achievements_transferred", _l("Achievements transferred or licensed"), True, True,
         transfers, Transfer.signed_on, func.count(func.distinct(Transfer.achievement_id)),
         func.sum(Transfer.upfront)),
        ("licence_income", _l("Transfer and licence income received"), False, True, income,
         IncomeReceipt.received_on, null(), func.sum(IncomeReceipt.amount)),
        ("licence_income_distributed", _l("Transfer and licence income to contributors"),
         False, True, income, IncomeReceipt.received_on, null(), func.sum(IncomeReceipt.pool)),
    ]
