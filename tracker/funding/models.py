"""Allocation-investment (拨投结合): an agreement, its co-funders, tranches released on a
condition, disbursements, and how it ends: converted to equity, or an outcome after the
conversion deadline (closed as a grant, repaid, substituted by another project)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import money
from tracker.accounts.models import Role
from tracker.dates import local_date
from tracker.db import Base, Money, Ratio, UTCDateTime, Versioned, str_enum, utcnow
from tracker.funding.conversion_models import (  # noqa: F401  (re-exported here)
    Conversion,
    ConversionReversal,
    conversion_stands,
)
from tracker.gates.models import Outcome
from tracker.milestones.models import MilestoneState
from tracker.money import Percent
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.milestones.models import Milestone
    from tracker.partners.models import Partner
    from tracker.partners.payment_models import CoFunderPayment
    from tracker.projects.models import Project


class AgreementOutcome(enum.StrEnum):
    CONVERTED = "converted"
    GRANT = "grant"  # closed as a grant: the liability is waived
    REPAID = "repaid"
    SUBSTITUTED = "substituted"  # replaced by another project


AGREEMENT_OUTCOME_LABELS = {
    AgreementOutcome.CONVERTED: _l("Converted to equity"),
    AgreementOutcome.GRANT: _l("Closed as a grant"),
    AgreementOutcome.REPAID: _l("Repaid"),
    AgreementOutcome.SUBSTITUTED: _l("Substituted by another project"),
}


# What the committee records once the deadline has passed with no conversion.
DEADLINE_OUTCOMES = (AgreementOutcome.GRANT, AgreementOutcome.REPAID,
                     AgreementOutcome.SUBSTITUTED)


class ConditionKind(enum.StrEnum):
    MILESTONE = "milestone"  # a named milestone accepted
    GATE = "gate"  # a named gate passed with GO or CONDITIONAL GO


CONDITION_KIND_LABELS = {
    ConditionKind.MILESTONE: _l("Milestone accepted"),
    ConditionKind.GATE: _l("Gate passed"),
}


class FundingAgreement(Voidable, Versioned, Base):
    """One agreement that stands per project; one recorded by mistake is voided
    (`tracker.funding.voids`) and stays as history, and another may then be recorded."""

    __tablename__ = "funding_agreements"
    __table_args__ = (
        void_whole(),
        Index("uq_funding_agreements_standing_project", "project_id", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
        CheckConstraint("committed > 0", name="committed_positive"),
        CheckConstraint("discount_pct BETWEEN 0 AND 100", name="discount_range"),
        CheckConstraint("qualifying_round_min >= 0", name="threshold_not_negative"),
        CheckConstraint("hq_ratio > 0", name="hq_ratio_positive"),
        CheckConstraint("repaid_amount IS NULL OR repaid_amount > 0", name="repaid_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    committed: Mapped[Decimal] = mapped_column(Money)
    # HQ's part in the co-funding ratio (1 in 1:1:1).
    hq_ratio: Mapped[Decimal] = mapped_column(Ratio, default=Decimal("1"))
    discount_pct: Mapped[Decimal] = mapped_column(Percent)
    # The smallest amount external investors must put in for a round to qualify.
    qualifying_round_min: Mapped[Decimal] = mapped_column(Money)
    # The reminders read this: 30 and 7 days before, 1 day after, while no outcome is recorded.
    conversion_deadline: Mapped[date] = mapped_column(index=True)
    signed_on: Mapped[date]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None while the agreement runs.
    outcome: Mapped[AgreementOutcome | None] = mapped_column(
        str_enum(AgreementOutcome, "agreement_outcome"), index=True)
    outcome_on: Mapped[date | None]
    repaid_amount: Mapped[Decimal | None] = mapped_column(Money)
    substitute_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship(foreign_keys=[project_id])
    substitute_project: Mapped[Project | None] = relationship(
        foreign_keys=[substitute_project_id])
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    co_funders: Mapped[list[CoFunder]] = relationship(
        back_populates="agreement", order_by="CoFunder.id", cascade="all, delete-orphan")
    tranches: Mapped[list[Tranche]] = relationship(
        back_populates="agreement", order_by="Tranche.number", cascade="all, delete-orphan")
    # Every conversion recorded, a reversed one included; `conversion` is the one that stands.
    conversions: Mapped[list[Conversion]] = relationship(
        back_populates="agreement", order_by="Conversion.id")

    @property
    def conversion(self) -> Conversion | None:
        return next((c for c in reversed(self.conversions) if c.reversal is None), None)

    @property
    def reversed_conversions(self) -> list[Conversion]:
        return [c for c in self.conversions if c.reversal is not None]

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def funder_shares(self) -> list[Decimal]:
        """HQ's share of the money and each co-funder's, in per cent (adding up to 100.00,
        `money.apportioned`): what the ratio hq_ratio : ratio : ... means."""
        parts = [self.hq_ratio, *(c.ratio for c in self.co_funders)]
        return money.apportioned(parts, sum(parts, Decimal("0")))

    @property
    def co_funded(self) -> Decimal:
        """What the co-funders committed beside HQ, by the ratio."""
        return sum((c.commitment for c in self.co_funders), Decimal("0"))

    @property
    def co_funders_paid(self) -> Decimal:
        return sum((c.paid for c in self.co_funders), Decimal("0"))

    @property
    def funders_outstanding(self) -> list[Decimal]:
        """What HQ and each co-funder still owe, in the funders' table's order."""
        return [max(self.committed - self.disbursed, Decimal("0")),
                *(c.outstanding for c in self.co_funders)]

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    @property
    def standing_tranches(self) -> list[Tranche]:
        """The tranches that count (a voided one plans nothing)."""
        return [t for t in self.tranches if not t.is_void]

    @property
    def planned(self) -> Decimal:
        return sum((t.amount for t in self.standing_tranches), Decimal("0"))

    @property
    def disbursed(self) -> Decimal:
        return sum((t.disbursed for t in self.tranches), Decimal("0"))

    @property
    def over_budget(self) -> Decimal:
        """How much HQ's commitment exceeds the project's approved budget (zero when within
        it): flagged on the funding page, not refused (the committee may fund more)."""
        return max(self.committed - self.project.budget_total, Decimal("0"))

    def deadline_passed(self, on: date) -> bool:
        return on > self.conversion_deadline

    def can_view(self, user: User) -> bool:
        return FundingAgreement.can_see(user, self.project)

    @staticmethod
    def can_see(user: User, project: Project) -> bool:
        """Who sees a project's funding and its company: HQ-wide roles, the project's people
        and the director of its institute (not the evaluators who may see the project)."""
        return (user.sees_whole_portfolio or project.institute_id in user.directed_institute_ids
                or user.id == project.pm_id or user.id in project.member_ids)

    @staticmethod
    def can_record(user: User) -> bool:
        """The committee records a project's agreement (once its PM has submitted it, a draft
        being nobody's decision yet, while it is open: `refusals.new_agreement_refusal`)."""
        return FundingAgreement.can_decide(user)

    @staticmethod
    def can_list(user: User) -> bool:
        """The list of agreements: the HQ-wide roles, every one; a director, their
        institutes' (the dashboard's funding figures link to it)."""
        return user.sees_whole_portfolio or bool(user.directed_institute_ids)

    @staticmethod
    def can_decide(user: User) -> bool:
        """Only the investment committee decides funding, tranches, conversions, outcomes."""
        return user.has_role(Role.INVESTMENT_COMMITTEE)

    def can_correct(self, user: User) -> bool:
        """The committee corrects its terms and its outcome, or withdraws an outcome recorded
        by mistake (when: `amendments.agreement_refusal`, `outcome_refusal`)."""
        return FundingAgreement.can_decide(user)

    def can_void(self, user: User) -> bool:
        """The committee, which records it, voids one recorded by mistake (once, and what must
        not stand under it first: `tracker.funding.voids.agreement_void_refusal`)."""
        return FundingAgreement.can_decide(user)


