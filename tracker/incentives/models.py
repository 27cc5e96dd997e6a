"""Equity incentives at the person level: grants from a company's incentive pool to named
people, the options they exercise and what returns to the pool when they leave.

A grant of shares (restricted shares) moves its shares from the pool to the person in the
share ledger when granted; a grant of options leaves them in the pool until exercised, each
exercise a transfer from the pool to the person. Either way the ledger
(`tracker.companies.ledger`) stays the one record of who holds what; the fully diluted table
adds the options granted and not exercised (`tracker.incentives.dilution`). Vesting is derived
from the schedule (`tracker.incentives.vesting`), never stored.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import reversals
from tracker.accounts.models import Role, RoleGrant, User
from tracker.companies import closed
from tracker.companies.models import Company, CompanyExit, ShareEntry, Shareholder
from tracker.companies.reversal_models import Reversal
from tracker.db import Base, Shares, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.formatting import day
from tracker.incentives.vesting import Schedule
from tracker.money import Price

ZERO = Decimal("0")


class GrantKind(enum.StrEnum):
    SHARES = "shares"  # restricted shares: the person's at grant, unvested ones return
    OPTIONS = "options"  # the right to buy pool shares once vested


GRANT_KIND_LABELS = {
    GrantKind.SHARES: _l("Restricted shares"),
    GrantKind.OPTIONS: _l("Options"),
}


class GrantState(enum.StrEnum):
    """Where a grant stands on a date (derived: `IncentiveGrant.state`)."""

    ACTIVE = "active"  # the person is with the company
    LEFT = "left"  # they left: vested options exercisable until `exercise_until`
    LAPSED = "lapsed"  # the window is over: vested options never exercised lapsed
    EXITED = "exited"  # the company exited: nothing is exercised any more (`exit_by`)


GRANT_STATE_LABELS = {
    GrantState.ACTIVE: _l("With the company"),
    GrantState.LEFT: _l("Left"),
    GrantState.LAPSED: _l("Lapsed"),
    GrantState.EXITED: _l("Ended by the company's exit"),
}


def managers_only() -> str:
    """Why whoever may not manage grants (`IncentiveGrant.can_manage`) is refused (403)."""
    return _("Only HQ admins and the investment committee record equity incentives.")


class IncentiveGrant(Versioned, Base):
    __tablename__ = "incentive_grants"
    __table_args__ = (
        CheckConstraint("shares > 0", name="shares_positive"),
        CheckConstraint("vesting_months >= 0", name="months_not_negative"),
        CheckConstraint("cliff_months >= 0 AND cliff_months <= vesting_months",
                        name="cliff_within_vesting"),
        CheckConstraint("forfeited >= 0", name="forfeited_not_negative"),
        CheckConstraint("exercise_window_days >= 0", name="window_not_negative"),
        CheckConstraint("lapsed >= 0", name="lapsed_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("shareholders.id"))
    # The person's line of the cap table (a team holder of their name).
    holder_id: Mapped[int] = mapped_column(ForeignKey("shareholders.id"))
    # The person: one of our users (they see it on their home page), or a name only.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[GrantKind] = mapped_column(str_enum(GrantKind, "grant_kind"))
    shares: Mapped[Decimal] = mapped_column(Shares)
    exercise_price: Mapped[Decimal | None] = mapped_column(Price)  # options only
    granted_on: Mapped[date]
    vesting_start: Mapped[date]
    vesting_months: Mapped[int]
    cliff_months: Mapped[int]
    # The shares the person receives are not transferable before this date.
    lock_up_until: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    # Leaving: the date, what was unvested then (returned to the pool) and why.
    left_on: Mapped[date | None]
    forfeited: Mapped[Decimal] = mapped_column(Shares, default=ZERO)
    forfeit_reason: Mapped[str] = mapped_column(Text, default="")
    # Options: how many days after leaving the vested ones stay exercisable; None for the
    # setting `option_exercise_window_days` (90) as it stands on leaving. Leaving fixes the
    # last day (`exercise_until`); past it the vested options never exercised lapse, which
    # the daily job records (`lapsed_on`, `lapsed`: `services.lapse_options`).
    exercise_window_days: Mapped[int | None]
    exercise_until: Mapped[date | None]
    lapsed_on: Mapped[date | None]
    lapsed: Mapped[Decimal] = mapped_column(Shares, default=ZERO)
    grant_entry_id: Mapped[int | None] = mapped_column(ForeignKey("share_entries.id"))
    forfeit_entry_id: Mapped[int | None] = mapped_column(ForeignKey("share_entries.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship()
    pool: Mapped[Shareholder] = relationship(foreign_keys=[pool_id])
    holder: Mapped[Shareholder] = relationship(foreign_keys=[holder_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    grant_entry: Mapped[ShareEntry | None] = relationship(foreign_keys=[grant_entry_id])
    forfeit_entry: Mapped[ShareEntry | None] = relationship(foreign_keys=[forfeit_entry_id])
    # Every exercise recorded, those reversed too (marked); `exercises` are those that stand.
    all_exercises: Mapped[list[OptionExercise]] = relationship(
        back_populates="grant", order_by=lambda: [OptionExercise.on_date, OptionExercise.id],
        cascade="all, delete-orphan")
    leaving_reversals: Mapped[list[LeavingReversal]] = relationship(
        back_populates="grant", order_by=lambda: LeavingReversal.id,
        cascade="all, delete-orphan")

    @property
    def exercises(self) -> list[OptionExercise]:
        """The exercises that stand: one reversed never was, in any figure (issue 16, F6)."""
        return [e for e in self.all_exercises if e.reversal is None]

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.vesting_start, self.vesting_months, self.cliff_months)

    def exit_by(self, on: date) -> CompanyExit | None:
        """The company's exit that stands, dated `on` or before: it ends the grant (the
        ledger is closed). Options unvested at the exit lapse then, unless the exit
        accelerates them (they vest in full); none is exercised after it, vested or not
        (`exercisable`). Someone who had left keeps what leaving left them."""
        return next((e for e in self.company.standing_exits if e.on_date <= on), None)

    def vested(self, on: date) -> Decimal:
        """Vested on `on`; after leaving, what was vested on the day they left: vesting stops
        at the leaving date, on every page and in every limit (`steps`, `fully_vested_on`);
        after the company's exit, what was vested on the exit's date (all, if it accelerates)."""
        exit_ = self.exit_by(on)
        if exit_ is not None and (self.left_on is None or self.left_on >= exit_.on_date):
            return self.shares if exit_.accelerate else self.schedule.vested(self.shares,
                                                                             exit_.on_date)
        if self.left_on is not None and on > self.left_on:
            on = self.left_on
        return self.schedule.vested(self.shares, on)

    def left_by(self, on: date) -> bool:
        """The person had left on `on` (a leaving dated later has not happened yet then)."""
        return self.left_on is not None and self.left_on <= on

    def steps(self) -> list[tuple[date, Decimal]]:
        """The schedule's table as it applies: for a leaver, the dates up to the day they left
        only (nothing vests after it; none when they left before the cliff)."""
        return [(when, vested) for when, vested in self.schedule.steps(self.shares)
                if self.left_on is None or when <= self.left_on]

    @property
    def fully_vested_on(self) -> date | None:
        """The day the whole grant is vested; None when the person left before it."""
        end = self.schedule.fully_vested_on
        return None if self.left_on is not None and end > self.left_on else end

    def lapsed_at_exit(self, on: date) -> Decimal:
        """Options unvested at the company's exit (none if it accelerates), lapsed by it."""
        if self.kind is not GrantKind.OPTIONS or self.exit_by(on) is None:
            return ZERO
        return max(self.shares - self.forfeited - self.vested(on), ZERO)

    def unexercised_at_exit(self, on: date) -> Decimal:
        """Options vested at the company's exit and never exercised: no longer exercisable,
        the ledger being closed (any settlement with the buyer is outside the tracker)."""
        exit_ = self.exit_by(on)
        if (self.kind is not GrantKind.OPTIONS or exit_ is None
                or self.window_closed(exit_.on_date)):
            return ZERO
        return max(self.vested(on) - self.exercised(on), ZERO)

    def exercised(self, on: date | None = None) -> Decimal:
        return sum((e.shares for e in self.exercises if on is None or e.on_date <= on), ZERO)

    @property
    def lapses_on(self) -> date | None:
        """The first day the vested options not exercised are lapsed: the day after the
        window's last day (`exercise_until`, on which they can still be exercised)."""
        return self.exercise_until + timedelta(days=1) if self.exercise_until else None

    def window_closed(self, on: date) -> bool:
        """The holder left and the exercise window ended before `on`."""
        return self.exercise_until is not None and on > self.exercise_until

    def exercisable(self, on: date) -> Decimal:
        """Options that can be exercised on `on`: vested and not exercised yet on that date and
        on the date of every later exercise (a back-dated exercise must leave each later one
        within what was vested by its own date); none once the window after leaving ended."""
        if (self.kind is not GrantKind.OPTIONS or self.window_closed(on)
                or self.exit_by(on) is not None):
            return ZERO
        return max(min(self.vested(d) - self.exercised(d) for d in self.limiting_dates(on)),
                   ZERO)

    def limiting_dates(self, on: date) -> list[date]:
        """`on` and the dates of the exercises after it, each of which bounds an exercise on
        `on`."""
        return [on, *sorted({e.on_date for e in self.exercises if e.on_date > on})]

    def limiting_date(self, on: date) -> date:
        """The date among `limiting_dates` that leaves the fewest options to exercise."""
        return min(self.limiting_dates(on), key=lambda d: self.vested(d) - self.exercised(d))

    def lapsing(self, on: date) -> Decimal:
        """The vested options never exercised that lapsed at the window's end, as of `on`."""
        if self.kind is not GrantKind.OPTIONS or not self.window_closed(on):
            return ZERO
        if self.exit_by(self.exercise_until) is not None:
            return ZERO  # the exit came first and ended the grant (`lapsed_at_exit`)
        return max(self.shares - self.forfeited - self.exercised(), ZERO)

    def outstanding_options(self, on: date) -> Decimal:
        """Options granted by `on` and neither exercised, forfeited nor lapsed: what the fully
        diluted table adds to the person and takes from the pool's unallocated shares."""
        if self.kind is not GrantKind.OPTIONS or self.granted_on > on or self.exit_by(on):
            return ZERO
        forfeited = self.forfeited if self.left_by(on) else ZERO
        return self.shares - forfeited - self.exercised(on) - self.lapsing(on)

    def state(self, on: date) -> GrantState:
        """Where the grant stands on `on`: a leaving or a lapse dated later has not happened
        yet then; the company's exit ends it unless the window had closed before."""
        if self.lapsing(on) > 0:
            return GrantState.LAPSED
        if self.exit_by(on) is not None:
            return GrantState.EXITED
        if self.lapsed_on is not None and self.lapsed_on <= on:
            return GrantState.LAPSED
        return GrantState.LEFT if self.left_by(on) else GrantState.ACTIVE

    @staticmethod
    def window_end(left_on: date, days: int) -> date:
        """The last day of a window of `days` after leaving on `left_on`."""
        return left_on + timedelta(days=days)

    @property
    def is_forfeited(self) -> bool:
        return self.left_on is not None

    def can_view(self, user: User) -> bool:
        """Its holder, and whoever sees the company (`Company.can_view`)."""
        return (self.user_id is not None and self.user_id == user.id) or self.company.can_view(
            user)

    @staticmethod
    def can_manage(user: User) -> bool:
        """Who keeps the company's equity (`Company.can_manage`) keeps its grants."""
        return Company.can_manage(user)

    def leaving_refusal(self) -> str | None:
        """Why the leaving can't be reversed (the service's refusal, and no form offered);
        None when it can."""
        if not self.is_forfeited:
            return _("No leaving is recorded for this grant.")
        if self.company.standing_exits:
            return closed.exited(self.company)
        return None

    def can_reverse_leaving(self, user: User) -> bool:
        """Who manages the grant reverses a leaving recorded by mistake (`leaving_refusal`)."""
        return self.can_manage(user)

    @staticmethod
    def may_receive() -> ColumnElement[bool]:
        """SQL: a user who may be granted equity: an active account of our staff, not behind
        a wall (an external expert, an enterprise contact: `User.staff`), and not an HQ admin,
        who runs the programme and records the grants. Whom a grant's form offers among them
        is `services.grantees`."""
        return and_(User.staff(), ~User.role_grants.any(RoleGrant.role == Role.HQ_ADMIN))

    def can_exercise(self, user: User) -> bool:
        """Who manages the grant records an exercise of its options (neither lapsed nor ended
        by the company's exit, some exercisable: `exits.exercise_form_refusal` says which)."""
        return self.can_manage(user)

    def recording_leaving_refusal(self) -> str | None:
        """Why no leaving can be recorded (the service refuses, and no form is offered): once,
        while the company's ledger is open; None when it can be."""
        if self.is_forfeited:
            return _("%(name)s's leaving was recorded already (%(date)s).",
                     name=self.person_name, date=day(self.left_on))
        if self.company.standing_exits:
            return closed.exited(self.company)
        return None

    def can_record_leaving(self, user: User) -> bool:
        """Who manages the grant records its holder's leaving (`recording_leaving_refusal`)."""
        return self.can_manage(user)


