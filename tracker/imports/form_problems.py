"""A form's errors as an import says them: beside their fields, a choice refused with the
choices the form offers (by the value a file writes, never an internal id), a problem of one
entry of a list named by its place in the cell.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectFieldBase

from tracker.display import said


def errors(form: Any, unread: bool = False) -> dict[Any, list[str]]:
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
