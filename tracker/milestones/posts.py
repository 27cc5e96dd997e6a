"""A progress post made wrong (issue 9 point 5): its author corrects it (the percentage, the
note, files added, files withdrawn) or withdraws it, with the reason, while the milestone is
open; both stay on the milestone's page and in its history.

What relies on a post: the reviewer reading it once the milestone is submitted (it waits for
their answer), and the acceptance, which took the milestone as the posts showed it (they stay
as the reviewer saw them: what was wrong is said in a new post). A file or a post withdrawn
stays, marked so, and downloadable by whoever could before (`StoredFile.can_download` reads
its evidence rows, which stay). The milestone's percentage is the latest standing post's: it
follows a correction or a withdrawal of that post (`_follow`).
"""

from __future__ import annotations

from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import corrections, db, voids
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.display.formatting import instant, on_day
from tracker.errors import Problems, require
from tracker.files import attached
from tracker.files import services as files
from tracker.milestones.models import Evidence, Milestone, MilestoneState, ProgressUpdate
from tracker.milestones.refusals import percent_refusal
from tracker.projects.closed import closed


def post_refusal(update: ProgressUpdate) -> str | None:
    """Why the post can't be corrected or withdrawn now (withdrawn already, the project
    closed, the milestone under review, accepted or waived); None when it can."""
    milestone = update.milestone
    if (said := voids.refusal(update)) is not None:
        return said
    if milestone.project.is_read_only:
        return closed(milestone.project)
    if milestone.state is MilestoneState.SUBMITTED:
        return _("The milestone was submitted on %(date)s: its reviewer reads this post as it "
                 "is. Once they answer, a post of a milestone returned for rework can be "
                 "corrected.", date=instant(milestone.submitted_at))
    if milestone.state in (MilestoneState.ACCEPTED, MilestoneState.WAIVED):
        return _closed(milestone)
    return None


def _closed(milestone: Milestone) -> str:
    """An accepted or waived milestone's posts are final, and the milestone takes no new
    post and is never reopened: who decided it, when, and whom to tell is all one can do."""
    decided = next((e for e in reversed(milestone.events) if e.to_state is milestone.state),
                   None)
    date = on_day(decided.at) if decided else "—"
    name = decided.actor.name if decided and decided.actor else _("HQ")
    if milestone.state is MilestoneState.ACCEPTED:
        return _("%(name)s accepted the milestone on %(date)s on this evidence: the post stays "
                 "as they saw it, and an accepted milestone is not reopened and takes no new "
                 "post. If something in the post was wrong, tell %(name)s or HQ.",
                 name=name, date=date)
    return _("%(name)s waived the milestone on %(date)s: its posts stay as they were, and a "
             "waived milestone is not reopened and takes no new post. If something in one was "
             "wrong, tell HQ.", name=name, date=date)


def corrected_of(milestone: Milestone) -> dict:
    """The latest correction of each of the milestone's posts, shown beside it."""
    return corrections.last_corrected(ProgressUpdate.__tablename__,
                                      [u.id for u in milestone.updates], ("progress.correct",))


def _may(actor: User, update: ProgressUpdate) -> None:
    """Who may, then (the milestone locked, as a submission or a review locks it) what relies
    on the post since the page was drawn."""
    require(update.can_correct(actor), lambda: post_refusal(update),
            lock=lambda: _lock(update.milestone))


def _lock(milestone: Milestone) -> None:
    db.session.execute(select(Milestone.id).where(Milestone.id == milestone.id)
                       .with_for_update())
    db.session.refresh(milestone, ["state", "submitted_at"])


def _follow(milestone: Milestone) -> None:
    """The milestone's percentage: its latest standing post's; with none, what it was before
    the first post withdrawn (`percent_before`, 0 when unknown)."""
    posts = milestone.updates
    standing = [u for u in posts if not u.is_void]
    if standing:
        milestone.percent_complete = standing[-1].percent
    elif posts:
        milestone.percent_complete = posts[0].percent_before or 0


def correct_post(actor: User, update: ProgressUpdate, *, percent: int | None, note: str | None,
                 uploads: list[tuple[IO[bytes], str]], withdrawn_files: list[int],
                 reason: str | None) -> ProgressUpdate:
    """The post corrected, with the reason: its percentage and note, files added to it, files
    of it withdrawn (they stay, marked so). Every problem at once, each beside its field."""
    _may(actor, update)
    problems = Problems()
    if (refusal := percent_refusal(percent)) is not None:
        problems.add("percent", refusal)
    taken = attached.chosen(problems, update.evidence, withdrawn_files)
    for stream, filename in uploads:
        problems.collect(files.check, stream, filename, "files")
    reason = corrections.reason_of(problems, reason)
    problems.raise_any()
    update.percent, update.note = percent, (note or "").strip()
    more = audit.pending_changes(update)  # before storing a file flushes them
    added = [files.store(actor, stream, filename, field="files",
                         project_id=update.milestone.project_id)
             for stream, filename in uploads]
    update.evidence.extend(Evidence(file_id=stored.id) for stored in added)
    attached.withdraw(actor, update, taken, added, reason, more, columns_changed=bool(more))
    corrections.corrected(actor, "progress.correct", update, reason, more)
    _follow(update.milestone)
    db.session.flush()
    return update


def withdraw_post(actor: User, update: ProgressUpdate, reason: str | None) -> ProgressUpdate:
    """A post made by mistake, withdrawn with the reason: it stays on the milestone's page with
    its files, marked withdrawn, and the milestone's percentage is the latest standing post's
    again."""
    _may(actor, update)
    before = update.milestone.percent_complete

    def follow() -> dict[str, list[Any]]:
        _follow(update.milestone)
        return {"percent_complete": [before, update.milestone.percent_complete]}

    return voids.void(actor, update, reason, "progress.withdraw", follow=follow)
