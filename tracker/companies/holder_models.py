"""A company's shareholder: an organisation the app knows, or a name as typed.

A holder that is HQ, an institute, an enterprise, a partner (a fund, a park, a city) or a user
(a person holding team shares or granted equity) refers to it (issue 9, point 8): a page, a
file, an e-mail or the trail names it as that record is named in the reader's language
(`Shareholder.shown_name`, the one place a holder's name is read for showing), so HQ's holding
reads 江苏省产业技术研究院 on a Chinese page and Jiangsu Industrial Technology Research Institute on
an English one. `name` keeps what was typed: the only name of a holder the app does not know
(a team, an outside investor), and for a known one the name it was recorded by (the key the
ledger's own lookups and the trail use; never shown). How a typed name finds the record it
names is in tracker/companies/holder_names.py.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.db import Base, str_enum
from tracker.organisations.models import Enterprise, Headquarters, Institute
from tracker.partners.models import Partner

if TYPE_CHECKING:
    from tracker.companies.models import Company


class HolderType(enum.StrEnum):
    TEAM = "team"
    HQ = "hq"
    INSTITUTE = "institute"
    PARK = "park"
    STATE_FUND = "state_fund"
    INVESTOR = "investor"  # an external investor
    INCENTIVE_POOL = "incentive_pool"


HOLDER_TYPE_LABELS = {
    HolderType.TEAM: _l("R&D team"),
    HolderType.HQ: _l("HQ"),
    HolderType.INSTITUTE: _l("Institute"),
    HolderType.PARK: _l("Park"),
    HolderType.STATE_FUND: _l("State-owned fund"),
    HolderType.INVESTOR: _l("External investor"),
    HolderType.INCENTIVE_POOL: _l("Incentive pool"),
}

# The types a company has one holder of: HQ, whose stake the portfolio adds up and to whom a
# conversion issues its shares (`holder_names.new_holder_refusal` says so beside the field;
# the index `uq_shareholders_one_hq` is the database's word, migration 0100). An incentive
# pool is not: a company may keep several (a grant names the pool it comes from).
ONE_PER_COMPANY = frozenset({HolderType.HQ})
_HQ = text("kind = 'hq'")

# The records a holder can be, by the column naming one (at most one is set).
REFERENCES = {"hq_id": Headquarters, "institute_id": Institute, "enterprise_id": Enterprise,
              "partner_id": Partner, "user_id": User}
AT_MOST_ONE = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
                         for column in REFERENCES) + " <= 1"


class Shareholder(Base):
    __tablename__ = "shareholders"
    __table_args__ = (UniqueConstraint("company_id", "name"),
                      CheckConstraint(AT_MOST_ONE, name="one_reference"),
                      Index("uq_shareholders_one_hq", "company_id", unique=True,
                            sqlite_where=_HQ, postgresql_where=_HQ))

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[HolderType] = mapped_column(str_enum(HolderType, "holder_type"))
    hq_id: Mapped[int | None] = mapped_column(ForeignKey("headquarters.id"))
    institute_id: Mapped[int | None] = mapped_column(ForeignKey("institutes.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    company: Mapped[Company] = relationship(back_populates="holders")
    # Joined: whoever loads a holder shows its name, in as many statements as before.
    hq: Mapped[Headquarters | None] = relationship(lazy="joined")
    institute: Mapped[Institute | None] = relationship(lazy="joined")
    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")
    partner: Mapped[Partner | None] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def known(self) -> Headquarters | Institute | Enterprise | Partner | User | None:
        """The record the holder is, when the app knows it."""
        return self.hq or self.institute or self.enterprise or self.partner or self.user

    @property
    def shown_name(self) -> str:
        """The holder's name as every reader is shown it: the record's in the reader's
        language, or the name typed for a holder the app does not know."""
        known = self.known
        if known is None:
            return self.name
        return known.name if isinstance(known, User) else known.shown("name")

    def names(self) -> set[str]:
        """Every name the holder goes by: typed, and the record's in both languages."""
        known = self.known
        found = {self.name, getattr(known, "name", None), getattr(known, "name_en", None)}
        return {n for n in found if n}
