"""Milestone pages: plan, progress with evidence, submit, review, waive, re-baseline."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.dates import today
from tracker.display.collation import ordered
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.export import responses as exports
from tracker.imports.models import ImportRun
from tracker.milestones import corrections, evidence, overdue, posts, refusals, services
from tracker.milestones.columns import OVERDUE_COLUMNS, OVERDUE_SORTS
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
from tracker.organisations.models import Institute
from tracker.projects.closed import open_refusal
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectType
from tracker.projects.queries import PROJECT_LOADED
from tracker.projects.views import load_project
from tracker.reports.filters import institute_choices
from tracker.web.actions import press, sent_before, submit
from tracker.web.corrections import (
    DecisionCorrectionForm,
    correctable,
    decision_correction,
    offered,
)
from tracker.web.errors import render_error
from tracker.web.forms import page_has_errors
from tracker.web.navigation import (
    Page,
    choice_arg,
    field_arg,
    int_arg,
    page_or_home,
    row_arg,
    text_arg,
    year_arg,
)
from tracker.web.oversize import drain, typed_fields
from tracker.web.permissions import acting_user, found, loaded, requires

bp = Blueprint("milestones", __name__)



# What the milestone page reads, a batch per kind (its history grows with every step).
PAGE_OPTIONS = (
    selectinload(Milestone.reviewer),
    selectinload(Milestone.project).options(*PROJECT_LOADED),
    selectinload(Milestone.events).selectinload(MilestoneEvent.actor),
    selectinload(Milestone.updates).options(
        selectinload(ProgressUpdate.author),
        selectinload(ProgressUpdate.evidence).selectinload(Evidence.file)),
    selectinload(Milestone.rebaselines).options(selectinload(Rebaseline.requested_by),
                                                selectinload(Rebaseline.approved_by),
                                                selectinload(Rebaseline.correction)),
)


def load_milestone(milestone_id: int) -> Milestone:
    milestone = found(db.session.scalar(select(Milestone).where(Milestone.id == milestone_id)
                                  .options(*PAGE_OPTIONS)))
    return milestone


def _reviewers(project) -> list:
    """Ids and names of the evaluators who may review the project: the drop-down shows no more."""
    return ordered(db.session.execute(
        select(User.id, User.name).where(
            User.active.is_(True), User.role_grants.any(RoleGrant.role == Role.EVALUATOR),
            ~project.has_stake(User))))


def _milestone_form(project, milestone: Milestone | None = None) -> MilestoneForm:
    data = None
    if milestone is not None and request.method == "GET":
        data = {"phase": milestone.phase.value, "title": milestone.title,
                "deliverable": milestone.deliverable, "due_date": milestone.due_date,
                "weight": milestone.weight}
    phases = services.MILESTONE_PHASES if milestone else services.plannable_phases(project)
    form = MilestoneForm(phases=phases, data=data)
    if milestone is None and request.method == "GET" and project.phase in services.MILESTONE_PHASES:
        form.phase.data = project.phase.value
    return form


@bp.route("/projects/<int:project_id>/milestones/new", methods=["GET", "POST"])
@login_required
def new(project_id: int) -> str | Response | tuple[str, int]:
    project = load_project(project_id)
    if not Milestone.can_plan(acting_user(), project):
        abort(403)
    offered(open_refusal(project), url_for("projects.show", project_id=project.id))
    form = _milestone_form(project)
    return submit(
        form,
        lambda: services.plan_milestone(
            acting_user(), project, phase=Phase(form.phase.data), title=form.title.data,
            deliverable=form.deliverable.data or "", due_date=form.due_date.data,
            weight=form.weight.data),
        _("Milestone planned."),
        _to_milestone,
        lambda: render_template("milestones/form.html", form=form, project=project,
                                milestone=None),
    )


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit(milestone_id: int) -> str | Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    project = milestone.project
    if not milestone.can_edit(acting_user()):
        abort(403)
    offered(services.edit_refusal(milestone), _to_milestone(milestone), keep_input=True)
    form = _milestone_form(project, milestone)
    return submit(
        form,
        lambda: services.edit_milestone(
            acting_user(), milestone, title=form.title.data,
            deliverable=form.deliverable.data or "",
            due_date=form.due_date.data, weight=form.weight.data),
        _("Saved."),
        _to_milestone(milestone),
        lambda: render_template("milestones/form.html", form=form, project=project,
                                milestone=milestone),
        record=milestone,
    )


def _page(milestone: Milestone, **forms) -> str:
    """The milestone page; `forms` are those posted from it, as filled."""
    project, user = milestone.project, acting_user()
    # Progress and submission: the form where the model's predicate (who) and the refusal
    # (when) both allow it, the refusal's sentence where only the predicate does.
    posting, submitting = refusals.progress_refusal(milestone), refusals.submit_refusal(milestone)
    context = {
        "milestone": milestone, "project": project, "today": today(),
        "can_post": milestone.can_post(user) and posting is None,
        "post_refused": milestone.can_post(user) and posting,
        "can_submit": milestone.can_manage(user) and submitting is None,
        # Said apart only while progress is posted (before any is): else the same sentence.
        "submit_refused": milestone.can_manage(user) and posting is None and submitting,
        "can_edit": milestone.can_edit(acting_user()) and services.edit_refusal(milestone) is None,
        # HQ's reviewer and waiver, while neither the milestone is done nor its project closed.
        "can_assign": Milestone.can_assign_reviewer(user)
        and services.assign_refusal(milestone) is None,
        "can_review": milestone.can_review(user) and services.review_refusal(milestone) is None,
        "reads_evidence": milestone.reads_evidence(acting_user()),
        "decisions": refusals.decisions(user, milestone.rebaselines),
        "can_open_imports": ImportRun.can_import(acting_user()),
        "update_form": forms.get("update_form") or UpdateForm(
            drafts=evidence.drafts(acting_user(), milestone)),
        "rebaseline_form": forms.get("rebaseline_form") or RebaselineForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "waive_form": forms.get("waive_form") or WaiveForm(),
        "assign_form": forms.get("assign_form") or AssignForm(
            reviewers=_reviewers(project), data={"reviewer_id": milestone.reviewer_id}),
        "planning": project.phase in services.PLANNING_PHASES,
        "correctable_posts": {u.id for u in milestone.updates if u.can_correct(acting_user())
                              and posts.post_refusal(u) is None},
        "corrected_posts": posts.corrected_of(milestone),
        # HQ's decisions it may correct now (`Rebaseline.can_correct`, nothing later on them).
        "correctable": {r.id for r in milestone.rebaselines if r.can_correct(acting_user())
                        and corrections.correction_refusal(r) is None},
    }
    return render_template("milestones/show.html", **context)


@bp.get("/milestones/<int:milestone_id>")
@login_required
def show(milestone_id: int) -> str:
    return _page(load_milestone(milestone_id))


def _to_milestone(milestone: Milestone) -> str:
    return url_for("milestones.show", milestone_id=milestone.id)


@bp.post("/milestones/<int:milestone_id>/update")
@login_required
def update(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    # The files first, each on its own and committed: those accepted wait in the author's draft
    # whatever becomes of the post, so a refused post never makes them choose a file twice.
    uploads = [(f.stream, f.filename or "") for f in request.files.getlist("files")
               if f and f.filename]
    refused = [] if sent_before(request.form.get("once")) else evidence.hold(
        acting_user(), milestone, uploads)
    db.session.commit()
    form = UpdateForm(drafts=evidence.drafts(acting_user(), milestone))
    form.refused_files = refused
    return submit(
        form, lambda: services.post_update(acting_user(), milestone, form.percent.data,
                                           form.note.data or "", [], form.dropped.data or []),
        _("Progress posted."), _to_milestone(milestone),
        lambda: _page(milestone, update_form=form))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """A progress post larger than a request may be (413) comes back as the milestone page with
    the note and percentage as typed (read from the head of the refused body) and the limit
    beside the files; no file of it was read. Any other 413 of these pages: the app's page."""
    if request.endpoint != "milestones.update" or not current_user.is_authenticated:
        drain(request.environ)
        return render_error(413)
    milestone = load_milestone(request.view_args["milestone_id"])
    # What the forms of the page read as sent: the text typed, no file.
    request.form, request.files = typed_fields(request.environ), MultiDict()
    form = UpdateForm(drafts=evidence.drafts(acting_user(), milestone))
    form.files.errors = [_(
        "These files were larger than %(post)d MB together, the most one post may carry (each "
        "file up to %(n)d MB): nothing was saved. Your note and percentage are kept: choose "
        "fewer files and send again.", post=current_app.config["MAX_POST_MB"],
        n=current_app.config["MAX_UPLOAD_MB"])]
    form.failed = True
    page_has_errors()
    return _page(milestone, update_form=form), 413


