"""The candidates HQ proposes for a need: an institute, and a PM of it or not yet, with the
reason for each. The one HQ chooses is the match decision: which, who decided, when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, utcnow
from tracker.organisations.models import Institute, TechnologyNeed

if TYPE_CHECKING:
    from tracker.accounts.models import User


class NeedCandidate(Base):
    __tablename__ = "need_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("technology_needs.id", ondelete="CASCADE"),
                                         index=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"))
    pm_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The match decision: set once, on the candidate HQ chose. A match that falls through
    # (matched -> analysed) keeps it: the need's next match chooses again.
    chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    need: Mapped[TechnologyNeed] = relationship()
    institute: Mapped[Institute] = relationship()
    pm: Mapped[User | None] = relationship(foreign_keys=[pm_id])
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    chosen_by: Mapped[User | None] = relationship(foreign_keys=[chosen_by_id])
