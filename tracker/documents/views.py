"""Official documents: a project's documents (issued, and issuable by HQ), their PDFs (as
stored files, /files/ID, under the document's own rule), and HQ's wording of each kind."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker import db
from tracker.dates import local_date
from tracker.db import utcnow
from tracker.display.formatting import day
from tracker.display.labels import LOCALE_NAMES, label
from tracker.documents import content, services
from tracker.documents.forms import DocumentTemplateForm, IssueForm
from tracker.documents.models import DocumentKind, DocumentTemplate, OfficialDocument, may_issue
from tracker.errors import Refused
from tracker.gates.models import GateDecision
from tracker.projects.models import Project
from tracker.projects.views import load_project
from tracker.web.actions import submit
from tracker.web.permissions import acting_user, requires

bp = Blueprint("documents", __name__)



def choice_key(kind: DocumentKind, decision: GateDecision | None) -> str:
    return f"{kind.value}:{decision.id if decision else 0}"


def _offered(project: Project) -> dict[str, tuple[DocumentKind, GateDecision | None, str]]:
    """What the user may issue for `project`, by the key the form sends, with its label."""
    user = acting_user()
    offered = {}
    for kind, decision in content.documents_of(project):
        if not may_issue(user, kind, project, decision):
            continue
        text = label(kind)
        if decision is not None:
            text = _("%(kind)s: %(review)s, %(outcome)s of %(date)s", kind=text,
                     review=decision.review.shown("name"), outcome=label(decision.verdict),
                     date=day(local_date(decision.decided_at)))
        offered[choice_key(kind, decision)] = (kind, decision, text)
    return offered


@bp.route("/projects/<int:project_id>/documents", methods=["GET", "POST"])
@login_required
def project(project_id: int) -> str | Response | tuple[str, int]:
    project = load_project(project_id)
    user = acting_user()
    offered = _offered(project)
    if request.method == "POST" and not offered:
        if not OfficialDocument.can_issue(user):
            abort(403)
        # Who issues documents hears why there is none to issue (409), not "not allowed".
        raise Refused(services.none_called_for(project),
                      back=url_for("projects.show", project_id=project.id))
    form = IssueForm(offered=[(key, text) for key, (_k, _d, text) in offered.items()])

    def call() -> OfficialDocument:
        kind, decision, _text = offered[form.document.data]
        return services.issue(user, kind, project, decision, form.language.data)

    def page() -> str:
        issued = [d for d in db.session.scalars(
            select(OfficialDocument).where(OfficialDocument.project_id == project.id)
            .order_by(OfficialDocument.id)) if d.can_view(user)]
        return render_template("documents/project.html", project=project, issued=issued,
                               form=form if offered else None, languages=LOCALE_NAMES,
                               none_called_for=services.none_called_for(project)
                               if not offered and OfficialDocument.can_issue(user) else None)

    return submit(form, call, lambda document: _("Issued %(number)s.", number=document.number),
                  url_for("documents.project", project_id=project.id), page)


# --- HQ's wording ---------------------------------------------------------------------------


@bp.get("/admin/documents/")
@requires(DocumentTemplate.can_edit)
def templates() -> str:
    kinds = [(kind, services.template_for(kind)) for kind in DocumentKind]
    return render_template("documents/templates.html", kinds=kinds)


@bp.route("/admin/documents/<kind>", methods=["GET", "POST"])
@requires(DocumentTemplate.can_edit)
def edit_template(kind: str) -> str | Response | tuple[str, int]:
    try:
        kind_ = DocumentKind(kind)
    except ValueError:
        abort(404)
    template = services.template_for(kind_)
    form = DocumentTemplateForm(obj=None if request.method == "POST" else template)
    if template.id is None and request.method == "GET":
        # Never saved: the form was seen before the first save (version 0), so a save from
        # another tab since then, the row's version 1, makes this copy stale (409).
        form.version.data, form.seen_at.data = "0", utcnow().isoformat()
    return submit(form, lambda: services.save_template(acting_user(), template, form.values()),
                  _("Saved: the next document of this kind is issued with this wording."),
                  url_for("documents.templates"),
                  lambda: render_template("documents/template.html", form=form,
                                          template=template, kind=kind_),
                  record=template if template.id is not None else None)
