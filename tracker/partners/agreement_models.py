"""The agreements HQ signed with a partner: a cooperation or co-building agreement with a
university, a co-funding agreement with a government body, an investment or credit agreement
with an investor or a bank; each with its dates and, when uploaded, its signed document."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import PAST
from tracker.db import Base, UTCDateTime, Versioned, str_enum, utcnow
from tracker.partners.models import Partner

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile


class AgreementKind(enum.StrEnum):
    COOPERATION = "cooperation"  # 合作协议
    CO_BUILDING = "co_building"  # 共建协议
    CO_FUNDING = "co_funding"  # 配套资金协议
    INVESTMENT = "investment"  # 投资协议
    CREDIT = "credit"  # 授信协议
    OTHER = "other"


AGREEMENT_KIND_LABELS = {
    AgreementKind.COOPERATION: _l("Cooperation agreement"),
    AgreementKind.CO_BUILDING: _l("Co-building agreement"),
    AgreementKind.CO_FUNDING: _l("Co-funding agreement"),
    AgreementKind.INVESTMENT: _l("Investment agreement"),
    AgreementKind.CREDIT: _l("Credit agreement"),
    AgreementKind.OTHER: _l("Other agreement"),
}


class PartnerAgreement(Versioned, Base):
    __tablename__ = "partner_agreements"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                        name="term_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(str_enum(AgreementKind, "partner_agreement_kind"))
    title: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(info={PAST: True})
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]  # None: open-ended
    note: Mapped[str] = mapped_column(Text, default="")
    # The signed document (tracker/files), when uploaded.
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def name(self) -> str:
        return self.title

    def can_view(self, user: User) -> bool:
        return Partner.can_list(user)

    def can_edit(self, user: User) -> bool:
        return Partner.can_edit(user)

    def can_view_history(self, user: User) -> bool:
        return user.sees_whole_portfolio


class AgreementDocument(Base):
    """Every signed document an agreement has held: the one on record (`PartnerAgreement.file`)
    and each it replaced, with the reason (in the correction's audit record). The lasting link
    from a file to its agreement: a replaced document stays downloadable by whoever may see the
    agreement (`StoredFile.can_download`), and its history links both (issue 9, small 1)."""

    __tablename__ = "partner_agreement_documents"
    __table_args__ = (UniqueConstraint("file_id"),)

    agreement_id: Mapped[int] = mapped_column(ForeignKey("partner_agreements.id"),
                                              primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), primary_key=True)
