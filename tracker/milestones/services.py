"""What project managers, reviewers and HQ do to milestones. Every step lands on the
milestone's history (MilestoneEvent) and the audit trail in the same transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Problems, Refused, require
from tracker.files import services as files
from tracker.funding.releases import released_tranches
from tracker.milestones import evidence
from tracker.milestones.models import (
    DONE,
    Evidence,
    Milestone,
    MilestoneEvent,
    MilestoneState,
    ProgressUpdate,
    Rebaseline,
    RebaselineState,
)
from tracker.milestones.refusals import decision_refusal, percent_refusal, submit_refusal
from tracker.milestones.states import Action, next_state
from tracker.notifications.services import emit
from tracker.projects.closed import open_refusal
from tracker.projects.lifecycle import ACTIVE, Phase
from tracker.settings import catalogue
from tracker.settings import services as settings
from tracker.workdays.services import add_business_days

if TYPE_CHECKING:
    from tracker.projects.models import Project

# Before gate 1 has passed, the plan is still a proposal: dates move freely.
PLANNING_PHASES = (Phase.DRAFT, Phase.PROPOSAL_REVIEW)
# The phases that have milestones: those closed by gates 2 to 4, and the proposal review.
MILESTONE_PHASES = tuple(sorted(ACTIVE, key=list(Phase).index))


def plannable_phases(project: Project) -> tuple[Phase, ...]:
    """The phases a new milestone may belong to: the project's own and the later ones. One of
    a phase the project has left would wait, planned, for ever, and show as its next deadline."""
    now = project.held_phase if project.phase is Phase.ON_HOLD else project.phase
    if now not in MILESTONE_PHASES:  # a draft plans from its proposal review on
        return MILESTONE_PHASES
    return MILESTONE_PHASES[MILESTONE_PHASES.index(now):]


def _step(actor: User, milestone: Milestone, action: Action, comment: str = "") -> None:
    """Move `milestone` by `action` if the state machine allows it; history and audit."""
    target = next_state(milestone.state, action)
    if target is None:
        raise Refused(_("A milestone that is %(state)s cannot be %(action)s.",
                        state=label(milestone.state), action=label(action)))
    if target is not milestone.state:
        milestone.events.append(MilestoneEvent(actor_id=actor.id, from_state=milestone.state,
                                               to_state=target, comment=comment))
    milestone.state = target


def _check_dates(project: Project, due: date, field: str = "due_date",
                 problems: Problems | None = None) -> None:
    """A problem of `problems` (or refused at once without) when `due` is outside the project
    (None: refused by its field already)."""
    if due is not None and not project.start_date <= due <= project.end_date:
        message = _("The due date must fall within the project's dates, %(start)s to %(end)s.",
                    start=day(project.start_date), end=day(project.end_date))
        if problems is None:
            raise Invalid(field, message)
        problems.add(field, message)


def check_reviewer(project: Project, reviewer_id: int) -> User:
    reviewer = db.session.get(User, reviewer_id)
    if reviewer is None or not reviewer.has_role(Role.EVALUATOR):
        raise Invalid("reviewer_id", _("Choose an evaluator."))
    if project.stake_of(reviewer):
        raise Invalid("reviewer_id", _("%(name)s has a stake in this project and may not "
                                       "review it.", name=reviewer.name))
    return reviewer


def writable(project: Project, history: bool = False) -> None:
    """Refused on a closed project, but the `history` an import brings in
    (`closed.open_refusal`)."""
    if (said := open_refusal(project, history)) is not None:
        raise Refused(said)


def check_plan(actor: User, project: Project, *, phase: Phase, due_date: date, weight: Decimal,
               history: bool = False) -> None:
    """What `plan_milestone` refuses, without writing: the bulk import checks each row by it.
    A closed project takes no new milestone, but the history an import brings in: those
    accepted or waived before the tracker."""
    if not Milestone.can_plan(actor, project):
        raise Forbidden()  # who may not plan, before what the project's phase says
    writable(project, history)
    problems = Problems()  # every problem at once, each beside its field
    if phase not in MILESTONE_PHASES:
        problems.add("phase", _("Milestones belong to the phases closed by a gate."))
    elif phase not in plannable_phases(project) and not history:
        problems.add("phase", _("The project has left this phase: plan the milestone in "
                                "its current phase or a later one."))
    _check_dates(project, due_date, problems=problems)
    if weight is not None and weight < 0:  # None: refused by its field already
        problems.add("weight", _("The weight cannot be negative."))
    problems.raise_any()


def plan_milestone(actor: User, project: Project, *, phase: Phase, title: str, deliverable: str,
                   due_date: date, weight: Decimal, history: bool = False) -> Milestone:
    """The PM plans; HQ assigns the reviewer (`assign_reviewer`). `history`: an import brings
    in a milestone accepted or waived before the tracker, which may be of a phase left since."""
    check_plan(actor, project, phase=phase, due_date=due_date, weight=weight, history=history)
    milestone = Milestone(project_id=project.id, phase=phase, title=title.strip(),
                          deliverable=deliverable.strip(), due_date=due_date, weight=weight)
    db.session.add(milestone)
    audit.record(actor, "milestone.plan", milestone)
    db.session.flush()
    return milestone


def edit_refusal(milestone: Milestone, done: str | None = None) -> str | None:
    """Why the PM (`Milestone.can_edit`) can't change the milestone's plan now, its fields by
    an edit or its date by a re-baseline: its project closed, it is done (`done`: what the step
    says of that), or it waits for its reviewer; None when they can."""
    if (said := open_refusal(milestone.project)) is not None:
        return said
    if milestone.state in DONE:
        return done or _("This milestone is “%(state)s”: it is no longer edited. Plan a new "
                         "milestone for work still to do.", state=label(milestone.state))
    if milestone.state is MilestoneState.SUBMITTED:
        return _("The milestone is under review: nothing of it changes until its reviewer "
                 "answers.")
    return None


def edit_milestone(actor: User, milestone: Milestone, *, title: str, deliverable: str,
                   due_date: date, weight: Decimal) -> None:
    """Edit the plan. After the proposal gate a new due date goes through `rebaseline`."""
    project = milestone.project
    require(milestone.can_edit(actor), lambda: edit_refusal(milestone))
    problems = Problems()  # every problem at once, each beside its field
    if due_date != milestone.due_date:
        if project.phase not in PLANNING_PHASES:
            problems.add("due_date", _("After the proposal gate, a due date moves by a "
                                       "re-baseline, with its reason."))
        else:
            _check_dates(project, due_date, problems=problems)
    if weight < 0:
        problems.add("weight", _("The weight cannot be negative."))
    problems.raise_any()
    milestone.title = title.strip()
    milestone.deliverable = deliverable.strip()
    milestone.due_date = due_date
    milestone.weight = weight
    audit.record_if_changed(actor, "milestone.edit", milestone)
    db.session.flush()


def rebaseline(actor: User, milestone: Milestone, new_date: date, reason: str) -> Rebaseline:
    """Move a due date after the proposal gate. Within the setting's number of days the PM's
    word is enough; a longer move waits for an HQ admin."""
    project = milestone.project
    require(milestone.can_edit(actor), lambda: edit_refusal(milestone, _(
        "This milestone is “%(state)s”: its date is no longer moved.",
        state=label(milestone.state))))
    problems = Problems()  # every problem at once, each beside its field
    if new_date == milestone.due_date:
        problems.add("new_date", _("This is the current due date."))
    elif new_date is not None:  # None: the form has said it is required
        _check_dates(project, new_date, "new_date", problems)
    if not (reason or "").strip():
        problems.add("reason", _("Say why the date moves."))
    problems.raise_any()
    if any(r.state is RebaselineState.PENDING for r in milestone.rebaselines):
        raise Refused(_("A re-baseline of this milestone already waits for HQ."))
    limit = settings.get(catalogue.REBASELINE_APPROVAL_DAYS)
    moved = abs((new_date - milestone.due_date).days)
    needs_hq = moved > limit
    entry = Rebaseline(old_date=milestone.due_date, new_date=new_date, reason=reason.strip(),
                       requested_by_id=actor.id,
                       state=RebaselineState.PENDING if needs_hq else RebaselineState.APPROVED,
                       approved_by_id=None if needs_hq else actor.id,
                       decided_at=None if needs_hq else db.utcnow())
    milestone.rebaselines.append(entry)
    if not needs_hq:
        milestone.due_date = new_date
    audit.record(actor, "milestone.rebaseline", milestone, {
        "due_date": [entry.old_date.isoformat(), new_date.isoformat()],
        "state": [None, entry.state.value], "reason": [None, entry.reason]})
    db.session.flush()
    if needs_hq:
        emit(actor, "rebaseline_waiting", entry)
    return entry


def decide_rebaseline(actor: User, entry: Rebaseline, approve: bool) -> None:
    require(Milestone.can_administer(actor), lambda: decision_refusal(entry, approve))
    milestone = entry.milestone
    entry.state = RebaselineState.APPROVED if approve else RebaselineState.REJECTED
    entry.approved_by_id = actor.id
    entry.decided_at = db.utcnow()
    if approve:
        milestone.due_date = entry.new_date
    audit.record(actor, "milestone.rebaseline_decided", milestone, {
        "due_date": [entry.old_date.isoformat(),
                     (entry.new_date if approve else entry.old_date).isoformat()],
        "state": ["pending", entry.state.value]})
    db.session.flush()
    emit(actor, "rebaseline_decided", entry)


def post_update(actor: User, milestone: Milestone, percent: int, note: str,
                uploads: list[tuple[IO[bytes], str]], dropped: list[int] = ()) -> ProgressUpdate:
    """Progress with evidence, by the PM or a team member. Files are checked by content: those
    of `uploads` here (all or none), those the web form held before (`evidence.hold`) are
    taken from the author's draft, but for the ones `dropped`."""
    evidence.may_post(actor, milestone)
    if (refusal := percent_refusal(percent)) is not None:
        raise Invalid("percent", refusal)
    _step(actor, milestone, Action.UPDATE)
    update = ProgressUpdate(author_id=actor.id, percent=percent, note=note.strip(),
                            percent_before=milestone.percent_complete)
    for file_id in evidence.take(actor, milestone, list(dropped)):
        update.evidence.append(Evidence(file_id=file_id))
    for stream, filename in uploads:
        stored = files.store(actor, stream, filename, field="files",
                             project_id=milestone.project_id)
        update.evidence.append(Evidence(file_id=stored.id))
    milestone.updates.append(update)
    milestone.percent_complete = percent
    audit.record(actor, "milestone.update", milestone, {
        "percent_complete": [None, percent], "evidence": [None, len(update.evidence)]})
    db.session.flush()
    return update


