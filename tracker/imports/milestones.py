"""A row of the milestones import: the milestone form of its project's page, saved by
`plan_milestone` as its PM plans it; then, when the file says it got further, the state it had
before the tracker (`tracker.milestones.services.import_state`, by the importing HQ admin)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.audit import services as audit
from tracker.errors import Invalid
from tracker.imports import columns
from tracker.imports.adapters import Adapter
from tracker.imports.cells import CellError
from tracker.milestones import services as milestones
from tracker.milestones.forms import MilestoneForm
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

FORM_FIELDS = ("phase", "title", "deliverable", "due_date", "weight")


def _percent(text: str) -> int:
    try:
        return int(Decimal(text or "0"))
    except ArithmeticError:
        raise CellError(_("Give a percentage from 0 to 100."), "percent_complete") from None


class Milestones(Adapter):
    kind, model, form_class = columns.MILESTONES, Milestone, MilestoneForm
    fields = FORM_FIELDS

    def find(self, values):
        if not values.get("project_id"):
            return None
        return db.session.scalar(select(Milestone).where(
            Milestone.project_id == values["project_id"],
            Milestone.title == (values.get("title") or "").strip())
            .order_by(Milestone.id).limit(1))

    def name(self, values):
        return f"{values.get('project_id', '')} · {values.get('title', '')}"

    def current(self, obj):
        return {"phase": obj.phase, "title": obj.title, "deliverable": obj.deliverable,
                "due_date": obj.due_date, "weight": obj.weight, "project_id": obj.project_id,
                "state": obj.state, "percent_complete": obj.percent_complete,
                "reviewer_id": obj.reviewer_id, "waiver_reason": obj.waiver_reason}

    def form_data(self, obj):
        if obj is None:
            return {"weight": Decimal("1")}
        return {**self.current(obj), "phase": obj.phase.value}

    def form(self, formdata, obj, refs):
        return MilestoneForm(formdata=formdata, data=self.form_data(obj),
                             phases=milestones.MILESTONE_PHASES)

    def values(self, form, given):
        text = {k: (v[0] if v else "") for k, v in given.items()}
        values = {f: getattr(form, f).data for f in FORM_FIELDS}
        values["phase"] = Phase(values["phase"])
        values["project_id"] = int(text.get("project_id") or 0)
        values["state"] = MilestoneState(text.get("state") or MilestoneState.PLANNED)
        values["percent_complete"] = milestones.imported_percent(
            values["state"], _percent(text.get("percent_complete", "")))
        values["reviewer_id"] = int(text.get("reviewer_id") or 0) or None
        values["waiver_reason"] = text.get("waiver_reason", "").strip()
        return values

    def save(self, actor, obj, values):
        values = dict(values)
        project = db.session.get(Project, values.pop("project_id"))
        state, percent = values.pop("state"), values.pop("percent_complete")
        reviewer_id, reason = values.pop("reviewer_id"), values.pop("waiver_reason")
        if obj is not None:
            if (state, percent, reviewer_id, reason) != (
                    obj.state, obj.percent_complete, obj.reviewer_id, obj.waiver_reason):
                raise Invalid("state", _("An imported milestone's state now changes in the "
                                         "tracker: progress, submission and review."))
            if values.pop("phase") is not obj.phase:
                raise Invalid("phase", _("Milestones belong to the phases closed by a gate."))
            milestones.edit_milestone(project.pm, obj, **values)
            return obj
        milestone = milestones.plan_milestone(project.pm, project, **values,
                                              history=state in milestones.DONE)
        if state is not MilestoneState.PLANNED or percent or reviewer_id or reason:
            milestones.import_state(actor, milestone, state, percent=percent,
                                    reviewer_id=reviewer_id, waiver_reason=reason,
                                    import_id=audit.current_import())
        return milestone
