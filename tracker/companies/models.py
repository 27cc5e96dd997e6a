"""Spin-off companies: registration, the share ledger, financing rounds, IP deals and exits.

Holdings are never stored: the cap table on any date is computed from the ledger of issuances
and transfers (`tracker.companies.ledger`), and percentages from the holdings.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import money
from tracker.accounts.models import Role
from tracker.companies.holder_models import HolderType, Shareholder
from tracker.dates import PAST
from tracker.db import Base, Money, Shares, UTCDateTime, Versioned, str_enum, utcnow
from tracker.funding.models import FundingAgreement
from tracker.money import Price

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.companies.ip_models import IpDeal
    from tracker.companies.reversal_models import ExitReversal, RoundReversal
    from tracker.funding.models import Conversion
    from tracker.projects.models import Project


class Acquisition(enum.StrEnum):
    """How the holder paid for the shares."""

    CASH = "cash"
    IP = "ip"  # by contributing a technology
    CONVERSION = "conversion"  # allocation-investment money converted to equity
    INCENTIVE = "incentive"  # from the incentive pool to a person (tracker/incentives)


ACQUISITION_LABELS = {
    Acquisition.CASH: _l("Cash"),
    Acquisition.IP: _l("IP"),
    Acquisition.CONVERSION: _l("Conversion"),
    Acquisition.INCENTIVE: _l("Equity incentive"),
}


class EntryKind(enum.StrEnum):
    ISSUE = "issue"
    TRANSFER = "transfer"


ENTRY_KIND_LABELS = {EntryKind.ISSUE: _l("Issued"), EntryKind.TRANSFER: _l("Transferred")}


class CompanyStatus(enum.StrEnum):
    """Derived, never stored: from the registration and the exit."""

    PREPARING = "preparing"
    REGISTERED = "registered"
    ACQUIRED = "acquired"
    LISTED = "listed"
    DISSOLVED = "dissolved"


COMPANY_STATUS_LABELS = {
    CompanyStatus.PREPARING: _l("Being incorporated"),
    CompanyStatus.REGISTERED: _l("Registered"),
    CompanyStatus.ACQUIRED: _l("Acquired"),
    CompanyStatus.LISTED: _l("Listed"),
    CompanyStatus.DISSOLVED: _l("Dissolved"),
}


class ExitKind(enum.StrEnum):
    ACQUISITION = "acquisition"
    LISTING = "listing"
    DISSOLUTION = "dissolution"


EXIT_KIND_LABELS = {
    ExitKind.ACQUISITION: _l("Acquisition"),
    ExitKind.LISTING: _l("Listing"),
    ExitKind.DISSOLUTION: _l("Dissolution"),
}


EXIT_STATUS = {ExitKind.ACQUISITION: CompanyStatus.ACQUIRED, ExitKind.LISTING: CompanyStatus.LISTED,
               ExitKind.DISSOLUTION: CompanyStatus.DISSOLVED}

# The projects a company comes from; a project spins off one company at most.
company_projects = Table(
    "company_projects",
    Base.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("projects.id"), primary_key=True, unique=True),
)


class Company(Versioned, Base):
    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint("registered_capital >= 0", name="capital_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # 统一社会信用代码: None until the company is registered.
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    registered_on: Mapped[date | None] = mapped_column(info={PAST: True})
    registered_capital: Mapped[Decimal | None] = mapped_column(Money)
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    projects: Mapped[list[Project]] = relationship(secondary=company_projects,
                                                   order_by="Project.id")
    holders: Mapped[list[Shareholder]] = relationship(
        back_populates="company", order_by="Shareholder.id", cascade="all, delete-orphan")
    entries: Mapped[list[ShareEntry]] = relationship(
        back_populates="company", order_by=lambda: [ShareEntry.on_date, ShareEntry.id],
        cascade="all, delete-orphan")
    rounds: Mapped[list[FinancingRound]] = relationship(
        back_populates="company", order_by=lambda: [FinancingRound.on_date, FinancingRound.id],
        cascade="all, delete-orphan")
    ip_deals: Mapped[list[IpDeal]] = relationship(
        back_populates="company", order_by="IpDeal.id", cascade="all, delete-orphan")
    exits: Mapped[list[CompanyExit]] = relationship(
        back_populates="company", order_by=lambda: [CompanyExit.on_date, CompanyExit.id],
        cascade="all, delete-orphan")

    @property
    def is_registered(self) -> bool:
        return bool(self.uscc) and self.registered_on is not None

    @property
    def status(self) -> CompanyStatus:
        if self.standing_exits:
            return EXIT_STATUS[self.standing_exits[-1].kind]
        return CompanyStatus.REGISTERED if self.is_registered else CompanyStatus.PREPARING

    @property
    def standing_exits(self) -> list[CompanyExit]:
        """The exits not reversed: one of them closes the ledger."""
        return [e for e in self.exits if e.reversal is None]

    @property
    def has_cap_table(self) -> bool:
        """A ledger with a line that still stands (a voided founders' table leaves none)."""
        return any(e.standing for e in self.entries)

    @property
    def last_round(self) -> FinancingRound | None:
        """The latest round that stands (a reversed one sets no price)."""
        standing = [r for r in self.rounds if r.stands_on(None)]
        return standing[-1] if standing else None

    def can_view(self, user: User) -> bool:
        return user.sees_whole_portfolio or any(
            FundingAgreement.can_see(user, p) for p in self.projects)

    @staticmethod
    def can_list(user: User) -> bool:
        """HQ's portfolio: HQ-wide roles, directors and project managers (each sees the
        companies they may view)."""
        return user.sees_whole_portfolio or user.has_role(Role.INSTITUTE_DIRECTOR,
                                                          Role.PROJECT_MANAGER)

    @staticmethod
    def can_manage(user: User) -> bool:
        """HQ admins and the investment committee record companies and their equity."""
        return user.has_role(Role.HQ_ADMIN, Role.INVESTMENT_COMMITTEE)

    def founders_table(self) -> list[ShareEntry]:
        """The cap table at incorporation as it stands: the standing issues of the first date
        a line stands on, outside any round (none once voided, until entered again)."""
        standing = [e for e in self.entries if e.standing]
        return [e for e in standing if e.on_date == standing[0].on_date
                and e.kind is EntryKind.ISSUE and e.round_id is None] if standing else []

    def after_founders(self) -> list[ShareEntry]:
        """What keeps the founders' table from being voided whole: any entry of a later date
        (even one since reversed: voiding would leave its shares without the table they came
        from, for a while), a transfer or a round's shares of its date."""
        table = self.founders_table()
        return [e for e in self.entries if table and (e.on_date > table[0].on_date or (
            e.standing and e.on_date == table[0].on_date and e not in table))]

    def can_void_founders(self, user: User) -> bool:
        """Who records the equity voids a founders' table whole, to be entered again (one with
        nothing after it and no exit: `corrections.founders_void_refusal` says why not)."""
        return Company.can_manage(user)

    @staticmethod
    def can_detach(user: User) -> bool:
        """HQ admins detach a company from a project it was wrongly recorded against."""
        return user.is_hq_admin


class ShareEntry(Base):
    """One line of the share ledger: new shares issued to a holder, or shares transferred.

    Never edited or deleted: a mistake is undone by a reversing entry of the same kind and
    holders with the shares negated (`reverses_id` names the original; a reason is given): both
    stay in the ledger and count in no cap table, on any date (`ledger.standing`). (One
    exception, audited: an incentive grant's lock-up left out is given to its entries.)"""

    __tablename__ = "share_entries"
    __table_args__ = (
        CheckConstraint("(reverses_id IS NULL AND shares > 0) OR "
                        "(reverses_id IS NOT NULL AND shares < 0)", name="shares_sign"),
        CheckConstraint("(kind = 'transfer') = (from_holder_id IS NOT NULL)",
                        name="transfer_has_source"),
        CheckConstraint("from_holder_id IS NULL OR from_holder_id <> to_holder_id",
                        name="not_to_itself"),  # migration 0106 folded those 0100 left
        CheckConstraint("paid IS NULL OR paid >= 0", name="paid_not_negative"),
        Index("ix_share_entries_company_date", "company_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "entry_kind"))
    on_date: Mapped[date]
    shares: Mapped[Decimal] = mapped_column(Shares)
    from_holder_id: Mapped[int | None] = mapped_column(ForeignKey("shareholders.id"))
    to_holder_id: Mapped[int] = mapped_column(ForeignKey("shareholders.id"))
    acquired_by: Mapped[Acquisition] = mapped_column(str_enum(Acquisition, "acquisition"))
    # For shares paid with IP: which technology (the contributors' share is checked per one).
    technology: Mapped[str] = mapped_column(String(200), default="")
    # Team shares are not transferable before this date (the reminders read it).
    lock_up_until: Mapped[date | None] = mapped_column(index=True)
    # What was paid for an issue typed in (cash, IP or in kind, at incorporation or later), as
    # recorded; None when not recorded (entries before migration 0097). A round's and a
    # conversion's shares carry their cost on the round investment or the conversion.
    paid: Mapped[Decimal | None] = mapped_column(Money)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("financing_rounds.id"))
    ip_deal_id: Mapped[int | None] = mapped_column(ForeignKey("ip_deals.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("share_entries.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    company: Mapped[Company] = relationship(back_populates="entries")
    from_holder: Mapped[Shareholder | None] = relationship(foreign_keys=[from_holder_id])
    to_holder: Mapped[Shareholder] = relationship(foreign_keys=[to_holder_id])
    reverses: Mapped[ShareEntry | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_id], back_populates="reversed_by")
    reversed_by: Mapped[ShareEntry | None] = relationship(back_populates="reverses",
                                                          foreign_keys=[reverses_id])

    @property
    def standing(self) -> bool:
        """Neither a reversal nor reversed: a line the ledger still stands on."""
        return self.reverses_id is None and self.reversed_by is None

    def can_reverse(self, user: User) -> bool:
        """Who records the equity reverses issuances and transfers typed in, one by one (a
        round's or a conversion's shares go with it, a closed ledger stays:
        `corrections.entry_refusal`)."""
        return Company.can_manage(user)

    def can_record_paid(self, user: User) -> bool:
        """Who records the equity records what was paid for an issue typed in without it
        (before migration 0097 asked it), once (`corrections.paid_refusal` says why not)."""
        return Company.can_manage(user)

    def can_view(self, user: User) -> bool:
        return self.company.can_view(user)


class FinancingRound(Base):
    """A round: its price per share is derived when it is recorded, and kept."""

    __tablename__ = "financing_rounds"
    __table_args__ = (
        CheckConstraint("pre_money > 0", name="pre_money_positive"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("shares_before > 0", name="shares_before_positive"),
        # Names are unique among a company's standing rounds: `deals.record_round` checks it.
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(100))
    on_date: Mapped[date]
    pre_money: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    shares_before: Mapped[Decimal] = mapped_column(Shares)
    price_per_share: Mapped[Decimal] = mapped_column(Price)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship(back_populates="rounds")
    investments: Mapped[list[RoundInvestment]] = relationship(
        back_populates="round", order_by="RoundInvestment.id", cascade="all, delete-orphan")
    reversal: Mapped[RoundReversal | None] = relationship(back_populates="round")
    # Allocation-investment money converted at the round: the round then stands.
    conversions: Mapped[list[Conversion]] = relationship(viewonly=True)

    def stands_on(self, on: date | None) -> bool:
        """Not reversed by `on` (None: not reversed at all)."""
        return self.reversal is None or (on is not None and self.reversal.on_date > on)

    def can_reverse(self, user: User) -> bool:
        """Who records the equity reverses a round recorded by mistake, whole (while the
        ledger is open, nothing converted at it: `corrections.round_refusal`)."""
        return Company.can_manage(user)

    @property
    def new_shares(self) -> Decimal:
        return sum((i.entry.shares for i in self.investments), Decimal("0"))

    @property
    def fraction_unissued(self) -> Decimal:
        """What the investors paid beyond their whole shares' value (each buys whole shares,
        rounded down): it stays with the company, shown beside the round, never lost."""
        return sum((money.unissued(i.amount, i.entry.shares, self.price_per_share)
                    for i in self.investments), Decimal("0"))

    @property
    def lead(self) -> RoundInvestment | None:
        return next((i for i in self.investments if i.lead), None)

    @property
    def external_amount(self) -> Decimal:
        """What external investors put in: what makes a round a market round."""
        return sum((i.amount for i in self.investments
                    if i.entry.to_holder.kind is HolderType.INVESTOR), Decimal("0"))

    def can_view(self, user: User) -> bool:
        return self.company.can_view(user)


class RoundInvestment(Base):
    __tablename__ = "round_investments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("financing_rounds.id", ondelete="CASCADE"),
                                          index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)
    # The issuance of the shares bought.
    entry_id: Mapped[int] = mapped_column(ForeignKey("share_entries.id"), unique=True)

    round: Mapped[FinancingRound] = relationship(back_populates="investments")
    entry: Mapped[ShareEntry] = relationship()


class CompanyExit(Base):
    """An exit, with what HQ and the institute realised (pro rata on the exit date, kept), and
    whether it accelerates the incentive options unvested then (else they lapse at it)."""

    __tablename__ = "company_exits"
    __table_args__ = (CheckConstraint("proceeds >= 0", name="proceeds_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[ExitKind] = mapped_column(str_enum(ExitKind, "exit_kind"))
    on_date: Mapped[date]
    proceeds: Mapped[Decimal] = mapped_column(Money)
    hq_proceeds: Mapped[Decimal] = mapped_column(Money)
    institute_proceeds: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")
    accelerate: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship(back_populates="exits")
    reversal: Mapped[ExitReversal | None] = relationship(back_populates="exit")

    def stands_on(self, on: date | None) -> bool:
        """Not reversed by `on` (None: not reversed at all)."""
        return self.reversal is None or (on is not None and self.reversal.on_date > on)

    def can_reverse(self, user: User) -> bool:
        """Who records the equity reverses an exit recorded by mistake, once: the company's
        ledger reopens (`corrections.exit_refusal`)."""
        return Company.can_manage(user)

    def can_view(self, user: User) -> bool:
        return self.company.can_view(user)
