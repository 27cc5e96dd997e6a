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

from flask_babel import ngettext

from tracker import db, reversals
from tracker.audit import services as audit
from tracker.companies import corrections
from tracker.dates import today
from tracker.display.formatting import number, plural
from tracker.errors import Refused
from tracker.incentives import reserve
from tracker.incentives.models import (
    ZERO,
    ExerciseReversal,
    IncentiveGrant,
    LeavingReversal,
    OptionExercise,
    managers_only,
)

if TYPE_CHECKING:
    from tracker.accounts.models import User


def reverse_exercise(actor: User, done: OptionExercise, reason: str,
                     on: date | None = None) -> ExerciseReversal:
    """The exercise never was: its shares go back to the pool, its options are outstanding
    again. Dated the day it is recorded, as on the grant's page; `on` is the day an import
    gives, of a reversal recorded then (`tracker/imports/grant_cells.py`)."""
    grant = done.grant
    company = grant.company

    def make(stated: dict) -> tuple[ExerciseReversal, dict]:
        before = grant.exercised()
        entry = corrections.reversal_of(actor, done.entry, stated["on_date"], stated["reason"])
        record = ExerciseReversal(exercise=done, entry=entry, **stated)
        db.session.add(record)
        entry_changes = audit.pending_changes(entry)  # its values, before the flush writes them
        db.session.flush()
        corrections.no_holding_below_zero(company, done.on_date)
        audit.record(actor, "shares.reverse", entry, entry_changes)
        return record, {"exercised": [str(before), str(grant.exercised())],
                        "on_date": [done.on_date.isoformat(), None],
                        "reason": [None, stated["reason"]]}

    return reversals.record(
        actor, done, today() if on is None else on, reason, may=done.can_reverse(actor),
        forbidden=managers_only(), under=company, refusal=OptionExercise.refusal,
        when="on_date", field="reason", make=make, action="incentive.exercise_reverse",
        about=grant)


def reverse_leaving(actor: User, grant: IncentiveGrant, reason: str,
                    on: date | None = None) -> LeavingReversal:
    """The person did not leave: the grant is restored as it was before the leaving. Dated as
    `reverse_exercise` is."""
    company = grant.company

    def make(stated: dict) -> tuple[LeavingReversal, dict]:
        left_on, returned = grant.left_on, grant.forfeit_entry
        record = LeavingReversal(
            grant=grant, left_on=left_on, forfeited=grant.forfeited,
            forfeit_reason=grant.forfeit_reason, exercise_until=grant.exercise_until,
            lapsed_on=grant.lapsed_on, lapsed=grant.lapsed, forfeit_entry=returned, **stated)
        db.session.add(record)
        if returned is not None:
            record.entry = corrections.reversal_of(actor, returned, stated["on_date"],
                                                   stated["reason"])
        grant.left_on, grant.forfeited, grant.forfeit_reason = None, ZERO, ""
        grant.exercise_until, grant.lapsed_on, grant.lapsed = None, None, ZERO
        grant.forfeit_entry = None
        changes = audit.pending_changes(grant)
        changes["reason"] = [None, stated["reason"]]
        entry_changes = audit.pending_changes(record.entry) if record.entry is not None else {}
        db.session.flush()
        _pool_kept_its_promise(grant, left_on)
        corrections.no_holding_below_zero(company, left_on)
        if record.entry is not None:
            audit.record(actor, "shares.reverse", record.entry, entry_changes)
        return record, changes

    return reversals.record(
        actor, grant, today() if on is None else on, reason,
        may=grant.can_reverse_leaving(actor),
        forbidden=managers_only(), under=company, stale=None,
        refusal=IncentiveGrant.leaving_refusal, when="left_on", field="reason", make=make,
        action="incentive.forfeit_reverse", about=grant)


def _pool_kept_its_promise(grant: IncentiveGrant, left_on: date) -> None:
    """What the leaving gave back to the pool (options no longer promised, or shares returned)
    must still be there: the pool may have granted or transferred it since."""
    short = -reserve.transferable(grant.company, grant.pool, left_on)
    if short > 0:
        raise Refused(ngettext(
            "What %(name)s forfeited on leaving went back to %(pool)s, which has granted or "
            "transferred it since: restoring the grant would leave the pool %(short)s share "
            "short of the options it promised (to %(people)s). Reverse that later grant or "
            "transfer first.",
            "What %(name)s forfeited on leaving went back to %(pool)s, which has granted or "
            "transferred it since: restoring the grant would leave the pool %(short)s shares "
            "short of the options it promised (to %(people)s). Reverse that later grant or "
            "transfer first.", plural(short), name=grant.person_name, pool=grant.pool.shown_name,
            short=number(short), people=reserve.people(grant.pool)))
