"""From a cell's text to what the form field expects: a reference found by its natural key, a
choice by its value, its label in either language or a short form of it
(`tracker.display.choice_names`), a date in ISO form, a yes or no.

Only the spelling is translated here; whether the value is acceptable is the form's and the
service's to say, as for a person typing it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectFieldBase

from tracker import db
from tracker.accounts.models import User
from tracker.display import choice_names, said
from tracker.display.labels import label
from tracker.imports import shortened
from tracker.imports.columns import Column, Ref
from tracker.imports.parties import enterprise_id, partner_id, region_id
from tracker.names import half_width
from tracker.numbers import refuse_wan, ungrouped
from tracker.organisations.models import Institute, JointInnovationCentre, TechnologyNeed
from tracker.projects import codes
from tracker.projects.models import Project


class CellError(ValueError):
    """The cell's text names nothing the form could take; the message says why. `column`:
    the column's key, when the error is found after the cells were read."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.column = column


# A cell's entries' separators: never a comma, which a number may hold (`number`).
PARTS = re.compile(r"[;；\n]+")


def parts(text: str, separators: re.Pattern = PARTS) -> list[str]:
    """A cell's entries as written, the blank ones left out."""
    return [part for part in separators.split(text) if part.strip()]


def pair(part: str, column: str, how: str) -> tuple[str, str]:
    """An entry written `left: right` (a colon of either width, the last one), both sides
    trimmed; `how` says how to write it when it has none."""
    left, sep, right = part.replace("：", ":").rpartition(":")
    if not sep:
        raise CellError(how, column)
    return left.strip(), right.strip()


# How Excel shows a long number it rounded (1.23457E+07): `scientific`.
_SCIENTIFIC = re.compile(r"\s*[-+]?\d+(?:\.\d*)?[eE][-+]?\d+\s*")


def scientific(text: str, column: str = "") -> None:
    """Refuse `text` written in scientific notation: its digits are lost (`number_cells`)."""
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(_("%(value)s is written in scientific notation, as Excel shows a long "
                          "number it has rounded: its digits are lost. Format the column as a "
                          "number (or as text) in Excel, then save the file again.",
                          value=text.strip()), column)


def number(text: str, column: str, in_yuan: bool = False) -> str:
    """A number as every number field reads it (`numbers.ungrouped`), refused beside `column`;
    never one in scientific notation, nor in 万 (`numbers.refuse_wan`; `in_yuan`: an amount)."""
    scientific(text := half_width(text), column)  # full-width digits typed as usual
    try:
        refuse_wan(text, in_yuan)
        return ungrouped(text.strip())
    except ValueError as error:  # a separator not grouping thousands
        raise CellError(str(error), column) from None


def amount(text: str, column: str) -> Decimal:
    """An amount (1,500,000 or 1500000.00), refused as the forms' `MoneyField` refuses it."""
    try:
        value = Decimal(number(text, column, in_yuan=True))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise CellError(_("Enter an amount such as 1234567.89."), column)
    return value


# The cell errors of the row being read (`reading_row`), or None outside one.
_ROW_ERRORS: ContextVar[list[tuple[str, str]] | None] = ContextVar("row_errors", default=None)


@contextmanager
def reading_row() -> Iterator[list[tuple[str, str]]]:
    """While a row is read: the (column, message) of each column `read` could not read,
    instead of the first one stopping the row, so that its other columns are still read and
    checked and the row is told every problem at once, as a form is."""
    token = _ROW_ERRORS.set([])
    try:
        yield _ROW_ERRORS.get()
    finally:
        _ROW_ERRORS.reset(token)


def read(column: str, parse: Callable[..., Any], *args: Any) -> Any:
    """`parse(*args)`, a column's cells as the adapter takes them; while a row is read, a cell
    error is noted for its column and the column reads as left out of the file (None)."""
    try:
        return parse(*args)
    except CellError as error:
        note(error, column)
        return None


