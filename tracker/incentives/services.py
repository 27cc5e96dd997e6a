"""What HQ admins and the investment committee do with a company's incentive pool: grant shares
or options to a named person, record an exercise, record a leaver's forfeiture, and correct a
grant's vesting, lock-up or note.

Each function takes the acting user, validates (every problem at once, each beside its field),
changes the grant and the share ledger, audits and flushes; the view commits. The pool never
promises more than it holds: a grant is refused, with the numbers, beyond the pool's shares
less the options already granted from it and not exercised.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.companies import ledger, ledger_checks
from tracker.companies import services as companies
from tracker.companies.models import (
    Company,
    ShareEntry,
    Shareholder,
)
from tracker.dates import today
from tracker.display.collation import ordered
from tracker.display.formatting import day, number, plural
from tracker.errors import Forbidden, Problems, Refused
from tracker.incentives import exits, fixed, leaving, reserve
from tracker.incentives.granting import (
    check_grant,
    check_schedule,
    new_grant,
    new_move,
    pools,
    whole,
)
from tracker.incentives.models import GrantKind, IncentiveGrant, OptionExercise, managers_only
from tracker.projects.models import Project, ProjectMember
from tracker.settings import catalogue
from tracker.settings import services as settings

EDITABLE = ("vesting_start", "vesting_months", "cliff_months", "lock_up_until",
            "exercise_window_days", "note")


def require_manager(actor: User) -> None:
    if not Company.can_manage(actor):
        raise Forbidden(managers_only())


def grantees(company: Company) -> list[User]:
    """Whom a grant's form offers: those who may receive equity and plausibly work for the
    company: the staff of its projects' institutes, its projects' PMs and confirmed team
    members, and those granted from its pool before."""
    projects = [p.id for p in company.projects]
    return ordered(db.session.scalars(select(User).where(IncentiveGrant.may_receive(), or_(
        User.institute_id.in_(select(Project.institute_id).where(Project.id.in_(projects))),
        User.id.in_(select(Project.pm_id).where(Project.id.in_(projects))),
        User.id.in_(select(ProjectMember.user_id).where(ProjectMember.project_id.in_(projects),
                                                        ProjectMember.confirmed)),
        User.id.in_(select(IncentiveGrant.user_id).where(
            IncentiveGrant.company_id == company.id)))).order_by(User.name, User.id)))


def grants_of(company: Company) -> list[IncentiveGrant]:
    """With their exercises and those exercises' reversals: a statement each, for any number."""
    return list(db.session.scalars(select(IncentiveGrant).where(
        IncentiveGrant.company_id == company.id).order_by(IncentiveGrant.granted_on,
                                                          IncentiveGrant.id)
        .options(selectinload(IncentiveGrant.all_exercises).selectinload(OptionExercise.reversal))))


def promised(company: Company, pool: Shareholder, *, leaving_out: int | None = None) -> Decimal:
    """Options granted from `pool` and not exercised, forfeited nor lapsed (`reserve`)."""
    return reserve.promised(pool, leaving_out=leaving_out)


def window_days(record: IncentiveGrant) -> int:
    """The grant's exercise window after leaving: its own, or the setting's."""
    if record.exercise_window_days is not None:
        return record.exercise_window_days
    return int(settings.get(catalogue.OPTION_EXERCISE_WINDOW_DAYS))


def unallocated(company: Company, pool: Shareholder, on: date) -> Decimal:
    """What the pool may still grant from `on` on: the fewest shares it holds on that date or
    later, less what it has promised (the rule any movement out of the pool obeys)."""
    return reserve.transferable(company, pool, on)


def _move(actor: User, company: Company, source: Shareholder, target: Shareholder,
          shares: Decimal, on: date, lock_up_until: date | None) -> ShareEntry:
    """`new_move`, audited."""
    entry, changes = new_move(actor, company, source, target, shares, on, lock_up_until)
    audit.record(actor, "shares.transfer", entry, changes)
    return entry


def grant_refusal(company: Company) -> str | None:
    """Why nothing can be granted (the form answers it, the page offers no link), or None."""
    if (said := companies.cap_table_refusal(company)) is None and not pools(company):
        said = _("%(name)s has no incentive pool to grant from: issue shares to one first.",
                 name=company.name)
    return said


