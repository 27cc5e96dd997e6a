"""Multi-level approval (审批): what a proposal or a change request goes through at the
institute before it reaches HQ's gate or HQ's decision.

HQ configures the levels (`ApprovalLevel`): each is signed by the director of the project's
institute, by named people, or by both; everyone a level names must endorse (会签), one return
sends the request back to its applicant. With no level configured the chain is domain.md's
default: one level, the institute director.

A submission is an `ApprovalRequest`; its `ApprovalStep` rows are the signatures it needs,
copied from the configuration when it was submitted (a later change of the levels, or of the
director, does not move a request under way). A step, once signed, is the opinion: who signed,
on whose behalf (a delegate, `ApprovalDelegation`), when, endorse or return, and the text.
A returned or withdrawn request stays, with its opinions; resubmitting starts a new one.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import db
from tracker.db import Base, UTCDateTime, str_enum, utcnow
from tracker.display.bilingual import Bilingual, in_reader_language

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.changes.models import ChangeRequest
    from tracker.projects.models import Project


class Subject(enum.StrEnum):
    """What is being approved; a level applies to one of them or to both (`ALL`)."""

    PROPOSAL = "proposal"
    CHANGE = "change"


class AppliesTo(enum.StrEnum):
    ALL = "all"
    PROPOSAL = "proposal"
    CHANGE = "change"


APPLIES_TO_LABELS = {
    AppliesTo.ALL: _l("Proposals and change requests"),
    AppliesTo.PROPOSAL: _l("Proposals only"),
    AppliesTo.CHANGE: _l("Change requests only"),
}
SUBJECT_LABELS = {Subject.PROPOSAL: _l("Proposal"), Subject.CHANGE: _l("Change request")}


class RequestState(enum.StrEnum):
    PENDING = "pending"  # at one of the institute's levels
    PASSED = "passed"  # every level endorsed: with HQ (the gate, or HQ's decision)
    RETURNED = "returned"  # an approver returned it with an opinion
    WITHDRAWN = "withdrawn"  # its applicant took it back before anyone acted


REQUEST_STATE_LABELS = {
    RequestState.PENDING: _l("Awaiting the institute"),
    RequestState.PASSED: _l("Endorsed: passed to HQ"),
    RequestState.RETURNED: _l("Returned"),
    RequestState.WITHDRAWN: _l("Withdrawn"),
}


class Verdict(enum.StrEnum):
    ENDORSE = "endorse"
    RETURN = "return"


VERDICT_LABELS = {Verdict.ENDORSE: _l("Endorsed"), Verdict.RETURN: _l("Returned")}


level_approvers = Table(
    "approval_level_approvers",
    Base.metadata,
    Column("level_id", ForeignKey("approval_levels.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class ApprovalLevel(Bilingual, Base):
    """One level of the chain as HQ configured it, in `position` order."""

    __tablename__ = "approval_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    # The director of the project's institute signs at this level.
    director: Mapped[bool] = mapped_column(default=True)
    applies_to: Mapped[AppliesTo] = mapped_column(str_enum(AppliesTo, "approval_applies_to"),
                                                  default=AppliesTo.ALL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Named people who sign besides (or instead of) the director: all of them (会签).
    approvers: Mapped[list[User]] = relationship(secondary=level_approvers,
                                                 order_by="User.name")

    def applies(self, subject: Subject) -> bool:
        return self.applies_to in (AppliesTo.ALL, AppliesTo(subject.value))

    @staticmethod
    def can_configure(user: User) -> bool:
        return user.is_hq_admin


_OPEN = text("state = 'pending'")


class ApprovalRequest(Base):
    """One submission of a proposal or a change request to the institute's levels."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        # The to-do lists and the reminder rule read the requests under way.
        Index("ix_approval_requests_pending", "level_since", sqlite_where=_OPEN,
              postgresql_where=_OPEN),
        CheckConstraint("(subject = 'change') = (change_request_id IS NOT NULL)",
                        name="change_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    subject: Mapped[Subject] = mapped_column(str_enum(Subject, "approval_subject"))
    change_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_requests.id", ondelete="CASCADE"), index=True)
    state: Mapped[RequestState] = mapped_column(str_enum(RequestState, "approval_state"))
    # The level it waits at (a step's `level`), and since when: reminders count from then.
    level: Mapped[int] = mapped_column(Integer, default=0)
    level_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()
    change_request: Mapped[ChangeRequest | None] = relationship()
    submitted_by: Mapped[User] = relationship()
    steps: Mapped[list[ApprovalStep]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="(ApprovalStep.level, ApprovalStep.id)")

    @property
    def is_pending(self) -> bool:
        return self.state is RequestState.PENDING

    @property
    def current_steps(self) -> list[ApprovalStep]:
        return [s for s in self.steps if s.level == self.level]

    @property
    def levels(self) -> list[list[ApprovalStep]]:
        """The steps level by level, for the signed history."""
        grouped: dict[int, list[ApprovalStep]] = {}
        for step in self.steps:
            grouped.setdefault(step.level, []).append(step)
        return [grouped[k] for k in sorted(grouped)]

    @property
    def return_step(self) -> ApprovalStep | None:
        """The signature that sent it back to its applicant, with the opinion to answer."""
        return next((s for s in self.steps if s.verdict is Verdict.RETURN), None)

    @property
    def acted(self) -> bool:
        return any(s.verdict is not None for s in self.steps)

    def can_view(self, user: User, on: date) -> bool:
        """Who sees the project, and whoever is asked to sign it or signed it (a delegate
        while their delegation runs)."""
        if self.project.can_view(user):
            return True
        if any(user.id in (s.approver_id, s.signed_by_id) for s in self.steps):
            return True
        return self.step_for(user, on) is not None

    def can_withdraw(self, user: User) -> bool:
        """The applicant takes it back (撤回) (until an approver has acted on it:
        `chain.withdrawal_refusal`)."""
        return user.id == self.submitted_by_id

    def can_sign(self, user: User, on: date) -> bool:
        """Whoever `signs` it, never its applicant: nobody signs their own request, not even on
        someone else's behalf (once it no longer waits:
        `chain.pending_refusal`; not at their level: `chain._signable`)."""
        return user.id != self.submitted_by_id and self.signs(user, on)

    def signs(self, user: User, on: date) -> bool:
        """Whoever is asked to sign it at any level, signed it, or stands in on `on` for one
        who is: they alone hear that it no longer waits (permission before state)."""
        return any(user.id in (s.approver_id, s.signed_by_id)
                   or ApprovalDelegation.covers(s.approver_id, user, on) for s in self.steps)

    def step_for(self, user: User, on: date) -> ApprovalStep | None:
        """The step of the current level `user` may sign on `on`: their own, else one they
        stand in for by a delegation running that day."""
        if not self.is_pending or user.id == self.submitted_by_id:
            return None  # nobody signs their own request, not even for someone else
        waiting = [s for s in self.current_steps if s.verdict is None]
        own = next((s for s in waiting if s.approver_id == user.id), None)
        if own is not None:
            return own
        return next((s for s in waiting if ApprovalDelegation.covers(s.approver_id, user, on)),
                    None)


class ApprovalStep(Base):
    """One signature a level needs; once signed, the opinion."""

    __tablename__ = "approval_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    # The level's name as it was configured at submission.
    level_name: Mapped[str] = mapped_column(String(200))
    level_name_en: Mapped[str | None] = mapped_column(String(200))
    # Who must sign; on whose behalf a delegate signs.
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    verdict: Mapped[Verdict | None] = mapped_column(str_enum(Verdict, "approval_verdict"))
    opinion: Mapped[str] = mapped_column(Text, default="")
    # Who signed: the approver, or their delegate.
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[ApprovalRequest] = relationship(back_populates="steps")
    approver: Mapped[User] = relationship(foreign_keys=[approver_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])

    @property
    def level_shown(self) -> str:
        return in_reader_language(self.level_name, self.level_name_en)

    @property
    def by_delegate(self) -> bool:
        return self.signed_by_id is not None and self.signed_by_id != self.approver_id


class ApprovalDelegation(Base):
    """An approver's signature lent to another user (代理) from one date to another,
    both included (dates in the organisation's zone)."""

    __tablename__ = "approval_delegations"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_in_order"),
        CheckConstraint("delegate_id <> principal_id", name="not_to_oneself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Ended before its last day by its principal (or HQ); it covers nothing from then on.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    principal: Mapped[User] = relationship(foreign_keys=[principal_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])

    def runs_on(self, on: date) -> bool:
        return self.cancelled_at is None and self.starts_on <= on <= self.ends_on

    @staticmethod
    def covers(principal_id: int, delegate: User, on: date) -> bool:
        """Whether `delegate` may sign for `principal_id` on `on`."""
        return db.session.scalar(select(ApprovalDelegation.id).where(
            ApprovalDelegation.principal_id == principal_id,
            ApprovalDelegation.delegate_id == delegate.id,
            ApprovalDelegation.cancelled_at.is_(None),
            ApprovalDelegation.starts_on <= on, ApprovalDelegation.ends_on >= on).limit(1)
        ) is not None

    def can_view(self, user: User) -> bool:
        """Its principal, its delegate and HQ admins know of it; to anyone else it is not
        there (404). Who ends it: `can_cancel`."""
        return user.id in (self.principal_id, self.delegate_id) or user.is_hq_admin

    def can_cancel(self, user: User) -> bool:
        """Its principal or an HQ admin ends it (once, not over: `services.cancel_refusal`)."""
        return user.id == self.principal_id or user.is_hq_admin