def unreadable(*columns: str) -> bool:
    """Whether a column of `columns` could not be read in the row being read (and checked):
    what rests on it (the payments on the instalments, a ledger's later entries on its cap
    table) is not checked either, or the row would be told problems that are not its own."""
    errors = _ROW_ERRORS.get() or []
    return any(column in columns for column, _message in errors)


def note(error: CellError, column: str = "") -> None:
    """The cell error noted for its column while a row is read; raised outside one."""
    errors = _ROW_ERRORS.get()
    if errors is None:
        raise error
    errors.append((error.column or column, str(error)))


_SEPARATORS = re.compile(r"[,;，；、/]+")
# A date, and the midnight many exporters write after it (2021-03-05 00:00:00): a day alone.
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]+0?0:00(?::00(?:\.0+)?)?)?$")
_YES = {"yes", "y", "true", "1", "是", "有效", "x", "✓"}
_NO = {"no", "n", "false", "0", "否", "无效"}


def accepted(enum_cls: type[enum.Enum] | Iterable[enum.Enum]) -> str:
    """The choices, each by its code and its label in the reader's language."""
    return said.listed([_("%(code)s (%(label)s)", code=member.value, label=label(member))
                              for member in enum_cls])


def choice(column: Column, text: str) -> str | list[str]:
    """A choice by its code, its English or Chinese label, or a short form of one where the
    column reads them (`Column.shortened`); refused with the list of the accepted ones, or of
    those a short form is short for."""
    names = choice_names.of_enum(column.choices)
    parts = [p for p in _SEPARATORS.split(text) if p.strip()] if column.many else [text]
    values, unknown = [], []  # every choice a cell of several names wrongly, said at once
    for part in parts:
        found = names.read(part, shortened=column.shortened)
        if len(found) > 1:
            raise CellError(_("%(value)s is short for several choices: %(choices)s. Write one "
                              "of them, by its code or its label.", value=part.strip(),
                              choices=accepted(column.choices(v) for v in found)))
        if not found:
            unknown.append(part.strip())
            continue
        if choice_names.folded(part) not in names.exact:
            shortened.note(column, part, found[0])
        values.append(found[0])
    if unknown:
        raise CellError(_("Not one of the choices: %(value)s. Write one of %(choices)s, by its "
                          "code or its label in English or Chinese.", value=said.listed(unknown),
                          choices=accepted(column.offered or column.choices)))
    return values if column.many else values[0]


def form_errors(form: Any, unread: bool = False) -> dict[Any, list[str]]:
    """A form's errors as an import says them, field by field (as `form.errors`, each field's
    messages one after the other): a choice the form refused lists the choices it offers, by
    the value a file writes and its label in the reader's language (a reporting period: 3
    (Quarterly)); a problem of one entry of a list (an instalment, a budget line) names the
    entry by its place in the cell and its field. `unread`: a cell of the row could not be
    read, and a choice that offers nothing offers what that cell names (a grant's person among
    its company's people): not said again beside it."""
    found: dict[Any, list[str]] = {}
    for name, field in form._fields.items():
        if unread and _offers_nothing(field):
            continue
        messages = _field_errors(field)
        if messages:
            found[name] = messages
    if getattr(form, "form_errors", None):
        found[None] = [str(m) for m in form.form_errors]
    return found


def _field_errors(field: Any) -> list[str]:
    if isinstance(field, FieldList):
        return [_("Entry %(n)d, %(field)s: %(problem)s", n=n, field=inner.label.text,
                  problem=problem)
                for n, entry in enumerate(field.entries, start=1)
                for inner in (entry.form if isinstance(entry, FormField) else [entry])
                for problem in _field_errors(inner)]
    if isinstance(field, FormField):
        return [m for inner in field.form for m in _field_errors(inner)]
    if isinstance(field.errors, dict):  # pragma: no cover - a form's own
        return [str(m) for messages in field.errors.values() for m in messages]
    return [_offered(field) if _refused_choice(field, m) else str(m) for m in field.errors]


