"""What a reference cell names: an institute by its code, a user by their e-mail, a project
by its code, an enterprise or a partner by its credit code or name, a region, a need or a
centre among its enterprise's; refused, in the importing user's language, when it names
nothing. Each natural key is asked once an import (`References`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.imports.cells import CellError
from tracker.imports.columns import Ref
from tracker.imports.parties import enterprise_id, partner_id, region_id
from tracker.organisations.models import Institute, JointInnovationCentre, TechnologyNeed
from tracker.projects import codes
from tracker.projects.models import Project


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
