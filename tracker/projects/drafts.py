"""A draft's provisional reference ("Draft 3", 草稿 3): the number of the PM's proposal, given
when the draft is first saved and kept, never the row's id. The id counts every project of every
PM since the database began, so a PM's drafts read "Draft 3, 5, 6" with gaps nobody could
explain (issue 9 point 2, the newcomer's walk); the PM's own count reads 1, 2, 3, and a gap
there is a draft of theirs that was submitted or withdrawn. Submission gives the official code
(`Project.code`), which replaces the reference everywhere (`Project.reference`).

Given here, for every new draft whoever makes it (the proposal form, a need HQ opens as a
draft: `_number_new_drafts`, once per flush for all the drafts it writes; the bulk import's
rows: `number_rows`): each PM's next number after the highest they hold. Unique among a PM's
drafts in the schema (`uq_projects_draft_of_pm`, migration 0103); a project under way that is
handed to another PM keeps the number it had, which may be one the new PM has too, so the
index covers drafts only. Two drafts of one PM made at once read the same highest number: the
second one's flush meets the index and `written_numbered` writes it again, numbered after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker import db

UNIQUE_INDEX = "uq_projects_draft_of_pm"
TRIES = 5  # a number taken meanwhile by another draft of the same PM, again and again
T = TypeVar("T")


def _highest(session: Session, cls: type, pm_id: Any) -> int:
    if pm_id is None:
        return 0
    return session.scalar(select(func.max(cls.draft_number)).where(cls.pm_id == pm_id)) or 0


@event.listens_for(Session, "before_flush")
def _number_new_drafts(session: Session, flush_context: Any, instances: Any) -> None:
    drafts = [o for o in session.new if getattr(o, "__tablename__", None) == "projects"
              and o.code is None and o.draft_number is None]
    if not drafts:
        return
    highest: dict[Any, int] = {}
    with session.no_autoflush:
        for draft in drafts:
            pm_id = draft.pm_id if draft.pm_id is not None else draft.pm.id
            if pm_id not in highest:
                highest[pm_id] = _highest(session, type(draft), pm_id)
            highest[pm_id] += 1
            draft.draft_number = highest[pm_id]


def number_rows(cls: type, rows: list[dict[str, Any]]) -> None:
    """The rows of new projects a bulk insert writes (it passes by `_number_new_drafts`):
    each draft among them (no code) gets its PM's next number, in the rows' order."""
    highest: dict[Any, int] = {}
    for row in rows:
        row["draft_number"] = None  # every row the same keys, for one INSERT
        if row.get("code") is None:
            pm_id = row["pm_id"]
            if pm_id not in highest:
                highest[pm_id] = _highest(db.session, cls, pm_id)
            highest[pm_id] += 1
            row["draft_number"] = highest[pm_id]


def written_numbered(make: Callable[[], T]) -> T:
    """What `make` returns, having added a new draft (and what goes with it) to the session,
    flushed with the draft numbered. When another draft of the same PM, made at the same time
    in another transaction, took the number first (the unique index refuses this one), the
    savepoint is rolled back, which takes the draft out of the session, and `make` writes it
    again, numbered after theirs: up to TRIES times."""
    for attempt in range(1, TRIES + 1):
        try:
            with db.session.begin_nested():  # flushes what was pending before: not the draft
                made = make()
                db.session.flush()
            return made
        except IntegrityError as error:
            said = str(error.orig)  # PostgreSQL names the index, SQLite its columns
            if (UNIQUE_INDEX not in said and "projects.draft_number" not in said
                    or attempt == TRIES):
                raise
    raise AssertionError("unreachable")  # the last try returned or raised
