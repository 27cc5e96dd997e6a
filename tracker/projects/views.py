"""Project pages: the list, proposals, the project page and its actions, file downloads."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import User
from tracker.budgets import caps
from tracker.budgets import services as budgets
from tracker.budgets.defaults import default_template
from tracker.budgets.models import BudgetTemplate
from tracker.display.collation import ordered
from tracker.export import responses as exports
from tracker.files.models import StoredFile
from tracker.gates import deliverables
from tracker.gates import services as gates
from tracker.imports import page_files
from tracker.organisations.listing import enterprise_choices, need_choices
from tracker.organisations.models import Institute
from tracker.projects import lifecycle, queries, services, team, trl
from tracker.projects.closed import proposal_refusal
from tracker.projects.columns import PROJECT_COLUMNS
from tracker.projects.forms import ProjectForm, ReasonForm, TrlForm, UploadForm
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import Phase
from tracker.projects.listing import ProjectFilters, project_rows
from tracker.projects.models import Project, ProjectMember, ProjectType
from tracker.projects.page import project_page
from tracker.reports.filters import institute_choices
from tracker.techfields import services as techfields
from tracker.web import downloads
from tracker.web.actions import press, submit
from tracker.web.corrections import offered
from tracker.web.navigation import choice_arg, field_arg, paginate, row_arg, text_arg, year_arg
from tracker.web.permissions import acting_user, found, loaded, requires
from tracker.web.views import home

bp = Blueprint("projects", __name__)

PROJECT_FIELDS = ("title", "summary", "technical_route", "field", "field_id", "type",
                  "institute_id", "partner_enterprise_id", "need_id", "trl_now", "trl_target",
                  "budget_total", "start_date", "end_date", "funding_source", "programme_level",
                  "programme_name", "funder_project_number", "managing_body")


def load_project(project_id: int) -> Project:
    """The project, or 404 when it does not exist or the user may not see it."""
    project = loaded(Project, project_id)
    return project



# --- the list ----------------------------------------------------------------------------------


@bp.get("/projects/")
@login_required
def list_projects() -> str | Response:
    """Everyone's list of the projects they may see: a team member holds no role of their
    own, yet works on projects."""
    user = acting_user()
    filters = ProjectFilters(
        q=text_arg("q"), phase=choice_arg("phase", _l("Phase"), {p.value for p in Phase}),
        type=choice_arg("type", _l("Type"), {t.value for t in ProjectType}),
        field=text_arg("field"), field_id=field_arg(),
        institute=row_arg("institute", _l("Institute"), Institute),
        pm=row_arg("pm", _l("Project manager"), User), year=year_arg(), manager=text_arg("manager"),
        source=choice_arg("source", _l("Funding source"), {s.value for s in FundingSource}),
        approved=text_arg("approved") == "1")
    # Newest first, in the one order of projects (kept codes after the numbered ones of their
    # year, drafts last, on both databases), so that every page follows one order.
    query = project_rows(user, filters).order_by(*Project.in_code_order())
    pm_name = (db.session.scalar(select(User.name).where(User.id == filters.pm))
               if filters.pm else None)
    if asked := page_files.requested(user, "projects", "milestones"):
        return page_files.send(asked, page_files.ids_of(query))
    if fmt := exports.requested():
        return exports.send(PROJECT_COLUMNS, exports.stream(query, scalars=False),
                            "projects", fmt, title=_("Projects"))
    # No count of every matching project: the pager knows whether a next page exists.
    return render_template(
        "projects/list.html", columns=PROJECT_COLUMNS, page=paginate(query, count=False, rows=True),
        q=filters.q,
        filters=filters, phases=list(Phase), types=list(ProjectType), pm_name=pm_name,
        can_create=Project.can_create(user), institutes=institute_choices(user),
        for_import=page_files.offered(user, "projects", "milestones"))


# --- proposals ---------------------------------------------------------------------------------


def _project_form(project: Project | None = None) -> ProjectForm:
    user = acting_user()
    # Only whom the PM may name: the people of the project's institute (and the team so far).
    users = team.candidates(user, project.institute_id if project else user.institute_id,
                            project)
    # A PM of an institute proposes for it alone (`services` refuses any other): offer no other.
    institutes = select(Institute).order_by(Institute.code)
    if user.institute_id is not None:
        institutes = institutes.where(Institute.id == user.institute_id)
    current = project.budget_template_id if project is not None else None
    templates = db.session.scalars(select(BudgetTemplate).where(
        or_(BudgetTemplate.active, BudgetTemplate.id == current))
        .order_by(BudgetTemplate.is_default.desc(), BudgetTemplate.code)).all()
    kwargs = dict(institutes=ordered(db.session.scalars(institutes)),
                  enterprises=enterprise_choices(),
                  needs=need_choices(user), users=users, templates=templates,
                  free_lines=project is not None and current is None,
                  fields=techfields.offered(project.field_id if project else None))
    if request.method == "POST" and request.form.get("switch_template"):
        # Another template chosen: the same page, its rows now the new template's categories
        # (amounts kept where a code is the same); nothing saved.
        posted = ProjectForm(**kwargs)
        data = posted.data
        template = db.session.get(BudgetTemplate, posted.budget_template_id.data or 0)
        data["budget_lines"] = _template_rows(template, {
            row["category"]: row["amount"] for row in data["budget_lines"] if row["category"]})
        form = ProjectForm(formdata=None, data=data, **kwargs)
        form.switched = True
        return form
    form = ProjectForm(
        data=_project_data(project) if project is not None and request.method == "GET" else None,
        **kwargs)
    if project is None and request.method == "GET":
        if user.institute_id:
            form.institute_id.data = user.institute_id
        default = default_template()
        form.budget_template_id.data = default.id
        form.budget_lines.process(None, _template_rows(default, {}))
    return form


def _template_rows(template: BudgetTemplate | None, amounts: dict) -> list[dict]:
    """The budget rows of `template`: one per category, named by its code."""
    if template is None:
        return []
    return [{"category": c.code, "amount": amounts.get(c.code)} for c in template.categories]


def _project_data(project: Project) -> dict:
    data = {name: getattr(project, name) for name in PROJECT_FIELDS}
    data["partner_enterprise_id"] = project.partner_enterprise_id or 0
    data["need_id"] = project.need_id or 0
    data["field_id"] = project.field_id or 0
    data["programme_level"] = project.programme_level or ""
    data["member_ids"] = sorted(project.team_ids)
    data["budget_template_id"] = project.budget_template_id or 0
    if project.budget_template is not None:
        data["budget_lines"] = _template_rows(project.budget_template, {
            b.template_category.code: b.amount for b in project.budget_lines
            if b.template_category is not None})
    else:
        data["budget_lines"] = [{"category": b.category, "amount": b.amount}
                                for b in project.budget_lines]
    return data


def _values(form: ProjectForm) -> dict:
    values = {name: getattr(form, name).data for name in PROJECT_FIELDS}
    values["partner_enterprise_id"] = values["partner_enterprise_id"] or None
    values["need_id"] = values["need_id"] or None
    values["field_id"] = values["field_id"] or None
    values["summary"] = values["summary"] or ""
    values["technical_route"] = values["technical_route"] or ""
    values["programme_level"] = values["programme_level"] or None
    if form.budget_template_id.raw_data:  # else the project's, or for a new one the default
        values["budget_template_id"] = form.budget_template_id.data or None
    return values


def _proposal_page(form: ProjectForm, project: Project | None) -> str:
    template = (db.session.get(BudgetTemplate, form.budget_template_id.data)
                if form.budget_template_id.data else None)
    figures = None
    if template is not None:
        amounts = {c.code: c for c in template.categories}
        form.category_names = {c.code: c.shown("name") for c in template.categories}
        figures = caps.figures(template, {
            amounts[row.category.data].id: row.amount.data for row in form.budget_lines
            if row.category.data in amounts and row.amount.data is not None
            and not row.amount.errors})
    return render_template("projects/form.html", form=form, project=project,
                           budget_template=template, figures=figures,
                           rule=budgets.rule_text(template) if template else "")


def _to_project(project: Project) -> str:
    return url_for("projects.show", project_id=project.id)


@bp.route("/projects/new", methods=["GET", "POST"])
@requires(Project.can_create)
def new() -> Response | tuple[str, int]:
    form = _project_form()
    if getattr(form, "switched", False):
        return _proposal_page(form, None)
    return submit(
        form,
        lambda: services.create_proposal(acting_user(), budget_lines=form.lines(),
                                         member_ids=form.member_ids.data, **_values(form)),
        _("Saved."), _to_project, lambda: _proposal_page(form, None))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    if not project.can_edit_proposal(acting_user()):  # who may not edit it at all, first
        abort(403)
    # The PM refused by the project's state hears that state, and where changes go now.
    offered(proposal_refusal(project), url_for(
        "changes.project" if project.is_under_way else "projects.show", project_id=project.id))
    form = _project_form(project)
    if getattr(form, "switched", False):
        return _proposal_page(form, project)
    return submit(
        form,
        lambda: services.update_proposal(acting_user(), project, budget_lines=form.lines(),
                                         member_ids=form.member_ids.data, **_values(form)),
        _("Saved."), _to_project(project), lambda: _proposal_page(form, project),
        record=project)


# --- the project page --------------------------------------------------------------------------


@bp.get("/projects/<int:project_id>")
@login_required
def show(project_id: int) -> str:
    project = found(queries.find_project(project_id))  # with everything the page reads
    return project_page(project)


@bp.post("/projects/<int:project_id>/submit")
@login_required
def submit_proposal(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    return press(lambda: services.submit_proposal(acting_user(), project),
                 lambda at_institute: _("Proposal submitted to the institute: it goes on to "
                                        "HQ once endorsed.") if at_institute else
                 _("Proposal submitted: gate 1 is requested and HQ will name a panel."),
                 _to_project(project), lambda: project_page(project))


@bp.post("/projects/<int:project_id>/withdraw")
@login_required
def withdraw(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    return press(lambda: services.withdraw_draft(acting_user(), project),
                 _("The draft was withdrawn."),
                 url_for("projects.list_projects"), lambda: project_page(project))


@bp.post("/projects/<int:project_id>/gate")
@login_required
def request_gate(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    return press(lambda: gates.request_gate(acting_user(), project),
                 _("Gate requested: HQ will name a panel."),
                 _to_project(project), lambda: project_page(project))


@bp.post("/projects/<int:project_id>/deliverables")
@login_required
def upload_deliverable(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    if not project.can_prepare(acting_user()):
        abort(403)  # before the form: someone who may not upload hears so, not what was missing
    offered(deliverables.upload_refusal(project), _to_project(project))  # closed, held: 409
    gate = lifecycle.current_gate(project.phase)
    form = UploadForm()
    template = gates.template_for(gate)
    form.name.choices = [(n, template.deliverable_shown(n)) for n in template.required_deliverables]
    return submit(
        form,
        lambda: gates.upload_deliverable(acting_user(), project, gate, form.name.data,
                                         form.file.data.stream, form.file.data.filename or ""),
        _("Uploaded."), _to_project(project), lambda: project_page(project, upload=form))


@bp.post("/projects/<int:project_id>/trl")
@login_required
def record_trl(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    form = TrlForm(id_prefix="trl")
    return submit(form, lambda: trl.record_trl(acting_user(), project, form.level.data,
                                               form.note.data or "", form.upload()),
                  _("TRL recorded."), _to_project(project) + "#trl",
                  lambda: project_page(project, trl_form=form))


@bp.post("/projects/<int:project_id>/resume")
@login_required
def resume(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    form = ReasonForm(id_prefix="resume")
    return submit(form, lambda: services.resume(acting_user(), project, form.reason.data),
                  _("The project resumes."), _to_project(project),
                  lambda: project_page(project, resume_form=form))


@bp.post("/projects/<int:project_id>/terminate")
@login_required
def terminate(project_id: int) -> Response | tuple[str, int]:
    project = load_project(project_id)
    form = ReasonForm(id_prefix="terminate")
    return submit(form, lambda: services.terminate_held(acting_user(), project, form.reason.data),
                  _("The project was terminated."), _to_project(project),
                  lambda: project_page(project, terminate_form=form))


@bp.post("/team/<int:member_id>/<any(confirm, decline):answer>")
@login_required
def answer_place(member_id: int, answer: str) -> Response | tuple[str, int]:
    """The person named to a team, or the institute's director, confirms or declines."""
    member = loaded(ProjectMember, member_id, may=ProjectMember.can_see)
    confirm = answer == "confirm"
    return press(lambda: team.answer(acting_user(), member, confirm),
                 _("The place on the team is confirmed.") if confirm
                 else _("The place on the team was declined."),
                 url_for("web.home"),
                 lambda: project_page(member.project) if member.project.can_view(acting_user())
                 else home())


# --- files -------------------------------------------------------------------------------------


@bp.get("/files/<int:file_id>")
@login_required
def download(file_id: int) -> Response | tuple[str, int]:
    """A stored file, for those who may see its project; 404 for everyone else."""
    return downloads.send(loaded(StoredFile, file_id, may=StoredFile.can_download))
