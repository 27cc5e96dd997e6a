"""A conversion of allocation-investment money to HQ's shares, and its reversal (a module of
its own so that tracker/funding/models.py stays under 400 lines; imported from there)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, exists
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import money
from tracker.companies.reversal_models import Reversal
from tracker.db import Base, Money, Shares, UTCDateTime, utcnow
from tracker.money import ConversionPrice, Percent, Price

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.companies.models import FinancingRound, ShareEntry
    from tracker.funding.models import FundingAgreement


class Conversion(Base):
    """Disbursed money converted to HQ's shares at a qualifying round, with the computation."""

    __tablename__ = "conversions"
    __table_args__ = (CheckConstraint("shares > 0", name="shares_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One standing conversion per agreement (`FundingAgreement.conversion`); a reversed one
    # stays beside it (`ConversionReversal`).
    agreement_id: Mapped[int] = mapped_column(ForeignKey("funding_agreements.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("financing_rounds.id"), index=True)
    disbursed: Mapped[Decimal] = mapped_column(Money)
    round_price: Mapped[Decimal] = mapped_column(Price)
    discount_pct: Mapped[Decimal] = mapped_column(Percent)
    conversion_price: Mapped[Decimal] = mapped_column(ConversionPrice)
    shares: Mapped[Decimal] = mapped_column(Shares)
    entry_id: Mapped[int] = mapped_column(ForeignKey("share_entries.id"), unique=True)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreement: Mapped[FundingAgreement] = relationship(back_populates="conversions")
    reversal: Mapped[ConversionReversal | None] = relationship(back_populates="conversion")
    round: Mapped[FinancingRound] = relationship()
    entry: Mapped[ShareEntry] = relationship()
    decided_by: Mapped[User] = relationship()

    @property
    def computation(self) -> money.Conversion:
        """The figures of the conversion, each computed in tracker/money.py."""
        return money.Conversion(disbursed=self.disbursed, round_price=self.round_price,
                                discount_pct=self.discount_pct, price=self.conversion_price,
                                shares=self.shares)

    def can_view(self, user: User) -> bool:
        return self.agreement.can_view(user)

    def can_reverse(self, user: User) -> bool:
        """The committee reverses a conversion recorded by mistake (once, the company not
        exited: `corrections.conversion_refusal`)."""
        return self.agreement.can_decide(user)


class ConversionReversal(Reversal, Base):
    """A conversion recorded by mistake, reversed: its shares are reversed on the ledger (in no
    cap table, on any date), the agreement is open again, and no figure counts the money as
    converted."""

    __tablename__ = "conversion_reversals"

    conversion_id: Mapped[int] = mapped_column(
        ForeignKey("conversions.id", ondelete="CASCADE"), unique=True)

    conversion: Mapped[Conversion] = relationship(back_populates="reversal")


def conversion_stands(conversion_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: the conversion is not reversed."""
    return ~exists().where(ConversionReversal.conversion_id == conversion_id)
