"""The conditions of a CONDITIONAL GO: owned, dated, reported met by their owner and cleared
by the chair or an HQ admin."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, str_enum

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.gates.models import GateDecision
    from tracker.projects.models import Project


class ConditionState(enum.StrEnum):
    OPEN = "open"
    MET = "met"  # the owner says it is met, with evidence
    CONFIRMED = "confirmed"  # the chair or an HQ admin agrees: cleared
    # A correction of the decision replaced it before anyone acted on it: not cleared, not
    # open; the correction's own conditions are what count now.
    SUPERSEDED = "superseded"


CONDITION_STATE_LABELS = {
    ConditionState.OPEN: _l("Open"),
    ConditionState.MET: _l("Met: awaiting confirmation"),
    ConditionState.CONFIRMED: _l("Cleared"),
    ConditionState.SUPERSEDED: _l("Superseded by a correction"),
}

TO_CLEAR = (ConditionState.OPEN, ConditionState.MET)  # the chair or HQ has still to clear


class Condition(Base):
    __tablename__ = "conditions"
    __table_args__ = (
        # Home page: the conditions a user owes, by state.
        Index("ix_conditions_owner_state", "owner_id", "state"),
        # HQ's home page (met, to confirm) and the condition_due rule (open, by due date).
        Index("ix_conditions_state_due", "state", "due_date"),
        # A decision's conditions (GateDecision.conditions: the review page, its documents).
        Index("ix_conditions_decision_id", "decision_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("gate_decisions.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date]
    state: Mapped[ConditionState] = mapped_column(
        str_enum(ConditionState, "condition_state"), default=ConditionState.OPEN
    )
    evidence: Mapped[str] = mapped_column(Text, default="")
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decision: Mapped[GateDecision] = relationship(back_populates="conditions")
    project: Mapped[Project] = relationship()  # lists of conditions name it by its code
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @property
    def is_cleared(self) -> bool:
        return self.state is ConditionState.CONFIRMED

    def can_see(self, user: User) -> bool:
        """Who sees its project, and its owner, who may not see the rest of the project.
        (Not `can_view`, which would also open its history to them:
        `AuditRecord.can_view_history`.)"""
        return user.id == self.owner_id or self.project.can_view(user)

    def can_mark_met(self, user: User) -> bool:
        """Only its owner reports a condition met."""
        return user.id == self.owner_id

    def can_confirm(self, user: User) -> bool:
        """The chair of the review that set it, or an HQ admin, clears a met condition."""
        return user.is_hq_admin or user.id == self.decision.review.chair_id
