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
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.companies.reversal_models import Reversal
from tracker.dates import PAST
from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.formatting import day, money
from tracker.money import Percent
from tracker.voids import Voidable, void_whole

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

# The confirmation of each kind of deal recorded: its own words, never a share transfer's.
TRANSFER_KIND_RECORDED = {
    TransferKind.TRANSFER: _l("Transfer of the achievement recorded."),
    TransferKind.EXCLUSIVE: _l("Exclusive licence of the achievement recorded."),
    TransferKind.NON_EXCLUSIVE: _l("Non-exclusive licence of the achievement recorded."),
    TransferKind.EQUITY: _l("Contribution of the achievement for equity recorded."),
}


class DealStatus(enum.StrEnum):
    """Where a deal stands by its term (tracker/achievements/deal_list.py): in effect until the
    day it ends (no end: for good), ended after it."""

    IN_EFFECT = "in_effect"
    ENDED = "ended"


DEAL_STATUS_LABELS = {DealStatus.IN_EFFECT: _l("In effect"), DealStatus.ENDED: _l("Term ended")}


class RoyaltyBase(enum.StrEnum):
    NET_SALES = "net_sales"
    GROSS_SALES = "gross_sales"
    PROFIT = "profit"


ROYALTY_BASE_LABELS = {RoyaltyBase.NET_SALES: _l("Net sales"),
                       RoyaltyBase.GROSS_SALES: _l("Gross sales"), RoyaltyBase.PROFIT: _l("Profit")}


class ReceiptFor(enum.StrEnum):
    """What a receipt pays, as whoever records it says: the upfront payment only counts as
    received from receipts that say they pay it (the rule `upfront_payment` reads them)."""

    UPFRONT = "upfront"
    ROYALTY = "royalty"  # the royalty of one report (`IncomeReceipt.report_id`)
    OTHER = "other"  # anything else under the deal: a milestone payment, interest, a settlement


RECEIPT_FOR_LABELS = {
    ReceiptFor.UPFRONT: _l("Upfront payment"),
    ReceiptFor.ROYALTY: _l("Royalty of a report"),
    ReceiptFor.OTHER: _l("Other income under the deal"),
}


