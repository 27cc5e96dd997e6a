"""What a project records about itself once under way: its phases and its TRL over time.

Each row is kept; none is edited. The latest one is the project's TRL (`Project.current_trl`),
which every gate's minimum-TRL check reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, Versioned, str_enum, utcnow
from tracker.projects.lifecycle import Phase
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.imports.models import ImportRun
    from tracker.projects.models import Project


class TrlRecord(Voidable, Versioned, Base):
    """The PM's word on the project's technology readiness level, with its evidence: a note,
    a file or both. Recorded wrong, the PM corrects it or withdraws it, with the reason, until
    a gate has decided on it (`tracker.projects.trl.trl_refusal`)."""

    __tablename__ = "trl_records"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
                      void_whole())

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
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])

    def can_view(self, user: User) -> bool:
        return self.project.can_view(user)

    def can_correct(self, user: User) -> bool:
        """The PM who runs the project corrects its TRL records, as they record them."""
        return self.project.can_manage_plan(user)

    def can_withdraw(self, user: User) -> bool:
        return self.can_correct(user)


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


class PhaseChange(Base):
    """One row per change of phase: the project's timeline."""

    __tablename__ = "phase_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    from_phase: Mapped[Phase] = mapped_column(str_enum(Phase, "from_phase"))
    to_phase: Mapped[Phase] = mapped_column(str_enum(Phase, "to_phase"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("gate_decisions.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # A change taken before the tracker, brought in by this import (actor: who imported it;
    # at: the day of the decision that caused it).
    imported_in_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))

    project: Mapped[Project] = relationship(back_populates="phase_changes")
    actor: Mapped[User | None] = relationship()
    imported_in: Mapped[ImportRun | None] = relationship()
