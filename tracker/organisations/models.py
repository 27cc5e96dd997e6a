"""HQ, its institutes, the enterprises it works with, joint innovation centres and their needs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, and_, false, or_, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role, RoleGrant, User
from tracker.dates import FOUNDING_EARLIEST, PAST
from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.bilingual import Bilingual

if TYPE_CHECKING:
    from tracker.organisations.recognitions import RecognitionYear
    from tracker.partners.models import Partner
    from tracker.regions.models import Region
    from tracker.techfields.models import TechnicalField


class Headquarters(Bilingual, Versioned, Base):
    __tablename__ = "headquarters"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Prefix of project codes: JITRI-2026-0042.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))


class ReferenceData(Bilingual):
    """Records HQ keeps for everyone: whoever may read one may not read its history, which
    names the admins who changed it and the addresses they worked from (HQ-wide roles only)."""

    def can_view_history(self, user: User) -> bool:
        return user.sees_whole_portfolio


class InstituteType(enum.StrEnum):
    # The forms an R&D carrier takes in JITRI's network.
    INDEPENDENT = "independent"  # 独立法人研究所
    JOINT = "joint"  # 与地方政府或高校共建
    AFFILIATED = "affiliated"  # 加盟研究所


INSTITUTE_TYPE_LABELS = {
    InstituteType.INDEPENDENT: _l("Independent legal entity"),
    InstituteType.JOINT: _l("Jointly built"),
    InstituteType.AFFILIATED: _l("Affiliated"),
}


class EnterpriseSize(enum.StrEnum):
    """The national classification of enterprises by size (大型、中型、小型、微型企业)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"


ENTERPRISE_SIZE_LABELS = {
    EnterpriseSize.LARGE: _l("Large enterprise"),
    EnterpriseSize.MEDIUM: _l("Medium enterprise"),
    EnterpriseSize.SMALL: _l("Small enterprise"),
    EnterpriseSize.MICRO: _l("Micro enterprise"),
}

# The recognitions an enterprise may hold, each the column of the year it was (last) granted.
RECOGNITIONS = {
    "specialised_since": _l("Specialised, refined, distinctive and innovative SME"),
    "little_giant_since": _l("Little giant (national specialised SME)"),
    "high_tech_since": _l("High-tech enterprise"),
    "tech_sme_since": _l("Technology-based SME"),
}
# The earliest year a recognition is recorded for (high-tech enterprises are recognised since
# 1991).
RECOGNITION_EARLIEST = 1991


class Institute(ReferenceData, Versioned, Base):
    __tablename__ = "institutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    hq_id: Mapped[int] = mapped_column(ForeignKey("headquarters.id"))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(100))
    field_en: Mapped[str | None] = mapped_column(String(100))
    # The field of HQ's list it is counted in (tracker/techfields); None: not classified.
    field_id: Mapped[int | None] = mapped_column(ForeignKey("technical_fields.id"))
    type: Mapped[InstituteType] = mapped_column(str_enum(InstituteType, "institute_type"))
    founded_on: Mapped[date | None] = mapped_column(info={"earliest": FOUNDING_EARLIEST,
                                                           PAST: True})
    # One of its headquarters' regions (tracker/regions), which the reports group by.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    city_en: Mapped[str | None] = mapped_column(String(100))
    # Whether it is a legal entity of its own (事业单位或企业法人), and then its code.
    legal_entity: Mapped[bool] = mapped_column(default=False, server_default=false())
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    # use_alter: users and institutes refer to each other; this key is created last.
    director_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))

    hq: Mapped[Headquarters] = relationship()
    region: Mapped[Region | None] = relationship()
    technical_field: Mapped[TechnicalField | None] = relationship()
    # 共建单位: the universities, research institutes and government bodies it is built with.
    partners: Mapped[list[Partner]] = relationship(secondary="institute_partners",
                                                   order_by="Partner.name")
    director: Mapped[User | None] = relationship(
        back_populates="directed_institutes", foreign_keys=[director_id]
    )

    def can_view(self, user: User) -> bool:
        return user.is_authenticated

    @staticmethod
    def can_edit(user: User) -> bool:
        return user.is_hq_admin


