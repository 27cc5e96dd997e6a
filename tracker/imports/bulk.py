"""The bulk path of an import: new records checked row by row as they come, by the page's form
(one form reused for every row: making a form costs more than filling one) and by the
service's own check function, then written a batch at a time (`insert_rows`), their
audit records sealed into the hash chain together (`tracker.audit.services.record_many`).

What a batch writes is what the row-by-row path writes for the same row (the same columns, the
same audit records and history), only in fewer statements: tests compare the two.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Hashable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import bulk_rows, db
from tracker.accounts.models import User
from tracker.accounts.services import normalise_email
from tracker.display import said
from tracker.errors import Invalid
from tracker.imports import headings
from tracker.imports.columns import Kind
from tracker.organisations import uscc
from tracker.projects import codes
from tracker.projects.models import Project

# Rows held before they are written: enough for few statements, few enough for little memory.
BATCH_SIZE = 1000


def insert_rows(model: type, rows: list[dict[str, Any]]) -> None:
    """`rows` (column names as keys) into `model`'s table at once (`tracker.bulk_rows`: COPY
    on PostgreSQL), not through the ORM, whose bulk insert did work for each row."""
    bulk_rows.insert_rows(model.__table__, rows)


def insert_returning_ids(model: type, rows: list[dict[str, Any]]) -> list[int]:
    """`insert_rows`, and the new rows' ids in the order of `rows`."""
    return bulk_rows.insert_returning_ids(model.__table__, rows)


def given_twice(row: int, kind: Kind, columns: tuple[str, ...]) -> tuple[str, str]:
    """Why a row giving the record an earlier row gave is refused, whatever path reads it,
    beside the last of the key's `columns` (the record's own name or number in its scope),
    whichever row was refused or saved first (issue 13)."""
    return columns[-1], _(
        "Row %(row)d gives this record already (the same %(columns)s): a file gives each "
        "record once. Put this row's values in that row, or remove one of the two.", row=row,
        columns=said.listed([headings.named(kind, c) for c in columns]))


# How a key's cell is compared with another row's: as the kinds' `find` compares it (a
# project's code numbered as the generator writes it, JITRI-2019-42 as JITRI-2019-0042, of the
# HQs' codes; a credit code without its groups' spaces; an e-mail in any case).
_SPELLING: dict[str, Callable[[str, Collection[str]], str]] = {
    "code": lambda text, hqs: codes.spellings(text, hqs)[-1] if text else "",
    "uscc": lambda text, _hqs: uscc.normalise(text),
    "email": lambda text, _hqs: normalise_email(text)}


def row_key(adapter: Any, row: dict[str, str], given: dict[str, list[str]],
            found: dict[str, Any], hq_codes: Collection[str] = ()
            ) -> tuple[tuple[str, ...], Hashable] | None:
    """The columns of the natural key a row gives, and what they say as its record is found
    by them, read before anything is checked: a reference by the record it names (its text
    when it names none), a choice or a date as read, a key as its kind's `find` compares it
    (`_SPELLING`; `hq_codes`: the headquarters' codes). None: the row leaves a column of its
    key empty (two rows without a contract's number are not one contract)."""
    columns = adapter.key_columns({k: row.get(k, "").strip() for k in adapter.kind.key})
    values = []
    for column in columns:
        if column in found:
            value = found[column]
            values.append(tuple(value) if isinstance(value, list) else value)
            continue
        text = (given[column][0] if given.get(column) and not adapter.kind.column(column).ref
                else row.get(column, "")).strip()
        values.append(_SPELLING[column](text, hq_codes) if column in _SPELLING else text)
    return (columns, tuple(values)) if all(values) else None


