"""A milestone brought in by an import in the state it had before the tracker (issue 13), and
the day it was submitted for review, which the file gives (Submitted on): the tracker dates a
submission the moment the PM submits, and its review falls due by the one rule
(`services.review_due_on`) from that day. An import dated every submitted milestone the moment
of the import, so its review read as due from the import's day, and once accepted it counted
as late or on time by that day (`tracker.pms.figures`, `tracker.assessment.measures`).

The day is required for a submitted milestone (its review is due from it: an import makes up
no day), optional for an accepted one (empty: no day of its submission is kept, so it counts
neither on time nor late, as before), and refused for the others, which wait for no review and
have none. Kept as noon that day in the organisation's zone, never after now, as an imported
decision is (`tracker.gates.dating.noon`). A milestone on record keeps its day
(`tracker.imports.milestones.Milestones.unchangeable`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import out_of_range, today
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Forbidden, Problems
from tracker.gates.dating import noon
from tracker.milestones.models import DONE, Milestone, MilestoneEvent, MilestoneState
from tracker.milestones.refusals import percent_refusal
from tracker.milestones.services import check_reviewer, review_due_on, writable

if TYPE_CHECKING:
    from tracker.projects.models import Project

# The states of a milestone that was submitted and keeps the day (a returned one is in
# progress again, and an import cannot say it was returned).
SUBMITTED = (MilestoneState.SUBMITTED, MilestoneState.ACCEPTED)


def imported_percent(state: MilestoneState, percent: int) -> int:
    """An accepted milestone is complete, whatever the file said of its progress."""
    return 100 if state is MilestoneState.ACCEPTED else percent


def check_submitted_on(project: Project, state: MilestoneState, submitted_on: date | None,
                       problems: Problems) -> None:
    """The problem of the day a new milestone in `state` was submitted, added to `problems`
    beside its column."""
    if submitted_on is None:
        if state is MilestoneState.SUBMITTED:
            problems.add("submitted_on", _(
                "Write the day the milestone was submitted, such as 2026-03-02: its review "
                "falls due from that day, and an import makes up no day."))
    elif state not in SUBMITTED:
        problems.add("submitted_on", _(
            "A milestone “%(state)s” waits for no review and keeps no day of submission: "
            "leave the cell empty.", state=label(state)))
    elif (said := out_of_range(submitted_on)) is not None:
        problems.add("submitted_on", said)
    elif submitted_on > today():
        problems.add("submitted_on", _("%(date)s is in the future: a milestone is dated the "
                                       "day it was submitted.", date=day(submitted_on)))
    elif submitted_on < project.start_date:
        problems.add("submitted_on", _(
            "%(date)s is before the project's start date (%(start)s): a milestone is "
            "submitted in its project's life.", date=day(submitted_on),
            start=day(project.start_date)))


def check_imported_state(actor: User, project: Project, state: MilestoneState, *, percent: int,
                         waiver_reason: str, submitted_on: date | None = None,
                         reviewer_id: int | None = None, problems: Problems | None = None
                         ) -> None:
    """What `import_state` refuses, without writing: every problem at once, each in its
    column, added to `problems` when given (an import's row, with its plan's), else raised."""
    if not Milestone.can_administer(actor):
        raise Forbidden()
    writable(project, history=state in DONE)  # the history of a closed project
    given = problems is not None
    problems = problems if given else Problems()
    if (refusal := percent_refusal(percent)) is not None:
        problems.add("percent_complete", refusal)
    if state is MilestoneState.WAIVED and not waiver_reason.strip():
        problems.add("waiver_reason", _("A waiver needs its reason."))
    check_submitted_on(project, state, submitted_on, problems)
    if reviewer_id:  # a person the row names: told with the others (issue 13)
        problems.collect(check_reviewer, project, reviewer_id)
    if not given:
        problems.raise_any()


def imported_fields(state: MilestoneState, percent: int, waiver_reason: str,
                    submitted_on: date | None = None) -> dict:
    """The fields `import_state` sets on a planned milestone (but the reviewer): a submitted
    one's review due by the rule from the day it was submitted."""
    fields = {"percent_complete": imported_percent(state, percent),
              "waiver_reason": waiver_reason.strip() if state is MilestoneState.WAIVED else "",
              "state": state}
    if submitted_on is not None:
        fields["submitted_at"] = min(noon(submitted_on), db.utcnow())
        if state is MilestoneState.SUBMITTED:
            fields["review_due"] = review_due_on(submitted_on)
    return fields


def is_moved(state: MilestoneState, percent: int, waiver_reason: str,
             submitted_on: date | None) -> bool:
    """Whether a new milestone's row says more than planned: `import_state` records it."""
    return bool(state is not MilestoneState.PLANNED or percent or waiver_reason
                or submitted_on)


def import_state(actor: User, milestone: Milestone, state: MilestoneState, *, percent: int,
                 reviewer_id: int | None, waiver_reason: str, import_id: int | None,
                 submitted_on: date | None = None) -> None:
    """A planned milestone brought in by an import in the state it had before the tracker.
    The state machine did not see how it got there, so its history says so: one event from
    planned to that state by the importing HQ admin, naming the import."""
    check_imported_state(actor, milestone.project, state, percent=percent,
                         waiver_reason=waiver_reason, submitted_on=submitted_on,
                         reviewer_id=reviewer_id)
    if reviewer_id:
        milestone.reviewer_id = reviewer_id
    fields = imported_fields(state, percent, waiver_reason, submitted_on)
    for key in ("submitted_at", "review_due", "percent_complete", "waiver_reason"):
        if key in fields:
            setattr(milestone, key, fields[key])
    before = milestone.state
    milestone.state = state
    # Read before the history is touched: loading it flushes, and what was flushed would be
    # missing from the record.
    changes = audit.pending_changes(milestone)
    if state is not before:
        milestone.events.append(MilestoneEvent(
            actor_id=actor.id, from_state=before, to_state=state,
            imported_in_id=import_id))
    audit.record_if_changed(actor, "milestone.import_state", milestone, changes)
    db.session.flush()
