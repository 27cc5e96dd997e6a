"""How the history reads a value no column types (a service wrote it under a key of its own):
a count or an amount as a number, an ISO date as a date, a code as written
(`tracker.display.history.shown`, kind "auto")."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.db import Base
from tracker.display import formatting
from tracker.display.bilingual import in_reader_language
from tracker.display.history_keys import LOGIN_FAILURES, RETIRED_CODES
from tracker.display.labels import label
from tracker.display.said import listed
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.models import CriterionKind


def as_decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


DECIMAL = re.compile(r"-?\d+(\.\d+)?")
# Keys whose digits are an identifier, not a quantity: said as written.
CODE = re.compile(r"code|number|uscc|phone|reference|token|(^|_)id$|(^|_)no$")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def said_auto(value: Any) -> str:
    """A value under a key that is no column of the object (a service wrote it): a count or an
    amount as a number (1,000,000, never 1000000: money and counts are stored as text), an ISO
    date as a date, a list or a table of them item by item, never as Python writes them. A key
    that names a code or an identifier (`CODE`) is said as written instead."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float) or (isinstance(value, str) and DECIMAL.fullmatch(value)):
        number = as_decimal(value)
        return formatting.number(number) if number is not None else str(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(value) and as_date(value):
        return formatting.day(as_date(value))
    if isinstance(value, list):
        return listed((said_auto(item) for item in value), apart=True)
    if isinstance(value, dict):
        return listed((f"{key} {said_auto(item)}" for key, item in value.items()), apart=True)
    return str(value)


def said_enum(enum_class: type[enum.Enum], value: Any) -> str:
    """An enum's value in the reader's words; one it no longer has, as written."""
    try:
        return label(enum_class(value))
    except ValueError:
        return str(value)


def coded_names(table: str) -> dict[str, str]:
    """The rows of `table` by their code, each named in the reader's language, over the names
    the enum it replaced gave the codes no row has any more (`RETIRED_CODES`): how the history
    reads a value written before (an institute's region until migration 0112, "south"). A code
    two headquarters' lists share: the first headquarters', the tracker's."""
    model = next(mapper.class_ for mapper in Base.registry.mappers
                 if getattr(mapper.class_, "__tablename__", None) == table)
    names = {code: in_reader_language(name, name_en)
             for code, name, name_en in RETIRED_CODES.get(table, ())}
    first = [model.hq_id.desc()] if hasattr(model, "hq_id") else []
    for row in db.session.scalars(select(model).order_by(*first, model.id.desc())):
        names[row.code] = row.shown("name")
    return names


def said_failure(value: Any) -> str:
    """Why a sign-in was refused, from its code ("ldap:locked": the directory's refusal)."""
    provider, _colon, code = str(value).rpartition(":")
    said = str(LOGIN_FAILURES.get(code, code))
    return _("%(provider)s: %(reason)s", provider=provider.upper(), reason=said) if (
        provider) else said


def said_conditions(rows: Any, owner: Callable[[str], str] = str) -> str:
    """An imported decision's conditions as the import wrote them, [text, owner's e-mail, due
    date, state] each, and the days it was met and cleared where the file gave either
    (`imported_conditions.written`): the owner by name as the pages name people (`owner`: an
    e-mail to its user's name, `condition_owners`), the dates as dates, the state in the
    reader's words."""
    if not isinstance(rows, list):
        return str(rows)
    return listed((" · ".join([row[0], owner(row[1]), _said_day(row[2]),
                               label(ConditionState(row[3])), *_said_days(row[4:])])
                   if isinstance(row, list) and len(row) in (4, 6)
                   and row[3] in set(ConditionState) else str(row) for row in rows),
                  apart=True)


def _said_day(value: Any) -> str:
    return formatting.day(as_date(value)) if as_date(value) else str(value)


def _said_days(days: list) -> list[str]:
    """The days a condition was met and cleared, those given (none in a row of four)."""
    met, cleared = days or (None, None)
    return ([_("met on %(date)s", date=_said_day(met))] if met else []) + (
        [_("cleared on %(date)s", date=_said_day(cleared))] if cleared else [])


def condition_owners() -> dict[str, str]:
    """The names of the people who own a condition, by their e-mail (one statement): what the
    trail of an imported decision names them by."""
    return dict(db.session.execute(select(User.email, User.name).join(
        Condition, Condition.owner_id == User.id).distinct()).tuples().all())


# A gate template's criterion as audit records before [kind, weight, highest score, text,
# English text] rows described it: "must: 文本 / Text" or "should (weight 3, 0-5): 文本 / Text",
# the English after " / " when given (a text holding " / " was cut there: read as it was).
_CRITERION = re.compile(r"^(must|should \(weight ([\d.]+), 0-(\d+)\)): (.*?)(?: / (.*))?$", re.S)


def said_criteria(lines: Any) -> str:
    """A gate template's criteria as its audit record lists them, each in the reader's
    language: its kind in their words, its text in their language (the other when it has
    none), a scored one with its weight and scale (`gates.configuration.described_criteria`)."""
    if not isinstance(lines, list):
        return str(lines)
    said = []
    for line in lines:
        if isinstance(line, str) and (match := _CRITERION.match(line)) is not None:
            line = [CriterionKind.MUST.value if match.group(2) is None else
                    CriterionKind.SHOULD.value, *match.group(2, 3, 4, 5)]
        if not (isinstance(line, list) and len(line) == 5):
            said.append(str(line))
            continue
        kind, weight, highest, text, english = line
        text = in_reader_language(text, english)
        said.append(_("%(kind)s: %(text)s", kind=label(CriterionKind.MUST), text=text)
                    if kind == CriterionKind.MUST.value else _(
                        "%(kind)s (weight %(weight)s, 0 to %(max)s): %(text)s",
                        kind=label(CriterionKind.SHOULD), weight=weight, max=highest,
                        text=text))
    return listed(said, apart=True)
