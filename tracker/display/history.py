"""An audit record as a sentence a reader understands: who did what (the action's name), to
what (the object's name), and for each field its label and its old and new values formatted as
on the object's page (money, dates, enum labels, names instead of ids).

The trail keeps JSON scalars, typed by the column of the object's model they were read from
(a key a service writes itself: `history_keys.written`). Names of the records values refer to
are loaded in one statement per kind of record, whatever the number of lines shown
(`tracker.display.history_names`)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import JSON, Boolean, Date, Enum, Integer, Numeric
from sqlalchemy import inspect as sa_inspect

from tracker.db import UTCDateTime
from tracker.display import formatting, history_values
from tracker.display.history_keys import FIELDS_OF, IMPORT_KINDS, PERCENT_KEYS, Kind, written
from tracker.display.history_names import Names, model_of, name_of, object_name_of_kind
from tracker.display.history_values import CODE, as_date, as_decimal, said_auto, said_failure
from tracker.display.labels import LOCALE_NAMES, label
from tracker.display.record_names import stored_id
from tracker.display.said import listed
from tracker.display.words import ACTIONS, FIELDS, HIDDEN, OF_KIND, VERBS
from tracker.gates import score_history, scorecards
from tracker.settings.catalogue import CATALOGUE


@dataclass
class Change:
    label: str
    before: str
    after: str
    key: str = ""
    raw: Any = None  # the new value as stored
    # Where the page links the values (a file, for a reader who may download it); else None.
    before_href: str | None = None
    after_href: str | None = None


@dataclass
class Line:
    """One record, readable."""

    at: datetime
    actor: Any
    action: str
    what: str  # the kind of object
    name: str  # the object's name
    object_type: str
    object_id: int | None
    address: str | None
    changes: list[Change] = field(default_factory=list)


def action_name(code: str, object_type: str, obj: Any = None) -> str:
    if (said := OF_KIND.get((code, getattr(obj, "kind", None)))) is not None:
        return str(said)  # a deal's action in the words of its kind (an assignment)
    if code in ACTIONS:
        return str(ACTIONS[code])
    verb = VERBS.get(code.rsplit(".", 1)[-1])
    what = object_name_of_kind(object_type)
    if verb is None:
        return _("%(what)s: a change recorded", what=what)
    return _("%(what)s %(verb)s", what=what, verb=verb)


def field_label(key: str, object_type: str = "", obj: Any = None) -> str:
    if object_type == "setting_values" and key == "value" and obj is not None:
        definition = CATALOGUE.get(getattr(obj, "key", ""))
        if definition is not None:
            return str(definition.label)
    if (object_type, key) in FIELDS_OF:  # a key that means something else on this object
        return str(FIELDS_OF[object_type, key])
    if key.endswith("_en") and key[:-3] in FIELDS:  # the English value of reference data
        return _("%(field)s in English", field=FIELDS[key[:-3]])
    return str(FIELDS.get(key, _("Other detail")))


def kind_of(model: type | None, key: str, action: str | None = None) -> Kind:
    """How the value `action` wrote under `key` on a record of `model` is shown."""
    if (found := written(getattr(model, "__tablename__", None), key, action)) is not None:
        return found
    column = model.__table__.columns.get(key) if model is not None else None
    if column is None:
        if formatting.is_year(key):
            return "year"
        return "text" if CODE.search(key) else "auto"
    if column.foreign_keys:
        return ("ref", next(iter(column.foreign_keys)).column.table.name)
    kind = column.type
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return ("enum", kind.enum_class)
    if isinstance(kind, UTCDateTime):
        return "instant"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Numeric):
        if key in PERCENT_KEYS:
            return "pct"
        return "money" if kind.scale == 2 and kind.precision == 18 else "number"
    if isinstance(kind, Integer):
        return "year" if formatting.is_year(key) else "number"
    if isinstance(kind, JSON):
        return "list"
    return "text"


def shown(kind: Kind, value: Any, names: Names) -> str:
    """A stored value as the object's page shows it."""
    if value is None or value == "" or value == []:
        return "—"
    if value == "***" or kind == "secret":
        return _("(not shown)")
    if isinstance(kind, tuple):
        tag, target = kind
        if tag in ("enum", "enums"):
            return listed(history_values.said_enum(target, v) for v in
                          (value if isinstance(value, list) else [value]))
        if tag == "refs" and isinstance(value, list):
            return listed(names.name(target, v) for v in value)
        if tag == "coded":  # a code of a row of `target`, written before the table was made
            return str(names._named(target, value, lambda: history_values.coded_names(target)))
        return names.name(target, value)
    if kind == "year":
        return formatting.year(value) if isinstance(value, int) else str(value)
    if kind == "locale":
        return LOCALE_NAMES.get(str(value), str(value))
    if kind == "import_kind":
        return str(IMPORT_KINDS.get(value, value))
    if kind == "login_failure":
        return said_failure(value)
    if kind == "bool":
        return _("Yes") if value else _("No")
    if kind in ("money", "number", "pct", "whole_pct"):
        number = as_decimal(value)
        return getattr(formatting, kind)(number) if number is not None else str(value)
    if kind == "date":
        return formatting.day(as_date(value)) if as_date(value) else str(value)
    if kind == "instant":
        try:
            return formatting.instant(datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if kind == "instalment":  # [its number, its due date]; older records: the date alone
        return (_("%(n)s (due %(date)s)", n=value[0], date=shown("date", value[1], names))
                if isinstance(value, list) and len(value) == 2 else shown("date", value, names))
    if kind == "date_money" and isinstance(value, list) and len(value) == 2:
        return f"{shown('date', value[0], names)} · {shown('money', value[1], names)}"
    if kind == "date_money_rows" and isinstance(value, list):
        return listed((shown("date_money", row, names) for row in value), apart=True)
    if kind in ("holder", "budget_category"):
        return str((names.holder if kind == "holder" else names.category)(value))
    if kind == "holders" and isinstance(value, list):
        return " → ".join(str(names.holder(v)) for v in value)
    if kind in ("text_money_rows", "code_money_rows", "text_number_rows", "partner_number_rows",
                "holder_number_rows") and isinstance(value, list | dict):
        rows = [list(row) for row in value.items()] if isinstance(value, dict) else value
        cell = "money" if kind.endswith("money_rows") else "number"
        said = {"partner_number_rows": names.partner, "holder_number_rows": names.holder,
                "text_money_rows": names.category}.get(kind, str)
        return listed((f"{said(row[0])} {shown(cell, row[1], names)}" if isinstance(row, list)
                       and len(row) == 2 else str(row) for row in rows), apart=True)
    if kind == "conditions":  # each owner by name, the owners read once
        return history_values.said_conditions(value, lambda email: names._named(
            "owner", email, history_values.condition_owners))
    if kind == "criteria":
        return history_values.said_criteria(value)
    if kind == "auto":
        return said_auto(value)
    if isinstance(value, list):
        return listed((str(v) for v in value), apart=True)
    if isinstance(value, enum.Enum):
        return label(value)
    return str(value)


@cache
def _order(model: type | None) -> dict[str, int]:
    """A model's fields in the order its columns are declared: the order of its page and form
    (a period's start before its end), where sorting by name put 期间止 before 期间起."""
    if model is None:
        return {}
    return {column.key: i for i, column in enumerate(sa_inspect(model).columns)}


def describe(records: Iterable[Any], reader: Any = None) -> list[Line]:
    """The records as lines to read, in the order given; for a `reader`, without the fields
    the object's page shows them not (a model's PRIVATE_FIELDS unless `sees_private`)."""
    records = list(records)
    names = Names()
    for record in records:
        model = model_of(record.object_type)
        names.want(record.object_type, record.object_id)
        for key, pair in (record.changes or {}).items():
            kind = kind_of(model, key, record.action)
            if isinstance(kind, tuple) and kind[0] in ("ref", "refs"):
                for value in pair or []:
                    names.want(kind[1], value)
    names.load()
    lines = []
    for record in records:
        obj = names.get(record.object_type, record.object_id)
        actor, name, unnamed = scorecards.as_read_by(
            reader, record.object_type, obj, record.actor,
            name_of(obj, record.object_type, record.object_id))
        lines.append(Line(
            at=record.at, actor=actor,
            action=action_name(record.action, record.object_type, obj),
            what=object_name_of_kind(record.object_type, obj),
            name=name,
            object_type=record.object_type, object_id=record.object_id,
            address=record.ip_address,
            changes=changes_of(record, obj, names,
                               hidden_from(reader, record.object_type) | unnamed, reader)))
    if reader is not None:  # what the trail keeps out, for a reader who may read it
        figures = score_history.corrected_scores(records, reader)
        for record, line in zip(records, lines, strict=True):
            added = figures.get(getattr(record, "id", None), [])
            line.changes += [Change(what, before, after, "scores") for what, before, after in added]
    return lines


def hidden_from(reader: Any, object_type: str) -> frozenset[str]:
    """The fields of `object_type` that `reader` does not see on the object's page."""
    model = model_of(object_type)
    private = getattr(model, "PRIVATE_FIELDS", frozenset())
    if reader is None or not private or model.sees_private(reader):
        return frozenset()
    return private


def file_link(kind: Kind, value: Any, names: Names, reader: Any) -> str | None:
    """A stored file the trail names (a TRL record's evidence before and after its correction),
    as a link for a reader who may download it (`StoredFile.can_download`); None otherwise, and
    for no reader (the whole trail, its files)."""
    if reader is None or kind != ("ref", "stored_files") or (found := stored_id(value)) is None:
        return None
    stored = names.get("stored_files", found)
    if stored is None or not stored.can_download(reader):
        return None
    return url_for("projects.download", file_id=found)


def changes_of(record: Any, obj: Any, names: Names,
               hidden: frozenset[str] = frozenset(), reader: Any = None) -> list[Change]:
    model = model_of(record.object_type)
    changes = []
    order = _order(model)
    for key, pair in sorted((record.changes or {}).items(),
                            key=lambda item: (order.get(item[0], len(order)), item[0])):
        if key in HIDDEN or key in hidden:
            continue
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        kind = kind_of(model, key, record.action)
        if record.object_type == "setting_values" and key == "value" and obj is not None:
            definition = CATALOGUE.get(obj.key)
            kind = "number" if definition is not None else kind
        if record.object_type == "deliverables" and key == "name":
            before, after = names.deliverable(before), names.deliverable(after)
        old, new = shown(kind, before, names), shown(kind, after, names)
        if old == new and before is not None:
            continue  # written alongside a change, itself unchanged (budget lines kept)
        changes.append(Change(field_label(key, record.object_type, obj), old, new, key, after,
                              file_link(kind, before, names, reader),
                              file_link(kind, after, names, reader)))
    return changes
