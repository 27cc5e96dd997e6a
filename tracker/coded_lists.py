"""The coded bilingual lists HQ keeps: the technical fields (tracker/techfields) and each
headquarters' regions (tracker/regions). An entry has a short code (what files and the import
name it by), a name in Chinese and one in English (optional), and is offered or retired; no
two entries of a list share a code or a name, case and spaces at the ends aside. One save for
every such list: what differs between them is said by its `CodedList`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.errors import Problems
from tracker.names import typed_code

T = TypeVar("T")


@dataclass(frozen=True)
class CodedList:
    kind: str  # an entry in the trail: "technical_field" (technical_field.create, .update)
    model: type
    capitals: bool  # codes written in capitals (AM) or in small letters (south)
    # The problems in the reader's words (lazy_gettext): no code, a code another entry has,
    # no name, a name another entry has.
    no_code: Any
    code_taken: Any
    no_name: Any
    name_taken: Any


def save(actor: User | None, listed: CodedList, entry: T | None, made: Callable[[], T],
         *within: ColumnElement[bool], **values: Any) -> T:
    """Add an entry to the list (`entry` None: `made()` makes it, in its place) or change one:
    rename it, retire it, move it (`position`, for a list kept in an order of its own); every
    problem at once, audited. `within`: what makes the list among the model's rows (a
    headquarters' regions); the whole table when none."""
    model = listed.model
    code = typed_code(values.get("code")) or ""  # ＡＭ typed full width is AM
    code = code.upper() if listed.capitals else code.lower()
    name = (values.get("name") or "").strip()
    name_en = (values.get("name_en") or "").strip() or None
    others = select(model.id).where(*within, model.id != (entry.id if entry else 0))
    problems = Problems()
    if not code:
        problems.add("code", str(listed.no_code))
    elif db.session.scalar(others.where(
            (func.upper if listed.capitals else func.lower)(model.code) == code)):
        problems.add("code", str(listed.code_taken))
    if not name:
        problems.add("name", str(listed.no_name))
    elif db.session.scalar(others.where(func.lower(model.name) == name.casefold())):
        problems.add("name", str(listed.name_taken))
    problems.raise_any()
    creating = entry is None
    entry = made() if entry is None else entry
    entry.code, entry.name, entry.name_en = code, name, name_en
    entry.active = bool(values.get("active", True))
    if values.get("position"):
        entry.position = values["position"]
    changes = audit.pending_changes(entry)
    db.session.add(entry)
    audit.saved(actor, listed.kind, entry, creating, changes)
    db.session.flush()
    return entry