def review_due_on(submitted: date) -> date:
    """The day a milestone submitted on `submitted` is due for review, stored on it at its
    submission (by the PM, or by an import of a submitted milestone): the setting the review
    reminder counts from, so that its page, the lists and the e-mail say the same day."""
    return add_business_days(submitted, settings.get("reminder_milestone_review_after"))


def submit_milestone(actor: User, milestone: Milestone) -> None:
    """The PM submits; the review is due after the setting's number of business days."""
    require(milestone.can_manage(actor), lambda: submit_refusal(milestone))
    _step(actor, milestone, Action.SUBMIT)
    milestone.submitted_at = db.utcnow()
    milestone.review_due = review_due_on(today())
    audit.record(actor, "milestone.submit", milestone)
    db.session.flush()


def assign_refusal(milestone: Milestone) -> str | None:
    """Why HQ (`Milestone.can_assign_reviewer`) can't assign or change the milestone's reviewer
    now: its project closed, or it is done; None when they can."""
    if (said := open_refusal(milestone.project)) is not None:
        return said
    if milestone.state in DONE:
        return _("This milestone is “%(state)s”: it needs no reviewer.",
                 state=label(milestone.state))
    return None


def assign_reviewer(actor: User, milestone: Milestone, reviewer_id: int) -> None:
    """HQ assigns the reviewer, or changes them, at any time before the milestone is done."""
    require(Milestone.can_assign_reviewer(actor), lambda: assign_refusal(milestone))
    reviewer = check_reviewer(milestone.project, reviewer_id)
    milestone.reviewer_id = reviewer.id  # what the audit record shows
    milestone.reviewer = reviewer
    audit.record(actor, "milestone.assign_reviewer", milestone)
    db.session.flush()