class CoFunder(Base):
    """A partner (a city or district, mostly) matching HQ's money in a ratio (1:1:1 and the
    like)."""

    __tablename__ = "co_funders"
    __table_args__ = (CheckConstraint("ratio > 0", name="ratio_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("funding_agreements.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    ratio: Mapped[Decimal] = mapped_column(Ratio)

    agreement: Mapped[FundingAgreement] = relationship(back_populates="co_funders")
    partner: Mapped[Partner] = relationship(lazy="joined", innerjoin=True)
    payments: Mapped[list[CoFunderPayment]] = relationship(
        back_populates="co_funder", cascade="all, delete-orphan",
        order_by="(CoFunderPayment.paid_on, CoFunderPayment.id)")

    @property
    def name(self) -> str:
        """The partner's name as HQ keys it (Chinese): what the import and export write."""
        return self.partner.name

    @property
    def commitment(self) -> Decimal:
        """What it puts in beside HQ's commitment, by the ratio."""
        return money.pro_rata(self.agreement.committed, self.ratio, self.agreement.hq_ratio)

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0"))

    @property
    def outstanding(self) -> Decimal:
        return max(self.commitment - self.paid, Decimal("0"))

    def can_see(self, user: User) -> bool:
        """Who sees its agreement.
        (Not `can_view`, which would also open its history to them:
        `AuditRecord.can_view_history`.)"""
        return self.agreement.can_view(user)

    @staticmethod
    def can_record_payment(user: User) -> bool:
        """HQ's admins (who keep the partners) and the investment committee record what a
        co-funder paid, and reverse a payment recorded by mistake."""
        return user.is_hq_admin or user.has_role(Role.INVESTMENT_COMMITTEE)


class Tranche(Voidable, Versioned, Base):
    """A tranche recorded by mistake is voided while nothing stands paid on it
    (`tracker.funding.voids`): it stays on the funding page, marked, and plans nothing."""

    __tablename__ = "tranches"
    __table_args__ = (
        void_whole(),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(condition = 'milestone') = (milestone_id IS NOT NULL)",
                        name="milestone_condition"),
        CheckConstraint("(condition = 'gate') = (gate IS NOT NULL)", name="gate_condition"),
        CheckConstraint("gate IS NULL OR gate BETWEEN 1 AND 4", name="gate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("funding_agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    condition: Mapped[ConditionKind] = mapped_column(str_enum(ConditionKind, "condition_kind"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    gate: Mapped[int | None] = mapped_column(Integer)

    agreement: Mapped[FundingAgreement] = relationship(back_populates="tranches")
    milestone: Mapped[Milestone | None] = relationship()
    disbursements: Mapped[list[Disbursement]] = relationship(
        back_populates="tranche", order_by="Disbursement.id", cascade="all, delete-orphan")

    @property
    def disbursed(self) -> Decimal:
        return sum((d.amount for d in self.disbursements), Decimal("0"))

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.disbursed

    def can_view(self, user: User) -> bool:
        return self.agreement.can_view(user)

    def can_correct(self, user: User) -> bool:
        """The committee corrects a tranche's amount or condition (while nothing stands paid
        on it: `amendments.tranche_refusal`)."""
        return FundingAgreement.can_decide(user)

    def can_void(self, user: User) -> bool:
        """The committee voids a tranche recorded by mistake (nothing paid on it standing:
        `tracker.funding.voids.tranche_void_refusal`)."""
        return FundingAgreement.can_decide(user)

    @property
    def condition_holds(self) -> bool:
        """The named milestone is accepted, or the named gate's decision in force is a GO."""
        if self.condition is ConditionKind.MILESTONE:
            return self.milestone is not None and self.milestone.state is MilestoneState.ACCEPTED
        return any(
            review.gate == self.gate and review.current_decision is not None
            and review.current_decision.outcome in (Outcome.GO, Outcome.CONDITIONAL_GO)
            for review in self.agreement.project.gate_reviews)

    @property
    def payable_since(self) -> date | None:
        """The day (organisation's zone) the condition came to hold, as long as it has held
        since: the milestone's last acceptance, or the first of the GO decisions in force at
        the gate (a correction that keeps a GO does not move it). None while it does not hold,
        or when nothing dates it (a milestone accepted before the tracker: no event, or the
        import's, straight from planned, which says when it was imported, not accepted)."""
        if not self.condition_holds:
            return None
        if self.condition is ConditionKind.MILESTONE:
            accepted = [e.at for e in self.milestone.events
                        if e.to_state is MilestoneState.ACCEPTED
                        and e.from_state is not MilestoneState.PLANNED]
            return local_date(max(accepted)) if accepted else None
        going = (Outcome.GO, Outcome.CONDITIONAL_GO)
        since = []
        for review in self.agreement.project.gate_reviews:
            if review.gate != self.gate or not review.decisions:
                continue
            first = None
            for decision in reversed(review.decisions):
                if decision.outcome not in going:
                    break
                first = decision
            if first is not None:
                since.append(local_date(first.decided_at))
        return min(since) if since else None


class Disbursement(Base):
    """Money paid on a tranche. Never edited or deleted: a mistake is undone by a reversing
    disbursement (amount negated, `reverses_id` naming the original, with a reason), so what
    was disbursed, and what converts, follows by itself."""

    __tablename__ = "disbursements"
    __table_args__ = (
        CheckConstraint("(reverses_id IS NULL AND amount > 0) OR "
                        "(reverses_id IS NOT NULL AND amount < 0)", name="amount_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tranche_id: Mapped[int] = mapped_column(ForeignKey("tranches.id", ondelete="CASCADE"),
                                            index=True)
    paid_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    tranche: Mapped[Tranche] = relationship(back_populates="disbursements")
    recorded_by: Mapped[User] = relationship()
    reverses: Mapped[Disbursement | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_id], back_populates="reversed_by")
    reversed_by: Mapped[Disbursement | None] = relationship(back_populates="reverses",
                                                            foreign_keys=[reverses_id])

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def can_view(self, user: User) -> bool:
        return self.tranche.can_view(user)

    def can_reverse(self, user: User) -> bool:
        """The committee reverses a payment recorded by mistake (once, while the agreement
        runs, not converted: `corrections.disbursement_refusal`)."""
        return FundingAgreement.can_decide(user)
