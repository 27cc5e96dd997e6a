"""The gate guards the milestones own (listed with every other guard in
tracker/projects/guards.py): the phase's milestones are accepted or waived, and the phase's
work is planned as milestones at all. A milestone submitted and awaiting its review is under
way, not missing: the project page says so (the checklist's "under way")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.display.labels import label
from tracker.display.said import listed
from tracker.milestones.models import DONE, Milestone, MilestoneState
from tracker.projects.lifecycle import Phase

if TYPE_CHECKING:
    from tracker.projects.models import Project


def open_milestones(project: Project, phase: Phase, milestones: list[Milestone] | None = None,
                    *, submitted: bool = False) -> str | None:
    """The gate guard: milestones of the phase neither accepted nor waived (among `milestones`,
    every one of the project by due date, when the caller has read them): those still to
    deliver, or with `submitted` those under review (under way, not missing)."""
    states = {MilestoneState.SUBMITTED} if submitted else set(MilestoneState) - {
        *DONE, MilestoneState.SUBMITTED}
    if milestones is None:
        titles = db.session.scalars(select(Milestone.title).where(
            Milestone.project_id == project.id, Milestone.phase == phase,
            Milestone.state.in_(states)).order_by(Milestone.due_date)).all()
    else:
        titles = [m.title for m in milestones if m.phase == phase and m.state in states]
    if titles and submitted:
        return _("Submitted, awaiting their review: %(titles)s.", titles=listed(titles))
    if titles:
        return _("Milestones of this phase are neither accepted nor waived: %(titles)s.",
                 titles=listed(titles))
    return None


def none_planned(project: Project, phase: Phase,
                 milestones: list[Milestone] | None = None) -> str | None:
    """The gate guard of a phase whose work is reviewed by its milestones: at least one is
    planned (a gate with none would pass the research unreviewed)."""
    if milestones is None:
        milestones = db.session.scalars(select(Milestone).where(
            Milestone.project_id == project.id, Milestone.phase == phase).limit(1)).all()
    if not any(m.phase == phase for m in milestones):
        return _("No milestone of the %(phase)s phase is planned: plan the research as "
                 "milestones first.", phase=label(phase))
    return None
