"""The audit trail: one append-only table for every change a service makes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User


class AuditRecord(Base):
    __tablename__ = "audit_records"
    __table_args__ = (Index("ix_audit_records_object", "object_type", "object_id", "id"),)

    # A million rows is a realistic size; SQLite only autoincrements a plain INTEGER key.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None for the system itself (the scheduler, a migration).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    # None when the record is about nothing that exists (a sign-in with an unknown e-mail).
    object_id: Mapped[int | None]
    # {field: [before, after]}; values as JSON scalars (Decimal and dates as strings).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # SHA-256 of this record and the previous one's hash: tracker/audit/chain.py.
    chain_hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()

    @staticmethod
    def can_see_address(user: User) -> bool:
        """The client address a change came from: HQ-wide roles."""
        return user.sees_whole_portfolio

    @staticmethod
    def can_view_history(user: User, obj: Any | None) -> bool:
        """The history of one object: for those who may see the object (reference data: HQ-wide
        roles only); of an object deleted since (a withdrawn draft), for those who may read the
        whole trail, whose links lead there."""
        if obj is None:
            return AuditRecord.can_list(user)
        if hasattr(obj, "can_view_history"):
            return obj.can_view_history(user)
        if hasattr(obj, "can_view"):
            return obj.can_view(user)
        return user.sees_whole_portfolio

    @staticmethod
    def can_list(user: User) -> bool:
        """The whole trail: HQ admins and observers (auditors)."""
        return user.has_role(Role.HQ_ADMIN, Role.OBSERVER)


@dataclass
class UnsavedRecord:
    """What is not (or no longer) in the trail, read as the record it would be, for
    `tracker.display.history.describe`: a change request's before and after, what an import's
    row wrote before a dry run rolled it back."""

    action: str
    object_type: str
    object_id: int | None
    changes: dict
    at: datetime | None = None
    actor: Any = None
    ip_address: str | None = None
