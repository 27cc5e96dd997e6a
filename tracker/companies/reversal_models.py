"""A financing round or an exit recorded by mistake, reversed; the row stays as recorded, and
this record says when, by whom and why. A round: its shares are reversed on the ledger and
count in no cap table, on any date (`ledger.standing`), and whatever reads rounds (the last
price, the qualifying rounds, the portfolio, the dashboard, the annual report) reads only
those that stand (`round_stands`). An
exit: the company is no longer exited, its ledger reopens, and its proceeds are no longer
realised (`exit_stands`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Text, exists
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tracker.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.companies.models import CompanyExit, FinancingRound


class Reversal:
    """What a reversal records whatever it reverses: from which date, why, by whom and when."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple[CheckConstraint, ...]:  # a constraint per table
        return (CheckConstraint("reason <> ''", name="reason_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    on_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def recorded_by(cls) -> Mapped[User]:
        return relationship()


class RoundReversal(Reversal, Base):
    __tablename__ = "round_reversals"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("financing_rounds.id", ondelete="CASCADE"), unique=True)

    round: Mapped[FinancingRound] = relationship(back_populates="reversal")

    @property
    def name(self) -> str:
        return self.round.name


def round_stands(round_id: ColumnElement[int], on: date | None = None) -> ColumnElement[bool]:
    """SQL: the round is not reversed (by `on`, when given; at all, otherwise)."""
    reversed_ = exists().where(RoundReversal.round_id == round_id)
    if on is not None:
        reversed_ = reversed_.where(RoundReversal.on_date <= on)
    return ~reversed_


class ExitReversal(Reversal, Base):
    __tablename__ = "exit_reversals"

    exit_id: Mapped[int] = mapped_column(
        ForeignKey("company_exits.id", ondelete="CASCADE"), unique=True)

    exit: Mapped[CompanyExit] = relationship(back_populates="reversal")


def exit_stands(exit_id: ColumnElement[int], on: date | None = None) -> ColumnElement[bool]:
    """SQL: the exit is not reversed (by `on`, when given; at all, otherwise)."""
    reversed_ = exists().where(ExitReversal.exit_id == exit_id)
    if on is not None:
        reversed_ = reversed_.where(ExitReversal.on_date <= on)
    return ~reversed_
