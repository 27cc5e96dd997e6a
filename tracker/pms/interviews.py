"""A PM interview recorded wrong (issue 9 point 5): HQ corrects it (its date, panel, outcome,
notes) or withdraws it, with the reason, while the candidate is still being interviewed. Once
HQ has appointed them or not on it, the interview stays as recorded: the decision relied on
it. A withdrawn interview stays on the record's page and in its history, marked so; the
record is a candidate again when no interview of it stands (the register's table,
`PmStep.WITHDRAW_INTERVIEW`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import corrections, db, voids
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.display.labels import label
from tracker.errors import Problems, require
from tracker.pms import services
from tracker.pms.models import InterviewOutcome, PmInterview, PmRecord
from tracker.pms.register import PmState, PmStep


def interview_refusal(interview: PmInterview) -> str | None:
    """Why the interview can't be corrected or withdrawn (withdrawn already; the candidate
    appointed or not since); None when it can."""
    if (said := voids.refusal(interview)) is not None:
        return said
    record = interview.record
    if record.state is not PmState.INTERVIEWED:
        return _("The record of %(name)s stands at “%(state)s”: HQ's decision relied on this "
                 "interview, so it stays as recorded. If something in it was wrong, say so in "
                 "the record's note.", name=record.name, state=label(record.state))
    return None


def corrected_of(record: PmRecord) -> dict:
    """The latest correction of each of the record's interviews, shown beside it."""
    return corrections.last_corrected(PmInterview.__tablename__,
                                      [i.id for i in record.interviews], ("pm.interview_correct",))


def _may(actor: User, interview: PmInterview) -> None:
    require(interview.can_correct(actor), lambda: interview_refusal(interview),
            lock=lambda: _lock(interview.record))


def _lock(record: PmRecord) -> None:
    db.session.execute(select(PmRecord.id).where(PmRecord.id == record.id).with_for_update())
    db.session.refresh(record, ["state"])


def correct_interview(actor: User, interview: PmInterview, *, held_on: date | None,
                      panel_ids: Collection[int], outcome: InterviewOutcome | None,
                      notes: str | None, reason: str | None) -> PmInterview:
    """The interview corrected with the reason; every problem at once, beside its field."""
    _may(actor, interview)
    problems = Problems()
    if held_on is None:
        problems.add("held_on", _("Give the day of the interview."))
    panel = services.interview_checked(problems, panel_ids, outcome)
    reason = corrections.reason_of(problems, reason)
    problems.raise_any()
    before = [u.id for u in interview.panel]
    interview.held_on, interview.outcome = held_on, outcome
    interview.notes = (notes or "").strip()
    more = {}
    if before != [u.id for u in panel]:
        more["panel"] = [before, [u.id for u in panel]]
        if not audit.pending_changes(interview):
            interview.version = interview.version + 1  # only its panel: a stale tab is refused
    interview.panel = panel
    corrections.corrected(actor, "pm.interview_correct", interview, reason, more)
    db.session.flush()
    return interview


def withdraw_interview(actor: User, interview: PmInterview, reason: str | None) -> PmInterview:
    """The interview withdrawn with the reason; the record is a candidate again when none of
    its interviews stands."""
    _may(actor, interview)
    voids.void(actor, interview, reason, "pm.interview_withdraw")
    record = interview.record
    if all(i.is_void for i in record.interviews):
        before = record.state
        record.state = services.move(record, PmStep.WITHDRAW_INTERVIEW)
        audit.record(actor, "pm.interview_withdraw", record,
                     {"state": [before.value, record.state.value]})
    db.session.flush()
    return interview