def review_refusal(milestone: Milestone) -> str | None:
    """Why its reviewer (`Milestone.can_review`) reviews `milestone` no more, or not yet, by
    its state; None while it waits for their answer."""
    if milestone.state is MilestoneState.SUBMITTED:
        return open_refusal(milestone.project)
    if milestone.state in DONE:
        return _("This milestone is “%(state)s” already: nothing more is reviewed on it.",
                 state=label(milestone.state))
    return _("This milestone is “%(state)s”: it is reviewed once its project manager "
             "submits it.", state=label(milestone.state))


def review_milestone(actor: User, milestone: Milestone, accept: bool, comment: str) -> None:
    """The assigned evaluator accepts, or returns it for rework with a comment."""
    require(milestone.can_review(actor), lambda: review_refusal(milestone),
            _("Only the milestone's reviewer reviews it, never with a stake in its project."))
    if not accept and not comment.strip():
        raise Invalid("comment", _("Say what must be reworked."))
    _step(actor, milestone, Action.ACCEPT if accept else Action.RETURN, comment.strip())
    if accept:
        milestone.percent_complete = 100
    milestone.review_due = None
    audit.record(actor, "milestone.accept" if accept else "milestone.return", milestone)
    db.session.flush()
    emit(actor, "milestone_accepted" if accept else "milestone_returned", milestone)
    if accept:
        for tranche in released_tranches(milestone.project, milestone_id=milestone.id):
            emit(actor, "tranche_payable", tranche)


def waive_milestone(actor: User, milestone: Milestone, reason: str) -> None:
    """An HQ decision: a waived milestone no longer blocks its gate."""
    if not Milestone.can_administer(actor):
        raise Forbidden()
    writable(milestone.project)
    if not reason.strip():
        raise Invalid("reason", _("A waiver needs its reason."))
    _step(actor, milestone, Action.WAIVE, reason.strip())
    milestone.waiver_reason = reason.strip()
    milestone.review_due = None
    audit.record(actor, "milestone.waive", milestone)
    db.session.flush()