class OptionExercise(Base):
    """Options exercised: the shares moved from the pool to the person (`entry`)."""

    __tablename__ = "option_exercises"
    __table_args__ = (CheckConstraint("shares > 0", name="shares_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("incentive_grants.id", ondelete="CASCADE"),
                                          index=True)
    on_date: Mapped[date]
    shares: Mapped[Decimal] = mapped_column(Shares)
    entry_id: Mapped[int] = mapped_column(ForeignKey("share_entries.id"), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grant: Mapped[IncentiveGrant] = relationship(back_populates="all_exercises")
    entry: Mapped[ShareEntry] = relationship()
    reversal: Mapped[ExerciseReversal | None] = relationship(back_populates="exercise",
                                                             lazy="selectin")

    def can_view(self, user: User) -> bool:
        return self.grant.can_view(user)

    def refusal(self) -> str | None:
        """Why the exercise can't be reversed (the service's refusal, and no form offered);
        None when it can. A lapse recorded counted the options not exercised as the
        exercises stood then: it stands on them."""
        grant = self.grant
        if self.reversal is not None:
            return reversals.reversed_on(self.reversal.on_date)
        if grant.company.standing_exits:
            return closed.exited(grant.company)
        if grant.lapsed_on is not None:
            return _("The options %(name)s did not exercise lapsed on %(date)s, counted from "
                     "the exercises standing then: this exercise stays.",
                     name=grant.person_name, date=day(grant.lapsed_on))
        return None

    def can_reverse(self, user: User) -> bool:
        """Who manages the grant (when: `refusal`)."""
        return self.grant.can_manage(user)


class ExerciseReversal(Reversal, Base):
    """An exercise recorded by mistake, reversed (issue 16, F6): its transfer from the pool is
    undone by a reversing entry on the ledger (`entry`), and the exercise no longer counts
    anywhere (`IncentiveGrant.exercises`); it stays on the grant's page, marked."""

    __tablename__ = "exercise_reversals"

    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("option_exercises.id", ondelete="CASCADE"), unique=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("share_entries.id"), unique=True)

    exercise: Mapped[OptionExercise] = relationship(back_populates="reversal")
    entry: Mapped[ShareEntry] = relationship()


class LeavingReversal(Reversal, Base):
    """A leaving recorded by mistake, reversed (issue 16, F6): the grant is restored (nothing
    forfeited, no window, no lapse) and this row keeps what the leaving said, with the
    reversing entry of the shares it had returned to the pool (`entry`), if any."""

    __tablename__ = "leaving_reversals"

    grant_id: Mapped[int] = mapped_column(
        ForeignKey("incentive_grants.id", ondelete="CASCADE"), index=True)
    left_on: Mapped[date]
    forfeited: Mapped[Decimal] = mapped_column(Shares)
    forfeit_reason: Mapped[str] = mapped_column(Text)
    exercise_until: Mapped[date | None]
    lapsed_on: Mapped[date | None]
    lapsed: Mapped[Decimal] = mapped_column(Shares, default=ZERO)
    forfeit_entry_id: Mapped[int | None] = mapped_column(ForeignKey("share_entries.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("share_entries.id"))

    grant: Mapped[IncentiveGrant] = relationship(back_populates="leaving_reversals")
    forfeit_entry: Mapped[ShareEntry | None] = relationship(foreign_keys=[forfeit_entry_id])
    entry: Mapped[ShareEntry | None] = relationship(foreign_keys=[entry_id])
