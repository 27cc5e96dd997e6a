"""Milestone pages: plan, progress with evidence, submit, review, waive, re-baseline."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.dates import today
from tracker.errors import Invalid
from tracker.milestones import services
from tracker.milestones.forms import (
    AssignForm,
    MilestoneForm,
    RebaselineForm,
    ReviewForm,
    UpdateForm,
    WaiveForm,
)
from tracker.milestones.models import (
    Evidence,
    Milestone,
    MilestoneEvent,
    ProgressUpdate,
    Rebaseline,
)
from tracker.projects.lifecycle import Phase
from tracker.projects.queries import PROJECT_OPTIONS
from tracker.projects.views import load_project
from tracker.web import actions
from tracker.web.forms import show_error

bp = Blueprint("milestones", __name__)


def _user() -> User:
    return current_user._get_current_object()


# What the milestone page reads, a batch per kind (its history grows with every step).
PAGE_OPTIONS = (
    selectinload(Milestone.reviewer),
    selectinload(Milestone.project).options(*PROJECT_OPTIONS),
    selectinload(Milestone.events).selectinload(MilestoneEvent.actor),
    selectinload(Milestone.updates).options(
        selectinload(ProgressUpdate.author),
        selectinload(ProgressUpdate.evidence).selectinload(Evidence.file)),
    selectinload(Milestone.rebaselines).options(selectinload(Rebaseline.requested_by),
                                                selectinload(Rebaseline.approved_by)),
)


def load_milestone(milestone_id: int) -> Milestone:
    milestone = db.session.scalar(select(Milestone).where(Milestone.id == milestone_id)
                                  .options(*PAGE_OPTIONS))
    if milestone is None or not milestone.can_view(_user()):
        abort(404)
    return milestone


def _reviewers(project) -> list:
    """Ids and names of the evaluators who may review the project: the drop-down shows no more."""
    return db.session.execute(
        select(User.id, User.name).where(
            User.active.is_(True), User.role_grants.any(RoleGrant.role == Role.EVALUATOR),
            ~project.has_stake(User))
        .order_by(User.name)).all()


def _milestone_form(project, milestone: Milestone | None = None) -> MilestoneForm:
    data = None
    if milestone is not None and request.method == "GET":
        data = {"phase": milestone.phase.value, "title": milestone.title,
                "deliverable": milestone.deliverable, "due_date": milestone.due_date,
                "weight": milestone.weight, "reviewer_id": milestone.reviewer_id or 0}
    form = MilestoneForm(phases=services.MILESTONE_PHASES, reviewers=_reviewers(project),
                         data=data)
    if milestone is None and request.method == "GET" and project.phase in services.MILESTONE_PHASES:
        form.phase.data = project.phase.value
    return form


@bp.route("/projects/<int:project_id>/milestones/new", methods=["GET", "POST"])
@login_required
def new(project_id: int) -> str | Response | tuple[str, int]:
    project = load_project(project_id)
    if not services.can_manage(_user(), project):
        abort(403)
    form = _milestone_form(project)
    return actions.submit(
        form,
        lambda: services.plan_milestone(
            _user(), project, phase=Phase(form.phase.data), title=form.title.data,
            deliverable=form.deliverable.data or "", due_date=form.due_date.data,
            weight=form.weight.data, reviewer_id=form.reviewer_id.data or None),
        _("Milestone planned."),
        lambda milestone: url_for("milestones.show", milestone_id=milestone.id),
        lambda: render_template("milestones/form.html", form=form, project=project,
                                milestone=None),
    )


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit(milestone_id: int) -> str | Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    project = milestone.project
    if not services.can_manage(_user(), project):
        abort(403)
    form = _milestone_form(project, milestone)
    return actions.submit(
        form,
        lambda: services.edit_milestone(
            _user(), milestone, title=form.title.data, deliverable=form.deliverable.data or "",
            due_date=form.due_date.data, weight=form.weight.data,
            reviewer_id=form.reviewer_id.data or None),
        _("Saved."),
        lambda _: url_for("milestones.show", milestone_id=milestone.id),
        lambda: render_template("milestones/form.html", form=form, project=project,
                                milestone=milestone),
    )


def _page(milestone: Milestone, status: int = 200, **forms) -> tuple[str, int]:
    project = milestone.project
    context = {
        "milestone": milestone, "project": project, "today": today(),
        "can_manage": services.can_manage(_user(), project),
        "update_form": forms.get("update_form") or UpdateForm(),
        "rebaseline_form": forms.get("rebaseline_form") or RebaselineForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "waive_form": forms.get("waive_form") or WaiveForm(),
        "assign_form": AssignForm(reviewers=_reviewers(project)),
        "planning": project.phase in services.PLANNING_PHASES,
    }
    return render_template("milestones/show.html", **context), status


@bp.get("/milestones/<int:milestone_id>")
@login_required
def show(milestone_id: int) -> tuple[str, int]:
    return _page(load_milestone(milestone_id))


def _done(milestone: Milestone, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("milestones.show", milestone_id=milestone.id))


@bp.post("/milestones/<int:milestone_id>/update")
@login_required
def update(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = UpdateForm()
    if not form.validate_on_submit():
        return _page(milestone, 400, update_form=form)
    uploads = [(f.stream, f.filename or "") for f in form.files.data or [] if f and f.filename]
    try:
        services.post_update(_user(), milestone, form.percent.data, form.note.data or "",
                             uploads)
    except Invalid as invalid:
        db.session.rollback()
        show_error(form, invalid)
        return _page(milestone, 400, update_form=form)
    return _done(milestone, _("Progress posted."))


@bp.post("/milestones/<int:milestone_id>/submit")
@login_required
def submit(milestone_id: int) -> Response:
    milestone = load_milestone(milestone_id)
    services.submit_milestone(_user(), milestone)
    return _done(milestone, _("Submitted for review."))


@bp.post("/milestones/<int:milestone_id>/rebaseline")
@login_required
def rebaseline(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = RebaselineForm()
    if not form.validate_on_submit():
        return _page(milestone, 400, rebaseline_form=form)
    try:
        entry = services.rebaseline(_user(), milestone, form.new_date.data, form.reason.data)
    except Invalid as invalid:
        db.session.rollback()
        show_error(form, invalid)
        return _page(milestone, 400, rebaseline_form=form)
    return _done(milestone, _("Due date moved.") if entry.state.value == "approved"
                 else _("The move is longer than you may decide alone: it waits for HQ."))


@bp.post("/rebaselines/<int:rebaseline_id>/<any(approve, reject):verdict>")
@login_required
def decide_rebaseline(rebaseline_id: int, verdict: str) -> Response:
    entry = db.session.get(Rebaseline, rebaseline_id)
    if entry is None:
        abort(404)
    milestone = load_milestone(entry.milestone_id)
    services.decide_rebaseline(_user(), entry, verdict == "approve")
    return _done(milestone, _("Re-baseline approved.") if verdict == "approve"
                 else _("Re-baseline rejected."))


@bp.post("/milestones/<int:milestone_id>/review")
@login_required
def review(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _page(milestone, 400, review_form=form)
    accept = form.decision.data == "accept"
    try:
        services.review_milestone(_user(), milestone, accept, form.comment.data or "")
    except Invalid as invalid:
        db.session.rollback()
        show_error(form, invalid)
        return _page(milestone, 400, review_form=form)
    return _done(milestone, _("Accepted.") if accept else _("Returned for rework."))


@bp.post("/milestones/<int:milestone_id>/waive")
@login_required
def waive(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = WaiveForm()
    if not form.validate_on_submit():
        return _page(milestone, 400, waive_form=form)
    try:
        services.waive_milestone(_user(), milestone, form.reason.data)
    except Invalid as invalid:
        db.session.rollback()
        show_error(form, invalid)
        return _page(milestone, 400, waive_form=form)
    return _done(milestone, _("Waived."))


@bp.post("/milestones/<int:milestone_id>/reviewer")
@login_required
def assign(milestone_id: int) -> Response:
    milestone = load_milestone(milestone_id)
    form = AssignForm(reviewers=_reviewers(milestone.project))
    if not form.validate_on_submit():
        abort(400)
    try:
        services.assign_reviewer(_user(), milestone, form.reviewer_id.data)
    except Invalid as invalid:
        db.session.rollback()
        flash(invalid.message, "error")
        return redirect(url_for("milestones.show", milestone_id=milestone.id))
    return _done(milestone, _("Reviewer assigned."))
