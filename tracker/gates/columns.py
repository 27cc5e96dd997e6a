"""The columns of the gates awaiting decision (`/gates/awaiting`), what its file holds: both of
the page's tables in one list, each review with the table it is in (`Stage`)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.dates import today
from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind
from tracker.gates.models import GateReview, ReviewState


def _stage(review: GateReview) -> str:
    return _("Panel to be named") if review.state is ReviewState.REQUESTED else _("Under review")


def _scorecards(review: GateReview) -> str | None:
    if review.state is not ReviewState.OPEN:
        return None
    return _("%(have)d of %(n)d", have=len(review.submitted_members), n=review.quorum)


AWAITING_COLUMNS = [
    Column(_l("Stage"), _stage, width=18),
    Column(_l("Requested"), lambda r: r.requested_at, Kind.INSTANT, 18),
    Column(_l("Due"), lambda r: r.due_date, Kind.DATE, 12),
    Column(_l("Overdue"), lambda r: bool(r.due_date and r.due_date < today()), Kind.BOOL, 10),
    Column(_l("Project"), lambda r: r.project.reference, Kind.CODE, 16),
    Column(_l("Title"), lambda r: r.project.title, width=40),
    Column(_l("Institute"), lambda r: r.project.institute.shown("name"), width=24),
    Column(_l("Gate"), lambda r: r.shown("name"), width=24,
           link=lambda r: id_path("gates.review", "review_id", r.id)),
    Column(_l("Chair"), lambda r: r.chair.name if r.chair else None, width=18),
    Column(_l("Scorecards"), _scorecards, width=12),
]
