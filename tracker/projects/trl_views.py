"""A TRL record made wrong, corrected or withdrawn by the PM with the reason, from the TRL
history of the project's page, until a gate has decided on it (`trl.trl_refusal`: otherwise
the reason, before the form, 409)."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.display.formatting import instant
from tracker.projects import trl
from tracker.projects.forms import TrlCorrectionForm
from tracker.projects.history_models import TrlRecord
from tracker.web.actions import submit
from tracker.web.corrections import WithdrawForm, correctable, correction_page, reason_page
from tracker.web.permissions import acting_user

bp = Blueprint("trl", __name__)


def _back(entry: TrlRecord) -> str:
    return url_for("projects.show", project_id=entry.project_id) + "#trl"


def _facts(entry: TrlRecord) -> list[tuple[str, str]]:
    return [(_("Project"), entry.project.title), (_("Recorded"), instant(entry.recorded_at)),
            (_("Recorded by"), entry.recorded_by.name), (_("TRL"), str(entry.level)),
            (_("Evidence"), entry.note or "—"),
            (_("Evidence file"), entry.file.original_name if entry.file else "—")]


def _page(form, entry: TrlRecord, title: str, explanation: str, button: str) -> str:
    return correction_page(form=form, back=_back(entry),
                           title=title, facts=_facts(entry), explanation=explanation,
                           button=button)


@bp.route("/projects/trl/<int:trl_id>/correct", methods=["GET", "POST"])
@login_required
def correct(trl_id: int) -> Response | str | tuple[str, int]:
    user = acting_user()
    entry = correctable(db.session.get(TrlRecord, trl_id), TrlRecord.can_correct,
                        trl.trl_refusal, user, _back)
    form = TrlCorrectionForm(obj=entry, entry=entry)
    return submit(form, lambda: trl.correct_trl(
                      user, entry, level=form.level.data, note=form.note.data,
                      reason=form.reason.data, upload=form.upload(),
                      remove_file="remove_file" in form and form.remove_file.data),
                  _("TRL record corrected."), _back(entry),
                  lambda: _page(form, entry, _("Correct a TRL record"),
                                _("The level, the note and the file are corrected: a new file "
                                  "replaces the record's, which stays in its history. The "
                                  "project's TRL follows when this is its latest record; the "
                                  "project's page shows the reason beside the record, and its "
                                  "history keeps both values with the reason."),
                                _("Correct the TRL record")),
                  record=entry)


@bp.route("/projects/trl/<int:trl_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(trl_id: int) -> Response | str | tuple[str, int]:
    entry = correctable(db.session.get(TrlRecord, trl_id), TrlRecord.can_withdraw,
                        trl.trl_refusal, acting_user(), _back)
    return reason_page(
        WithdrawForm(), trl.withdraw_trl, entry,
        done=_("TRL record withdrawn: it stays in the history, marked so."), back=_back(entry),
        title=_("Withdraw a TRL record made by mistake"), facts=_facts(entry),
        explanation=_("The record stays on the project's page, marked withdrawn, with its file; "
                      "the project's TRL is the latest record still standing, else the "
                      "proposal's."), button=_("Withdraw it"))
