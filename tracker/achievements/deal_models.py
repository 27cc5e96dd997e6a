"""Transfers and licences of an achievement to anyone (an enterprise), the royalty reports and
the income received under them, and how each receipt was split among the contributors.

A spin-off's IP deal (tracker/companies/ip_models.py: `IpDeal`) records what the company's cap
table needs: the shares issued for the IP. A transfer here records what the institute earns and
owes its contributors (article 45): a deal with a spin-off is recorded in both, the transfer
naming the company's deal (`ip_deal_id`), so its income is split like any other licensee's.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.dates import PAST
from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.money import Percent

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.achievements.models import Achievement
    from tracker.companies.ip_models import IpDeal
    from tracker.organisations.models import Enterprise


class TransferKind(enum.StrEnum):
    TRANSFER = "transfer"  # 转让
    EXCLUSIVE = "exclusive_licence"  # 独占许可
    NON_EXCLUSIVE = "non_exclusive_licence"  # 普通许可
    EQUITY = "equity"  # 作价投资


TRANSFER_KIND_LABELS = {
    TransferKind.TRANSFER: _l("Transfer (assignment)"),
    TransferKind.EXCLUSIVE: _l("Exclusive licence"),
    TransferKind.NON_EXCLUSIVE: _l("Non-exclusive licence"),
    TransferKind.EQUITY: _l("Contribution for equity"),
}


class RoyaltyBase(enum.StrEnum):
    NET_SALES = "net_sales"
    GROSS_SALES = "gross_sales"
    PROFIT = "profit"


ROYALTY_BASE_LABELS = {
    RoyaltyBase.NET_SALES: _l("Net sales"),
    RoyaltyBase.GROSS_SALES: _l("Gross sales"),
    RoyaltyBase.PROFIT: _l("Profit"),
}


class Transfer(Versioned, Base):
    """A transfer or licence of an achievement to an enterprise."""

    __tablename__ = "ip_transfers"
    __table_args__ = (
        CheckConstraint("upfront >= 0", name="upfront_not_negative"),
        CheckConstraint("royalty_pct BETWEEN 0 AND 100", name="royalty_range"),
        CheckConstraint("minimum_royalty >= 0", name="minimum_not_negative"),
        CheckConstraint("reporting_months IN (0, 1, 3, 6, 12)", name="reporting_period"),
        CheckConstraint("contributor_pct BETWEEN 0 AND 100", name="contributor_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    kind: Mapped[TransferKind] = mapped_column(str_enum(TransferKind, "transfer_kind"))
    signed_on: Mapped[date] = mapped_column(info={PAST: True})
    ends_on: Mapped[date | None]  # no royalty report is owed for a period starting after it
    upfront: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # When the upfront payment is due: until receipts outside royalty reports reach it, the
    # PM is reminded once it is late, HQ a month late (rule `upfront_payment`).
    upfront_due_on: Mapped[date | None]
    royalty_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    royalty_base: Mapped[RoyaltyBase | None] = mapped_column(str_enum(RoyaltyBase,
                                                                      "royalty_base"))
    # The least royalty owed for a reporting period, whatever the sales.
    minimum_royalty: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # Months in a reporting period (0: no royalty reports), counted from the signing date; a
    # period's report is due `report_days` after it ends, its royalty `payment_days` after the
    # report.
    reporting_months: Mapped[int] = mapped_column(default=0)
    report_days: Mapped[int] = mapped_column(default=30)
    payment_days: Mapped[int] = mapped_column(default=30)
    # The contributors' share of the net income, in per cent (article 45: at least the setting
    # `ip_income_contributor_min_pct`; below it only with `override_reason`).
    contributor_pct: Mapped[Decimal] = mapped_column(Percent)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # The spin-off's record of the same deal, when the enterprise is our company.
    ip_deal_id: Mapped[int | None] = mapped_column(ForeignKey("ip_deals.id"), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    achievement: Mapped[Achievement] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    ip_deal: Mapped[IpDeal | None] = relationship()
    reports: Mapped[list[RoyaltyReport]] = relationship(
        back_populates="transfer", order_by="RoyaltyReport.period_end")
    receipts: Mapped[list[IncomeReceipt]] = relationship(
        back_populates="transfer", order_by="(IncomeReceipt.received_on, IncomeReceipt.id)")

    @property
    def income(self) -> Decimal:
        return sum((r.amount for r in self.receipts), Decimal("0"))

    @property
    def distributed(self) -> Decimal:
        return sum((r.pool for r in self.receipts), Decimal("0"))

    def can_view(self, user: User) -> bool:
        return self.achievement.can_view(user)

    @staticmethod
    def can_manage(user: User) -> bool:
        """Deals, reports and income are recorded by HQ admins and the investment committee."""
        return user.is_hq_admin or user.has_role(Role.INVESTMENT_COMMITTEE)


class RoyaltyReport(Base):
    """What a licensee reported for one period: the base (its sales) and the royalty owed."""

    __tablename__ = "royalty_reports"
    __table_args__ = (
        UniqueConstraint("transfer_id", "period_end"),
        CheckConstraint("base_amount >= 0", name="base_not_negative"),
        CheckConstraint("royalty_due >= 0", name="royalty_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ip_transfers.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    received_on: Mapped[date] = mapped_column(info={PAST: True})
    base_amount: Mapped[Decimal] = mapped_column(Money)
    royalty_due: Mapped[Decimal] = mapped_column(Money)
    payment_due_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    transfer: Mapped[Transfer] = relationship(back_populates="reports")
    receipts: Mapped[list[IncomeReceipt]] = relationship(back_populates="report")

    @property
    def paid(self) -> Decimal:
        return sum((r.amount for r in self.receipts), Decimal("0"))


class IncomeReceipt(Base):
    """Money received under a deal (upfront, royalty, minimum, other), its deductible costs,
    and the contributors' share of the net as it stood that day (`contributor_pct`, `pool`;
    each person's part in `shares`): a later change of the deal or of the shares leaves what
    was distributed as it was."""

    __tablename__ = "ip_income"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("costs >= 0 AND costs <= amount", name="costs_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ip_transfers.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("royalty_reports.id"), index=True)
    received_on: Mapped[date] = mapped_column(info={PAST: True})
    amount: Mapped[Decimal] = mapped_column(Money)
    costs: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    note: Mapped[str] = mapped_column(String(200), default="")
    contributor_pct: Mapped[Decimal] = mapped_column(Percent)
    pool: Mapped[Decimal] = mapped_column(Money)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    transfer: Mapped[Transfer] = relationship(back_populates="receipts")
    report: Mapped[RoyaltyReport | None] = relationship(back_populates="receipts")
    shares: Mapped[list[IncomeShare]] = relationship(
        back_populates="receipt", cascade="all, delete-orphan", order_by="IncomeShare.position")

    @property
    def net(self) -> Decimal:
        return self.amount - self.costs


class IncomeShare(Base):
    """One contributor's part of one receipt: who (a user, or a person named), their share of
    the achievement that day, and the amount."""

    __tablename__ = "ip_income_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("ip_income.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    share_pct: Mapped[Decimal] = mapped_column(Percent)
    amount: Mapped[Decimal] = mapped_column(Money)

    receipt: Mapped[IncomeReceipt] = relationship(back_populates="shares")

    @staticmethod
    def can_read_statement(user: User, person_id: int) -> bool:
        """A contributor's income statement: their own, HQ's (admins, observers) and the
        investment committee's; never another PM's, nor their director's."""
        return user.id == person_id or user.sees_whole_portfolio
