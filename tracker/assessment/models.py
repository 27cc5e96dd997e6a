"""HQ's yearly assessment of its institutes: the indicators, the evidence institutes enter for
what the tracker does not hold, the year's funding rule and the allocations it approved."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.bilingual import Bilingual
from tracker.money import Percent
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.organisations.models import Institute

# A score, per indicator and in total: two decimals (weights are points, 100 in all by habit).
Score = Numeric(8, 2, asdecimal=True)
# An indicator's target and an evidence entry's amount: money or a count, two decimals.
Quantity = Numeric(18, 2, asdecimal=True)


class Measure(enum.StrEnum):
    """What an indicator measures: one the tracker computes from its records, or `EVIDENCE`,
    what institutes enter (with files) and HQ accepts. The computations, their date rules and
    the drill-downs are in tracker/assessment/measures.py."""

    CONTRACTS_SIGNED = "contracts_signed"
    CONTRACTS_RECEIVED = "contracts_received"
    TRANSFER_INCOME = "transfer_income"
    SERVICE_INCOME = "service_income"
    COMPANIES_INCUBATED = "companies_incubated"
    FINANCING_RAISED = "financing_raised"
    CONVERTED = "converted"
    MILESTONES_ON_TIME = "milestones_on_time"
    GATES_PASSED = "gates_passed"
    NEEDS_MATCHED = "needs_matched"
    NEW_PMS = "new_pms"
    EVIDENCE = "evidence"


# The computed measures whose value is a sum of money (CNY); the others count records
# (`measures.value_of`). An evidence indicator's unit is HQ's choice (`Indicator.is_count`).
MONEY_MEASURES = frozenset({Measure.CONTRACTS_SIGNED, Measure.CONTRACTS_RECEIVED,
                            Measure.TRANSFER_INCOME, Measure.SERVICE_INCOME,
                            Measure.FINANCING_RAISED, Measure.CONVERTED})

MEASURE_LABELS = {
    Measure.CONTRACTS_SIGNED: _l("Contract research signed (CNY)"),
    Measure.CONTRACTS_RECEIVED: _l("Contract research received (CNY)"),
    Measure.TRANSFER_INCOME: _l("Technology transfer and licence income (CNY)"),
    Measure.SERVICE_INCOME: _l("Technical service and consulting income (CNY)"),
    Measure.COMPANIES_INCUBATED: _l("Companies incubated"),
    Measure.FINANCING_RAISED: _l("Financing raised by incubated companies (CNY)"),
    Measure.CONVERTED: _l("Allocation-investment converted to equity (CNY)"),
    Measure.MILESTONES_ON_TIME: _l("Milestones delivered on time"),
    Measure.GATES_PASSED: _l("Gates passed (GO or CONDITIONAL GO)"),
    Measure.NEEDS_MATCHED: _l("Enterprise needs matched"),
    Measure.NEW_PMS: _l("New project managers"),
    Measure.EVIDENCE: _l("Entered by institutes with evidence, accepted by HQ"),
}


class Indicator(Bilingual, Versioned, Base):
    """One line of a year's assessment: what it measures, its weight (the points it is worth)
    and the target that earns them all; below the target it earns its share of them."""

    __tablename__ = "assessment_indicators"
    __table_args__ = (
        UniqueConstraint("year", "name"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("target > 0", name="target_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    measure: Mapped[Measure] = mapped_column(str_enum(Measure, "assessment_measure"))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(Score)
    target: Mapped[Decimal] = mapped_column(Quantity)
    # An evidence indicator counted in a number of things (patents, people), not in CNY.
    is_count: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_computed(self) -> bool:
        return self.measure is not Measure.EVIDENCE

    @property
    def is_money(self) -> bool:
        """Whether its target, values and entries are CNY, shown with their currency as every
        amount is: a computed measure's by what it sums, an evidence indicator's as HQ
        defined it. They were shown as bare numbers (found by a newcomer)."""
        return self.measure in MONEY_MEASURES if self.is_computed else not self.is_count

    @staticmethod
    def can_define(user: User) -> bool:
        """HQ admins define each year's indicators, their weights and targets."""
        return user.is_hq_admin

    @staticmethod
    def can_list(user: User) -> bool:
        """The assessment pages: HQ-wide roles and institute directors (their own)."""
        return user.sees_whole_portfolio or user.has_role(Role.INSTITUTE_DIRECTOR)

    @staticmethod
    def can_view_institute(user: User, institute: Institute) -> bool:
        """An institute's assessment, its drill-downs and evidence: HQ-wide roles, and the
        institute's own director; never another institute's director."""
        return user.sees_whole_portfolio or institute.id in user.directed_institute_ids


class EvidenceState(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


EVIDENCE_STATE_LABELS = {
    EvidenceState.SUBMITTED: _l("Awaiting HQ review"),
    EvidenceState.ACCEPTED: _l("Accepted by HQ"),
    EvidenceState.RETURNED: _l("Returned"),
}

class EvidenceFile(Voidable, Base):
    """A file of an evidence entry. Attached by mistake, it is withdrawn from the entry by the
    entry's correction with the reason (`tracker.files.attached`): it stays listed with the
    entry, marked so, downloadable by who may see the entry."""

    __tablename__ = "assessment_evidence_files"
    __table_args__ = (void_whole(),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_evidence.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), primary_key=True,
                                         unique=True)

    file: Mapped[StoredFile] = relationship()


