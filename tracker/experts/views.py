"""HQ's pages of the expert pool: the list with its search, an expert's page, adding and
editing one, and giving them an account to score with."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.display.collation import ordered, ordered_rows
from tracker.experts import columns, services
from tracker.experts.forms import ExpertAccountForm, ExpertForm
from tracker.experts.models import Expert, ExpertTitle
from tracker.export import responses as exports
from tracker.organisations.listing import enterprise_choices
from tracker.organisations.models import Institute
from tracker.web.actions import submit
from tracker.web.navigation import choice_arg, paginate, text_arg
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("experts", __name__, url_prefix="/admin/experts")



def _expert_or_404(expert_id: int) -> Expert:
    return loaded(Expert, expert_id, may=None)  # the pages' rule: who keeps the experts


def _form(expert: Expert | None = None) -> ExpertForm:
    return ExpertForm(
        obj=expert if request.method == "GET" else None,
        institutes=ordered(db.session.scalars(select(Institute))),
        enterprises=enterprise_choices())


def _values(form: ExpertForm) -> dict:
    values = {name: getattr(form, name).data for name in services.FIELDS}
    return {k: (None if v == 0 and k.endswith("_id") else v) for k, v in values.items()}


@bp.get("/")
@requires(Expert.can_manage)
def index() -> str | Response:
    """The pool, searched by name, unit or field; by title (or above); those out of it too."""
    q = text_arg("q")
    title = choice_arg("title", _l("Professional title"), {t.value for t in ExpertTitle})
    everyone = request.args.get("all") == "1"
    query = (services.search(q, ExpertTitle(title) if title else None,
                             None if everyone else True)
             .options(selectinload(Expert.user)).order_by(Expert.name, Expert.id))
    if fmt := exports.requested():
        return exports.send(columns.EXPERT_COLUMNS, exports.stream(query), "experts", fmt,
                            title=_("Expert pool"))
    return render_template("experts/index.html", page=paginate(query), q=q, title=title,
                           everyone=everyone, titles=list(ExpertTitle),
                           columns=columns.EXPERT_COLUMNS)


@bp.get("/<int:expert_id>")
@requires(Expert.can_manage)
def show(expert_id: int) -> str:
    expert = _expert_or_404(expert_id)
    return render_template("experts/show.html", expert=expert, account=_account_form()
                           if services.account_refusal(expert) is None else None)


@bp.route("/new", methods=["GET", "POST"])
@requires(Expert.can_manage)
def new() -> str | Response | tuple[str, int]:
    form = _form()
    return submit(form, lambda: services.save_expert(acting_user(), None, **_values(form)),
                  _("Expert added to the pool."),
                  lambda expert: url_for("experts.show", expert_id=expert.id),
                  lambda: render_template("experts/form.html", form=form, expert=None))


@bp.route("/<int:expert_id>/edit", methods=["GET", "POST"])
@requires(Expert.can_manage)
def edit(expert_id: int) -> str | Response | tuple[str, int]:
    expert = _expert_or_404(expert_id)
    form = _form(expert)
    return submit(form, lambda: services.save_expert(acting_user(), expert, **_values(form)),
                  _("Saved."), url_for("experts.show", expert_id=expert.id),
                  lambda: render_template("experts/form.html", form=form, expert=expert),
                  record=expert)


def _evaluators() -> list[Row]:
    """Evaluators' accounts no expert has yet, by id, name and e-mail (one statement of three
    columns, no account loaded: issue 21 point 2)."""
    linked = select(Expert.user_id).where(Expert.user_id.is_not(None))
    return ordered_rows(db.session.execute(select(User.id, User.name, User.email).where(
        User.active.is_(True), User.role_grants.any(RoleGrant.role == Role.EVALUATOR),
        User.id.not_in(linked))))


def _account_form(formdata=None) -> ExpertAccountForm:
    return ExpertAccountForm(formdata=formdata, evaluators=_evaluators())


@bp.post("/<int:expert_id>/account")
@requires(Expert.can_manage)
def account(expert_id: int) -> Response | tuple[str, int]:
    expert = _expert_or_404(expert_id)
    form = _account_form(request.form)

    def call() -> None:
        if form.user_id.data:
            services.link_account(acting_user(), expert, db.session.get(User, form.user_id.data))
        else:
            services.create_account(acting_user(), expert, form.password.data or "")

    return submit(form, call, _("The expert can now be named to panels."),
                  url_for("experts.show", expert_id=expert.id),
                  lambda: render_template("experts/show.html", expert=expert, account=form))
