"""An evaluator's pages to correct their own scorecard or declaration (`tracker.gates
.corrections`), on the gates blueprint: offered while the panel has not decided, refused
before the form (409, linking back to the review) otherwise; and the PM's page to correct a
deliverable uploaded wrong (`tracker.gates.deliverables`) until its review is requested."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.display.formatting import instant
from tracker.display.labels import label
from tracker.gates import corrections, deliverables
from tracker.gates.correction_models import declaration_refusal, scores_refusal
from tracker.gates.models import Deliverable, GateReview, PanelMember
from tracker.gates.review_forms import DeclarationCorrectionForm, scorecard_form
from tracker.gates.services import deliverable_name
from tracker.gates.views import bp, load_review, scorecard_given
from tracker.projects.forms import DeliverableCorrectionForm
from tracker.web.actions import submit
from tracker.web.corrections import correctable, correction_page, offered
from tracker.web.permissions import acting_user


def _correcting(review_id: int, refusal) -> tuple[GateReview, PanelMember, str]:
    """The review, the user's place on its panel (403 to who sees the review without sitting
    on it), and the review's page; refused before the form when `refusal` says why."""
    review = load_review(review_id)
    member = review.member(acting_user())
    if member is None:
        abort(403)
    back = url_for("gates.review", review_id=review.id)
    offered(refusal(member), back)
    return review, member, back


@bp.route("/reviews/<int:review_id>/scores/correct", methods=["GET", "POST"])
@login_required
def correct_scores(review_id: int) -> str | Response | tuple[str, int]:
    review, member, back = _correcting(review_id, scores_refusal)
    form = scorecard_form(review, formdata=request.form if request.method == "POST" else None,
                          correcting=member)

    def call() -> None:
        corrections.correct_scores(acting_user(), review, *scorecard_given(review, form),
                                   form.comment.data or "", form.reason.data or "")

    return submit(
        form, call, _("Your scores were corrected; the earlier ones stay in the review's "
                      "history."), back,
        lambda: render_template("gates/correct_scores.html", review=review, member=member,
                                form=form, back=back),
        record=member)


@bp.route("/reviews/<int:review_id>/declaration/correct", methods=["GET", "POST"])
@login_required
def correct_declaration(review_id: int) -> str | Response | tuple[str, int]:
    review, member, back = _correcting(review_id, declaration_refusal)
    form = DeclarationCorrectionForm(data=None if request.method == "POST" else {
        "conflict": "no" if member.declaration.value == "conflict" else "yes",
        "note": member.conflict_note})
    facts = [(_("Gate review"), review.shown("name")),
             (_("Project"), f"{review.project.reference} {review.project.title}"),
             (_("Your declaration"), label(member.declaration))]
    return submit(
        form,
        lambda: corrections.correct_declaration(acting_user(), review, form.conflict.data == "yes",
                                                form.note.data or "", form.reason.data or ""),
        _("Your declaration was corrected."), back,
        lambda: correction_page(
            form=form, back=back, facts=facts,
            title=_("Correct your declaration"), button=_("Correct the declaration"),
            explanation=_(
                "A declaration made by mistake is corrected until the panel decides, with the "
                "reason; the earlier one stays in the history. Declaring a conflict now "
                "withdraws your scores, if you submitted them: they no longer count in the "
                "panel's weighted score, and HQ is told. Declaring none lets you read the "
                "material and score, unless you have a stake in the project.")),
        record=member)


def _deliverables_of(deliverable: Deliverable) -> str:
    return url_for("projects.show", project_id=deliverable.project_id) + "#deliverables"


@bp.route("/deliverables/<int:deliverable_id>/correct", methods=["GET", "POST"])
@login_required
def correct_deliverable(deliverable_id: int) -> Response | str | tuple[str, int]:
    deliverable = correctable(db.session.get(Deliverable, deliverable_id),
                              Deliverable.can_correct, deliverables.refusal, acting_user(),
                              _deliverables_of)
    form = DeliverableCorrectionForm()
    back = _deliverables_of(deliverable)
    facts = [(_("Project"), deliverable.project.title), (_("Gate"), str(deliverable.gate)),
             (_("Deliverable"), deliverable_name(deliverable)),
             (_("Deliverable file"), deliverable.file.original_name),
             (_("Uploaded"), instant(deliverable.uploaded_at))]
    return submit(form, lambda: deliverables.correct_deliverable(
                      acting_user(), deliverable, upload=form.upload(),
                      take_off=bool(form.remove_file.data), reason=form.reason.data),
                  _("Deliverable corrected."), back,
                  lambda: correction_page(
                      form=form, back=back, facts=facts,
                      title=_("Correct a deliverable"), button=_("Correct the deliverable"),
                      explanation=_("A new file replaces the deliverable's, or the "
                                    "deliverable is taken off and the gate asks for it "
                                    "again. The file it held stays in its history, for the "
                                    "project's readers; the reason is shown beside it.")))
