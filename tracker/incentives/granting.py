"""A grant from a company's incentive pool, checked and made apart from its writing: what
`services.grant` records, and what the companies import's bulk path builds for a company it
has not written yet and writes with others (`tracker.imports.grants_bulk`), so that the two
never disagree. Kept apart from `services` for that path, which reads no more of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.companies import holder_names, ledger, ledger_checks
from tracker.companies import services as companies
from tracker.companies.models import (
    Acquisition,
    Company,
    EntryKind,
    HolderType,
    ShareEntry,
    Shareholder,
)
from tracker.display.formatting import day, number, plural
from tracker.errors import Problems
from tracker.incentives import reserve
from tracker.incentives.models import ZERO, GrantKind, IncentiveGrant

MAX_WINDOW_DAYS = 3650


def pools(company: Company) -> list[Shareholder]:
    return [h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL]


def receives(user: User) -> bool:
    """The user may be granted equity (`IncentiveGrant.may_receive`)."""
    return db.session.scalar(select(User.id).where(
        User.id == user.id, IncentiveGrant.may_receive())) is not None


def whole(problems: Problems, field: str, shares: Decimal | None) -> None:
    if shares is None or shares <= 0 or shares != shares.to_integral_value():
        problems.add(field, _("Shares are whole numbers above zero; %(n)s was given.", n=shares))


def check_schedule(problems: Problems, values: dict[str, Any], granted_on: date | None,
                    company: Company | None = None) -> None:
    """The schedule's terms; with `company`, a vesting start not before it was registered
    (a new or changed start: a stored one stays readable)."""
    months, cliff = values.get("vesting_months"), values.get("cliff_months")
    if months is None or months < 0 or months > 240:
        problems.add("vesting_months", _("Give the vesting period in months, 0 to 240."))
    elif cliff is None or cliff < 0 or cliff > months:
        problems.add("cliff_months", ngettext(
            "The cliff is between 0 and the vesting period's %(num)d month.",
            "The cliff is between 0 and the vesting period's %(num)d months.", months))
    start = values.get("vesting_start")
    if start is None:
        problems.add("vesting_start", _("Give the date vesting starts from."))
    elif company is not None and company.registered_on and start < company.registered_on:
        problems.add("vesting_start", _(
            "%(date)s is before %(name)s was registered (%(registered)s).", date=day(start),
            name=company.name, registered=day(company.registered_on)))
    lock_up = values.get("lock_up_until")
    if lock_up is not None and granted_on is not None and lock_up <= granted_on:
        problems.add("lock_up_until", _("The lock-up ends after the grant date (%(date)s).",
                                        date=day(granted_on)))
    window = values.get("exercise_window_days")
    if window is not None and not 0 <= window <= MAX_WINDOW_DAYS:
        problems.add("exercise_window_days", _("Give the exercise window in days, 0 to "
                                               "%(n)d, or leave it empty for the setting.",
                                               n=MAX_WINDOW_DAYS))


def new_move(actor: User, company: Company, source: Shareholder, target: Shareholder,
             shares: Decimal, on: date, lock_up_until: date | None) -> tuple[ShareEntry, dict]:
    """A transfer on the ledger between the pool and a person, on the company's list, not yet
    written, and what its audit record says. It has no note: its kind (acquired by equity
    incentive) and its holders say what it is in every reader's language, where a sentence
    stored now would stay in the actor's."""
    entry = ShareEntry(kind=EntryKind.TRANSFER, on_date=on, shares=shares, from_holder=source,
                       to_holder=target, acquired_by=Acquisition.INCENTIVE,
                       lock_up_until=lock_up_until if lock_up_until and lock_up_until > on
                       else None, note="", recorded_by_id=actor.id)
    company.entries.append(entry)
    changes = audit.pending_changes(entry)
    changes["holders"] = [None, [source.name, target.name]]
    return entry, changes


@dataclass
class Checked:
    """A grant `check_grant` found sound: its pool, person and instrument, and the values."""

    pool: Shareholder
    user: User | None
    name: str
    kind: GrantKind
    values: dict[str, Any]


