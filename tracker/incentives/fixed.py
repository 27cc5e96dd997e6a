"""What of a grant its correction (`services.update_grant`) no longer changes, because what
happened on it depends on it: the vesting schedule once options were exercised or the person
left, the lock-up once the ledger's shares carry one, the exercise window once leaving fixed
it. Each refusal says what fixed it and when, and what to do (reverse that first on the
grant's page, or leave the field as it was and save the rest)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.companies.models import ShareEntry
from tracker.display.formatting import day, number, plural
from tracker.incentives.models import GrantKind, IncentiveGrant


def schedule_refusal(record: IncentiveGrant) -> str | None:
    """Why the vesting schedule is not corrected: options were exercised on it (how many in
    all, standing, and the first exercise's date), or the person left (the leaving's date,
    which the schedule stopped at); None while nothing depends on it."""
    if exercises := record.exercises:
        # One option is one exercise: the singular has no "first".
        exercised = sum(e.shares for e in exercises)
        return ngettext("%(shares)s option was exercised on this schedule on %(date)s: it "
                        "stays as it was. If the exercise was recorded by mistake, reverse it "
                        "on the grant's page first.",
                        "%(shares)s options were exercised on this schedule, the first on "
                        "%(date)s: it stays as it was. If the exercises were recorded by "
                        "mistake, reverse them on the grant's page first.", plural(exercised),
                        shares=number(exercised), date=day(exercises[0].on_date))
    if record.is_forfeited:
        return _("%(name)s left on %(date)s, which ended the grant on this schedule: it stays "
                 "as it was. If the leaving was recorded by mistake, reverse it on the grant's "
                 "page first.", name=record.person_name, date=day(record.left_on))
    return None


def entries_to_holder(record: IncentiveGrant) -> list[ShareEntry]:
    """The ledger's entries that gave the person shares under the grant: the shares granted,
    or each exercise's."""
    return [e for e in (record.grant_entry, *(x.entry for x in record.exercises)) if e]


def lock_up_refusal(record: IncentiveGrant) -> str | None:
    """Why the lock-up is not corrected: the grant's shares on the ledger carry one (the
    ledger is not rewritten; a lock-up left out is given to them: `services._lock`)."""
    locked = next((e for e in entries_to_holder(record) if e.lock_up_until is not None), None)
    if locked is None:
        return None
    return _("The grant's shares moved on the ledger on %(date)s are locked up until "
             "%(until)s: the ledger is not rewritten, so the lock-up stays as it was.",
             date=day(locked.on_date), until=day(locked.lock_up_until))


def window_refusal(record: IncentiveGrant) -> str | None:
    """Why the exercise window is not corrected: the person's leaving fixed it."""
    if not record.is_forfeited:
        return None
    return _("%(name)s left on %(date)s, which fixed the exercise window: it stays as it was. "
             "If the leaving was recorded by mistake, reverse it on the grant's page first.",
             name=record.person_name, date=day(record.left_on))


def fixed_fields(record: IncentiveGrant) -> dict[tuple[str, ...], str]:
    """The fields of the correction's form that no longer change, each group with the
    sentence why: the form shows them as they are, read-only, the sentence beside them,
    instead of taking a change the service would refuse (found on the demo: a grant whose
    holder left offered its whole schedule to correct, each change refused on saving; the
    lock-up once the ledger's shares carry one, likewise)."""
    groups = {("vesting_start", "vesting_months", "cliff_months"): schedule_refusal(record),
              ("lock_up_until",): lock_up_refusal(record)}
    if record.kind is GrantKind.OPTIONS:
        groups[("exercise_window_days",)] = window_refusal(record)
    return {names: said for names, said in groups.items() if said is not None}
