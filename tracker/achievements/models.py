"""The achievement and IP register (成果与知识产权): what a project produced, who contributed it
in what share, and the rights that protect it (patents and applications, software copyrights,
know-how), with each patent's annuities.

Contributors' shares are kept to 0.01 % and must add up to exactly 100 % (the transfer income
of an achievement is split by them: tracker/achievements/distribution.py). A contributor is a
user of the tracker (who then sees their own income statement) or a person named as written.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.achievements.deal_models import IncomeShare
from tracker.companies.reversal_models import Reversal
from tracker.dates import PAST
from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.money import Percent
from tracker.names import name_key
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.projects.models import Project


class RightKind(enum.StrEnum):
    PATENT = "patent"
    SOFTWARE = "software"  # 软件著作权
    KNOW_HOW = "know_how"  # 技术秘密


RIGHT_KIND_LABELS = {
    RightKind.PATENT: _l("Patent or application"),
    RightKind.SOFTWARE: _l("Software copyright"),
    RightKind.KNOW_HOW: _l("Know-how"),
}


class PatentType(enum.StrEnum):
    INVENTION = "invention"  # 发明
    UTILITY_MODEL = "utility_model"  # 实用新型
    DESIGN = "design"  # 外观设计


PATENT_TYPE_LABELS = {
    PatentType.INVENTION: _l("Invention"),
    PatentType.UTILITY_MODEL: _l("Utility model"),
    PatentType.DESIGN: _l("Design"),
}


class RightStatus(enum.StrEnum):
    FILED = "filed"  # applied for, pending
    GRANTED = "granted"  # granted or registered
    LAPSED = "lapsed"  # an annuity not paid, or the term ended
    ABANDONED = "abandoned"  # withdrawn or refused


RIGHT_STATUS_LABELS = {
    RightStatus.FILED: _l("Filed, pending"),
    RightStatus.GRANTED: _l("Granted or registered"),
    RightStatus.LAPSED: _l("Lapsed"),
    RightStatus.ABANDONED: _l("Abandoned or refused"),
}

# A right in force (or on its way) has annuities to pay; one lapsed or abandoned has none.
LIVE = (RightStatus.FILED, RightStatus.GRANTED)

# Know-how is held secret, never filed or granted: its statuses read as such.
KNOW_HOW_STATUS_LABELS = {
    RightStatus.FILED: _l("Held, kept secret"),
    RightStatus.LAPSED: _l("No longer secret"),
    RightStatus.ABANDONED: _l("Given up"),
}


class Jurisdiction(enum.StrEnum):
    """Where a right is filed or registered: the offices the institutes file with."""

    CN = "CN"
    PCT = "PCT"  # an international application, before its national phases
    US = "US"
    EP = "EP"
    JP = "JP"
    KR = "KR"
    OTHER = "OTHER"


JURISDICTION_LABELS = {
    Jurisdiction.CN: _l("China (CN)"),
    Jurisdiction.PCT: _l("International application (PCT)"),
    Jurisdiction.US: _l("United States (US)"),
    Jurisdiction.EP: _l("European Patent Office (EP)"),
    Jurisdiction.JP: _l("Japan (JP)"),
    Jurisdiction.KR: _l("Korea (KR)"),
    Jurisdiction.OTHER: _l("Another office"),
}

# What each kind of right records, besides its title, jurisdiction, status and costs: a field
# not listed is refused for that kind (and not offered by its form), a status not listed too.
FIELDS_OF_KIND = {
    RightKind.PATENT: ("patent_type", "number", "filed_on", "granted_on"),
    RightKind.SOFTWARE: ("number", "filed_on", "granted_on"),
    RightKind.KNOW_HOW: (),
}
KIND_FIELDS = ("patent_type", "number", "filed_on", "granted_on")  # those that depend on it
STATUSES_OF_KIND = {
    RightKind.PATENT: tuple(RightStatus),
    RightKind.SOFTWARE: tuple(RightStatus),
    RightKind.KNOW_HOW: tuple(KNOW_HOW_STATUS_LABELS),
}


def number_key(number: str, jurisdiction: Jurisdiction | str | None) -> str | None:
    """A right's number as compared for uniqueness: full-width characters folded, case,
    spaces and punctuation ignored, and the prefixes that only restate the office (ZL of a
    Chinese grant, the jurisdiction's own code) dropped, so that CN 2024 1 0123456.7,
    ZL202410123456.7 and 202410123456.7 are one Chinese number. None without a number."""
    key = re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", number or "").upper())
    if jurisdiction and jurisdiction != Jurisdiction.OTHER:
        key = key.removeprefix(str(jurisdiction))
    if jurisdiction == Jurisdiction.CN:
        key = key.removeprefix("ZL")
    return key[:50] or None


TITLE_LENGTH = 200


def title_key(title: str | None) -> str | None:
    """An achievement's title as compared for uniqueness in its project (`tracker.names`:
    spaces collapsed, full-width folded, case ignored); None without a title."""
    return name_key(title)[:TITLE_LENGTH] or None


class Achievement(Voidable, Versioned, Base):
    """A result of a project (成果): what is transferred, licensed or put into a company."""

    __tablename__ = "achievements"
    __table_args__ = (
        void_whole(),
        # A title is listed once in a project (`title_key`): the imports find it by it.
        Index("uq_achievements_project_title_key", "project_id", "title_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    # The title as compared (`title_key`); None once withdrawn (the title is free again).
    title_key: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()
    contributors: Mapped[list[Contributor]] = relationship(
        back_populates="achievement", cascade="all, delete-orphan",
        order_by="Contributor.position")
    rights: Mapped[list[IpRight]] = relationship(
        back_populates="achievement", order_by="IpRight.id")

    def __repr__(self) -> str:
        return f"<Achievement {self.title}>"

    @staticmethod
    def titled(project_id: int, title: str | None) -> ColumnElement[bool]:
        """SQL: the achievement of the project listed under `title` (withdrawn ones aside),
        however spaced, cased or full-width it was typed."""
        return (Achievement.project_id == project_id) & (Achievement.title_key == title_key(title))

    @property
    def standing_rights(self) -> list[IpRight]:
        """Its rights, those withdrawn aside."""
        return [r for r in self.rights if not r.is_void]

    @property
    def shares_total(self) -> Decimal:
        return sum((c.share_pct for c in self.contributors), Decimal("0"))

    def contributor_of(self, user: User) -> Contributor | None:
        return next((c for c in self.contributors if c.user_id == user.id), None)

    def can_view(self, user: User) -> bool:
        """Whoever sees the project, and each contributor who is a user."""
        return self.project.can_view(user) or self.contributor_of(user) is not None

    def can_manage(self, user: User) -> bool:
        """The register of a project's results: its PM and HQ admins keep it."""
        return Achievement.can_record(user, self.project)

    @staticmethod
    def can_record(user: User, project: Project) -> bool:
        """Who keeps `project`'s register records its achievements, once its phase lets them
        (`tracker.achievements.services.record_refusal`: approved at gate 1)."""
        return user.is_hq_admin or user.id == project.pm_id

    def can_change(self, user: User) -> bool:
        """Kept by `user` (nothing more is recorded for one withdrawn:
        `withdrawals.withdrawn_refusal`)."""
        return self.can_manage(user)

    @staticmethod
    def can_list(user: User) -> bool:
        """The register's list: HQ-wide roles, directors and PMs (each sees what they may)."""
        return (user.sees_whole_portfolio or bool(user.directed_institute_ids)
                or user.has_role(Role.PROJECT_MANAGER))


