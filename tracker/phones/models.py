"""Verification codes sent by SMS: what each is for, to which number, until when."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, UTCDateTime, str_enum, utcnow


class Purpose(enum.StrEnum):
    BIND = "bind"  # proves the number is the person's before it is bound
    SIGN_IN = "sign_in"  # the second step of a local sign-in
    RESET = "reset"  # a forgotten password


PURPOSE_LABELS = {Purpose.BIND: _l("Binding the number"), Purpose.SIGN_IN: _l("Signing in"),
                  Purpose.RESET: _l("Resetting the password")}


class PhoneCode(Base):
    """One code in force per person and purpose; a new one replaces it. Kept as an HMAC keyed
    with the app's secret (six digits hashed bare would fall to a table of a million), never
    in clear; spent once, and void after `SMS_CODE_ATTEMPTS` wrong tries."""

    __tablename__ = "phone_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose, "phone_code_purpose"))
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def live(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now
