"""Licences and assignments of a project's IP to its spin-off company (a module of its own so
that tracker/companies/models.py stays under 400 lines).

A deal may give shares for the IP (IP contributed for equity, 作价入股, F44): they are issued on
the company's ledger on the signing date, paid with IP, to the institute and to the
contributors (the R&D team), each an entry naming the deal (`ShareEntry.ip_deal_id`), reversed
one by one as any issuance typed in (`companies.corrections.reverse_entry`). `equity_shares`
is the total the deal gave; deals recorded before it issued them have none on the ledger
(`off_ledger`).

What is licensed or assigned is chosen from the achievement and IP register (issue 16, F38):
an achievement of the company's projects or of their institutes (`achievement_id`) and, if
the deal names them, some of its rights (`rights`). Deals recorded before the register named
the patent in free text (`patent_number`, `title`); revision 0082 linked those whose number is
a registered right's, and the others stay as typed, shown as not linked to the register."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Column, ColumnElement, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Money, Shares, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.formatting import aside
from tracker.display.said import listed
from tracker.money import Percent
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.achievements.models import Achievement, IpRight
    from tracker.companies.models import Company, ShareEntry
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


# The rights of the achievement a deal names (none: the achievement as a whole).
ip_deal_rights = Table(
    "ip_deal_rights",
    Base.metadata,
    Column("ip_deal_id", ForeignKey("ip_deals.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("ip_rights.id"), primary_key=True),
)


class IpDeal(Voidable, Versioned, Base):
    """A licence or assignment of a project's IP (a patent, usually to the company). One
    recorded by mistake is voided once nothing depends on it (`tracker.companies.deal_voids`):
    it stays on the company's page, marked, and counts for nothing."""

    __tablename__ = "ip_deals"
    __table_args__ = (
        void_whole(),
        CheckConstraint("upfront >= 0", name="upfront_not_negative"),
        CheckConstraint("royalty_pct BETWEEN 0 AND 100", name="royalty_range"),
        CheckConstraint("equity_shares >= 0", name="equity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[IpDealKind] = mapped_column(str_enum(IpDealKind, "ip_deal_kind"))
    # The register's achievement; None for a deal typed before the register (F38) whose
    # number matched no registered right: its patent stays as typed below ("" once linked).
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"),
                                                       index=True)
    patent_number: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
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
    achievement: Mapped[Achievement | None] = relationship()
    rights: Mapped[list[IpRight]] = relationship(secondary=ip_deal_rights,
                                                 order_by="IpRight.id")

    @property
    def share_entries(self) -> list[ShareEntry]:
        """The issuances of the shares given for the IP (a contribution for equity), as the
        company's ledger has them: each stands, or was reversed (`reversed_by`) as any share
        entry is, one by one."""
        return [e for e in self.company.entries
                if e.ip_deal_id == self.id and e.reverses_id is None]

    @property
    def off_ledger(self) -> bool:
        """Shares for the IP typed before a deal issued them: none of them on the ledger."""
        return self.equity_shares > 0 and not self.share_entries

    @property
    def in_register(self) -> bool:
        """Linked to the register's achievement (else typed before it, F38)."""
        return self.achievement_id is not None

    @property
    def name(self) -> str:
        """The achievement and the rights named; a deal not linked, its patent as typed."""
        if self.achievement is None:
            return f"{self.patent_number} {self.title}".strip()
        numbers = listed(r.number or r.title for r in self.rights)
        return self.achievement.title + aside(numbers) if numbers else self.achievement.title

    def of(self, achievement: Achievement) -> bool:
        """The deal licenses or assigns `achievement`: it names it, or, typed before the
        register, it is of the achievement's project."""
        if self.achievement_id is not None:
            return self.achievement_id == achievement.id
        return self.project_id == achievement.project_id

    @staticmethod
    def records(achievement: Achievement) -> ColumnElement[bool]:
        """`of` as a query's condition."""
        return (IpDeal.achievement_id == achievement.id) | (
            IpDeal.achievement_id.is_(None) & (IpDeal.project_id == achievement.project_id))

    def can_view(self, user: User) -> bool:
        return self.company.can_view(user)

    def can_correct(self, user: User) -> bool:
        """Whoever records IP deals corrects one recorded wrong (while it stands:
        `tracker.companies.deal_voids.correction_refusal`)."""
        return self.company.can_manage(user)

    def can_void(self, user: User) -> bool:
        """Whoever records IP deals voids one recorded by mistake (nothing depending on it:
        `tracker.companies.deal_voids.void_refusal`)."""
        return self.company.can_manage(user)
