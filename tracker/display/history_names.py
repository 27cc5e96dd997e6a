"""What the history calls a record: the name of its kind (`object_name_of_kind`), its own name
as its page gives it (`name_of`; `name_recorded` for one deleted since), and the records a page
of history names, loaded in one statement per table whatever the number of lines (`Names`).
`tracker.display.history` reads these to turn an audit record into a sentence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import or_, select

from tracker import db
from tracker.budgets.models import BudgetCategory
from tracker.companies.holder_models import REFERENCES, Shareholder
from tracker.db import Base
from tracker.display import formatting
from tracker.display.bilingual import Bilingual
from tracker.display.record_names import LOADS, NAMES, stored_id
from tracker.display.words import OBJECTS, OF_KIND
from tracker.gates.models import GateTemplate
from tracker.names import name_key
from tracker.partners.models import Partner
from tracker.settings.catalogue import CATALOGUE


def model_of(table: str) -> type | None:
    return next((mapper.class_ for mapper in Base.registry.mappers
                 if getattr(mapper.class_, "__tablename__", None) == table), None)


def object_name_of_kind(object_type: str, obj: Any = None) -> str:
    said = OF_KIND.get((object_type, getattr(obj, "kind", None)))
    return str(said or OBJECTS.get(object_type, _("Record")))


def name_of(obj: Any, object_type: str, object_id: int | None) -> str:
    """What a record is called on its page: its name, title or code; a setting by its label."""
    if object_id is None:
        return _("(none)")
    if obj is not None:
        if object_type == "setting_values":
            definition = CATALOGUE.get(obj.key)
            if definition is not None:
                return str(definition.label)
        if object_type in NAMES:
            return NAMES[object_type](obj)
        if object_type == "deliverables":  # named as its gate's template names it
            template = db.session.scalar(select(GateTemplate).where(GateTemplate.gate == obj.gate))
            return template.deliverable_shown(obj.name) if template else obj.name
        for attribute in ("name", "title", "code", "text", "email"):
            value = (obj.shown(attribute) if isinstance(obj, Bilingual)
                     and hasattr(obj, f"{attribute}_en") else getattr(obj, attribute, None))
            if isinstance(value, str) and value:
                return value
        if isinstance(getattr(obj, "day", None), date):
            return formatting.day(obj.day)
    return _("%(what)s no. %(n)d", what=object_name_of_kind(object_type), n=object_id)


def name_recorded(records: Iterable[Any], object_type: str, object_id: int | None) -> str:
    """The name of a record deleted since (a withdrawn draft), as its own records last gave it;
    `name_of` when they never did."""
    for record in records:  # newest first
        for key in ("title", "name", "code"):
            pair = (record.changes or {}).get(key)
            for value in reversed(pair if isinstance(pair, list) else []):
                if isinstance(value, str) and value:
                    return value
    return name_of(None, object_type, object_id)


class Names:
    """Objects by (table, id), loaded in one statement per table."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[int]] = defaultdict(set)
        self.loaded: dict[tuple[str, int], Any] = {}
        self.by_name: dict[str, dict[str, str]] = {}  # each kind's read in one statement

    def want(self, table: str, value: Any) -> None:
        for item in value if isinstance(value, list) else [value]:
            if (found := stored_id(item)) is not None:
                self.wanted[table].add(found)

    def load(self) -> None:
        for table, ids in self.wanted.items():
            model = model_of(table)
            if model is None or not ids:
                continue
            # By the table's key: a record whose trail id is a property (a user's reminder
            # preferences by their user, a calendar year by its year) has no `id` column.
            key = sa_inspect(model).primary_key[0]
            for obj in db.session.scalars(select(model).where(key.in_(ids))
                                          .options(*LOADS.get(table, ()))):
                self.loaded[(table, obj.id)] = obj
        self.wanted.clear()

    def get(self, table: str, object_id: int) -> Any:
        return self.loaded.get((table, object_id))

    def _named(self, kind: str, name: Any, read: Callable[[], dict[str, str]],
               key: Callable[[str], str] = str) -> Any:
        """A name the trail keeps (in Chinese, the key) as the reader's language has it; a name
        nothing has any more, as it was written."""
        if kind not in self.by_name:
            self.by_name[kind] = read()
        return self.by_name[kind].get(key(name), name) if isinstance(name, str) else name

    def deliverable(self, name: Any) -> Any:
        return self._named("deliverable", name, lambda: {
            zh: template.deliverable_shown(zh) for template in db.session.scalars(
                select(GateTemplate)) for zh in template.required_deliverables or []})

    def partner(self, name: Any) -> Any:
        """A co-funder, by its Chinese name."""
        return self._named("partner", name, lambda: {
            p.name: p.shown("name") for p in db.session.scalars(select(Partner))})

    def category(self, name: Any) -> Any:
        """A template's budget line, by its category's Chinese name (`BudgetLine.category`)."""
        return self._named("category", name, lambda: {
            c.name: c.shown("name") for c in db.session.scalars(select(BudgetCategory))})

    def holder(self, name: Any) -> Any:
        """A holder by the name typed when its shares were recorded, when the app knows it as an
        organisation or a user (`Shareholder.shown_name`)."""
        return self._named("holder", name, lambda: {
            name_key(n): h.shown_name for h in db.session.scalars(select(Shareholder).where(
                or_(*(getattr(Shareholder, c).is_not(None) for c in REFERENCES))))
            for n in h.names()}, key=name_key)

    def name(self, table: str, value: Any) -> str:
        if (found := stored_id(value)) is None:
            return str(value)
        return name_of(self.get(table, found), table, found)