class Transfer(Voidable, Versioned, Base):
    """A transfer or licence of an achievement to an enterprise; one recorded by mistake is
    voided (`deal_corrections.void_transfer`) and counts in no figure."""

    __tablename__ = "ip_transfers"
    __table_args__ = (
        void_whole(),
        CheckConstraint("upfront >= 0", name="upfront_not_negative"),
        CheckConstraint("royalty_pct BETWEEN 0 AND 100", name="royalty_range"),
        CheckConstraint("minimum_royalty >= 0", name="minimum_not_negative"),
        CheckConstraint("reporting_months IN (0, 1, 3, 6, 12)", name="reporting_period"),
        CheckConstraint("contributor_pct BETWEEN 0 AND 100", name="contributor_range"),
        CheckConstraint("contributor_min_pct BETWEEN 0 AND 100", name="contributor_min_range"),
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
    # The contributors' share of the net income, in per cent (article 45: at least
    # `contributor_min_pct`; below it only with `override_reason`).
    contributor_pct: Mapped[Decimal] = mapped_column(Percent)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # The article 45 minimum in force when the deal was recorded (the setting then): the deal
    # is judged by it for good; a minimum raised since applies to the deals recorded after it.
    contributor_min_pct: Mapped[Decimal] = mapped_column(Percent)
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
        """Received, net of reversals (a reversing receipt's amount is negated)."""
        return sum((r.amount for r in self.receipts), Decimal("0"))

    @property
    def upfront_received(self) -> Decimal:
        return sum((r.amount for r in self.receipts if r.pays is ReceiptFor.UPFRONT), Decimal("0"))

    @property
    def standing_reports(self) -> list[RoyaltyReport]:
        """The reports that count: a reversed one's period is owed again."""
        return [r for r in self.reports if r.reversal is None]

    @property
    def below_minimum(self) -> bool:
        """The distribution stands on an override of the minimum it was recorded under (its
        page keeps a warning shown)."""
        return self.contributor_pct < self.contributor_min_pct

    @property
    def has_royalty(self) -> bool:
        """A rate on sales or profit is owed (a deal may be for its upfront payment only)."""
        return self.royalty_pct > 0

    @property
    def standing_receipts(self) -> list[IncomeReceipt]:
        """The receipts that count: neither reversed nor a reversal."""
        return [r for r in self.receipts if not r.is_reversal and r.reversed_by is None]

    @property
    def fixed_terms(self) -> tuple[str, ...]:
        """The terms that what stands under the deal rests on, fixed until it is reversed
        (`deal_rules.keeps_what_was_recorded`): a report rests on the licensee, the kind of
        deal and the royalty (rate, base, minimum); a receipt on the licensee, the kind and
        the contributors' share."""
        fixed: list[str] = []
        if self.standing_reports or self.standing_receipts:
            fixed += ["enterprise_id", "kind"]
        if self.standing_reports:
            fixed += ["royalty_pct", "royalty_base", "minimum_royalty"]
        if self.standing_receipts:
            fixed.append("contributor_pct")
        return tuple(fixed)

    @property
    def distributed(self) -> Decimal:
        return sum((r.pool for r in self.receipts), Decimal("0"))

    def can_view(self, user: User) -> bool:
        return self.achievement.can_view(user)

    @staticmethod
    def can_list(user: User) -> bool:
        """The list of every deal (`/transfers/`): the HQ-wide roles, every one; a director,
        their institutes' (tracker/achievements/deal_list.py)."""
        return user.sees_whole_portfolio or bool(user.directed_institute_ids)

    @staticmethod
    def can_manage(user: User) -> bool:
        """Deals, reports and income are recorded by HQ admins and the investment committee."""
        return user.is_hq_admin or user.has_role(Role.INVESTMENT_COMMITTEE)

    @staticmethod
    def can_record(user: User, achievement: Achievement) -> bool:
        """Who records deals (`can_manage`), of an achievement they see (`deals.save_refusal`)."""
        return Transfer.can_manage(user) and achievement.can_view(user)

    def can_void(self, user: User) -> bool:
        """Whoever records deals voids one recorded by mistake (once, nothing standing on it:
        `deal_corrections.void_refusal`)."""
        return Transfer.can_manage(user)


class RoyaltyReport(Base):
    """What a licensee reported for one period: the base (its sales) and the royalty owed.
    Never edited or deleted: one recorded by mistake is reversed (`reversal`, dated, with a
    reason) and its period is owed again; one report of a period stands at a time
    (`deals.record_report`, under the deal's lock)."""

    __tablename__ = "royalty_reports"
    __table_args__ = (
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
    reversal: Mapped[RoyaltyReportReversal | None] = relationship(back_populates="report")

    @property
    def title(self) -> str:
        """What the deal's page and the history call it: its period."""
        return f"{day(self.period_start)} – {day(self.period_end)}"

    @property
    def paid(self) -> Decimal:
        """Received against it, net of reversals."""
        return sum((r.amount for r in self.receipts), Decimal("0"))

    @property
    def stands_paid(self) -> bool:
        """Income received against it stands (neither reversed nor a reversal)."""
        return any(not r.is_reversal and r.reversed_by is None for r in self.receipts)

    @property
    def is_latest(self) -> bool:
        """No later period's report stands: the periods reported are always the first."""
        return not any(r.period_end > self.period_end for r in self.transfer.standing_reports)

    def can_view(self, user: User) -> bool:
        return self.transfer.can_view(user)

    def can_reverse(self, user: User) -> bool:
        """Whoever records a deal's reports (when: `deal_corrections.report_refusal`)."""
        return Transfer.can_manage(user)


class RoyaltyReportReversal(Reversal, Base):
    """A royalty report recorded by mistake, reversed: it no longer counts (its period is owed
    again, its royalty no longer due); the report stays as recorded."""

    __tablename__ = "royalty_report_reversals"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("royalty_reports.id", ondelete="CASCADE"), unique=True)

    report: Mapped[RoyaltyReport] = relationship(back_populates="reversal")

    @property
    def title(self) -> str:
        return self.report.title


class IncomeReceipt(Base):
    """Money received under a deal, what it pays (`pays`: the upfront payment, the royalty of
    one report, or other income), its deductible costs, and the contributors' share of the net
    as it stood that day (`contributor_pct`, `pool`; each person's part in `shares`): a later
    change of the deal or of the shares leaves what was distributed as it was.

    Never edited or deleted: a receipt recorded by mistake is undone by a reversing receipt
    (amount, costs, pool and every part negated, `reverses_id` naming the original, with a
    reason), as a contract's payments are, so every sum of the receipts (the deal's income,
    a report's royalty paid, the upfront received, a contributor's statement, the annual
    report) nets the pair to nothing from the reversal's date."""

    __tablename__ = "ip_income"
    __table_args__ = (
        CheckConstraint("(reverses_id IS NULL AND amount > 0) OR "
                        "(reverses_id IS NOT NULL AND amount < 0)", name="amount_sign"),
        CheckConstraint("(amount > 0 AND costs >= 0 AND costs <= amount) OR "
                        "(amount < 0 AND costs <= 0 AND costs >= amount)", name="costs_range"),
        CheckConstraint("(pays = 'royalty' AND report_id IS NOT NULL) OR "
                        "(pays <> 'royalty' AND report_id IS NULL)", name="royalty_names_report"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ip_transfers.id"), index=True)
    pays: Mapped[ReceiptFor] = mapped_column(str_enum(ReceiptFor, "receipt_for"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("royalty_reports.id"), index=True)
    received_on: Mapped[date] = mapped_column(info={PAST: True})
    amount: Mapped[Decimal] = mapped_column(Money)
    costs: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    note: Mapped[str] = mapped_column(String(200), default="")
    contributor_pct: Mapped[Decimal] = mapped_column(Percent)
    pool: Mapped[Decimal] = mapped_column(Money)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ip_income.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    transfer: Mapped[Transfer] = relationship(back_populates="receipts")
    report: Mapped[RoyaltyReport | None] = relationship(back_populates="receipts")
    shares: Mapped[list[IncomeShare]] = relationship(
        back_populates="receipt", cascade="all, delete-orphan", order_by="IncomeShare.position")
    reverses: Mapped[IncomeReceipt | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_id], back_populates="reversed_by")
    reversed_by: Mapped[IncomeReceipt | None] = relationship(back_populates="reverses",
                                                             foreign_keys=[reverses_id])

    @property
    def title(self) -> str:
        """What the history calls it: the day and the amount received."""
        return f"{day(self.received_on)} · {money(self.amount)}"

    @property
    def net(self) -> Decimal:
        return self.amount - self.costs

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    # What the deal's page shows only to those who see the split (HQ, the investment
    # committee): the contributors' parts by name; their history hides them from the others.
    PRIVATE_FIELDS = frozenset({"shares"})

    @staticmethod
    def sees_private(user: User) -> bool:
        return user.sees_whole_portfolio

    def parts_recorded(self) -> list[list[str]]:
        """The contributors' parts as the trail keeps them: [name, amount] each, the amount
        shown in the reader's language when the history is read (`history_keys`), never in
        the recorder's."""
        return [[s.name, str(s.amount)] for s in self.shares]

    def can_view(self, user: User) -> bool:
        return self.transfer.can_view(user)

    def can_reverse(self, user: User) -> bool:
        """Whoever records a deal's income (when: `deal_corrections.income_refusal`)."""
        return Transfer.can_manage(user)


class IncomeShare(Base):
    """One contributor's part of one receipt: who (a user, or a person named), their share of
    the achievement that day, and the amount (negated in a reversing receipt's part)."""

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
    def can_read_statement(user: User, person_id: int | None) -> bool:
        """A contributor's income statement: their own, HQ's (admins, observers) and the
        investment committee's; never another PM's, nor their director's. A person named
        (`person_id` None) has no account: HQ's and the committee's only."""
        return (person_id is not None and user.id == person_id) or user.sees_whole_portfolio
