"""HQ admins configure the gate templates: criteria, threshold, TRL bar, deliverables, quorum
and review period of each of the four gates."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.gates import configuration
from tracker.gates.defaults import default_template
from tracker.gates.forms import GateTemplateForm, template_data
from tracker.gates.models import GateTemplate
from tracker.projects.lifecycle import GATE_PHASE
from tracker.web.actions import submit
from tracker.web.permissions import acting_user, requires

bp = Blueprint("gate_admin", __name__, url_prefix="/admin/gates")




def _template_or_404(gate: int) -> GateTemplate:
    """The gate's template; a gate never configured starts from its default, unsaved."""
    if gate not in GATE_PHASE:
        abort(404)
    template = db.session.scalar(select(GateTemplate).where(GateTemplate.gate == gate))
    return template or default_template(gate)


@bp.get("/")
@requires(GateTemplate.can_configure)
def list_templates() -> str:
    templates = {t.gate: t for t in db.session.scalars(
        select(GateTemplate).options(selectinload(GateTemplate.criteria)))}
    gates = [(gate, phase, templates.get(gate)) for gate, phase in sorted(GATE_PHASE.items())]
    return render_template("gates/admin/list.html", gates=gates)


@bp.route("/<int:gate>", methods=["GET", "POST"])
@requires(GateTemplate.can_configure)
def edit_template(gate: int) -> str | Response | tuple[str, int]:
    actor = acting_user()
    template = _template_or_404(gate)
    form = GateTemplateForm(data=None if request.method == "POST" else template_data(template))
    return submit(form, lambda: configuration.save_template(actor, template, **form.values()),
                  _("Saved."), url_for("gate_admin.list_templates"),
                  lambda: render_template("gates/admin/edit.html", form=form, template=template),
                  record=template)