class Enterprise(ReferenceData, Versioned, Base):
    __tablename__ = "enterprises"
    # The imports find an enterprise without a credit code by its name (migration 0031).
    __table_args__ = (Index("ix_enterprises_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    # Unified social credit code (统一社会信用代码), 18 characters with a check character.
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    city_en: Mapped[str | None] = mapped_column(String(100))
    industry: Mapped[str] = mapped_column(String(100), default="")
    industry_en: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[EnterpriseSize | None] = mapped_column(
        str_enum(EnterpriseSize, "enterprise_size"))
    # The year of each recognition it holds (RECOGNITIONS), None: not recognised.
    specialised_since: Mapped[int | None]
    little_giant_since: Mapped[int | None]
    high_tech_since: Mapped[int | None]
    tech_sme_since: Mapped[int | None]
    # Every year each recognition was granted (tracker/organisations/recognitions.py).
    recognition_years: Mapped[list[RecognitionYear]] = relationship(
        cascade="all, delete-orphan", order_by="RecognitionYear.year")

    def can_view(self, user: User) -> bool:
        return user.is_authenticated

    @staticmethod
    def can_edit(user: User) -> bool:
        return user.is_hq_admin

    @property
    def recognitions(self) -> list[tuple[str, int]]:
        """(label, year) of each recognition it holds, in RECOGNITIONS' order."""
        return [(label, getattr(self, key)) for key, label in RECOGNITIONS.items()
                if getattr(self, key) is not None]


# HQ's own staff, who may keep any centre going.
LIAISON_ROLES = (Role.HQ_ADMIN, Role.EVALUATOR, Role.INVESTMENT_COMMITTEE)


class JointInnovationCentre(ReferenceData, Versioned, Base):
    """企业联合创新中心: where an enterprise states paid technology needs to HQ."""

    __tablename__ = "joint_innovation_centres"
    # The imports find a centre by its name (migration 0031).
    __table_args__ = (Index("ix_joint_innovation_centres_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    established_on: Mapped[date | None] = mapped_column(info={PAST: True})
    city: Mapped[str] = mapped_column(String(100), default="")
    city_en: Mapped[str | None] = mapped_column(String(100))
    # The person (HQ's or the enterprise's) who keeps the centre going: they may submit needs
    # for the centre's enterprise.
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    enterprise: Mapped[Enterprise] = relationship()
    liaison: Mapped[User | None] = relationship(foreign_keys=[liaison_id])

    def can_view(self, user: User) -> bool:
        return user.is_authenticated

    @staticmethod
    def can_edit(user: User) -> bool:
        return user.is_hq_admin

    @staticmethod
    def may_be_liaison(user: User, enterprise_id: int | None) -> bool:
        """A liaison submits needs for the centre's enterprise: one of HQ's own staff (an
        admin, an evaluator, the investment committee), or a contact of that enterprise; an
        active account either way. An institute's people, observers and experts are not."""
        if not user.active:
            return False
        if user.has_role(*LIAISON_ROLES):
            return True
        return user.is_enterprise_contact and user.enterprise_id == enterprise_id

    @staticmethod
    def liaison_candidates() -> ColumnElement[bool]:
        """The SQL form of `may_be_liaison` for any enterprise (the form names each contact's
        enterprise; the service checks it is the centre's)."""
        return and_(User.active.is_(True), or_(
            User.role_grants.any(RoleGrant.role.in_(LIAISON_ROLES)), User.enterprise_contacts()))


class NeedState(enum.StrEnum):
    COLLECTED = "collected"
    ANALYSED = "analysed"
    MATCHED = "matched"
    CONTRACTED = "contracted"
    CLOSED = "closed"


NEED_STATE_LABELS = {
    NeedState.COLLECTED: _l("Collected"),
    NeedState.ANALYSED: _l("Analysed"),
    NeedState.MATCHED: _l("Matched"),
    NeedState.CONTRACTED: _l("Contracted"),
    NeedState.CLOSED: _l("Closed"),
}


class NeedUrgency(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


NEED_URGENCY_LABELS = {
    NeedUrgency.LOW: _l("Not urgent"),
    NeedUrgency.NORMAL: _l("Normal"),
    NeedUrgency.HIGH: _l("Urgent"),
}


class TechnologyNeed(ReferenceData, Versioned, Base):
    """An enterprise's paid technology need, from its intake (by the enterprise's contact, a
    centre's liaison or HQ) through HQ's analysis and match to a contract (tracker/needs)."""

    __tablename__ = "technology_needs"
    # The imports find a need by its title (a project's need), or by its enterprise and
    # title (the needs import's natural key) (migration 0031). Migration 0108: the needs a
    # reader sees (`visible_to`: their institutes', enterprise's, centres'), an enterprise's
    # and a centre's page, the needs_stale rule (open states, by the day they entered them).
    __table_args__ = (
        Index("ix_technology_needs_title", "title"),
        Index("ix_technology_needs_institute_id", "institute_id"),
        Index("ix_technology_needs_enterprise_id", "enterprise_id"),
        Index("ix_technology_needs_centre_id", "centre_id"),
        Index("ix_technology_needs_state_since", "state", "state_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("joint_innovation_centres.id"))
    # The institute HQ matched the need to; its director and people see it from then on.
    institute_id: Mapped[int | None] = mapped_column(ForeignKey("institutes.id"))
    intended_investment: Mapped[Decimal | None] = mapped_column(Money)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("technical_fields.id"))
    state: Mapped[NeedState] = mapped_column(
        str_enum(NeedState, "need_state"), default=NeedState.COLLECTED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who submitted it (None: typed or imported by HQ before intake was recorded).
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # HQ's analysis (tracker/needs/services.py:analyse_need): the field above, chosen from HQ's
    # list, and these.
    trl: Mapped[int | None]
    budget_min: Mapped[Decimal | None] = mapped_column(Money)
    budget_max: Mapped[Decimal | None] = mapped_column(Money)
    urgency: Mapped[NeedUrgency | None] = mapped_column(str_enum(NeedUrgency, "need_urgency"))
    # When it entered its state (the stale-need reminder counts from it), and when it first
    # reached each step: the times from intake to match and to contract.
    state_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    enterprise: Mapped[Enterprise] = relationship()
    centre: Mapped[JointInnovationCentre | None] = relationship()
    institute: Mapped[Institute | None] = relationship()
    technical_field: Mapped[TechnicalField | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    matched_by: Mapped[User | None] = relationship(foreign_keys=[matched_by_id])

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """The SQL form of `can_view`, for lists; a test checks the two agree."""
        institute_ids = cls.institutes_seen_by(user)
        if institute_ids is None:
            return true()
        seen = [cls.submitted_by_id == user.id]
        if institute_ids:
            seen.append(cls.institute_id.in_(institute_ids))
        if user.is_enterprise_contact:
            seen.append(cls.enterprise_id == user.enterprise_id)
        if centres := user.liaised_centre_ids:
            seen.append(cls.centre_id.in_(centres))
        return or_(*seen)

    @staticmethod
    def institutes_seen_by(user: User) -> set[int] | None:
        """The institutes whose needs `user` sees (None: every one); the list's institute
        filter offers no other."""
        if user.sees_whole_portfolio:
            return None
        institute_ids = set(user.directed_institute_ids)
        if user.has_role(Role.PROJECT_MANAGER) and user.institute_id is not None:
            institute_ids.add(user.institute_id)
        return institute_ids

    @staticmethod
    def can_list(user: User) -> bool:
        return (user.sees_whole_portfolio or user.is_enterprise_contact
                or bool(user.liaised_centre_ids)
                or user.has_role(Role.INSTITUTE_DIRECTOR, Role.PROJECT_MANAGER))

    def can_view(self, user: User) -> bool:
        """HQ-wide roles see every need; an enterprise's contact their enterprise's; a centre's
        liaison their centre's; whoever submitted one, theirs; others only those matched to
        their institute."""
        if user.sees_whole_portfolio or self.submitted_by_id == user.id:
            return True
        if user.is_enterprise_contact and self.enterprise_id == user.enterprise_id:
            return True
        if self.centre_id is not None and self.centre_id in user.liaised_centre_ids:
            return True
        if self.institute_id is None:
            return False
        if self.institute_id in user.directed_institute_ids:
            return True
        return user.has_role(Role.PROJECT_MANAGER) and user.institute_id == self.institute_id

    @staticmethod
    def can_submit(user: User) -> bool:
        """An enterprise's contact, for their enterprise; a centre's liaison, for the centre's
        enterprise (HQ types needs in on the full form: `can_edit`)."""
        return user.is_enterprise_contact or bool(user.liaised_centre_ids)

    @staticmethod
    def can_edit(user: User) -> bool:
        """HQ admins: they edit, analyse, match and close needs and make projects of them."""
        return user.is_hq_admin

    def can_see_deliberation(self, user: User) -> bool:
        """HQ's analysis and candidates (institutes and PMs with HQ's reasons) stay inside the
        network: not shown to the enterprise's contact."""
        return not user.is_limited and self.can_view(user)

