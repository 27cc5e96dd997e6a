"""A progress post made wrong, corrected or withdrawn by its author with the reason, from the
milestone's page, while the milestone is open (`posts.post_refusal`: otherwise the reason,
before the form, 409)."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.display.formatting import instant, pct
from tracker.display.said import listed
from tracker.milestones import posts
from tracker.milestones.forms import PostCorrectionForm
from tracker.milestones.models import ProgressUpdate
from tracker.web.actions import submit
from tracker.web.corrections import WithdrawForm, correctable, correction_page, reason_page
from tracker.web.permissions import acting_user

bp = Blueprint("posts", __name__)


def _back(update: ProgressUpdate) -> str:
    return url_for("milestones.show", milestone_id=update.milestone_id) + "#progress"


def _facts(update: ProgressUpdate) -> list[tuple[str, str]]:
    return [(_("Milestone"), update.milestone.title), (_("Posted"), instant(update.at)),
            (_("Percent complete"), pct(update.percent)), (_("Note"), update.note or "—"),
            (_("Evidence files"), listed(e.file.original_name
                                            for e in update.standing_evidence) or "—")]


def _page(form, update: ProgressUpdate, title: str, explanation: str, button: str) -> str:
    return correction_page(form=form, back=_back(update),
                           title=title, facts=_facts(update), explanation=explanation,
                           button=button)


@bp.route("/milestones/posts/<int:update_id>/correct", methods=["GET", "POST"])
@login_required
def correct(update_id: int) -> Response | str | tuple[str, int]:
    user = acting_user()
    update = correctable(db.session.get(ProgressUpdate, update_id), ProgressUpdate.can_correct,
                         posts.post_refusal, user, _back)
    form = PostCorrectionForm(obj=update, post=update)
    return submit(form, lambda: posts.correct_post(
                      user, update, percent=form.percent.data, note=form.note.data,
                      uploads=form.uploads(), withdrawn_files=form.withdrawn_files.data or [],
                      reason=form.reason.data),
                  _("Progress post corrected."), _back(update),
                  lambda: _page(form, update, _("Correct a progress post"),
                                _("The percentage and the note are corrected, files added or "
                                  "withdrawn; a file withdrawn stays on the milestone's page, "
                                  "marked so. The milestone's percentage follows when this is "
                                  "its latest post."), _("Correct the post")),
                  record=update)


@bp.route("/milestones/posts/<int:update_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(update_id: int) -> Response | str | tuple[str, int]:
    update = correctable(db.session.get(ProgressUpdate, update_id), ProgressUpdate.can_withdraw,
                         posts.post_refusal, acting_user(), _back)
    return reason_page(
        WithdrawForm(), posts.withdraw_post, update,
        done=_("Progress post withdrawn: it stays on the milestone's page, marked so."),
        back=_back(update), title=_("Withdraw a progress post made by mistake"),
        facts=_facts(update), button=_("Withdraw it"),
        explanation=_("The post stays on the milestone's page with its files, marked withdrawn; "
                      "the milestone's percentage is its latest post still standing."))
