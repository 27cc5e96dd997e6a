"""A personal access token: a bearer secret for the JSON API, kept only as its hash.

A token acts as the person who made it, never as more: every request it opens is checked by
the same `can_<verb>(user)` predicates as the pages. Its scope narrows it further (a read
token changes nothing), it expires, and its owner or an HQ admin revokes it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.db import Base, UTCDateTime, str_enum, utcnow


class TokenScope(enum.StrEnum):
    READ = "read"  # GET only
    WRITE = "write"  # GET, and what the person may change from their own tools


TOKEN_SCOPE_LABELS = {
    TokenScope.READ: _l("Read"),
    TokenScope.WRITE: _l("Read and write"),
}


class AccessToken(Base):
    __tablename__ = "access_tokens"
    __table_args__ = (CheckConstraint("name <> ''", name="name_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the secret, shown in lists so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(str_enum(TokenScope, "token_scope"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at and self.user.active

    def allows(self, method: str) -> bool:
        """A read token sends only the methods that change nothing."""
        return self.scope is TokenScope.WRITE or method in ("GET", "HEAD", "OPTIONS")

    # Permissions -------------------------------------------------------------------------------

    @staticmethod
    def can_create(user: User) -> bool:
        """Anyone signed in acts for themselves from their own tools; not a limited account (an
        external expert's, an enterprise contact's), which opens its own pages only
        (tracker/accounts/walls.py)."""
        return user.is_authenticated and not user.is_limited

    def can_revoke(self, user: User) -> bool:
        """Its owner, and HQ admins (who manage users) for anyone's."""
        return user.id == self.user_id or user.can_manage_users()

    @staticmethod
    def can_list_all(user: User) -> bool:
        return user.can_manage_users()
