"""The regions a headquarters groups its institutes by: JITRI's 苏南, 苏中, 苏北 and 省外, SITI's
and SYIIT's their own. Each headquarters keeps its list (/admin/regions/); the institute form
offers it, the institutes import reads a region by its code or name, and the annual report
counts new projects by it."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.db import Base, Versioned
from tracker.organisations.models import Headquarters, ReferenceData


class Region(ReferenceData, Versioned, Base):
    __tablename__ = "regions"
    # A code and a name name one region of a headquarters: the import finds it by either.
    __table_args__ = (UniqueConstraint("hq_id", "code"), UniqueConstraint("hq_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    hq_id: Mapped[int] = mapped_column(ForeignKey("headquarters.id"))
    # Short and stable (south, north): what files and report figures name a region by.
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    # Where it stands in the lists, the form's choice and the report (1 first).
    position: Mapped[int] = mapped_column(default=1)
    # A retired region is no longer offered; the institutes in it keep it.
    active: Mapped[bool] = mapped_column(default=True)

    hq: Mapped[Headquarters] = relationship()

    def __repr__(self) -> str:
        return f"<Region {self.code}>"

    def can_view(self, user: User) -> bool:
        return user.is_authenticated

    @staticmethod
    def can_edit(user: User) -> bool:
        """The list is HQ's: its admins add, rename, retire and delete regions."""
        return user.is_hq_admin