class Batch:
    """The new records of one import run waiting to be written. A kind with a bulk path gives
    one from `Adapter.batch(actor)`; `take` refuses a row as its service would (raising what
    the service raises) or holds it, `write` writes what is held."""

    def __init__(self, actor: User, adapter: Any) -> None:
        self.actor, self.adapter = actor, adapter
        self.held: list[dict[str, Any]] = []
        self._keys: dict[Any, int] = {}
        self._form = None

    def form(self, formdata, obj: Any, refs: dict[str, int]) -> Any:
        """The page's form, made once and filled again for each row."""
        if obj is not None or not self.reusable(refs):
            return self.adapter.form(formdata, obj, refs)
        if self._form is None:
            self._form = self.adapter.form(formdata, None, refs)
        else:
            self._form.process(formdata=formdata, data=self.adapter.form_data(None))
        return self._form

    def refilled(self, formdata, make: Any) -> Any:
        """The form `make(formdata=...)` makes, made once and filled again for each row (a
        batch whose choices are set from each row's references: projects, contracts)."""
        if self._form is None:
            self._form = make(formdata=formdata)
        else:
            self._form.process(formdata=formdata)
        return self._form

    def reusable(self, refs: dict[str, int]) -> bool:
        """Whether the form of a new record is the same whatever the row names (its choices
        are those of the references, as a rule)."""
        return not refs

    def find(self, probe: dict[str, Any]) -> Any:
        return self.adapter.find(probe)

    def renamed(self, values: dict[str, Any], named: Container[int]) -> list[tuple[str, str]]:
        """`Adapter.renamed`, of a new record this batch may hold."""
        return self.adapter.renamed(values, named)

    def key(self, values: dict[str, Any]) -> Any:
        """The natural key of a new record (two rows giving one are refused)."""
        raise NotImplementedError

    def check(self, values: dict[str, Any]) -> bool:
        """Raise what the service would for this row; False: the row needs the row-by-row
        path (something the bulk path does not write)."""
        raise NotImplementedError

    def take(self, values: dict[str, Any], number: int) -> bool:
        key = self.key(values)
        if key in self._keys:
            raise Invalid(*given_twice(self._keys[key], self.adapter.kind,
                                       self.adapter.key_columns(values)))
        if not self.check(values):
            return False
        self._keys[key] = number
        self.held.append(values)
        if len(self.held) >= BATCH_SIZE:
            self.write()
        return True

    def saved(self, values: dict[str, Any], number: int) -> None:
        """A new record the row-by-row path saved for a row this batch did not take: a later
        row giving its key is refused as given twice, as that path refuses it (what a batch
        read before the run does not find it)."""
        self._keys[self.key(values)] = number

    def writes_first(self, values: dict[str, Any], obj: Any) -> bool:
        """Whether what the batch holds is written before a row it does not take is saved
        row by row (`obj`: the record the row found): before any, as a rule, a new record or
        an update, so that the records come in the file's order and the row's checks read
        those before it (an update giving a credit code a held row has is refused as the
        row-by-row path refuses it, not failed on the unique key at the end)."""
        return True

    def write(self) -> None:
        if self.held:
            self.insert(self.held)
            self.held = []

    def insert(self, rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError


class ProjectsBatch(Batch):
    """A batch of records each of a project (contracts, funding agreements): the projects
    read at once (`_load`, with what else the batch reads once a run) the first time one is
    asked for, not one a row."""

    def __init__(self, actor: User, adapter: Any) -> None:
        super().__init__(actor, adapter)
        self._projects: dict[int, Project | None] | None = None

    def _load(self) -> None:
        """Fill `_projects` (by id), and whatever else the batch reads once."""
        raise NotImplementedError

    @staticmethod
    def _phase_changes() -> None:
        """The phase changes of every project, read in one statement onto the projects `_load`
        holds, not one a project: the first dates the day its record began, before which
        nothing is signed (`tracker.projects.life.began`), the last the day a closed one
        closed, which dates the history it takes (`tracker.projects.closed.open_refusal`)."""
        db.session.scalars(select(Project).options(selectinload(Project.phase_changes))).all()

    def project(self, project_id: int) -> Project | None:
        if self._projects is None:
            self._load()
        if project_id not in self._projects:  # created since (by another run)
            self._projects[project_id] = db.session.get(Project, project_id)
        return self._projects[project_id]