evidence_files = EvidenceFile.__table__


class EvidenceEntry(Voidable, Versioned, Base):
    """What an institute claims for an evidence indicator (service income earned outside the
    tracker, say), with its files. Only an entry HQ accepted and nobody withdrew counts; a
    returned one keeps HQ's opinion, and the institute enters a corrected one beside it.
    Entered wrong, the director corrects it or withdraws it while HQ has not reviewed it; HQ
    withdraws one it accepted, until the year's funding is approved
    (`tracker.assessment.corrections`)."""

    __tablename__ = "assessment_evidence"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),
                      void_whole())

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("assessment_indicators.id"), index=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Quantity)
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[EvidenceState] = mapped_column(
        str_enum(EvidenceState, "evidence_state"), default=EvidenceState.SUBMITTED)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opinion: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    indicator: Mapped[Indicator] = relationship()
    institute: Mapped[Institute] = relationship()
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    # Its files, withdrawn ones included (marked); `files`: the same files, for reading.
    attached: Mapped[list[EvidenceFile]] = relationship(cascade="all, delete-orphan",
                                                        order_by=EvidenceFile.file_id)
    files: Mapped[list[StoredFile]] = relationship(secondary=evidence_files,
                                                   order_by="StoredFile.id", viewonly=True)

    @property
    def counts(self) -> bool:
        return self.state is EvidenceState.ACCEPTED and not self.is_void

    @property
    def standing_files(self) -> list[EvidenceFile]:
        """Its files not withdrawn: the evidence HQ reviews."""
        return [link for link in self.attached if not link.is_void]

    def can_view(self, user: User) -> bool:
        return Indicator.can_view_institute(user, self.institute)

    @staticmethod
    def can_enter(user: User, institute: Institute) -> bool:
        """The institute's director enters its evidence."""
        return institute.id in user.directed_institute_ids

    def can_review(self, user: User) -> bool:
        """HQ admins accept an entry or return it with an opinion (once, while it stands:
        `services.review_refusal`)."""
        return user.is_hq_admin

    def can_correct(self, user: User) -> bool:
        """The institute's director, who entered it (HQ judges it, never rewrites it)."""
        return EvidenceEntry.can_enter(user, self.institute)

    def can_withdraw(self, user: User) -> bool:
        """The institute's director; and HQ admins, who withdraw an entry they accepted (which
        of the two by its state: `corrections.withdrawal_refusal`)."""
        return self.can_correct(user) or EvidenceEntry.can_withdraw_accepted(user)

    @staticmethod
    def can_withdraw_accepted(user: User) -> bool:
        """HQ admins withdraw an entry they accepted (its director, one not accepted)."""
        return user.is_hq_admin


class AssessmentYear(Versioned, Base):
    """A year's decisions beyond its indicators: whether directors see the ranking, and the
    funding pool with the rule that splits it (shares by score and by contract revenue
    received, a floor and a cap per institute), until HQ approves the allocation."""

    __tablename__ = "assessment_years"
    __table_args__ = (
        CheckConstraint("score_share + revenue_share = 100", name="shares_whole"),
        CheckConstraint("score_share >= 0 AND revenue_share >= 0", name="shares_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    ranking_published: Mapped[bool] = mapped_column(Boolean, default=False)
    pool: Mapped[Decimal | None] = mapped_column(Money)
    score_share: Mapped[Decimal] = mapped_column(Percent, default=Decimal("70"))
    revenue_share: Mapped[Decimal] = mapped_column(Percent, default=Decimal("30"))
    floor: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    cap: Mapped[Decimal | None] = mapped_column(Money)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    approved_by: Mapped[User | None] = relationship()
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="assessment", order_by="Allocation.id", cascade="all, delete-orphan")

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @staticmethod
    def can_decide(user: User) -> bool:
        """HQ admins publish the ranking, set the pool and rule, and approve the allocation."""
        return user.is_hq_admin

    def can_view_ranking(self, user: User) -> bool:
        """Every institute's totals and ranks: HQ-wide roles; directors once HQ published."""
        return user.sees_whole_portfolio or (
            self.ranking_published and user.has_role(Role.INSTITUTE_DIRECTOR))


class Allocation(Base):
    """HQ's funding of an institute, as the approved assessment of a year set it."""

    __tablename__ = "assessment_allocations"
    __table_args__ = (UniqueConstraint("assessment_id", "institute_id"),
                      CheckConstraint("amount >= 0", name="amount_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_years.id", ondelete="CASCADE"), index=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    score: Mapped[Decimal] = mapped_column(Score)
    revenue: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)

    assessment: Mapped[AssessmentYear] = relationship(back_populates="allocations")
    institute: Mapped[Institute] = relationship()