def _offers_nothing(field: Any) -> bool:
    return isinstance(field, SelectFieldBase) and not [
        c for c in _choices(field) if str(c.value) not in ("", "0")]


def _choices(field: Any) -> list[Any]:
    return ([c for _group, inner in field.iter_groups() for c in inner]
            if field.has_groups() else list(field.iter_choices()))


def _refused_choice(field: Any, message: Any) -> bool:
    return isinstance(field, SelectFieldBase) and str(message) in (
        _("Choose one of the options offered."), _("Choose only among the options offered."))


def _offered(field: Any) -> str:
    """Why a choice field refused the cell, with the choices it offers."""
    choices = _choices(field)
    # A record is chosen by its id, which a file never writes (it names the record): its
    # names only, never an internal id (issue 13: "Write one of 9 (Pool 3)").
    records = field.name.endswith(("_id", "_ids"))
    offered = [c.label if records else _("%(code)s (%(label)s)", code=str(c.value),
                                          label=c.label)
               for c in choices if str(c.value) not in ("", "0" if records else "")]
    given = [v for v in (field.raw_data or []) if v and (v != "0" or not records)]
    # Never an empty value nor an empty list of choices (issue 13: "Not one of the choices:
    # —", "Write one of ."): an empty cell is required; no choice, what the row lacks.
    if not given:
        return _("This field is required.")
    if not offered:
        return _("Not one of the choices: %(value)s. There is nothing to choose from here.",
                 value=said.listed(given))
    return _("Not one of the choices: %(value)s. Write one of %(choices)s.",
             value=said.listed(given), choices=said.listed(offered))


def locale(text: str) -> str:
    """A language by its code, its name or a short form of it (中文); else as written, which
    the form refuses with the languages it offers."""
    found = choice_names.of_locales().read(text)
    return found[0] if len(found) == 1 else text


def iso_date(text: str) -> str:
    match = _DATE.match(text := half_width(text))  # ２０２１／３／５ as usual
    if not match:
        return text  # the form says what is wrong with it
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def split(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATORS.split(text) if p.strip()]


def flag(text: str) -> bool:
    folded = text.strip().casefold()
    if folded in _YES | _NO:
        return folded in _YES
    raise CellError(_("Write yes or no."))


class References:
    """Finds what reference cells name, each natural key asked once per import. A kind named
    by a unique key (an institute's code, a user's e-mail, a project's code) is read whole, in
    one statement, once a file has named `LOAD_AFTER` of them: a file of 100,000 milestones
    names 10,000 projects, which would be as many statements. What the whole read does not
    have (created since) is still asked for alone."""

    LOAD_AFTER = 20

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, int | None], int] = {}
        self._asked: dict[str, int] = {}
        self._all: dict[str, dict[str, int]] = {}
        self._hqs: set[str] | None = None

    def find(self, ref: str, text: str, within: int | None = None) -> int:
        """The id `text` names; `within`: the record of the column it is read among first
        (`Column.within`). Each text is asked once as its finder reads it: two texts that
        differ in a space inside or in case are two (`pm@i mport.cn` is refused, whichever
        row named `pm@import.cn` first; two needs "Pilot line" and "pilot line" are two)."""
        key = (ref, text.strip(), within)
        if key not in self._found:
            found_id = self._find(ref, text.strip(), within)
            if found_id is None:
                said = _MISSING[ref]() % {"key": text.strip()}
                # A name ending in a full stop (Co., Ltd.) is not followed by another.
                raise CellError(said[:-1] if said.endswith("..") else said)
            self._found[key] = found_id
        return self._found[key]

    def _find(self, ref: str, text: str, within: int | None) -> int | None:
        if ref in _WITHIN:
            return _WITHIN[ref](text, within)
        if ref not in _KEYED:
            return _FINDERS[ref](text)
        column, spelt = _KEYED[ref]
        # A project's code as written or with its number's zeros (`codes.spellings`).
        keys = codes.spellings(text, self.hq_codes()) if ref == Ref.PROJECT else (spelt(text),)
        if ref not in self._all:
            self._asked[ref] = self._asked.get(ref, 0) + 1
            if self._asked[ref] > self.LOAD_AFTER:
                self._all[ref] = {key: found_id for key, found_id in db.session.execute(
                    select(column, column.class_.id))}
        whole = self._all.get(ref, {})
        found = next((whole[key] for key in keys if key in whole), None)
        return found if found is not None else _FINDERS[ref](text)

    def forget(self) -> None:
        """After rows were rolled back, the ids they created are gone."""
        self._found.clear()
        self._all.clear()
        self._hqs = None

    def hq_codes(self) -> set[str]:
        """The headquarters' codes (`codes.spellings`), read once an import."""
        if self._hqs is None:
            self._hqs = codes.hq_codes()
        return self._hqs


