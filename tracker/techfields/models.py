"""HQ's controlled list of technical fields (技术领域): the one classification projects, needs,
institutes and project managers are counted by, so that a roll-up by field adds up.

Each record keeps its free-text `field` (the words it was described in, which imports and the
API still carry); `field_id`, a link to this list, is what reports group by.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, UTCDateTime, Versioned, utcnow
from tracker.display.bilingual import Bilingual

if TYPE_CHECKING:
    from tracker.accounts.models import User


class TechnicalField(Bilingual, Versioned, Base):
    __tablename__ = "technical_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short and stable (AM, IC, BIO): what imports and files may name a field by.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(100))
    # A field no longer offered for new records; the records classified by it keep it.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<TechnicalField {self.code}>"

    def can_view(self, user: User) -> bool:
        return user.is_authenticated

    def can_view_history(self, user: User) -> bool:
        # Reference data: its history names the admins who changed it (HQ-wide roles only).
        return user.sees_whole_portfolio

    @staticmethod
    def can_edit(user: User) -> bool:
        """The list is HQ's: its admins add, rename and retire fields."""
        return user.is_hq_admin
