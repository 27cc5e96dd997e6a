"""Licences and assignments of a project's IP to its spin-off company (a module of its own so
that tracker/companies/models.py stays under 400 lines)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Money, Shares, UTCDateTime, str_enum, utcnow
from tracker.money import Percent

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.companies.models import Company
    from tracker.projects.models import Project


class IpDealKind(enum.StrEnum):
    LICENCE = "licence"
    ASSIGNMENT = "assignment"


IP_DEAL_KIND_LABELS = {
    IpDealKind.LICENCE: _l("Licence"),
    IpDealKind.ASSIGNMENT: _l("Assignment"),
}

# The confirmation of each: a licence is not an assignment, and neither is a share transfer.
IP_DEAL_KIND_RECORDED = {
    IpDealKind.LICENCE: _l("Licence of the IP recorded."),
    IpDealKind.ASSIGNMENT: _l("Assignment of the IP recorded."),
}


class IpDeal(Base):
    """A licence or assignment of a project's IP (a patent, usually to the company)."""

    __tablename__ = "ip_deals"
    __table_args__ = (
        CheckConstraint("upfront >= 0", name="upfront_not_negative"),
        CheckConstraint("royalty_pct BETWEEN 0 AND 100", name="royalty_range"),
        CheckConstraint("equity_shares >= 0", name="equity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[IpDealKind] = mapped_column(str_enum(IpDealKind, "ip_deal_kind"))
    patent_number: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    licensee: Mapped[str] = mapped_column(String(200))
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    field_of_use: Mapped[str] = mapped_column(String(200), default="")
    upfront: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    royalty_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    equity_shares: Mapped[Decimal] = mapped_column(Shares, default=Decimal("0"))
    signed_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship(back_populates="ip_deals")
    project: Mapped[Project] = relationship()

    @property
    def name(self) -> str:
        return f"{self.patent_number} {self.title}"

    def can_view(self, user: User) -> bool:
        return self.company.can_view(user)
