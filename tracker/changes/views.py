"""Change control pages: a project's changes (its baseline beside its plan, every request
with its before and after, the PM's forms), and one request with HQ's decision."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import Row, select
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.budgets import caps
from tracker.budgets import services as budgets
from tracker.changes import corrections, queries, services
from tracker.changes.forms import (
    DecideForm,
    EndDateForm,
    MoveForm,
    PersonForm,
    RouteForm,
    TotalForm,
)
from tracker.changes.models import ChangeKind, ChangeRequest
from tracker.display.collation import ordered_rows
from tracker.display.formatting import comma, instant, money
from tracker.display.labels import label
from tracker.projects import team
from tracker.projects.closed import plan_refusal
from tracker.projects.models import Project, ProjectMember
from tracker.projects.views import load_project
from tracker.web.actions import submit
from tracker.web.corrections import DecisionCorrectionForm, correctable, decision_correction
from tracker.web.permissions import acting_user, loaded

bp = Blueprint("changes", __name__)



def _managers(project: Project) -> list[Row]:
    """Whom the project may be handed to: the active PMs of its institute (or of none), by
    id and name (one statement of two columns, no account loaded: issue 21 point 2)."""
    return ordered_rows(db.session.execute(
        select(User.id, User.name).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.PROJECT_MANAGER, User.active.is_(True),
               User.id != project.pm_id,
               (User.institute_id == project.institute_id) | User.institute_id.is_(None))))


def _cap(project: Project) -> str | None:
    """A budget by a template: its cap on indirect costs now, in words, beside the amount."""
    template = project.budget_template
    if template is None:
        return None
    figures = caps.figures(template, budgets.project_amounts(project))
    if figures.cap is None:
        return budgets.rule_text(template)
    return " ".join([budgets.rule_text(template), _(
        "Now: indirect costs of %(indirect)s, at most %(cap)s as the direct costs less "
        "equipment purchase are %(base)s.", indirect=money(figures.indirect),
        cap=money(figures.cap), base=money(figures.base))])


def _forms(project: Project) -> dict:
    """The forms the user may send on this project, each under its own prefix (one page
    holds them all); offered while its phase lets the plan change (`plan_refusal`), taken
    when sent whatever it is (the service then says why not, 409)."""
    user, forms = acting_user(), {}
    if request.method == "GET" and plan_refusal(project) is not None:
        return forms
    if ChangeRequest.can_request(user, project):
        # Ids and names, in one statement whatever the team's size.
        members = db.session.execute(
            select(User.id, User.name).join(ProjectMember, ProjectMember.user_id == User.id)
            .where(ProjectMember.project_id == project.id).order_by(ProjectMember.id)).all()
        # Nobody whose place a change not yet decided is about (the service refuses them).
        waiting = services.people_waiting(project) if request.method == "GET" else {}
        candidates = [row for row in team.candidates(project.pm, project.institute_id, project)
                      if row.id not in project.team_ids and row.id not in waiting]
        forms = {
            "move": MoveForm(prefix="move", lines=project.budget_lines, cap=_cap(project)),
            "total": TotalForm(prefix="total"),
            "add": PersonForm(prefix="add", people=candidates, label=_l("New team member"),
                              nobody=_l("Every active colleague of the project's institute is "
                                        "on the team already: nobody else can join it.")),
            "remove": PersonForm(prefix="remove", people=members, label=_l("Team member"),
                                 nobody=_l("The team has no member besides the project "
                                           "manager: nobody to remove.")),
            "route": RouteForm(prefix="route"),
            "end": EndDateForm(prefix="end"),
        }
    if ChangeRequest.can_request(user, project) or project.can_hand_over(user):
        forms["handover"] = PersonForm(
            prefix="handover", people=_managers(project), label=_l("New project manager"),
            nobody=_l("No other active project manager works at this project's institute: "
                      "there is nobody to hand the project to. HQ admins give the role to a "
                      "colleague first (Users)."))
    return forms


# Each form's kind of change.
KINDS = {"move": ChangeKind.BUDGET_MOVE, "total": ChangeKind.BUDGET_TOTAL,
         "add": ChangeKind.TEAM_ADD, "remove": ChangeKind.TEAM_REMOVE, "route": ChangeKind.ROUTE,
         "end": ChangeKind.END_DATE, "handover": ChangeKind.HANDOVER}


def _page(project: Project, forms: dict) -> str:
    """The page, each form that would be refused (another change of the same plan waits)
    replaced by the sentence why."""
    requests = queries.requests_of(project)
    waiting = {kind: said for kind in forms
               if (said := services.waiting_refusal(project, KINDS[kind])) is not None}
    return render_template("changes/project.html", project=project, forms=forms,
                           waiting=waiting,
                           requests=requests, described=queries.before_after(requests),
                           plan=queries.comparison(project),
                           can_hand_over=project.can_hand_over(acting_user()))


@bp.get("/projects/<int:project_id>/changes")
@login_required
def project(project_id: int) -> str:
    project = load_project(project_id)
    return _page(project, _forms(project))


CALLS = {
    "move": lambda u, p, f: services.move_budget(
        u, p, from_line_id=f.from_line_id.data, to_line_id=f.target,
        new_line=f.new_line.data or "", amount=f.amount.data, reason=f.reason.data),
    "total": lambda u, p, f: services.change_total(u, p, budget_total=f.budget_total.data,
                                                   reason=f.reason.data),
    "add": lambda u, p, f: services.add_member(u, p, user_id=f.user_id.data,
                                               reason=f.reason.data),
    "remove": lambda u, p, f: services.remove_member(u, p, user_id=f.user_id.data,
                                                     reason=f.reason.data),
    "route": lambda u, p, f: services.change_route(u, p, technical_route=f.technical_route.data,
                                                   reason=f.reason.data),
    "end": lambda u, p, f: services.change_end_date(u, p, end_date=f.end_date.data,
                                                    reason=f.reason.data),
    "handover": lambda u, p, f: services.hand_over(u, p, user_id=f.user_id.data,
                                                   reason=f.reason.data),
}


@bp.post("/projects/<int:project_id>/changes/<any(move, total, add, remove, route, end, "
         "handover):kind>")
@login_required
def change(project_id: int, kind: str) -> Response | tuple[str, int]:
    project = load_project(project_id)
    forms = _forms(project)
    if kind not in forms:
        abort(403)
    form = forms[kind]
    return submit(form, lambda: CALLS[kind](acting_user(), project, form),
                  services.requested_said,
                  lambda result: url_for("changes.show", request_id=result.id),
                  lambda: _page(project, forms))


def _load_request(request_id: int) -> ChangeRequest:
    found = loaded(ChangeRequest, request_id)
    return found


def _request_page(found: ChangeRequest, form: DecideForm | None) -> str:
    """The request as it stands now, with the decision form only while the user may still
    decide it: after a refusal (decided meanwhile by someone else, a stale page) the page
    shows the decision taken and offers no Approve or Refuse that would be refused again."""
    if not _may_decide(found):
        form = None
    refusal = corrections.correction_refusal(found) if found.can_correct(acting_user()) else None
    return render_template("changes/show.html", change=found, form=form,
                           described=queries.before_after([found]), project=found.project,
                           can_correct=found.can_correct(acting_user()) and refusal is None,
                           # Said where a decision stands (a change waiting, or applied on the
                           # PM's word, has none to correct).
                           correction_blocked=found.is_decided and refusal)


def _may_decide(found: ChangeRequest) -> bool:
    """Whether the page offers the decision: who decides, while it waits for them."""
    return found.can_decide(acting_user()) and services.decide_refusal(found) is None


@bp.get("/changes/<int:request_id>")
@login_required
def show(request_id: int) -> str:
    found = _load_request(request_id)
    form = None
    if _may_decide(found):
        # The decision is taken on the request as shown: a change of it meanwhile is refused.
        form = DecideForm()
        form.version.data, form.seen_at.data = str(found.version), db.utcnow().isoformat()
    return _request_page(found, form)


@bp.post("/changes/<int:request_id>/decide")
@login_required
def decide(request_id: int) -> Response | tuple[str, int]:
    found = _load_request(request_id)
    form = DecideForm()
    approve = request.form.get("approve") == "1"
    return submit(form, lambda: services.decide(acting_user(), found, approve,
                                                form.reason.data or ""),
                  _("The change is approved and in effect.") if approve
                  else _("The change is refused."),
                  url_for("changes.show", request_id=found.id),
                  lambda: _request_page(found, form), record=found)


def _back(found: ChangeRequest) -> str:
    return url_for("changes.show", request_id=found.id)


@bp.route("/changes/<int:request_id>/correct", methods=["GET", "POST"])
@login_required
def correct(request_id: int) -> str | Response | tuple[str, int]:
    """A decision recorded by mistake superseded by its opposite, by whoever decides the
    change; refused before the form when later facts depend on it."""
    found = correctable(db.session.get(ChangeRequest, request_id), ChangeRequest.decides,
                        corrections.correction_refusal, acting_user(), _back)
    back = _back(found)
    form = DecisionCorrectionForm()
    undo = not found.correction_approves
    facts = [(_("Change"), label(found.kind)), (_("Project"), found.project.name),
             (_("Decision"), label(found.state)),
             (_("Decided by"), f"{found.decided_by.name}{comma()}{instant(found.decided_at)}"
              if found.decided_by else "—")]  # a post on a request not decided: refused
    return decision_correction(
        form, lambda: corrections.correct_decision(acting_user(), found, form.reason.data or ""),
        undo=undo, back=back, facts=facts,
        done=_("Decision corrected: the approval is undone and the plan is as it was before "
               "the change.") if undo
        else _("Decision corrected: the change is approved and in effect."),
        approve=_("Approve the change"), explanation=_(
            "An approval recorded by mistake is undone: the plan it changed is restored and "
            "becomes the approved baseline again. A refusal recorded by mistake becomes an "
            "approval: the change is applied now. The decision stays on the page, superseded "
            "by the correction and its reason."), record=found)
