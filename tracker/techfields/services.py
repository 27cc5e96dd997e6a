"""What HQ does with the list of technical fields, and how a record finds its field: by the
choice a form made, or else by the words it was described in (an import, the API), matched
against the list's Chinese and English names and codes."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from tracker import coded_lists, db
from tracker.coded_lists import CodedList
from tracker.display.bilingual import reads_english
from tracker.errors import DomainError, Forbidden
from tracker.names import typed_code
from tracker.techfields.models import TechnicalField

if TYPE_CHECKING:
    from tracker.accounts.models import User


def offered(current_id: int | None = None) -> list[TechnicalField]:
    """The fields a form offers: the active ones, and the one the record has if retired since."""
    return list(db.session.scalars(select(TechnicalField).where(or_(
        TechnicalField.active.is_(True), TechnicalField.id == (current_id or 0)))
        .order_by(TechnicalField.code)))


def filter_choices() -> list:
    """Every field of the list (a retired one too: records keep it), ids and names in the
    reader's language, for a list's filter (`field_arg`)."""
    return db.session.execute(_choices(reads_english())).all()


@lru_cache(maxsize=2)
def _choices(in_english: bool) -> Select:
    """`filter_choices`'s statement in one language, built once a process: the filters of
    several lists read it on every page."""
    return select(TechnicalField.id, TechnicalField.shown_in_sql("name")).order_by(
        TechnicalField.code)


def field_arg(value: str | None) -> int:
    """A list filter's technical field (`?field_id=`, an id of HQ's list): 0 when absent; a
    value that names no field of the list is a DomainError (400) with the reason, never
    silently every field."""
    text = (value or "").strip()
    if not text or text == "0":
        return 0
    if not text.isdigit() or int(text) >= 2**31 or db.session.get(
            TechnicalField, int(text)) is None:
        raise DomainError(_("Choose a technical field from the list."))
    return int(text)


def find(text: str | None) -> TechnicalField | None:
    """The field `text` names (its name in either language, or its code; case and spaces at
    the ends do not matter), or None."""
    key = (text or "").strip().casefold()
    if not key:
        return None
    found = db.cached("technical_field_names", frozenset({TechnicalField.__tablename__}),
                      _by_name)
    return found.get(key) or found.get((typed_code(text) or "").casefold())  # ＡＭ is AM


def _by_name() -> dict[str, TechnicalField]:
    """Every field by its names and code as the database lowers them, the first by id where
    two share one: read once a transaction, for an import classifies each of its rows."""
    found: dict[str, TechnicalField] = {}
    for field, *keys in db.session.execute(select(
            TechnicalField, func.lower(TechnicalField.name), func.lower(TechnicalField.name_en),
            func.lower(TechnicalField.code)).order_by(TechnicalField.id)):
        for key in keys:
            if key:
                found.setdefault(key, field)
    return found


def classify(field_id: int | None, text: str | None = "") -> int | None:
    """The field a record is counted in: the one chosen, or else the one its text names
    (None: not classified, which reports count apart)."""
    if field_id and 0 < field_id < 2**31 and db.session.get(TechnicalField, field_id):
        return field_id
    found = find(text)
    return found.id if found is not None else None


# HQ's technical fields, as the one save of HQ's coded lists keeps them.
FIELDS = CodedList(
    "technical_field", TechnicalField, capitals=True, no_name=_l("Give the field's name."),
    no_code=_l("Give the field a short code, such as AM."),
    code_taken=_l("Another technical field already has this code."),
    name_taken=_l("Another technical field already has this name."))


def save_field(actor: User, field: TechnicalField | None, **values: Any) -> TechnicalField:
    """Add a field to the list (`field` None) or change one; every problem at once."""
    if not TechnicalField.can_edit(actor):
        raise Forbidden()
    return coded_lists.save(actor, FIELDS, field, TechnicalField, **values)
