"""The evidence files of a progress post, held as a draft until the post is saved.

A phone sends a post's photos in one request. A post refused (a percentage out of range, one
file of a type not accepted) must not make its author choose the other files again, so each
file is checked and kept on its own first (`hold`, which the view commits before it tries the
post): those accepted wait as the author's draft of their next post on the milestone
(`DraftEvidence`), listed above the form, and the post takes them all when it is saved (`take`).

Two limits, both settings stated beside the field: MAX_UPLOAD_MB a file (checked as it is
stored, `tracker.files.services.store`) and MAX_POST_MB a post, the files held included. A
request larger than MAX_POST_MB (and a megabyte for the form) is refused before it is read,
with the milestone page, the note and percentage as typed (`tracker.web.oversize`).

A draft its author never posts is abandoned once DRAFT_EVIDENCE_DAYS pass after its newest
file: the scheduler's daily job (`tracker.reminders.scheduler.run_cleanup`) deletes it, its
files and their bytes (`discard_abandoned`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, tuple_

from tracker import db
from tracker.accounts.models import User
from tracker.errors import Invalid, require
from tracker.files import services as files
from tracker.files.models import StoredFile
from tracker.milestones.models import DraftEvidence, Milestone
from tracker.milestones.refusals import progress_refusal

MB = 1024 * 1024


def may_post(actor: User, milestone: Milestone) -> None:
    """The PM or a team member (`Milestone.can_post`) posts progress on a milestone in work
    (`refusals.progress_refusal`)."""
    require(milestone.can_post(actor), lambda: progress_refusal(milestone))


def drafts(actor: User, milestone: Milestone) -> list[DraftEvidence]:
    """The files `actor` has waiting for their next post on `milestone`, oldest first."""
    return list(db.session.scalars(
        select(DraftEvidence).where(DraftEvidence.milestone_id == milestone.id,
                                    DraftEvidence.author_id == actor.id)
        .order_by(DraftEvidence.id)))


def hold(actor: User, milestone: Milestone, uploads: list[tuple[IO[bytes], str]]) -> list[str]:
    """Check and keep each upload as a draft file of `actor`'s next post on `milestone`.
    Returns what was refused, a sentence per file naming it. The view holds nothing for a form
    sent again (`actions.sent_before`): its files went with the first sending."""
    if not uploads:
        return []
    may_post(actor, milestone)
    limit = current_app.config["MAX_POST_MB"]
    held = sum(d.file.size for d in drafts(actor, milestone))
    refused = []
    for stream, filename in uploads:
        name = files.clean_name(filename)
        try:
            stored = files.store(actor, stream, filename, field="files",
                                 project_id=milestone.project_id)
        except Invalid as invalid:
            refused.append(_("%(name)s: %(reason)s", name=name, reason=invalid.message))
            continue
        if held + stored.size > limit * MB:
            files.remove(stored)
            refused.append(_("%(name)s: the post would be larger than %(n)d MB; post what it "
                             "has first.", name=name, n=limit))
            continue
        held += stored.size
        db.session.add(DraftEvidence(milestone_id=milestone.id, author_id=actor.id,
                                     file_id=stored.id))
    db.session.flush()
    return refused


def take(actor: User, milestone: Milestone, dropped: list[int]) -> list[int]:
    """The ids of the files of `actor`'s draft that their post takes; those `dropped` (ticked
    off in the form) are deleted, file and all."""
    taken = []
    for draft in drafts(actor, milestone):
        if draft.file_id in dropped:
            stored = draft.file
            db.session.delete(draft)
            db.session.flush()
            files.remove(stored)
        else:
            taken.append(draft.file_id)
            db.session.delete(draft)
    db.session.flush()
    return taken


def discard_abandoned(now: datetime) -> int:
    """Delete the drafts whose newest file is older than DRAFT_EVIDENCE_DAYS at `now`, each
    with its file (the bytes go when the transaction commits). A draft is one author's on one
    milestone: a file added yesterday keeps the older ones of the same draft. Returns how many
    files were deleted."""
    before = now - timedelta(days=current_app.config["DRAFT_EVIDENCE_DAYS"])
    abandoned = (select(DraftEvidence.milestone_id, DraftEvidence.author_id)
                 .join(StoredFile, StoredFile.id == DraftEvidence.file_id)
                 .group_by(DraftEvidence.milestone_id, DraftEvidence.author_id)
                 .having(func.max(StoredFile.uploaded_at) < before))
    deleted = 0
    for draft in db.session.scalars(
            select(DraftEvidence).where(tuple_(DraftEvidence.milestone_id,
                                               DraftEvidence.author_id).in_(abandoned))):
        stored = draft.file
        db.session.delete(draft)
        db.session.flush()
        files.remove(stored)
        deleted += 1
    db.session.flush()
    return deleted
