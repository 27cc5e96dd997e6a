"""A company detached from a project it was wrongly recorded against: the link goes, this record
of who detached it, when and why stays, shown on the company's and the project's pages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.companies.models import Company
    from tracker.projects.models import Project


class CompanyDetachment(Base):
    __tablename__ = "company_detachments"
    __table_args__ = (CheckConstraint("reason <> ''", name="reason_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    detached_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    detached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship()
    project: Mapped[Project] = relationship()
    detached_by: Mapped[User] = relationship()

    @property
    def name(self) -> str:
        return f"{self.company.name} / {self.project.name}"

    def can_view(self, user: User) -> bool:
        return self.company.can_view(user)
