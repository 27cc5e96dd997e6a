"""The grants the incentive grants file gives of a company the companies import's bulk path
holds (`tracker/imports/companies_bulk.py`), the two files imported together
(`tracker/imports/replay.py`): each grants row read by the grant form as its import reads it
(`IncentiveGrants`, the company it names the one held in memory), in the replay's order among
the company's rounds (`placed`), checked by `check_grant` as `grant` checks it and made by
`new_grant` as `grant` makes it, on the company built in memory; the batch writes them with it.

The bulk path takes a grant of shares with no exercise and no leaving, of a company the file
names by its credit code only, no two of whose grants name the same person (a second grant of
a person is compared with the first by the row-by-row path: `_not_redated`, a row given
twice). Any other grant, and a grant with a problem, leaves its company and all its grants to
the replay, row by row, which says each problem where it says it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker import db
from tracker.accounts.models import User
from tracker.companies.models import Company, ShareEntry
from tracker.errors import Forbidden, Invalid, Refused
from tracker.imports import cells, ledger_order
from tracker.imports.incentive_grants import IncentiveGrants
from tracker.incentives.granting import check_grant, new_grant
from tracker.incentives.models import GrantKind, IncentiveGrant
from tracker.incentives.services import require_manager

# A grants row's values as its import reads them (`row_forms.prepare_row`), given the adapter,
# the row's number and its cells; None when it refuses the row.
Read = Callable[[IncentiveGrants, int, dict], "dict[str, Any] | None"]
# The columns of a new grant, as `grant` fills them (the others are their defaults).
GRANT = ("user_id", "person_name", "kind", "shares", "exercise_price", "granted_on",
         "vesting_start", "vesting_months", "cliff_months", "lock_up_until",
         "exercise_window_days", "note", "recorded_by_id")


class LeftToRows(Exception):
    """The company's grants go by the row-by-row path (the module's docstring)."""


@dataclass
class HeldGrant:
    """A grant made on a company held, not yet written."""

    number: int  # its row in the grants file
    record: IncentiveGrant
    changes: dict  # its `incentive.grant` audit record's
    moved: tuple[ShareEntry, dict] | None  # a grant of shares' transfer, and its record's


class HeldGrants(IncentiveGrants):
    """The grants import reading the rows of `company`, which is not written yet."""

    def __init__(self, company: Company) -> None:
        self.company = company

    def company_of(self, text: str) -> Company:
        return self.company

    def find(self, values):
        return None  # a new company has no grant yet


def grant_date(text: str) -> date:
    """A grant's date as its cell gives it (the earliest day when it can't be read: the row
    is refused for it)."""
    try:
        return date.fromisoformat(cells.iso_date((text or "").strip()))
    except ValueError:
        return date.min


def grant_keys(rows: list[tuple[int, dict]]) -> list[tuple[tuple, int, dict]]:
    """Each grants row of one company (in the file's order) with its place in the replay: on
    its grant date, never before a row the file gives before it, after the company's rounds
    of that day (`ledger_order.GRANTS`)."""
    placed, on = [], date.min
    for number, row in rows:
        on = max(on, grant_date(row.get("granted_on", "")))
        placed.append(((on, ledger_order.GRANTS, 1, number), number, row))
    return placed


def distinct_people(rows: list[tuple[int, dict]]) -> bool:
    people = [(row.get("person") or "").strip().casefold() for _number, row in rows]
    return len(set(people)) == len(people)


def held_grant(actor: User, company: Company, number: int, row: dict, read: Read
               ) -> HeldGrant:
    """The grants row's grant on `company` (held in memory), read, checked and made as the
    grants import and `grant` would; LeftToRows when the bulk path does not take it."""
    values = read(HeldGrants(company), number, row)
    if values is None:
        raise LeftToRows()
    values = dict(values)
    values.pop("company_id")
    user_id = values.pop("user_id")
    if values.pop("exercises") or values.pop("leaving") or values["kind"] != GrantKind.SHARES:
        raise LeftToRows()
    try:
        require_manager(actor)
        checked = check_grant(company, {**values, "user": db.session.get(User, user_id)
                                        if user_id else None})
    except (Invalid, Refused, Forbidden):
        raise LeftToRows() from None
    return HeldGrant(number, *new_grant(actor, company, checked))


def grant_row(company_id: int, held: HeldGrant, holders: dict[int, int],
              entries: dict[int, int]) -> dict[str, Any]:
    """The grant's row, its references by the ids written (`holders`, `entries`: by the
    object's own `id()`)."""
    record = held.record
    return {"company_id": company_id, "pool_id": holders[id(record.pool)],
            "holder_id": holders[id(record.holder)],
            "grant_entry_id": entries[id(held.moved[0])] if held.moved else None,
            **{k: getattr(record, k) for k in GRANT}}