def grant(actor: User, company: Company, **values: Any) -> IncentiveGrant:
    """Shares or options from the company's pool to a person (a user, or a name)."""
    require_manager(actor)
    record, changes, moved = new_grant(actor, company, check_grant(company, values))
    db.session.add(record)
    if moved is not None:
        audit.record(actor, "shares.transfer", *moved)
    audit.record(actor, "incentive.grant", record, changes)
    db.session.flush()
    return record


def exercise(actor: User, record: IncentiveGrant, on: date | None,
             shares: Decimal | None) -> OptionExercise:
    """Vested options bought: the shares move from the pool to the person."""
    require_manager(actor)
    company = record.company
    if (said := exits.exercise_refusal(record)) is not None:
        raise Refused(said)
    companies.require_cap_table(company)
    problems = Problems()
    if on is None:
        problems.add("on_date", _("Give the date of the exercise."))
    else:
        problems.collect(ledger_checks.check_dated, company, "on_date", on)
        if on < record.granted_on:
            problems.add("on_date", _("%(date)s is before the grant (%(granted)s).",
                                      date=day(on), granted=day(record.granted_on)))
    whole(problems, "shares", shares)
    if on is not None and record.window_closed(on):
        problems.add("on_date", _(
            "%(name)s left on %(left)s: their vested options could be exercised until "
            "%(until)s, the end of the exercise window, and lapsed after it.",
            name=record.person_name, left=day(record.left_on), until=day(record.exercise_until)))
    # What is vested on the day, whatever else is wrong with the day (in the future, before
    # registration): in the same answer, not once the date is put right.
    if on is not None and on >= record.granted_on and "shares" not in problems:
        may = record.exercisable(on)
        if shares > may and (later := record.limiting_date(on)) > on:
            vested = record.vested(later)
            problems.add("shares", ngettext(
                "An exercise on %(later)s is already recorded: %(vested)s option is vested "
                "on %(later)s and %(done)s exercised by then, so %(may)s more can be exercised "
                "on %(date)s, not %(shares)s.",
                "An exercise on %(later)s is already recorded: %(vested)s options are vested "
                "on %(later)s and %(done)s exercised by then, so %(may)s more can be exercised "
                "on %(date)s, not %(shares)s.", plural(vested), later=day(later),
                vested=number(vested), done=number(record.exercised(later)),
                date=day(on), may=number(may), shares=number(shares)))
        elif shares > may:
            problems.add("shares", ngettext(
                "%(vested)s of the %(granted)s option is vested on %(date)s and %(done)s "
                "exercised: %(may)s can be exercised, not %(shares)s.",
                "%(vested)s of the %(granted)s options are vested on %(date)s and %(done)s "
                "exercised: %(may)s can be exercised, not %(shares)s.", plural(record.shares),
                vested=number(record.vested(on)), granted=number(record.shares), date=day(on),
                done=number(record.exercised(on)), may=number(may), shares=number(shares)))
        elif shares > (held := ledger.lowest_balance_from(company, record.pool_id, on)):
            problems.add("shares", ngettext(
                "%(pool)s holds %(held)s share from %(date)s on, fewer than %(shares)s.",
                "%(pool)s holds %(held)s shares from %(date)s on, fewer than %(shares)s.",
                plural(held), pool=record.pool.shown_name, held=number(held), date=day(on),
                shares=number(shares)))
    problems.raise_any()
    entry = _move(actor, company, record.pool, record.holder, shares, on, record.lock_up_until)
    done = OptionExercise(grant=record, on_date=on, shares=shares, entry=entry,
                          recorded_by_id=actor.id)
    db.session.add(done)
    audit.record(actor, "incentive.exercise", record, {
        "exercised": [str(record.exercised() - shares), str(record.exercised())],
        "on_date": [None, on.isoformat()]})
    db.session.flush()
    return done


