"""The project-manager register: which state a person's record may move to, and by what step.

Pure Python, no Flask, no session: the one place that decides a record's transitions (as
tracker/projects/lifecycle.py does for projects). `tracker.pms.services` asks `check` before it
moves any record.

    candidate --interview--> interviewed --appoint--> appointed --end--> ended
    candidate or interviewed --decline--> not appointed (with the reason)
    interviewed --interview--> interviewed (another round)
    interviewed --withdraw its last standing interview--> candidate
    appointed or ended --renew--> appointed (a new term naming the one it renews)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class PmState(enum.StrEnum):
    CANDIDATE = "candidate"
    INTERVIEWED = "interviewed"
    APPOINTED = "appointed"
    NOT_APPOINTED = "not_appointed"
    ENDED = "ended"


PM_STATE_LABELS = {
    PmState.CANDIDATE: _l("Candidate"),
    PmState.INTERVIEWED: _l("Interviewed"),
    PmState.APPOINTED: _l("Appointed"),
    PmState.NOT_APPOINTED: _l("Not appointed"),
    PmState.ENDED: _l("Appointment ended"),
}


class PmStep(enum.StrEnum):
    INTERVIEW = "interview"  # an interview recorded
    APPOINT = "appoint"  # HQ appoints: the first term
    DECLINE = "decline"  # HQ does not appoint, with the reason
    END = "end"  # the appointment ends at its term's end or earlier, with the reason
    RENEW = "renew"  # a new term naming the one it renews
    # The last standing interview withdrawn as recorded by mistake: a candidate again. Taken
    # from the interview's own row (tracker/pms/interviews.py), not offered as a step.
    WITHDRAW_INTERVIEW = "withdraw_interview"


PM_STEP_LABELS = {
    PmStep.INTERVIEW: _l("Record an interview"),
    PmStep.APPOINT: _l("Appoint"),
    PmStep.DECLINE: _l("Do not appoint"),
    PmStep.END: _l("End the appointment"),
    PmStep.RENEW: _l("Renew the appointment"),
    PmStep.WITHDRAW_INTERVIEW: _l("Withdraw the interview"),
}

# Steps taken from a row of the record's page (an interview's), not offered as its steps.
ROW_STEPS = frozenset({PmStep.WITHDRAW_INTERVIEW})

# States a record is never moved out of.
FINAL = frozenset({PmState.NOT_APPOINTED})


@dataclass(frozen=True)
class Transition:
    source: PmState
    target: PmState
    step: PmStep


TRANSITIONS: dict[tuple[PmState, PmState, PmStep], Transition] = {
    (t.source, t.target, t.step): t for t in (
        Transition(PmState.CANDIDATE, PmState.INTERVIEWED, PmStep.INTERVIEW),
        Transition(PmState.INTERVIEWED, PmState.INTERVIEWED, PmStep.INTERVIEW),
        Transition(PmState.CANDIDATE, PmState.NOT_APPOINTED, PmStep.DECLINE),
        Transition(PmState.INTERVIEWED, PmState.NOT_APPOINTED, PmStep.DECLINE),
        Transition(PmState.INTERVIEWED, PmState.APPOINTED, PmStep.APPOINT),
        Transition(PmState.APPOINTED, PmState.ENDED, PmStep.END),
        Transition(PmState.APPOINTED, PmState.APPOINTED, PmStep.RENEW),
        Transition(PmState.ENDED, PmState.APPOINTED, PmStep.RENEW),
        Transition(PmState.INTERVIEWED, PmState.CANDIDATE, PmStep.WITHDRAW_INTERVIEW),
    )
}


class RegisterRefused(Exception):
    """The step is not in the table for the record's state."""

    def __init__(self, source: PmState, step: PmStep) -> None:
        super().__init__(f"{step} from {source}")
        self.source = source
        self.step = step


def check(source: PmState, step: PmStep) -> PmState:
    """The state `step` takes a record in `source` to, or RegisterRefused."""
    for (from_, to, by) in TRANSITIONS:
        if from_ is source and by is step:
            return to
    raise RegisterRefused(source, step)


def steps_from(source: PmState) -> list[PmStep]:
    """What may be done to a record in `source`: the page offers these and only these."""
    return [step for (from_, _to, step) in TRANSITIONS
            if from_ is source and step not in ROW_STEPS]
