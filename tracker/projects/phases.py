"""The one place a project changes phase: `change_phase` checks the transition table
(tracker/projects/lifecycle.py), the actor's permission and the guards (tracker/projects/guards.py),
and writes the history and the audit record in the same transaction. Gate decisions, submission,
resumption and termination all call it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.display.labels import label
from tracker.errors import Forbidden, Refused
from tracker.imports.models import ImportRun
from tracker.projects import lifecycle
from tracker.projects.lifecycle import Phase, Step
from tracker.projects.models import PhaseChange, Project

if TYPE_CHECKING:
    from tracker.gates.models import GateDecision

REFUSAL_MESSAGES = {
    "final": _l("The project is %(source)s: nothing can change it any more."),
    "same_phase": _l("The project is already %(source)s."),
    "not_in_table": _l("A project cannot go from %(source)s to %(target)s."),
    "wrong_step": _l("A project goes from %(source)s to %(target)s only by another kind of "
                     "decision."),
    "resume_elsewhere": _l("A held project resumes only in the phase it was held in."),
}


def refusal_message(error: lifecycle.TransitionRefused) -> str:
    return str(REFUSAL_MESSAGES[error.code]) % {"source": label(error.source),
                                                "target": label(error.target)}



def _may_take(actor: User, project: Project, step: Step,
              decision: GateDecision | None, imported_in_id: int | None = None) -> bool:
    if step is Step.SUBMIT:
        # A submission before the tracker is recorded by the HQ admin who imports it.
        return ImportRun.can_import(actor) if imported_in_id else project.can_prepare(actor)
    if step in (Step.GO, Step.HOLD) or (step is Step.KILL and project.phase is not Phase.ON_HOLD):
        # Gate decisions: recorded by the chair of that review; one taken before the tracker
        # (no chair) by the HQ admin who imports it.
        return decision is not None and decision.decided_by_id == actor.id and (
            ImportRun.can_import(actor) if decision.imported_in_id
            else decision.review.can_decide(actor))
    return Project.can_decide_hold(actor)


def change_phase(actor: User, project: Project, target: Phase, step: Step, *,
                 decision: GateDecision | None = None, reason: str = "",
                 imported: tuple[int, datetime] | None = None) -> PhaseChange:
    """Move `project` to `target`: table, permission and guards checked, history and audit
    written in the same transaction. Refusals are `Refused` (409) with the reason. A change
    taken before the tracker names its import and is dated when it was taken: `imported`
    (the import, the instant), or an imported decision's own."""
    if imported is None and decision is not None and decision.imported_in_id:
        imported = (decision.imported_in_id, decision.decided_at)
    source = project.phase
    try:
        lifecycle.check(source, target, step, held_phase=project.held_phase)
    except lifecycle.TransitionRefused as error:
        raise Refused(refusal_message(error)) from None
    if not _may_take(actor, project, step, decision, imported and imported[0]):
        raise Forbidden(_("You may not take this step on this project."))

    if step is Step.HOLD:
        project.held_phase = source
    elif step is Step.RESUME:
        project.held_phase = None
        project.revisit_date = None
    project.phase = target
    changes = audit.pending_changes(project)
    change = PhaseChange(from_phase=source, to_phase=target, actor_id=actor.id,
                         decision_id=decision.id if decision else None, reason=reason)
    if imported is not None:
        change.imported_in_id, change.at = imported
    project.phase_changes.append(change)
    audit.record(actor, "project.phase", project, changes)
    db.session.flush()
    return change