@bp.post("/milestones/<int:milestone_id>/submit")
@login_required
def submit_milestone(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    return press(lambda: services.submit_milestone(acting_user(), milestone),
                 _("Submitted for review."), _to_milestone(milestone),
                 lambda: _page(milestone))


@bp.post("/milestones/<int:milestone_id>/rebaseline")
@login_required
def rebaseline(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = RebaselineForm()
    return submit(
        form, lambda: services.rebaseline(acting_user(), milestone, form.new_date.data,
                                          form.reason.data),
        refusals.rebaselined_said,
        _to_milestone(milestone), lambda: _page(milestone, rebaseline_form=form))


@bp.post("/rebaselines/<int:rebaseline_id>/<any(approve, reject):verdict>")
@login_required
def decide_rebaseline(rebaseline_id: int, verdict: str) -> Response | tuple[str, int]:
    entry = loaded(Rebaseline, rebaseline_id, may=None)  # seen when its milestone is:
    milestone = load_milestone(entry.milestone_id)
    approve = verdict == "approve"
    return press(lambda: services.decide_rebaseline(acting_user(), entry, approve),
                 _("Re-baseline approved.") if approve else _("Re-baseline rejected."),
                 _to_milestone(milestone), lambda: _page(milestone))


@bp.route("/rebaselines/<int:rebaseline_id>/correct", methods=["GET", "POST"])
@login_required
def correct_rebaseline(rebaseline_id: int) -> str | Response | tuple[str, int]:
    """HQ's decision on a re-baseline recorded by mistake, superseded by its opposite;
    refused before the form when later facts depend on it."""
    entry = correctable(db.session.get(Rebaseline, rebaseline_id),
                        lambda _entry, user: Milestone.can_administer(user),
                        corrections.correction_refusal, acting_user(),
                        lambda found: _to_milestone(found.milestone))
    milestone, back = entry.milestone, _to_milestone(entry.milestone)
    form = DecisionCorrectionForm()
    undo = not entry.correction_approves
    facts = [(_("Milestone"), milestone.title), (_("Old date"), day(entry.old_date)),
             (_("New date"), day(entry.new_date)), (_("Decision"), label(entry.state))]
    return decision_correction(
        form, lambda: corrections.correct_rebaseline(acting_user(), entry, form.reason.data or ""),
        undo=undo,
        done=_("Decision corrected: the approval is undone and the milestone is due on its "
               "earlier date again.") if undo
        else _("Decision corrected: the new due date is approved and in effect."),
        back=back, facts=facts, approve=_("Approve the new date"), explanation=_(
            "A decision recorded by mistake is superseded by its opposite: an approval undone "
            "puts the milestone back on its earlier due date, a rejection corrected moves it "
            "to the date asked. The decision stays on the page, with the correction and its "
            "reason."), record=milestone)


@bp.post("/milestones/<int:milestone_id>/review")
@login_required
def review(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = ReviewForm()
    accept = form.decision.data == "accept"
    return submit(
        form, lambda: services.review_milestone(acting_user(), milestone, accept,
                                                form.comment.data or ""),
        _("Accepted.") if accept else _("Returned for rework."),
        page_or_home(milestone, _to_milestone(milestone)),
        lambda: _page(milestone, review_form=form))


@bp.post("/milestones/<int:milestone_id>/waive")
@login_required
def waive(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = WaiveForm()
    return submit(form, lambda: services.waive_milestone(acting_user(), milestone,
                                                         form.reason.data),
                  _("Waived."), _to_milestone(milestone),
                  lambda: _page(milestone, waive_form=form))


@bp.post("/milestones/<int:milestone_id>/reviewer")
@login_required
def assign(milestone_id: int) -> Response | tuple[str, int]:
    milestone = load_milestone(milestone_id)
    form = AssignForm(reviewers=_reviewers(milestone.project))
    return submit(
        form, lambda: services.assign_reviewer(acting_user(), milestone, form.reviewer_id.data),
        _("Reviewer assigned."), _to_milestone(milestone),
        lambda: _page(milestone, assign_form=form))


# --- overdue milestones across projects --------------------------------------------------------


def _overdue_filters() -> overdue.OverdueFilters:
    late = choice_arg("late", _l("How late"), {"0", "open", overdue.REVIEWS,
                               *(str(n) for n in overdue.LATENESS)}, "0")
    return overdue.OverdueFilters(
        reviews=late == overdue.REVIEWS,
        institute_id=row_arg("institute", _l("Institute"), Institute), pm=text_arg("pm"),
        field=text_arg("field"), field_id=field_arg(),
        late=None if late == "open" else (int(late) if late.isdigit() else 0),
        sort=choice_arg("sort", _l("Sort by"), overdue.SORTS, "late"),
        type=choice_arg("type", _l("Project type"), {t.value for t in ProjectType}),
        year=year_arg(),
        source=choice_arg("source", _l("Funding source"), {s.value for s in FundingSource}))


@bp.get("/milestones/overdue")
@requires(Milestone.can_list_overdue)
def overdue_list() -> str | Response:
    user = acting_user()
    filters, on = _overdue_filters(), today()
    if fmt := exports.requested():
        return exports.send(OVERDUE_COLUMNS, overdue.every_overdue(user, filters, on),
                            "overdue-milestones-on", fmt, title=_("Overdue milestones"), on=on)
    page, per_page = max(int_arg("page", 1), 1), current_app.config["PAGE_SIZE"]
    found = overdue.overdue(user, filters, on, page, per_page)
    institutes = institute_choices(user)
    return render_template(
        "milestones/overdue.html", columns=OVERDUE_COLUMNS, sorts=OVERDUE_SORTS,
        filters=filters, lateness=overdue.LATENESS, institutes=institutes, today=on,
        types=list(ProjectType),
        page=Page(items=found.rows, page=page, per_page=per_page, total=None, more=found.more))
