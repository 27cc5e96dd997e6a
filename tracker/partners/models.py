"""Partners: the organisations outside the network HQ works with (universities, research
institutes, government bodies, investors, banks), each of its own kind, and the agreements HQ
signed with them. A government body co-funding an allocation-investment agreement is a
partner (tracker/funding/models.py:CoFunder)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, Versioned, str_enum
from tracker.organisations.models import ReferenceData

if TYPE_CHECKING:
    from tracker.accounts.models import User


class PartnerKind(enum.StrEnum):
    UNIVERSITY = "university"  # 高校
    RESEARCH_INSTITUTE = "research_institute"  # 科研院所 (outside the network)
    GOVERNMENT = "government"  # 政府部门: a province, city or district
    INVESTOR = "investor"  # 投资机构
    BANK = "bank"  # 银行


PARTNER_KIND_LABELS = {
    PartnerKind.UNIVERSITY: _l("University"),
    PartnerKind.RESEARCH_INSTITUTE: _l("Research institute"),
    PartnerKind.GOVERNMENT: _l("Government body"),
    PartnerKind.INVESTOR: _l("Investor"),
    PartnerKind.BANK: _l("Bank"),
}


class GovernmentLevel(enum.StrEnum):
    PROVINCE = "province"  # 省
    CITY = "city"  # 市
    DISTRICT = "district"  # 区县


GOVERNMENT_LEVEL_LABELS = {
    GovernmentLevel.PROVINCE: _l("Provincial"),
    GovernmentLevel.CITY: _l("Municipal"),
    GovernmentLevel.DISTRICT: _l("District"),
}


# The partners an institute is built with (共建单位): universities, research institutes and
# government bodies (Institute.partners).
CO_BUILDING = (PartnerKind.UNIVERSITY, PartnerKind.RESEARCH_INSTITUTE, PartnerKind.GOVERNMENT)
institute_partners = Table(
    "institute_partners", Base.metadata,
    Column("institute_id", ForeignKey("institutes.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id"), primary_key=True, index=True))


class Partner(ReferenceData, Versioned, Base):
    __tablename__ = "partners"
    __table_args__ = (
        # The funding agreements and their import find a co-funder by its name.
        Index("ix_partners_name", "name"),
        CheckConstraint("level IS NULL OR kind = 'government'", name="level_of_government"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(str_enum(PartnerKind, "partner_kind"))
    # A government body's level; None for the other kinds (and a body not yet placed).
    level: Mapped[GovernmentLevel | None] = mapped_column(
        str_enum(GovernmentLevel, "government_level"))
    # Unified social credit code (统一社会信用代码), when HQ has it (tracker/organisations/uscc.py).
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    city_en: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    # The partner this one was merged into (an organisation entered twice): its page and
    # name lead there, and it is listed and offered no more (tracker/partners/merging.py).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))

    def can_view(self, user: User) -> bool:
        return Partner.can_list(user)

    @staticmethod
    def can_list(user: User) -> bool:
        """Who HQ works with outside the network, and what they co-fund: HQ-wide roles."""
        return user.sees_whole_portfolio

    @staticmethod
    def can_edit(user: User) -> bool:
        return user.is_hq_admin
