"""Change requests and the approved baseline of a project under way.

A request says what changes (`kind`), what it was and what it becomes (`before`, `after`, as
the page shows them) and why. Within the settings' limits it is applied at once (`APPLIED`);
beyond them it climbs the institute's approval levels (`ENDORSING`, tracker/approvals) and
then waits for HQ (`PENDING`), who approves it (applied then) or refuses it with a reason.
What HQ last approved is the project's baseline, shown beside its current plan.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.decision_corrections import DecisionCorrection
from tracker.display.bilingual import in_reader_language
from tracker.display.formatting import day, days

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.approvals.models import ApprovalRequest
    from tracker.projects.models import Project


class ChangeKind(enum.StrEnum):
    BUDGET_MOVE = "budget_move"  # money moved between two budget lines
    BUDGET_TOTAL = "budget_total"
    TEAM_ADD = "team_add"
    TEAM_REMOVE = "team_remove"
    ROUTE = "route"  # the technical route
    END_DATE = "end_date"
    HANDOVER = "handover"  # the project to another PM


CHANGE_KIND_LABELS = {
    ChangeKind.BUDGET_MOVE: _l("Move between budget lines"),
    ChangeKind.BUDGET_TOTAL: _l("Change of the budget total"),
    ChangeKind.TEAM_ADD: _l("Team member added"),
    ChangeKind.TEAM_REMOVE: _l("Team member removed"),
    ChangeKind.ROUTE: _l("Change of the technical route"),
    ChangeKind.END_DATE: _l("New end date"),
    ChangeKind.HANDOVER: _l("Handover to another project manager"),
}


class ChangeState(enum.StrEnum):
    APPLIED = "applied"  # within the limits: in effect on the PM's word
    # Beyond them: first the institute's levels (tracker/approvals), then HQ.
    ENDORSING = "endorsing"  # at the institute's levels
    PENDING = "pending"  # endorsed by the institute: waits for HQ
    APPROVED = "approved"  # HQ approved it: in effect, and the new baseline
    REFUSED = "refused"  # HQ refused it, with a reason: nothing changed
    RETURNED = "returned"  # returned by an approver at the institute: nothing changed
    WITHDRAWN = "withdrawn"  # taken back by the PM before anyone acted: nothing changed


CHANGE_STATE_LABELS = {
    ChangeState.APPLIED: _l("Applied"),
    ChangeState.ENDORSING: _l("Awaiting the institute"),
    # Who decided is on the page beside it: HQ, or the director for a handover.
    ChangeState.PENDING: _l("Awaiting a decision"),
    ChangeState.APPROVED: _l("Approved"),
    ChangeState.REFUSED: _l("Refused"),
    ChangeState.RETURNED: _l("Returned by the institute"),
    ChangeState.WITHDRAWN: _l("Withdrawn"),
}
# Waiting for someone's decision: another change of the same plan is decided first.
OPEN_STATES = (ChangeState.ENDORSING, ChangeState.PENDING)

_PENDING = text("state = 'pending'")


class ChangeRequest(Versioned, Base):
    __tablename__ = "change_requests"
    __table_args__ = (
        # HQ's home page and the reminder rule: requests waiting for HQ, oldest first.
        Index("ix_change_requests_pending", "requested_at", sqlite_where=_PENDING,
              postgresql_where=_PENDING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[ChangeKind] = mapped_column(str_enum(ChangeKind, "change_kind"))
    state: Mapped[ChangeState] = mapped_column(str_enum(ChangeState, "change_state"))
    # What the change is, as the service applies it: line ids, an amount, a date, a user id.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What it was and what it becomes, as the page shows them (names, amounts, dates).
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Money moved between lines on the PM's word (the cumulative limit adds these up).
    moved: Mapped[Decimal | None] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    approvals: Mapped[list[ApprovalRequest]] = relationship(
        order_by="ApprovalRequest.id", viewonly=True)
    correction: Mapped[ChangeCorrection | None] = relationship(cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return str(CHANGE_KIND_LABELS[self.kind])

    @property
    def why_hq(self) -> str:
        """Why it waits (or waited) for HQ, in the reader's language; empty within limits."""
        why = self.params.get("why")
        if why is None:
            return ""
        if self.kind is ChangeKind.BUDGET_MOVE:
            return gettext("With this move %(share)s %% of the total has been moved between "
                           "lines over the project's life, more than the %(limit)s %% the "
                           "project manager moves alone.", **why)
        if self.kind is ChangeKind.END_DATE:
            return gettext("%(days)s from the approved end date, %(approved)s: more than the "
                           "%(limit)s the project manager moves it alone.",
                           days=days(why["days"]), limit=days(why["limit"]),
                           approved=day(date.fromisoformat(why["approved"])))
        if self.kind is ChangeKind.TEAM_ADD:
            return gettext("This person sits on the open panel of %(review)s: a place on the "
                           "team would give them a stake in the project they are reviewing.",
                           review=in_reader_language(why["review"], why.get("review_en")))
        if self.kind is ChangeKind.HANDOVER:
            return gettext("A handover asked by the project manager is decided by HQ or the "
                           "institute's director.")
        return gettext("The budget total is approved by HQ.")

    @property
    def is_pending(self) -> bool:
        return self.state is ChangeState.PENDING

    @property
    def is_endorsing(self) -> bool:
        return self.state is ChangeState.ENDORSING

    @property
    def approval(self) -> ApprovalRequest | None:
        """Its latest pass through the institute's levels, if it went through them."""
        return self.approvals[-1] if self.approvals else None

    def can_view(self, user: User) -> bool:
        return self.project.can_view(user)

    @staticmethod
    def can_request(user: User, project: Project) -> bool:
        """The PM changes the plan of their project under way (HQ decides beyond limits;
        when: `tracker.projects.closed.plan_refusal`)."""
        return project.can_manage_plan(user)

    def decides(self, user: User) -> bool:
        """Whose decision a change of this kind is: HQ's; a handover also the director's of
        the project's institute (who may hand a project over themselves)."""
        if self.kind is ChangeKind.HANDOVER:
            return self.project.can_hand_over(user)
        return user.is_hq_admin

    def can_decide(self, user: User) -> bool:
        """Who decides approves or refuses what waits for them (while it waits, its project
        open: `services.decide_refusal`)."""
        return self.decides(user)

    @property
    def is_decided(self) -> bool:
        """Approved or refused by who decides (not applied on the PM's word)."""
        return self.state in (ChangeState.APPROVED, ChangeState.REFUSED)

    @property
    def correction_approves(self) -> bool:
        """What a correction of the decision does: approve the change refused, or (this False)
        undo the approval. The correction (`tracker.changes.corrections`) and its page both
        ask this."""
        return self.state is ChangeState.REFUSED

    @property
    def in_effect(self) -> ChangeState:
        """The decision that stands: the correction's when one superseded it."""
        if self.correction is None:
            return self.state
        return ChangeState.APPROVED if self.correction.approved else ChangeState.REFUSED

    def can_correct(self, user: User) -> bool:
        """Who decides corrects a decision taken by mistake (once, where nothing later depends
        on it: `tracker.changes.corrections.correction_refusal`, else said instead)."""
        return self.decides(user)


class ChangeCorrection(DecisionCorrection, Base):
    """A decision on a change request recorded by mistake, corrected (`DecisionCorrection`)."""

    __tablename__ = "change_corrections"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("change_requests.id", ondelete="CASCADE"), unique=True)


class ProjectBaseline(Base):
    """The plan as approved: taken before the first change (what the proposal gate approved)
    and again after each change HQ approves."""

    __tablename__ = "project_baselines"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_requests.id"))
    budget_total: Mapped[Decimal] = mapped_column(Money)
    end_date: Mapped[date]
    technical_route: Mapped[str] = mapped_column(Text, default="")
    # [[category, amount as a string], ...] in the order of the lines.
    budget_lines: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    pm_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    pm: Mapped[User] = relationship()
