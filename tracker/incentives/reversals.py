"""Undoing an option exercise or a leaving recorded by mistake (issue 16, F6), as every ledger
is corrected: never by editing or deleting what was recorded, but by a reversal with a reason,
audited, both kept. Reversing an exercise writes a reversing entry of its transfer from the
pool (`corrections.reversal_of`): the exercise drops out of every figure (the cap table issued
and fully diluted, what may be exercised, the pool's promise) and stays on the grant's page,
marked. Reversing a leaving restores the grant (nothing forfeited, no window, no lapse: its
vesting goes on), a grant of shares getting its forfeited shares back by a reversing entry of
their return to the pool; `LeavingReversal` keeps what the leaving said.

Each is refused (409, above the form, which is offered only when it can be done:
`OptionExercise.refusal`, `IncentiveGrant.leaving_refusal`) when it would break what came
after: the pool's shares that back options outstanding stay with it
(`tracker.incentives.reserve`), nobody holds fewer than no shares
(`corrections.no_holding_below_zero`), and a lapse recorded stands on the exercises it counted.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db, reversals
from tracker.audit import services as audit
from tracker.companies import corrections
from tracker.dates import today
from tracker.display.formatting import number
from tracker.errors import Refused
from tracker.incentives import reserve
from tracker.incentives.models import (
    ZERO,
    ExerciseReversal,
    IncentiveGrant,
    LeavingReversal,
    OptionExercise,
)
from tracker.incentives.services import require_manager

if TYPE_CHECKING:
    from tracker.accounts.models import User


def reverse_exercise(actor: User, done: OptionExercise, reason: str,
                     on: date | None = None) -> ExerciseReversal:
    """The exercise never was: its shares go back to the pool, its options are outstanding
    again. Dated the day it is recorded, as on the grant's page; `on` is the day an import
    gives, of a reversal recorded then (`tracker/imports/grant_cells.py`)."""
    require_manager(actor)
    grant = done.grant
    company = grant.company
    db.session.refresh(company, with_for_update=True)
    db.session.expire(done, ["reversal"])
    if (said := done.refusal()) is not None:
        raise Refused(said)
    on = today() if on is None else on
    reason = reversals.check("reason", done.on_date, on, reason)
    before = grant.exercised()
    entry = corrections.reversal_of(actor, done.entry, on, reason)
    record = ExerciseReversal(exercise=done, entry=entry, on_date=on, reason=reason,
                              recorded_by_id=actor.id)
    db.session.add(record)
    entry_changes = audit.pending_changes(entry)  # its values, before the flush writes them
    db.session.flush()
    corrections.no_holding_below_zero(company, done.on_date)
    audit.record(actor, "shares.reverse", entry, entry_changes)
    audit.record(actor, "incentive.exercise_reverse", grant, {
        "exercised": [str(before), str(grant.exercised())],
        "on_date": [done.on_date.isoformat(), None], "reason": [None, reason]})
    db.session.flush()
    return record


def reverse_leaving(actor: User, grant: IncentiveGrant, reason: str,
                    on: date | None = None) -> LeavingReversal:
    """The person did not leave: the grant is restored as it was before the leaving. Dated as
    `reverse_exercise` is."""
    require_manager(actor)
    company = grant.company
    db.session.refresh(company, with_for_update=True)
    db.session.refresh(grant)
    if (said := grant.leaving_refusal()) is not None:
        raise Refused(said)
    on = today() if on is None else on
    reason = reversals.check("reason", grant.left_on, on, reason)
    left_on, returned = grant.left_on, grant.forfeit_entry
    record = LeavingReversal(
        grant=grant, on_date=on, reason=reason, left_on=left_on, forfeited=grant.forfeited,
        forfeit_reason=grant.forfeit_reason, exercise_until=grant.exercise_until,
        lapsed_on=grant.lapsed_on, lapsed=grant.lapsed, forfeit_entry=returned,
        recorded_by_id=actor.id)
    db.session.add(record)
    if returned is not None:
        record.entry = corrections.reversal_of(actor, returned, on, reason)
    grant.left_on, grant.forfeited, grant.forfeit_reason = None, ZERO, ""
    grant.exercise_until, grant.lapsed_on, grant.lapsed = None, None, ZERO
    grant.forfeit_entry = None
    changes = audit.pending_changes(grant)
    changes["reason"] = [None, reason]
    entry_changes = audit.pending_changes(record.entry) if record.entry is not None else {}
    db.session.flush()
    _pool_kept_its_promise(grant, left_on)
    corrections.no_holding_below_zero(company, left_on)
    if record.entry is not None:
        audit.record(actor, "shares.reverse", record.entry, entry_changes)
    audit.record(actor, "incentive.forfeit_reverse", grant, changes)
    db.session.flush()
    return record


def _pool_kept_its_promise(grant: IncentiveGrant, left_on: date) -> None:
    """What the leaving gave back to the pool (options no longer promised, or shares returned)
    must still be there: the pool may have granted or transferred it since."""
    short = -reserve.transferable(grant.company, grant.pool, left_on)
    if short > 0:
        raise Refused(_(
            "What %(name)s forfeited on leaving went back to %(pool)s, which has granted or "
            "transferred it since: restoring the grant would leave the pool %(short)s shares "
            "short of the options it promised (to %(people)s). Reverse that later grant or "
            "transfer first.", name=grant.person_name, pool=grant.pool.shown_name,
            short=number(short), people=reserve.people(grant.pool)))
