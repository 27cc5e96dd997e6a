"""What a project records about itself once under way: its TRL over time.

Each row is kept; none is edited. The latest one is the project's TRL (`Project.current_trl`),
which every gate's minimum-TRL check reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.projects.models import Project


class TrlRecord(Base):
    """The PM's word on the project's technology readiness level, with its evidence: a note,
    a file or both."""

    __tablename__ = "trl_records"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="trl_records")
    file: Mapped[StoredFile | None] = relationship()
    recorded_by: Mapped[User] = relationship()


class PmHandover(Base):
    """A project handed from one PM to another. The former PM keeps read access to the
    project (what they did stays theirs to see); the new one gets its work from the next
    reminder scan."""

    __tablename__ = "pm_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    from_pm_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    to_pm_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)

    project: Mapped[Project] = relationship(back_populates="handovers")
    from_pm: Mapped[User] = relationship(foreign_keys=[from_pm_id])
    to_pm: Mapped[User] = relationship(foreign_keys=[to_pm_id])