class Contributor(Base):
    """A contributor to an achievement (完成人) and their share of it, in per cent."""

    __tablename__ = "achievement_contributors"
    __table_args__ = (
        CheckConstraint("share_pct > 0 AND share_pct <= 100", name="share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The name as written: a user's name when the contributor is one, copied when named.
    name: Mapped[str] = mapped_column(String(100))
    share_pct: Mapped[Decimal] = mapped_column(Percent)

    achievement: Mapped[Achievement] = relationship(back_populates="contributors")
    user: Mapped[User | None] = relationship()

    def can_read_statement(self, user: User) -> bool:
        """Their income statement: a user's is theirs and HQ's (`IncomeShare`); a person named
        has no account, and HQ prints theirs for them."""
        return IncomeShare.can_read_statement(user, self.user_id)


class IpRight(Voidable, Versioned, Base):
    """A patent or application, a software copyright or a piece of know-how protecting an
    achievement."""

    __tablename__ = "ip_rights"
    __table_args__ = (
        void_whole(),
        CheckConstraint("attorney_costs >= 0", name="attorney_costs_not_negative"),
        CheckConstraint("kind <> 'patent' OR patent_type IS NOT NULL", name="patent_has_type"),
        # A number is registered once per office, whichever achievement (`number_key`).
        Index("uq_ip_rights_jurisdiction_number_key", "jurisdiction", "number_key",
              unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"), index=True)
    kind: Mapped[RightKind] = mapped_column(str_enum(RightKind, "right_kind"))
    patent_type: Mapped[PatentType | None] = mapped_column(str_enum(PatentType, "patent_type"))
    title: Mapped[str] = mapped_column(String(200))
    # Application or grant number (ZL 2024 1 0123456.7), registration number; "" for know-how.
    number: Mapped[str] = mapped_column(String(50), default="")
    jurisdiction: Mapped[Jurisdiction] = mapped_column(str_enum(Jurisdiction, "jurisdiction"),
                                                       default=Jurisdiction.CN)
    # The number as compared (`number_key`); None without a number, or for a duplicate that
    # revision 0072 found already registered (it is refused once edited).
    number_key: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[RightStatus] = mapped_column(str_enum(RightStatus, "right_status"))
    filed_on: Mapped[date | None] = mapped_column(info={PAST: True})
    granted_on: Mapped[date | None] = mapped_column(info={PAST: True})
    attorney_costs: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    achievement: Mapped[Achievement] = relationship(back_populates="rights")
    annuities: Mapped[list[Annuity]] = relationship(
        back_populates="right", cascade="all, delete-orphan", order_by="Annuity.due_on")

    @property
    def name(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields its kind records (`FIELDS_OF_KIND`), for its page."""
        return FIELDS_OF_KIND[self.kind]

    @property
    def status_label(self) -> str:
        """Its status in its kind's words: know-how is held, not filed."""
        if self.kind is RightKind.KNOW_HOW and self.status in KNOW_HOW_STATUS_LABELS:
            return str(KNOW_HOW_STATUS_LABELS[self.status])
        return str(RIGHT_STATUS_LABELS[self.status])

    def can_view(self, user: User) -> bool:
        """Read (and its history) by whoever reads the achievement."""
        return self.achievement.can_view(user)

    def can_change(self, user: User) -> bool:
        """Kept by `user` (`Achievement.can_manage`; neither it nor its achievement withdrawn:
        `withdrawals.withdrawn_refusal`)."""
        return self.achievement.can_change(user)

    @property
    def annuities_paid(self) -> Decimal:
        return sum((a.paid_amount or Decimal("0") for a in self.annuities), Decimal("0"))


class Annuity(Base):
    """A patent's annual fee (年费): due on a date, paid (or not) on another."""

    __tablename__ = "patent_annuities"
    __table_args__ = (
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("paid_amount IS NULL OR paid_amount >= 0", name="paid_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("ip_rights.id", ondelete="CASCADE"),
                                          index=True)
    year_no: Mapped[int]  # the patent's year the fee keeps it in force for (第N年)
    due_on: Mapped[date]
    fee: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date | None] = mapped_column(info={PAST: True})
    paid_amount: Mapped[Decimal | None] = mapped_column(Money)
    # Why more than the fee was paid: a late payment's surcharge (滞纳金), `services.late_fee_cap`.
    late_fee_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    right: Mapped[IpRight] = relationship(back_populates="annuities")
    reversals: Mapped[list[AnnuityPaymentReversal]] = relationship(
        back_populates="annuity", cascade="all, delete-orphan",
        order_by="AnnuityPaymentReversal.id")

    @property
    def paid(self) -> bool:
        return self.paid_on is not None

    def can_view(self, user: User) -> bool:
        """Read (and its history) by whoever reads its right."""
        return self.right.can_view(user)

    def can_edit(self, user: User) -> bool:
        """Who keeps the register corrects its due date and fee (while it is unpaid: a payment
        recorded by mistake is reversed first, `annuities.edit_refusal`)."""
        return self.right.can_change(user)

    def can_reverse(self, user: User) -> bool:
        """Its payment, recorded by mistake, is reversed by whoever keeps the register: the
        annuity is due again."""
        return self.right.can_change(user)  # when: `annuities.reverse_refusal`


class AnnuityPaymentReversal(Reversal, Base):
    """An annuity's payment recorded by mistake, reversed: the payment as it was recorded,
    kept here beside the reversal's date, reason and author; the annuity is due again."""

    __tablename__ = "annuity_payment_reversals"

    annuity_id: Mapped[int] = mapped_column(
        ForeignKey("patent_annuities.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date]
    paid_amount: Mapped[Decimal] = mapped_column(Money)
    late_fee_reason: Mapped[str] = mapped_column(Text, default="")

    annuity: Mapped[Annuity] = relationship(back_populates="reversals")

    def can_view(self, user: User) -> bool:
        return self.annuity.can_view(user)
