"""Spending pages: a project's spending against its budget lines, and HQ's list across
projects by institute and year."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db, reversals
from tracker.budgets.queries import budget_against_actual
from tracker.display.formatting import day, money
from tracker.export import responses as exports
from tracker.organisations.models import Institute
from tracker.projects.models import Project
from tracker.projects.views import load_project
from tracker.reports.filters import institute_choices
from tracker.spending import previews, queries, services
from tracker.spending.columns import CATEGORY_COLUMNS, SPENDING_COLUMNS
from tracker.spending.forms import SpendingForm
from tracker.spending.models import SpendingEntry
from tracker.web.actions import submit
from tracker.web.corrections import ReverseForm, reversal_page, reversible
from tracker.web.navigation import paginate, row_arg, year_arg
from tracker.web.permissions import acting_user, requires

bp = Blueprint("spending", __name__)



def _page(project: Project, form: SpendingForm | None, refused: str | None = None) -> str:
    """The project's spending; `form` to record an expense, or what `refused` it."""
    spending = queries.project_spending(project, with_entries=True)
    reversible = reversals.offered_to(acting_user(), spending.entries, services.spending_refusal)
    return render_template("spending/project.html", project=project, form=form,
                           refused=refused, spending=spending,
                           against=budget_against_actual(project, spending),
                           reversible=reversible)


@bp.route("/projects/<int:project_id>/spending", methods=["GET", "POST"])
@login_required
def project(project_id: int) -> Response | tuple[str, int] | str:
    """Spent, budget and remaining per line; the PM records an expense here."""
    project = load_project(project_id)
    if request.method == "GET" and (fmt := exports.requested()):
        return _by_category(project, fmt)
    if not SpendingEntry.can_record(acting_user(), project):
        if request.method == "POST":
            abort(403)
        return _page(project, None)
    if request.method == "GET" and (refused := services.record_refusal(project)) is not None:
        return _page(project, None, refused)  # the form only while it can be saved
    form = SpendingForm(lines=project.budget_lines)
    return submit(
        form,
        lambda: services.record_spending(
            acting_user(), project, budget_line_id=form.budget_line_id.data,
            spent_on=form.spent_on.data, amount=form.amount.data,
            description=form.description.data,
            voucher=None if form.dry_run else form.upload()),
        _("Spending recorded."), url_for("spending.project", project_id=project.id),
        lambda: _page(project, form),
        # Over its line's amount: shown by how much, recorded only once confirmed.
        preview=lambda entry: previews.overspend(entry, form.upload() is not None))


def _by_category(project: Project, fmt: str) -> Response:
    """The budget against actual by category, as the page's table: a file to download."""
    against = budget_against_actual(project)
    name = (against.template.name if against.template is not None else "")
    return exports.send(CATEGORY_COLUMNS, against.table(_("Direct costs"), _("Total")),
                        f"budget-{project.code or project.id}", fmt,
                        title=_("Budget against actual by category: %(template)s",
                                template=name) if name else _("Budget against actual"))


def _on_spending_page(entry: SpendingEntry) -> str:
    return url_for("spending.project", project_id=entry.project_id)


@bp.route("/spending/<int:entry_id>/reverse", methods=["GET", "POST"])
@login_required
def reverse(entry_id: int) -> Response | tuple[str, int]:
    entry = reversible(db.session.get(SpendingEntry, entry_id), services.spending_refusal,
                       acting_user(), _on_spending_page)
    back = _on_spending_page(entry)
    form = ReverseForm()
    facts = [(_("Project"), entry.project.name), (_("Date spent"), day(entry.spent_on)),
             (_("Budget line"), entry.budget_line.name),
             (_("Description"), entry.description), (_("Amount"), money(entry.amount))]
    return reversal_page(
        form, services.reverse_spending, entry,
        done=_("Spending reversed: both entries stay on the page."), back=back,
        title=_("Reverse a spending entry"), facts=facts, button=_("Reverse the entry"),
        explanation=_("A reversing entry with the amount negated is written beside this one; "
                      "the line's spending follows from its date on."))


@bp.get("/spending/")
@requires(SpendingEntry.can_list)
def across() -> str | Response:
    """Spending against budget across the projects the user may see."""
    filters = {"institute": row_arg("institute", _l("Institute"), Institute), "year": year_arg()}
    query = queries.across_projects(acting_user(), filters["institute"], filters["year"])
    if fmt := exports.requested():
        return exports.send(SPENDING_COLUMNS, exports.stream(query, scalars=False),
                            "spending", fmt, title=_("Spending against budget"))
    return render_template(
        "spending/list.html", columns=SPENDING_COLUMNS, page=paginate(query, rows=True),
        filters=filters, institutes=institute_choices(acting_user()))