def forfeit(actor: User, record: IncentiveGrant, left_on: date | None, reason: str) -> Decimal:
    """The person left on `left_on`: what was unvested then returns to the pool (a grant of
    shares by a transfer back on the ledger; options simply lapse). Vested options stay
    theirs to exercise until the end of the grant's exercise window (`window_days` after
    leaving), then lapse (`lapse_options`). Returns the shares forfeited."""
    require_manager(actor)
    if (said := record.recording_leaving_refusal()) is not None:
        raise Refused(said)
    companies.require_cap_table(record.company)
    problems = Problems()
    if left_on is None:
        problems.add("left_on", _("Give the date they left."))
    elif left_on > today():
        problems.add("left_on", _("%(date)s is in the future.", date=day(left_on)))
    elif left_on < record.granted_on:
        problems.add("left_on", _("%(date)s is before the grant (%(granted)s).",
                                  date=day(left_on), granted=day(record.granted_on)))
    elif said := leaving.exercises_refusal(record, left_on, window_days(record)):
        problems.add("left_on", said)
    if not (reason or "").strip():
        problems.add("reason", _("Say why the grant ends (they left, were dismissed...)."))
    problems.raise_any()
    # The window is read before anything changes: a query would flush the leaving, and the
    # trail then said only the window's end (T14: no date, reason nor count in the history).
    window = window_days(record)
    unvested = record.shares - record.schedule.vested(record.shares, left_on)
    record.left_on, record.forfeited = left_on, unvested
    record.forfeit_reason = reason.strip()
    if record.kind is GrantKind.OPTIONS:
        record.exercise_until = IncentiveGrant.window_end(left_on, window)
    changes = audit.pending_changes(record)
    if record.kind is GrantKind.SHARES and unvested > 0:
        record.forfeit_entry = _move(actor, record.company, record.holder, record.pool,
                                     unvested, left_on, None)
    audit.record(actor, "incentive.forfeit", record, changes)
    db.session.flush()
    return unvested


def _lock(actor: User, entries: list[ShareEntry], lock_up: date) -> None:
    """A lock-up given to a grant whose shares on the ledger had none (it was left out when
    the grant was recorded) locks them too, each one moved before it ends (as `_move` would
    have), audited on the entry: the ledger's `locked` and the lock-up reminders read it."""
    for entry in entries:
        if entry.lock_up_until is None and lock_up > entry.on_date:
            entry.lock_up_until = lock_up
            audit.record(actor, "shares.lock_up", entry, audit.pending_changes(entry))


def update_grant(actor: User, record: IncentiveGrant, **values: Any) -> IncentiveGrant:
    """Correct the vesting schedule, the lock-up or the note. The schedule stays while
    nothing was exercised or forfeited on it. The lock-up stays once the grant's shares on
    the ledger carry one (it would free or hold shares the ledger says otherwise of); while
    they carry none, one is given to them with the grant's (`_lock`)."""
    require_manager(actor)
    problems = Problems()
    check_schedule(problems, values, record.granted_on,
                    record.company if values.get("vesting_start") != record.vesting_start
                    else None)
    problems.raise_any()
    schedule = ("vesting_start", "vesting_months", "cliff_months")
    if (any(values[k] != getattr(record, k) for k in schedule)
            and (said := fixed.schedule_refusal(record)) is not None):
        raise Refused(said)
    lock_up = values.get("lock_up_until")
    if lock_up != record.lock_up_until and (said := fixed.lock_up_refusal(record)) is not None:
        raise Refused(said)
    if record.kind is not GrantKind.OPTIONS:
        values["exercise_window_days"] = None  # shares are the person's: nothing to exercise
    if (values.get("exercise_window_days") != record.exercise_window_days
            and (said := fixed.window_refusal(record)) is not None):
        raise Refused(said)
    for key in EDITABLE:
        setattr(record, key, (values.get(key) or "").strip() if key == "note" else values[key])
    if lock_up is not None:
        _lock(actor, fixed.entries_to_holder(record), lock_up)
    audit.record_if_changed(actor, "incentive.update", record)
    db.session.flush()
    return record


def lapse_options(on: date) -> int:
    """Record, once, the lapse of the vested options never exercised of every holder whose
    exercise window ended before `on` (the daily job); audited. Returns how many grants. A
    company's exit within the window ended the grant first: nothing lapses at its end."""
    due = [record for record in db.session.scalars(select(IncentiveGrant).where(
        IncentiveGrant.kind == GrantKind.OPTIONS, IncentiveGrant.lapsed_on.is_(None),
        IncentiveGrant.exercise_until < on).order_by(IncentiveGrant.id))
        if record.exit_by(record.exercise_until) is None]
    for record in due:
        record.lapsed_on = record.lapses_on
        record.lapsed = record.lapsing(on)
        audit.record(None, "incentive.lapse", record)
    db.session.flush()
    return len(due)


def grants_to(user: User) -> list[IncentiveGrant]:
    """The grants made to `user`, and no one else's: their home page shows these."""
    return list(db.session.scalars(select(IncentiveGrant).where(
        IncentiveGrant.user_id == user.id).order_by(IncentiveGrant.granted_on,
                                                    IncentiveGrant.id)))
