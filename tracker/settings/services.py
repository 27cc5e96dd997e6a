"""Reading and changing the settings of the catalogue."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ScalarSelect, func, select

from tracker import db
from tracker.audit import services as audit
from tracker.display.formatting import days, money
from tracker.display.labels import days_after
from tracker.errors import Forbidden, Invalid, Problems
from tracker.reminders.ladder import When, out_of_order
from tracker.reminders.rules import RULES
from tracker.settings.catalogue import (
    CATALOGUE,
    INDIRECT_TIER1_UPTO,
    INDIRECT_TIER2_UPTO,
    SESSION_IDLE_MINUTES,
    SESSION_LIFETIME_HOURS,
    TEAM_HOLDING_MAX_PCT,
    TEAM_HOLDING_MIN_PCT,
)
from tracker.settings.models import SettingValue

if TYPE_CHECKING:
    from tracker.accounts.models import User


class SettingsPage:
    """Every setting on one page, versioned as one record: its version moves with any change to
    any setting (rows are never deleted: each new row and each update adds to it), so a save
    made on a page loaded before someone else's save is refused with what they changed."""

    __tablename__ = SettingValue.__tablename__
    id = None

    @property
    def version(self) -> int:
        return int(db.session.scalar(select(
            func.coalesce(func.sum(SettingValue.version), 0) + func.count(SettingValue.id))))


def page() -> SettingsPage:
    return SettingsPage()


def _row(key: str) -> SettingValue | None:
    return db.session.scalar(select(SettingValue).where(SettingValue.key == key))


_CACHED = "settings"
_TABLES = frozenset({SettingValue.__tablename__})


def _values() -> dict[str, str]:
    """Every value HQ has set, read once per transaction (`db.cached`): a request checks the
    session's timeouts, and a page or a scan may read a dozen settings more."""
    return db.cached(_CACHED, _TABLES, lambda: dict(
        db.session.execute(select(SettingValue.key, SettingValue.value)).tuples().all()))


def every_value() -> ScalarSelect[str | None]:
    """Every value HQ has set as one column ("key=value" lines; NULL: none), for the statement
    each signed-in request starts with (`accounts.sessions.resume`) to bring along: the
    request then runs no statement of its own for its settings. Keys are the catalogue's
    names and values numbers, so neither holds the separators."""
    return select(func.aggregate_strings(SettingValue.key + "=" + SettingValue.value, "\n")
                  ).scalar_subquery()


def remember(every: str | None) -> None:
    """What `every_value()` read, kept for the rest of the transaction as `_values` would
    keep what it reads (and forgotten as that is)."""
    db.cached(_CACHED, _TABLES, lambda: dict(
        line.split("=", 1) for line in (every or "").split("\n") if line))


def get(key: str) -> Decimal | int:
    definition = CATALOGUE[key]
    value = _values().get(key)
    if value is None:
        return definition.default
    return definition.kind(value)


def set_value(actor: User, key: str, raw: str) -> None:
    if not SettingValue.can_change(actor):
        raise Forbidden()
    definition = CATALOGUE[key]
    try:
        value = definition.kind(raw.strip())
    except (InvalidOperation, ValueError):
        raise Invalid(key, _("Enter a number.")) from None
    if value < definition.minimum and definition.minimum_why is not None:
        raise Invalid(key, str(definition.minimum_why))
    if value < definition.minimum or (
        definition.maximum is not None and value > definition.maximum
    ):
        raise Invalid(key, _("Out of the allowed range."))
    row = _row(key)
    before = str(get(key))
    if row is None:
        row = SettingValue(key=key, value=str(value), updated_by_id=actor.id)
        db.session.add(row)
    else:
        row.value = str(value)
        row.updated_by_id = actor.id
    db.session.flush()
    audit.record(actor, "setting.update", row, {"value": [before, str(value)]})


def _check_together(values: dict[str, Decimal | int]) -> None:
    """Rules between settings: the team-holding bounds leave room between them; the tiers of
    indirect costs go up; an idle
    timeout no shorter than the session's lifetime would never end a session; each reminder
    ladder's rungs stay in order."""
    problems = Problems()  # every rule broken at once, each beside its setting
    if values[TEAM_HOLDING_MIN_PCT] >= values[TEAM_HOLDING_MAX_PCT]:
        problems.add(TEAM_HOLDING_MAX_PCT, _(
            "The upper bound of the team holding must be above its lower bound (%(low)s%%).",
            low=values[TEAM_HOLDING_MIN_PCT]))
    if values[INDIRECT_TIER2_UPTO] <= values[INDIRECT_TIER1_UPTO]:
        problems.add(INDIRECT_TIER2_UPTO, _(
            "The second tier of indirect costs must end above the first (%(upto)s).",
            upto=money(values[INDIRECT_TIER1_UPTO])))
    if values[SESSION_IDLE_MINUTES] >= values[SESSION_LIFETIME_HOURS] * 60:
        problems.add(SESSION_IDLE_MINUTES, ngettext(
            "A session left unused must end before its lifetime does (%(num)s hour).",
            "A session left unused must end before its lifetime does (%(num)s hours).",
            values[SESSION_LIFETIME_HOURS]))
    for rule in RULES.values():
        pair = out_of_order(rule.steps, {step.name: values[rule.setting_key(step)]
                                         for step in rule.steps})
        if pair is None:
            continue
        earlier, later = pair
        numbers = {"rule": rule.label, "later": values[rule.setting_key(later)],
                   "earlier": values[rule.setting_key(earlier)]}
        if later.when == When.BEFORE:  # "1 day", never "1 days" (`formatting.days`)
            message = _("%(rule)s: the reminder %(later)s before the deadline would come "
                        "before the one %(earlier)s before it; the rungs go in order.",
                        rule=rule.label, later=days(numbers["later"]),
                        earlier=days(numbers["earlier"]))
        else:
            message = _("%(rule)s: the rung %(later)s would come before the one %(earlier)s; "
                        "the rungs go in order.", rule=rule.label,
                        later=days_after(numbers["later"], rule.business_days, rule.since),
                        earlier=days_after(numbers["earlier"], rule.business_days, rule.since))
        problems.add(rule.setting_key(later), message)
    problems.raise_any()


def save(actor: User, values: dict[str, Decimal | int]) -> int:
    """Change the settings given (key -> value), each audited; return how many changed."""
    if not SettingValue.can_change(actor):
        raise Forbidden()
    unknown = [key for key in values if key not in CATALOGUE]
    if unknown:
        raise Invalid(unknown[0], _("Unknown setting."))
    _check_together({key: values.get(key, get(key)) for key in CATALOGUE})
    changed = 0
    for key, value in values.items():
        if get(key) != value:
            set_value(actor, key, str(value))
            changed += 1
    return changed
