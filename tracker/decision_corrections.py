"""What every correction of a decision recorded by mistake keeps, whatever the decision (HQ's
on a change request, on a re-baseline): a row of its own beside the decision it supersedes,
saying what stands now (`approved`), why, by whom and when. The decision keeps what it
recorded; pages show both."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User


class DecisionCorrection:
    __table_args__ = (CheckConstraint("reason <> ''", name="reason_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    approved: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    corrected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def corrected_by(cls) -> Mapped[User]:  # noqa: N805
        return relationship("User")
