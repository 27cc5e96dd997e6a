"""A joint innovation centre's agreements with HQ: each term (dates, the enterprise's funding
commitment), the payments the enterprise made against it, and renewals (a new term that
names the one it renews). The centre's status is derived from them (tracker/centres/status.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import PAST
from tracker.db import Base, Money, UTCDateTime, Versioned, utcnow
from tracker.display.formatting import day
from tracker.organisations.models import JointInnovationCentre

if TYPE_CHECKING:
    from tracker.accounts.models import User


class CentreAgreement(Versioned, Base):
    """One term of a centre's agreement. A renewal is a new agreement naming the one it
    renews (at most one renewal each): the terms of a centre form a chain."""

    __tablename__ = "centre_agreements"
    __table_args__ = (
        CheckConstraint("ends_on > starts_on", name="term_in_order"),
        CheckConstraint("committed >= 0", name="committed_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("joint_innovation_centres.id"),
                                           index=True)
    signed_on: Mapped[date] = mapped_column(info={PAST: True})
    starts_on: Mapped[date]
    # The reminders read it: expiry coming, while no renewal names this term.
    ends_on: Mapped[date] = mapped_column(index=True)
    # What the enterprise commits to fund over the term (CNY).
    committed: Mapped[Decimal] = mapped_column(Money)
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("centre_agreements.id"),
                                                  unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    centre: Mapped[JointInnovationCentre] = relationship()
    renews: Mapped[CentreAgreement | None] = relationship(
        remote_side=[id], foreign_keys=[renews_id], back_populates="renewed_by")
    renewed_by: Mapped[CentreAgreement | None] = relationship(
        foreign_keys=[renews_id], back_populates="renews")
    recorded_by: Mapped[User] = relationship()
    payments: Mapped[list[CentrePayment]] = relationship(
        back_populates="agreement", order_by="(CentrePayment.paid_on, CentrePayment.id)",
        cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        """How the audit trail and history name it, in the reader's language."""
        return f"{self.centre.shown('name')} {day(self.starts_on)}–{day(self.ends_on)}"

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0"))

    @property
    def outstanding(self) -> Decimal:
        return max(self.committed - self.paid, Decimal("0"))

    def covers(self, on: date) -> bool:
        return self.starts_on <= on <= self.ends_on

    def can_view(self, user: User) -> bool:
        return CentreAgreement.can_see(user)

    @staticmethod
    def can_see(user: User) -> bool:
        """What an enterprise committed and paid: HQ-wide roles."""
        return user.sees_whole_portfolio

    def can_edit(self, user: User) -> bool:
        return CentreAgreement.can_record(user)

    @staticmethod
    def can_record(user: User) -> bool:
        return user.is_hq_admin

    def can_view_history(self, user: User) -> bool:
        return user.sees_whole_portfolio


class CentrePayment(Base):
    """Money the enterprise paid under a term of its centre's agreement."""

    __tablename__ = "centre_payments"
    __table_args__ = (
        CheckConstraint("(reverses_id IS NULL AND amount > 0) OR "
                        "(reverses_id IS NOT NULL AND amount < 0)", name="amount_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("centre_agreements.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(info={PAST: True})
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A payment recorded by mistake is undone by a reversing entry (the amount negated, with a
    # reason), never edited or deleted: both stay on the centre's page.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("centre_payments.id"),
                                                    unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[CentreAgreement] = relationship(back_populates="payments")
    recorded_by: Mapped[User] = relationship()
    reverses: Mapped[CentrePayment | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_id], back_populates="reversed_by")
    reversed_by: Mapped[CentrePayment | None] = relationship(
        back_populates="reverses", foreign_keys=[reverses_id])

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def can_view(self, user: User) -> bool:
        return self.agreement.can_view(user)

    def can_reverse(self, user: User) -> bool:
        """Whoever records the centres' payments (once: `services.payment_refusal`)."""
        return CentreAgreement.can_record(user)

    @property
    def name(self) -> str:
        return self.agreement.name
