"""What a closed project (terminated, rejected, completed, spun off) answers when asked to change
(issue 9 point 6: a refusal caused by state says the state, and what to do instead): its phase
in the reader's words, and who can reopen the question. One sentence for every record of it.

Who may act on a project is its models' `can_<verb>` (a role, a relation: the PM); whether its
phase lets them is asked here (`open_refusal`, `plan_refusal`), so that the PM of a closed
project hears why (409), not "not allowed" (403), and a page offers a form only when both hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.gates.decision_models import Outcome
from tracker.projects import life, lifecycle
from tracker.projects.lifecycle import Phase, Step

if TYPE_CHECKING:
    from tracker.gates.decision_models import GateDecision
    from tracker.projects.models import Project


def closed(project: Project) -> str:
    """The refusal of any change to `project`, which `is_read_only`."""
    return _("%(project)s is %(phase)s: nothing of it changes any more. If it was closed by "
             "mistake, HQ corrects the decision that closed it.", project=project.name,
             phase=str(label(project.phase)).lower())


def proposal_refusal(project: Project) -> str | None:
    """Why the PM can't edit `project`'s proposal now (`Project.can_edit_proposal` says who):
    it waits at the institute, or went on from there; None while it is a draft, and while
    gate 1's RECYCLE asks for its rework (`rework`: until gate 1 is requested again). Each
    says where changes go instead: a closed project takes none (`closed`), one at gate 1 is
    reviewed as submitted, one under way changes through a change request."""
    if (waiting := project.proposal_at_institute) is not None:
        return _("The proposal was submitted to the institute on %(date)s and waits there: "
                 "withdraw it from there to change it.", date=on_day(waiting.submitted_at))
    if project.is_read_only:
        return closed(project)
    if project.phase is Phase.PROPOSAL_REVIEW:
        if rework(project) is not None:
            return None  # reworked as a draft is written, until gate 1 is asked again
        return _("The proposal was submitted to HQ and is reviewed at gate 1 as submitted: once "
                 "the project has passed the gate, changes to it go through a change request.")
    if not project.is_draft:
        return _("The proposal was submitted: changes to the project now go through a change "
                 "request.")
    return None


def rework(project: Project) -> GateDecision | None:
    """The RECYCLE that ended the project's last gate-1 review, if that is how it ended (the
    project stays in the proposal review, to be reviewed again): the PM reworks the proposal
    itself, by its `rework_due`, until they request gate 1 again, whose new review has no
    decision yet."""
    if project.phase is not Phase.PROPOSAL_REVIEW:
        return None
    reviews = [review for review in project.gate_reviews if review.gate == 1]
    decision = reviews[-1].current_decision if reviews else None
    return decision if decision is not None and decision.outcome is Outcome.RECYCLE else None


def open_refusal(project: Project, history: bool = False) -> str | None:
    """Why nothing more is prepared, planned or recorded on `project` (milestones, gate
    deliverables, contracts, agreements and their tranches): it is closed (`closed`); None
    while it is open.

    A closed project takes no new record dated after it closed: every form records now, after
    that day, and is refused. What an import brings in as its history (`history`, issue 13)
    is dated before: a contract signed, an agreement decided, money paid on or before the day
    it closed (`life.closed_on`) is taken, each of the record's days asked against that day
    beside its field (`life.signing_refusal`, `life.closing_refusal`). A closed project with
    no day of closing recorded takes no history either: nothing dates it."""
    if not project.is_read_only or (history and life.closed_on(project) is not None):
        return None
    return closed(project)


def submit_refusal(project: Project) -> str | None:
    """Why `project`'s proposal is not submitted now, whatever its checklist says (by its PM):
    submitted already (where it is now), or waiting at the institute; None for a draft that
    may go."""
    try:  # the table, before the checklist: a second press is told so, not what gate 2 needs
        lifecycle.check(project.phase, Phase.PROPOSAL_REVIEW, Step.SUBMIT)
    except lifecycle.TransitionRefused:
        return _("This proposal has already been submitted (%(code)s); it is now in "
                 "%(phase)s.", code=project.code or "—", phase=label(project.phase))
    if project.proposal_at_institute is not None:
        return proposal_refusal(project)
    return None


def hold_refusal(project: Project) -> str | None:
    """Why `project` is not resumed or ended from hold now (by HQ:
    `Project.can_decide_hold`): it is not on hold; None while it is."""
    if project.phase is Phase.ON_HOLD:
        return None
    return _("This project is “%(phase)s”, not on hold: only a project on hold resumes.",
             phase=label(project.phase))


def rationale_refusal(rationale: str) -> str | None:
    """Why a held project is not ended with `rationale` (by the page or an import's row: one
    sentence for both): it gives none; None when it does."""
    return None if rationale.strip() else _("Give the rationale for ending the project.")


def resume_refusal(reason: str) -> str | None:
    """Why a held project is not resumed with `reason` (by the page or an import's row: one
    sentence for both): it gives none; None when it does."""
    return None if reason.strip() else _("Say why the project resumes.")


def gate_refusal(project: Project) -> str | None:
    """Why no gate is asked for `project` now (by its PM: `Project.can_request_gate`): it is
    in no active phase; None otherwise."""
    if project.is_active:
        return None
    return _("This project is “%(phase)s”: a gate is requested only while a project is in an "
             "active phase.", phase=label(project.phase))


def plan_refusal(project: Project) -> str | None:
    """Why its PM can't run `project`'s plan now (record its spending and TRL, change its plan
    by a change request): closed, or not approved at the proposal gate yet; None when they can
    (`Project.is_under_way`)."""
    if project.is_read_only:
        return closed(project)
    if project.phase in (Phase.DRAFT, Phase.PROPOSAL_REVIEW):
        return _("%(project)s is at the stage “%(phase)s”: its project manager runs its plan "
                 "(spending, TRL, changes to the plan) once it has passed gate 1.",
                 project=project.name, phase=label(project.phase))
    return None