# The references found by a unique key: the column, and the key as stored (`_FINDERS` asks
# for it alone; `References` reads them all once a file names many).
_KEYED: dict[str, tuple[Any, Callable[[str], str]]] = {
    Ref.INSTITUTE: (Institute.code, str.upper),
    Ref.USER: (User.email, str.lower),
    Ref.PROJECT: (Project.code, codes.spelt),
}


def _keyed(ref: str) -> Callable[[str], int | None]:
    column, spelt = _KEYED[ref]
    return lambda text: db.session.scalar(
        select(column.class_.id).where(column == spelt(text)))


_FINDERS: dict[str, Callable[[str], int | None]] = {
    **{ref: _keyed(ref) for ref in _KEYED}, Ref.ENTERPRISE: enterprise_id,
    Ref.PARTNER: partner_id, Ref.PROJECT: codes.find_id, Ref.REGION: region_id}


def _named(model: Any, column: Any, text: str, enterprise: int | None) -> list[Any]:
    """(id, enterprise id) of the records of `model` that `column` names `text`, those of
    `enterprise` first: a need or a centre belongs to an enterprise, and two enterprises' may
    share a name."""
    found = db.session.execute(select(model.id, model.enterprise_id).where(column == text)
                               .order_by(model.id)).all()
    return sorted(found, key=lambda record: record[1] != enterprise)


def need_id(text: str, enterprise: int | None) -> int | None:
    """A project's need by its title, among its partner enterprise's (`enterprise`) first:
    else the first of that title, which the service refuses as another enterprise's; without
    a partner, a title several enterprises' needs have names none of them."""
    found = _named(TechnologyNeed, TechnologyNeed.title, text, enterprise)
    if enterprise is None and len({stated_by for _need, stated_by in found}) > 1:
        raise CellError(_("Several enterprises have stated a technology need titled %(key)s: "
                          "name the project's partner enterprise, whose need it is.", key=text))
    return found[0][0] if found else None


def centre_id(text: str, enterprise: int | None) -> int | None:
    """A need's centre by its name, among its enterprise's centres first (the service refuses
    another enterprise's)."""
    found = _named(JointInnovationCentre, JointInnovationCentre.name, text, enterprise)
    return found[0][0] if found else None


# The references read among the records of another column's (`Column.within`).
_WITHIN: dict[str, Callable[[str, int | None], int | None]] = {
    Ref.NEED: need_id, Ref.CENTRE: centre_id}


# Said in the importing user's language when asked, hence functions.
_MISSING: dict[str, Callable[[], str]] = {
    Ref.INSTITUTE: lambda: _("No institute has the code %(key)s."),
    Ref.ENTERPRISE: lambda: _("No enterprise has the credit code or name %(key)s."),
    Ref.CENTRE: lambda: _("No joint innovation centre is called %(key)s."),
    Ref.USER: lambda: _("No account has the e-mail %(key)s."),
    Ref.NEED: lambda: _("No technology need has the title %(key)s."),
    Ref.PROJECT: lambda: _("No project has the code %(key)s."),
    Ref.PARTNER: lambda: _("No partner has the credit code or name %(key)s."),
    Ref.REGION: lambda: _("The headquarters has no region with the code or name %(key)s."),
}
