"""What a changed row may not change of a project already recorded, each said beside its
column: its phase and manager never (the tracker moves them), and nothing of a proposal once
submitted, which changes through its gates and change requests (`closed.proposal_refusal`,
the proposal page's own sentence). A draft's row is saved as its page saves it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.errors import Problems
from tracker.projects import closed
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

# A value of the row under another name than its column's.
_COLUMN = {"budget_template_id": "budget_template"}


def refuse(project: Project, before: dict[str, Any], pm: User, phase: Phase,
           given: dict[str, Any]) -> None:
    """Raise Invalid with every such change of the row, beside its column; `before`: the
    project's values as the row's are compared with (`Projects.current`)."""
    problems = Problems()
    if phase is not project.phase:
        problems.add("phase", _("An imported project's phase now changes in the tracker, "
                                "through its gates."))
    if pm.id != project.pm_id:
        problems.add("pm_id", _("An import does not change a project's manager."))
    if (said := closed.proposal_refusal(project)) is not None:
        for key, value in given.items():
            if key in before and value != before[key]:
                problems.add(_COLUMN.get(key, key), said)
    problems.raise_any()
