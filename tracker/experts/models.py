"""The expert pool (专家库): the people HQ may draw a gate's panel from, with what recusal
(回避) and a gate's panel minimums read of them: title, unit and expertise.

An expert scores through an account (`user`): an evaluator's, or a limited external expert's
one that opens their reviews and nothing else (`Role.EXTERNAL_EXPERT`, tracker/accounts/walls.py).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, Versioned, str_enum, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.organisations.models import Enterprise, Institute


class ExpertTitle(enum.StrEnum):
    """Professional title grades (职称), highest first."""

    SENIOR = "senior"  # 正高级
    ASSOCIATE_SENIOR = "associate_senior"  # 副高级
    INTERMEDIATE = "intermediate"  # 中级
    JUNIOR = "junior"  # 初级
    NONE = "none"  # 无职称

    @property
    def rank(self) -> int:
        """Higher is more senior: a gate's minimum title is met by this rank or above."""
        return len(ExpertTitle) - list(ExpertTitle).index(self)


EXPERT_TITLE_LABELS = {
    ExpertTitle.SENIOR: _l("Senior (full professor level)"),
    ExpertTitle.ASSOCIATE_SENIOR: _l("Associate senior"),
    ExpertTitle.INTERMEDIATE: _l("Intermediate"),
    ExpertTitle.JUNIOR: _l("Junior"),
    ExpertTitle.NONE: _l("No title"),
}


class Expert(Versioned, Base):
    __tablename__ = "experts"
    __table_args__ = (Index("ix_experts_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    professional_title: Mapped[ExpertTitle] = mapped_column(
        str_enum(ExpertTitle, "expert_title"))
    # The unit (工作单位) as written; when it is one of ours, which one: recusal compares
    # these with the project's institute and partner enterprise.
    unit: Mapped[str] = mapped_column(String(200))
    unit_institute_id: Mapped[int | None] = mapped_column(ForeignKey("institutes.id"))
    unit_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    # Fields of expertise, one per line (searched as text).
    expertise: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    # The account they score with; None until HQ links or creates one.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    # Out of the pool (retired, moved away): kept for the panels they sat on, never drawn.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit_institute: Mapped[Institute | None] = relationship()
    unit_enterprise: Mapped[Enterprise | None] = relationship()
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Expert {self.name}>"

    @property
    def fields(self) -> list[str]:
        return [line.strip() for line in self.expertise.splitlines() if line.strip()]

    @property
    def unit_key(self) -> str:
        """What makes two experts' units the same unit (a panel's outside units are counted
        by it): one of ours by its record, any other by its name."""
        if self.unit_institute_id is not None:
            return f"institute:{self.unit_institute_id}"
        if self.unit_enterprise_id is not None:
            return f"enterprise:{self.unit_enterprise_id}"
        return "name:" + " ".join(self.unit.split()).casefold()

    @staticmethod
    def can_manage(user: User) -> bool:
        """The pool is HQ's: its admins add, edit, list and search it."""
        return user.is_hq_admin
