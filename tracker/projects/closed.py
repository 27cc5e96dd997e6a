"""What a closed project (terminated, rejected, completed, spun off) answers when asked to change
(issue 9 point 6: a refusal caused by state says the state, and what to do instead): its phase
in the reader's words, and who can reopen the question. One sentence for every record of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker.display.labels import label

if TYPE_CHECKING:
    from tracker.projects.models import Project


def closed(project: Project) -> str:
    """The refusal of any change to `project`, which `is_read_only`."""
    return _("%(project)s is %(phase)s: nothing of it changes any more. If it was closed by "
             "mistake, HQ corrects the decision that closed it.", project=project.name,
             phase=str(label(project.phase)).lower())