def check_grant(company: Company, values: dict[str, Any]) -> Checked:
    """Every rule of a grant from the company's pool (`values` as the grant form gives them):
    Refused without a cap table, else every problem at once, each beside its field. Asked by
    `grant` and by the companies import's bulk path, of a company it has not written yet
    (`tracker.imports.grants_bulk`)."""
    companies.require_cap_table(company)
    problems = Problems()
    on = values.get("granted_on")
    if on is None:
        problems.add("granted_on", _("Give the grant date."))
    else:
        problems.collect(ledger_checks.check_dated, company, "granted_on", on)
    pool = next((p for p in pools(company) if p.id == values.get("pool_id")), None)
    if pool is None:
        problems.add("pool_id", _("%(name)s has no incentive pool to grant from: issue shares "
                                  "to one first.", name=company.name) if not pools(company)
                     else _("Choose one of the company's incentive pools."))
    user = values.get("user")
    typed = (values.get("person_name") or "").strip()
    name = typed or (user.name if user else "")
    if user is not None and typed:
        problems.add("person_name", _("Choose a user or type a name, not both: a user's grant "
                                      "is in their own name (%(name)s).", name=user.name))
    elif not name:
        problems.add("person_name", _("Name the person, or choose them from the users."))
    elif user is not None and not receives(user):
        problems.add("user_id", _("%(name)s cannot be granted equity: external experts, "
                                  "enterprise contacts, HQ admins and closed accounts are not "
                                  "grantees.", name=user.name))
    else:  # a holding of the type team, never HQ's (`holder_names.check_holders`)
        problems.collect(holder_names.check_holders, company,
                         [(name, HolderType.TEAM, "person_name")])
    try:
        kind = GrantKind(values.get("kind"))
    except ValueError:
        problems.add("kind", _("Choose shares or options."))
        kind = None
    shares = values.get("shares")
    whole(problems, "shares", shares)
    price = values.get("exercise_price")
    if kind is GrantKind.OPTIONS and (price is None or price < 0):
        problems.add("exercise_price", _("Options have an exercise price (0 or more)."))
    check_schedule(problems, values, on, company)
    # What the pool can give, as soon as the pool, the date and the number can be read: in the
    # same answer as the other problems (it was said only once they were all put right).
    if (pool is not None and on is not None and "granted_on" not in problems
            and "shares" not in problems
            and shares > (left := reserve.transferable(company, pool, on))):
        held = ledger.lowest_balance_from(company, pool.id, on)
        problems.add("shares", ngettext(
            "%(pool)s holds %(held)s share from %(date)s on, of which %(promised)s are "
            "promised to options granted before: %(left)s can be granted, not %(shares)s.",
            "%(pool)s holds %(held)s shares from %(date)s on, of which %(promised)s are "
            "promised to options granted before: %(left)s can be granted, not %(shares)s.",
            plural(held), pool=pool.shown_name, held=number(held),
            date=day(on), promised=number(reserve.promised(pool)),
            left=number(max(left, ZERO)), shares=number(shares)))
    problems.raise_any()
    return Checked(pool, user, name, kind, values)


def new_grant(actor: User, company: Company, checked: Checked
              ) -> tuple[IncentiveGrant, dict, tuple[ShareEntry, dict] | None]:
    """The grant `check_grant` found sound, not yet written: the record, what its audit record
    says, and a grant of shares' transfer from the pool with what its own says."""
    values, kind = checked.values, checked.kind
    holder = companies.holder_for(company, checked.name, HolderType.TEAM, checked.user)
    record = IncentiveGrant(
        company=company, pool=checked.pool, holder=holder,
        user_id=checked.user.id if checked.user else None, person_name=checked.name, kind=kind,
        shares=values["shares"], exercise_price=values.get("exercise_price")
        if kind is GrantKind.OPTIONS else None, granted_on=values["granted_on"],
        vesting_start=values["vesting_start"], vesting_months=values["vesting_months"],
        cliff_months=values["cliff_months"], lock_up_until=values.get("lock_up_until"),
        exercise_window_days=values.get("exercise_window_days")
        if kind is GrantKind.OPTIONS else None,
        note=(values.get("note") or "").strip(), recorded_by_id=actor.id)
    # What was granted, before the transfer is written (it was read after, and a grant of
    # shares' record said nothing but the import it came with).
    changes = audit.pending_changes(record)
    moved = None
    if kind is GrantKind.SHARES:
        moved = new_move(actor, company, checked.pool, holder, record.shares,
                         record.granted_on, record.lock_up_until)
        record.grant_entry = moved[0]
    return record, changes, moved


