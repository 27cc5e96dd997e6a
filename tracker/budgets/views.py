"""/admin/budgets/: HQ admins list, add and edit the budget templates."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.budgets import services
from tracker.budgets.forms import BudgetTemplateForm, template_data
from tracker.budgets.models import BudgetTemplate
from tracker.projects.models import Project
from tracker.web.actions import submit
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("budget_admin", __name__, url_prefix="/admin/budgets")


@bp.get("/")
@requires(BudgetTemplate.can_configure)
def list_templates() -> str:
    templates = db.session.scalars(select(BudgetTemplate).options(
        selectinload(BudgetTemplate.categories)).order_by(BudgetTemplate.funder,
                                                          BudgetTemplate.edition)).all()
    projects = dict(db.session.execute(
        select(Project.budget_template_id, func.count()).where(
            Project.budget_template_id.is_not(None)).group_by(Project.budget_template_id)
    ).tuples().all())
    return render_template("budgets/list.html", templates=templates, projects=projects,
                           rule_text=services.rule_text)


def _page(form: BudgetTemplateForm, template: BudgetTemplate) -> str:
    return render_template("budgets/edit.html", form=form, template=template,
                           in_use=services.in_use(template))


@bp.route("/new", methods=["GET", "POST"])
@requires(BudgetTemplate.can_configure)
def new_template() -> str | Response | tuple[str, int]:
    template = BudgetTemplate()
    form = BudgetTemplateForm(data=None if request.method == "POST" else template_data(template))
    return submit(form, lambda: services.save_template(acting_user(), template, **form.values()),
                  _("Saved."), url_for("budget_admin.list_templates"),
                  lambda: _page(form, template))


@bp.route("/<int:template_id>", methods=["GET", "POST"])
@requires(BudgetTemplate.can_configure)
def edit_template(template_id: int) -> str | Response | tuple[str, int]:
    template = loaded(BudgetTemplate, template_id, may=None)
    form = BudgetTemplateForm(data=None if request.method == "POST" else template_data(template))
    return submit(form, lambda: services.save_template(acting_user(), template, **form.values()),
                  _("Saved."), url_for("budget_admin.list_templates"),
                  lambda: _page(form, template), record=template)
