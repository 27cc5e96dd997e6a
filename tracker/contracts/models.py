"""Research contracts with enterprises, their payment instalments and the money received."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.files.models import StoredFile
    from tracker.organisations.models import Enterprise
    from tracker.projects.models import Project


class ContractType(enum.StrEnum):
    """The technology-contract types of the PRC Civil Code (book III, chapter 20)."""

    DEVELOPMENT = "development"  # 技术开发
    TRANSFER = "transfer"  # 技术转让
    LICENCE = "licence"  # 技术许可
    SERVICE = "service"  # 技术服务
    CONSULTING = "consulting"  # 技术咨询


CONTRACT_TYPE_LABELS = {
    ContractType.DEVELOPMENT: _l("Technology development"),
    ContractType.TRANSFER: _l("Technology transfer"),
    ContractType.LICENCE: _l("Technology licence"),
    ContractType.SERVICE: _l("Technical service"),
    ContractType.CONSULTING: _l("Technical consulting"),
}


class ResearchContract(Voidable, Versioned, Base):
    """A contract recorded by mistake is voided once nothing stands under it (`corrections`):
    it stays, marked, and no longer counts anywhere (`standing`): every figure, list and
    reminder of contracts, their instalments and their money asks for the standing ones."""

    __tablename__ = "research_contracts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        # Registered whole or not at all (the certificate file is optional).
        CheckConstraint(
            "(registration_number IS NULL AND registered_on IS NULL AND registered_value IS NULL"
            " AND certificate_id IS NULL) OR (registration_number IS NOT NULL AND"
            " registered_on IS NOT NULL AND registered_value > 0)", name="registration_whole"),
        void_whole(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    # 合同编号: unique among the contracts of one institute (checked by `record_contract`);
    # None for contracts recorded before numbers were kept.
    number: Mapped[str | None] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[ContractType] = mapped_column(str_enum(ContractType, "contract_type"))
    amount: Mapped[Decimal] = mapped_column(Money)
    signed_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # 技术合同登记: the registration office's number (issued once, so unique), the date, and
    # the technology transaction value it approved (技术交易额: the part of the amount that is
    # technology, which the tax relief is computed on; never more than the amount).
    registration_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    registered_on: Mapped[date | None]
    registered_value: Mapped[Decimal | None] = mapped_column(Money)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))

    project: Mapped[Project] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    certificate: Mapped[StoredFile | None] = relationship()
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="contract", order_by="Instalment.due_date", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return self.title

    @property
    def is_registered(self) -> bool:
        return self.registration_number is not None

    @property
    def scheduled(self) -> Decimal:
        return sum((i.amount for i in self.instalments), Decimal("0"))

    @property
    def unscheduled(self) -> Decimal:
        """What of the contract's value no instalment asks for (never negative: the service
        refuses a schedule above the value)."""
        return self.amount - self.scheduled

    @property
    def received(self) -> Decimal:
        return sum((i.received for i in self.instalments), Decimal("0"))

    def can_view(self, user) -> bool:
        return self.project.can_view(user)

    @staticmethod
    def can_record(user, project) -> bool:
        """The PM and HQ admins record a project's contracts and the payments received."""
        return user.id == project.pm_id or user.is_hq_admin

    def can_register(self, user) -> bool:
        """Whoever records the contract records (and corrects) its registration, also after
        the project closed: the office registers a contract weeks after it is signed."""
        return self.can_correct(user)

    def can_correct(self, user) -> bool:
        """Whoever records the project's contracts corrects one recorded wrong (its terms, its
        schedule) and records the money it brings, also after the project closed, as its
        registration (a voided contract is history: `services.correction_refusal`)."""
        return ResearchContract.can_record(user, self.project)

    def can_void(self, user) -> bool:
        """Who corrects it voids it, when recorded by mistake (what must not stand under it
        first: `corrections.void_refusal`)."""
        return self.can_correct(user)

    @staticmethod
    def can_list(user) -> bool:
        """The contract roll-ups: HQ-wide roles, directors and project managers."""
        return user.sees_whole_portfolio or user.has_role(Role.INSTITUTE_DIRECTOR,
                                                          Role.PROJECT_MANAGER)


class Instalment(Base):
    __tablename__ = "instalments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("research_contracts.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(Money)

    contract: Mapped[ResearchContract] = relationship(back_populates="instalments")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="instalment", order_by="[Payment.received_on, Payment.id]",
        cascade="all, delete-orphan")

    @property
    def received(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0"))

    @property
    def number(self) -> int:
        """Its place in the contract's schedule, the earliest due first: the number its
        contract's page and its records in the history name it by."""
        schedule = sorted(self.contract.instalments, key=lambda i: (i.due_date, i.id or 0))
        return schedule.index(self) + 1

    def named(self) -> list:
        """The instalment as an audit record names it (`instalment`): its number and due
        date when the record was written, read as "2 (due 31 Mar 2026)"."""
        return [self.number, self.due_date.isoformat()]

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.received

    @property
    def is_paid(self) -> bool:
        return self.received >= self.amount

    def can_view(self, user) -> bool:
        return self.contract.can_view(user)

    def can_remove(self, user) -> bool:
        """Whoever corrects the contract removes an instalment recorded by mistake (nothing
        received against it: `corrections.instalment_refusal`)."""
        return self.contract.can_correct(user)


class Payment(Base):
    """Money received against an instalment; several make a partial payment whole.

    A payment is never edited or deleted: a mistake is undone by a reversing payment (its
    amount negated, `reverses_id` naming the original, with a reason), so every sum of the
    payments (received, outstanding, the roll-ups, the reminders) follows by itself and both
    stay in the history."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("(reverses_id IS NULL AND amount > 0) OR "
                        "(reverses_id IS NOT NULL AND amount < 0)", name="amount_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(
        ForeignKey("instalments.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    instalment: Mapped[Instalment] = relationship(back_populates="payments")
    reverses: Mapped[Payment | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_id], back_populates="reversed_by")
    reversed_by: Mapped[Payment | None] = relationship(back_populates="reverses",
                                                       foreign_keys=[reverses_id])

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def can_view(self, user) -> bool:
        return self.instalment.contract.can_view(user)

    def can_reverse(self, user) -> bool:
        """Whoever records a project's payments reverses one entered by mistake (once, and not
        a reversal: `services.payment_refusal`)."""
        return ResearchContract.can_record(user, self.instalment.contract.project)
