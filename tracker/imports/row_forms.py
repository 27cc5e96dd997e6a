"""One row of an import: its cells read as its page's form input (`_convert`), filled into
that form and checked (`prepare_row`), with the service's own checks run as a dry run when a
cell has a problem (`_service_problems`), so that every problem of the row is said at once;
then saved by the page's service in a savepoint of its own (`import_row`). The run of a whole
file, its counts and its end are `tracker.imports.services`'.

This module drives forms as a request does, which is why it reaches the web layer's form
classes (through `tracker.imports.adapters`): the import has no rules of its own to keep in
step with the pages'.
"""

from __future__ import annotations

import warnings
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.errors import Forbidden, Invalid, Refused, found_until_stopped
from tracker.imports import (
    cells,
    form_problems,
    list_cells,
    number_cells,
    reading,
    references,
    shortened,
)
from tracker.imports.adapters import Adapter, as_form_text, form_defaults
from tracker.imports.bulk import Batch, given_twice, row_key
from tracker.imports.columns import Kind
from tracker.imports.kinds import ADAPTERS


class RowRefused(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors  # [(column key or "", message)]


def _convert(kind: Kind, row: dict[str, str], refs: references.References,
             defaults: dict[str, Any] | None = None):
    """The row's cells as form input, the references found ({key: id}) and the problems of
    the cells that name nothing the form could take ([(key, message)]: left out of the
    input, so that the form still checks the others). An empty cell of a field with a
    default (`defaults`) is that default, as a blank form shows it."""
    if isinstance(row, reading.TotalRow):  # never a record named 合计 or 注：… (issue 13)
        raise RowRefused([(row.column, row.said())])
    defaults = defaults or {}
    given: dict[str, list[str]] = {}
    found: dict[str, int] = {}
    errors, numbers = [], number_cells.number_fields(ADAPTERS[kind.name].form_class)
    for column in kind.columns:
        if column.key not in row:
            continue
        text = column.as_typed(row[column.key], column.key in numbers)
        try:
            if not text and column.required and (column.ref or column.choices):
                raise cells.CellError(_("This field is required."))  # never None to a service
            if not text:
                given[column.key] = [] if column.many else (["0"] if column.ref else [""])
                if column.is_flag:  # the form's default: a user active, no legal entity
                    given[column.key] = ["y"] if defaults.get(column.key) else []
                elif column.key in defaults and not column.many:
                    given[column.key] = as_form_text(defaults[column.key])
            elif column.ref and column.many:
                ids = list_cells.each(cells.split(text), lambda part, ref=column.ref: refs.find(
                    ref, part), column.key)  # every one that names nobody
                found[column.key] = ids
                given[column.key] = [str(i) for i in ids]
            elif column.ref:
                found[column.key] = refs.find(column.ref, text, found.get(column.within))
                given[column.key] = [str(found[column.key])]
            elif column.choices:
                value = cells.choice(column, text)
                given[column.key] = value if isinstance(value, list) else [value]
            elif column.is_date:
                given[column.key] = [cells.iso_date(text)]
            elif column.is_flag:
                given[column.key] = ["y"] if cells.flag(text) else []
            elif column.key == "locale":
                given[column.key] = [cells.locale(text)]
            else:
                given[column.key] = [number_cells.typed(column, numbers.get(column.key), text)]
        except cells.CellError as error:
            errors.append((column.key, str(error)))
    return given, found, errors


class Prepared:
    """A row read and checked by its form, not yet saved: its record (None: a new one)."""

    __slots__ = ("obj", "values")

    def __init__(self, obj: Any, values: dict[str, Any]) -> None:
        self.obj, self.values = obj, values


def prepare_row(adapter: Adapter, row: dict[str, str], refs: references.References,
                seen: dict[Any, int], number: int, batch: Batch | None = None,
                actor: User | None = None) -> Prepared | tuple[str, Any]:
    """Fill the row into its page's form and validate it, writing nothing: the record to save
    and the values, or ("unchanged", record) when the record already says what the row does.
    A row with a problem in any cell also gets the service's checks of `actor`'s save (a dry
    run) on the cells that could be read, as a page does, so that it reports every problem of
    the row in one pass (issue 13, F51, T11)."""
    kind = adapter.kind
    defaults = form_defaults(adapter.form_class)
    with shortened.row(number, kind):
        given, found, cell_errors = _convert(kind, row, refs, defaults)
        probe = {k: (found[k] if k in found else (v[0] if v else "")) for k, v in given.items()}
        obj = batch.find(probe) if batch is not None else adapter.find(probe)
        # A record given by an earlier row, whether that row was saved or refused.
        natural = row_key(adapter, row, given, found,
                          refs.hq_codes() if "code" in kind.key else ())
        if (first := seen.get(natural) or (seen.get(obj.id) if obj else None)) is not None:
            raise RowRefused([given_twice(first, kind, natural[0] if natural else kind.key)])
        for taken in (natural, obj.id if obj is not None else None):
            if taken is not None:
                seen[taken] = number
        formdata = MultiDict()
        for key, value in (adapter.form_data(obj) or {}).items():
            if key not in given:
                formdata.setlist(key, as_form_text(value))
        for column in kind.columns:
            if column.key in given or column.key in formdata or column.many or column.is_flag:
                continue
            # A column the file leaves out, of a new record: as a blank form sends it (its default).
            formdata.setlist(column.key, as_form_text(defaults[column.key])
                             if column.key in defaults else ["0"] if column.ref else [""])
        for key, value in given.items():
            formdata.setlist(key, value)
        # Every problem of the row's cells at once: those that name nothing or can't be read (a
        # cap table), then what the form finds wrong with the others, then the service.
        with cells.reading_row() as unread:
            unread += cell_errors
            try:
                for key, value in adapter.more_formdata(given, obj).items():
                    formdata.setlist(key, value)
            except cells.CellError as error:
                cells.note(error)
            form = (batch or adapter).form(formdata, obj, found)
            valid = form.validate()
            values = _values(adapter, form, given, valid)
            errors = list(unread)
            if not valid:
                refused = {key for key, _message in errors}
                errors += [(column if column in {c.key for c in kind.columns} else "", message)
                           for key, messages in form_problems.errors(form, bool(refused)).items()
                           if (column := adapter.column_of(key or "")) not in refused
                           for message in messages]
            changed = obj is not None and {k: v for k, v in (values or {}).items()
                                           if not k.startswith("_")} != adapter.current(obj)
            if obj is not None and values is not None:  # what no save compares (a project's
                # decisions), with the row's other problems: a column with its own keeps it alone
                refused = {key for key, _message in errors}
                errors += [found for found in adapter.unchangeable(obj, values, given)
                           if found[0] not in refused]
            if errors:  # the service asked after the rows before it, as the row-by-row path
                if batch is not None:
                    batch.write()
                raise RowRefused(errors + (_service_problems(actor, adapter, obj, values, errors)
                                           if obj is None or changed else []))
        if obj is None and (renamed := (batch or adapter).renamed(values, seen)):
            raise RowRefused(renamed)
        if obj is not None and not changed:
            seen[obj.id] = number
            return "unchanged", obj
        return Prepared(obj, values)


def _values(adapter: Adapter, form: Any, given: dict[str, list[str]],
            valid: bool) -> dict[str, Any] | None:
    """What the page's view would hand to the service; None: too little to ask it."""
    try:
        return adapter.values(form, given)
    except cells.CellError as error:  # a column the others need (the deal's achievement)
        cells.note(error)
        return None
    except Exception:
        if valid:
            raise
        return None


def _service_problems(actor: User | None, adapter: Adapter, obj: Any,
                      values: dict[str, Any] | None, errors: list[tuple[str, str]]
                      ) -> list[tuple[str, str]]:
    """What the service finds wrong with the columns the form and the cells let pass (a column
    with an error keeps it alone): its save run as a dry run on what could be read, as a
    page's `tracker.web.actions` does, with what it found until it stopped on a value it had
    not (`found_until_stopped`). A refusal of the whole row (a milestone accepted) is too."""
    refused = {key for key, _message in errors}
    if actor is None or values is None or any(
            c.decides and c.key in refused for c in adapter.kind.columns):
        return []
    found: list[tuple[str, str]] = []
    savepoint = db.Savepoint()
    try:
        with warnings.catch_warnings(), found_until_stopped() as stopped:
            warnings.simplefilter("ignore")  # a None the form could not read is no news
            adapter.save(actor, obj, values)
    except (Invalid, Refused, Forbidden) as refusal:
        found = adapter.refused(refusal)
    except Exception:  # noqa: BLE001 - any other failure on incomplete input: what the
        found = adapter.in_columns(stopped)  # service found until it stopped there
    finally:
        savepoint.rollback()
    return [problem for problem in found if problem[0] not in refused and problem not in errors]


def save_prepared(actor: User, adapter: Adapter, prepared: Prepared, seen: dict[Any, int],
                  number: int) -> tuple[str, Any]:
    """Save a prepared row by its page's service: "created", "updated" or "unchanged"."""
    obj = prepared.obj
    audit.take_written()  # from here on, what this row writes
    written = audit.written_during_import()
    try:
        saved = adapter.save(actor, obj, prepared.values)
    except (Invalid, Refused, Forbidden) as error:
        raise RowRefused(adapter.refused(error)) from None
    seen[saved.id] = number
    if obj is not None and audit.written_during_import() == written:
        return "unchanged", saved  # the service found nothing to change (a code's case)
    return ("created" if obj is None else "updated"), saved



def import_row(actor, adapter, row, refs, seen, number, batch) -> tuple[str, Any]:
    """One row of a run saved in a savepoint of its own (taken back when refused), or held
    by the kind's bulk path (`batch`) to be written with others: "created", "updated" or
    "unchanged", and the record (None: held)."""
    prepared = prepare_row(adapter, row, refs, seen, number, batch, actor=actor)
    if not isinstance(prepared, Prepared):
        return prepared
    if batch is not None:
        try:
            if prepared.obj is None and batch.take(prepared.values, number):
                return "created", None
        except (Invalid, Refused, Forbidden) as error:
            raise RowRefused(adapter.refused(error)) from None
        if batch.writes_first(prepared.values, prepared.obj):
            batch.write()
    savepoint = db.Savepoint()
    try:
        outcome = save_prepared(actor, adapter, prepared, seen, number)
    except RowRefused:
        savepoint.rollback()
        raise
    savepoint.commit()
    if batch is not None and prepared.obj is None:
        batch.saved(prepared.values, number)
    return outcome
