"""An import run's state moves by one conditional UPDATE each (`moved`), never by writing back
what was read: its job, its page's Cancel and the workers act on the same row in transactions
of their own, and what one read may have changed before it writes. A run its page said stopped
(silent for ten minutes) whose worker lived on finished between the Cancel's read and its write,
and the Cancel wrote "cancelled" over "done", above the rows the run had written (issue 13).

The moves: queued to running, a worker's claim (`jobs.claim_next`); queued or stopped to
cancelled, and the Cancel asked of a run that runs (`jobs.request_cancel`); open to done,
checked, failed or cancelled, the run's end (`services.finish`: a run a Cancel ended meanwhile
keeps that end, and its job rolls its rows back, `EndedMeanwhile`); a dry run's file taken
once to be imported for real (`jobs.import_checked`).

A transaction that writes both the audit trail and a run's row takes the trail's turn first
(`audit.take_turn`), as the import's job does (its records, then its end): two transactions
taking them in opposite orders would each wait for what the other holds (PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, update

from tracker import db
from tracker.imports.models import ImportRun


class EndedMeanwhile(Exception):
    """The run was ended by someone else while its job ran (its page's Cancel of a run said
    stopped, whose worker was alive): that end stands, and the job keeps nothing."""


def moved(run_id: int, where: ColumnElement[bool], **values: Any) -> bool:
    """Write `values` to the run if it is still as `where` says, in one statement; whether it
    was. The session's copy of the run is not changed: refresh it."""
    result = db.session.execute(update(ImportRun).where(ImportRun.id == run_id, where).values(
        **values).execution_options(synchronize_session=False))
    return result.rowcount == 1
