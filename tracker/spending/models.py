"""What a project spent, line by line of its budget.

A spending entry is a ledger record: recorded by the PM with its date, amount, description and
optionally its voucher, never edited. One recorded by mistake is undone by a reversing entry
(the amount negated, `reverses_id` naming the original, a reason given, dated from the
original's date to today), as payments and disbursements are: every sum follows by itself.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Money, UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.projects.models import BudgetLine, Project


class SpendingEntry(Base):
    __tablename__ = "spending_entries"
    __table_args__ = (
        CheckConstraint("(reverses_id IS NULL AND amount > 0) OR "
                        "(reverses_id IS NOT NULL AND amount < 0)", name="amount_sign"),
        # A project's spending, and the HQ list's sums by project and year.
        Index("ix_spending_entries_project_spent_on", "project_id", "spent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    budget_line_id: Mapped[int] = mapped_column(
        ForeignKey("budget_lines.id", ondelete="CASCADE"), index=True)
    spent_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(String(500))
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("spending_entries.id"),
                                                    unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship()
    budget_line: Mapped[BudgetLine] = relationship()
    voucher: Mapped[StoredFile | None] = relationship()
    recorded_by: Mapped[User] = relationship()
    reverses: Mapped[SpendingEntry | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_id], back_populates="reversed_by")
    reversed_by: Mapped[SpendingEntry | None] = relationship(back_populates="reverses",
                                                             foreign_keys=[reverses_id])

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def can_reverse(self, user: User) -> bool:
        """The PM who records the project's spending reverses an entry of it recorded by
        mistake (once, while the project is under way: `services.spending_refusal`)."""
        return SpendingEntry.can_record(user, self.project)

    def can_view(self, user: User) -> bool:
        return self.project.can_view(user)

    @staticmethod
    def can_record(user: User, project: Project) -> bool:
        """The PM records what the project spent, while it is under way
        (`tracker.projects.closed.plan_refusal`)."""
        return project.can_manage_plan(user)

    @staticmethod
    def can_list(user: User) -> bool:
        """Spending against budget across projects: HQ-wide roles, and a director for the
        institutes they direct (the list reads only the projects they may see)."""
        return user.sees_whole_portfolio or bool(user.directed_institute_ids)
