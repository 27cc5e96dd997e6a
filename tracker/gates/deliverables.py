"""A gate deliverable uploaded wrong is corrected by the PM with the reason (issue 9 point 5,
`tracker.files.attached`, the one mechanism for a record's file): its file replaced, the
history showing "Deliverable file: old -> new", each a link for a reader who may open it; or
the deliverable taken off (withdrawn, `Voidable`: it stays on the project's page, marked, and
counts for its gate no more, so the gate asks for it again). Either way the file stays stored
and readable only by the project's readers. Uploading the deliverable again does not replace
it silently: the upload is refused, pointing here. Once the gate's review is requested the
panel reads the deliverable as it was requested with, and it is refused, saying so.
"""

from __future__ import annotations

from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import corrections, db, voids
from tracker.accounts.models import User
from tracker.display.labels import label
from tracker.errors import Invalid, Problems, require
from tracker.files import attached
from tracker.files import services as files
from tracker.gates.models import Deliverable
from tracker.projects.closed import closed, open_refusal
from tracker.projects.lifecycle import current_gate
from tracker.projects.models import Project


def unreviewed(project: Project, gate: int, name: str) -> Deliverable | None:
    """The standing deliverable `name` of `project`'s `gate` that no review has read yet: what
    a second upload of it would replace (one read once a review did is material for the next
    review, uploaded anew)."""
    return db.session.scalar(
        select(Deliverable).where(Deliverable.project_id == project.id,
                                  Deliverable.gate == gate, Deliverable.name == name,
                                  Deliverable.review_id.is_(None), Deliverable.standing())
        .order_by(Deliverable.id.desc()).limit(1))


def refuse_another(project: Project, gate: int, name: str) -> None:
    """A second upload of a deliverable no review has read yet replaces nothing silently: it is
    refused beside the deliverable's name, pointing to its correction."""
    if (standing := unreviewed(project, gate, name)) is not None:
        raise Invalid("name", _("%(file)s is uploaded for it already: replace it by correcting "
                                "it, with the reason.", file=standing.file.original_name))


def upload_refusal(project: Project) -> str | None:
    """Why the PM (`Project.can_prepare`) uploads no deliverable now, by the project's phase:
    closed, or held (no gate to prepare); None when a gate asks for its deliverables."""
    if (said := open_refusal(project)) is not None:
        return said
    if current_gate(project.phase) is None:
        return _("%(project)s is at the stage “%(phase)s”: no gate asks for deliverables "
                 "now.", project=project.name, phase=label(project.phase))
    return None


def refusal(deliverable: Deliverable) -> str | None:
    """Why `deliverable` can't be corrected, for the service's refusal and the form's page;
    None when it can."""
    if deliverable.project.is_read_only:
        return closed(deliverable.project)
    if deliverable.review_id is not None:
        return _("Gate %(n)d's review was requested with this deliverable: the panel reads it "
                 "as it was requested with.", n=deliverable.gate)
    if (said := voids.refusal(deliverable)) is not None:
        return _("%(withdrawn)s Upload the right file for it from the project's page.",
                 withdrawn=said)
    return None


def correct_deliverable(actor: User, deliverable: Deliverable, *,
                        upload: tuple[IO[bytes], str] | None, take_off: bool,
                        reason: str | None) -> Deliverable:
    """Replace the deliverable's file by `upload`, or take the deliverable off (`take_off`),
    with `reason`."""
    require(deliverable.can_correct(actor), lambda: refusal(deliverable))
    # The form replaces the file or takes the deliverable off: neither is no change.
    corrections.changed(deliverable, changes=corrections.differences(
        {"replaced": False, "taken_off": False},
        {"replaced": upload is not None, "taken_off": take_off}))
    problems = Problems()
    if upload is not None:
        problems.collect(files.check, upload[0], upload[1], "file")
    reason = corrections.reason_of(problems, reason)
    problems.raise_any()
    if upload is None:
        return voids.void(actor, deliverable, reason, "deliverable.withdraw")
    attached.replace(actor, deliverable, "file_id", upload, False, "file",
                     deliverable.project_id)
    corrections.corrected(actor, "deliverable.correct", deliverable, reason)
    db.session.flush()
    db.session.expire(deliverable, ["file"])  # the file its id now names
    return deliverable
