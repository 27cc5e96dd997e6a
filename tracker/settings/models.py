"""Values HQ has set for the settings of the catalogue; a missing row means the default."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, UTCDateTime, Versioned, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User


class SettingValue(Versioned, Base):
    __tablename__ = "setting_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    # Kept as text so one column holds decimals and integers exactly.
    value: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @staticmethod
    def can_change(user: User) -> bool:
        """HQ admins tune the settings, on /admin/settings (the page asks this too)."""
        return user.is_hq_admin
