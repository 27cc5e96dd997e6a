"""What a co-funder of an allocation-investment agreement paid: a ledger of payments that is
never edited or deleted. A payment recorded by mistake is undone by a reversing entry (the
amount negated, `reverses_id` naming the original, with a reason), as the disbursements are."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import PAST
from tracker.db import Base, Money, UTCDateTime, utcnow
from tracker.funding.models import CoFunder, FundingAgreement

if TYPE_CHECKING:
    from tracker.accounts.models import User


class CoFunderPayment(Base):
    __tablename__ = "co_funder_payments"
    __table_args__ = (
        CheckConstraint("(reverses_id IS NULL AND amount > 0) OR "
                        "(reverses_id IS NOT NULL AND amount < 0)", name="amount_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    co_funder_id: Mapped[int] = mapped_column(
        ForeignKey("co_funders.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(info={PAST: True})
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("co_funder_payments.id"),
                                                    unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    co_funder: Mapped[CoFunder] = relationship(back_populates="payments")
    recorded_by: Mapped[User] = relationship()
    reverses: Mapped[CoFunderPayment | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_id], back_populates="reversed_by")
    reversed_by: Mapped[CoFunderPayment | None] = relationship(
        back_populates="reverses", foreign_keys=[reverses_id])

    @property
    def name(self) -> str:
        """How the audit trail names it: the co-funder's partner."""
        return self.co_funder.partner.shown("name")

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def can_view(self, user: User) -> bool:
        return self.co_funder.agreement.can_view(user)

    def can_reverse(self, user: User) -> bool:
        """Whoever records co-funders' payments (once: `co_funding.payment_refusal`)."""
        return CoFunder.can_record_payment(user)


def co_funder_commitment() -> ColumnElement:
    """SQL: what a co-funder committed (`CoFunder.commitment`), for queries joining the
    co-funder to its agreement."""
    return func.round(CoFunder.ratio * FundingAgreement.committed / FundingAgreement.hq_ratio, 2)
