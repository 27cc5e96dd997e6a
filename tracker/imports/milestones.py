"""A row of the milestones import: the milestone form of its project's page, saved by
`plan_milestone` as its PM plans it; then, when the file says it got further, the state it had
before the tracker (`tracker.milestones.imported.import_state`, by the importing HQ admin),
dated by the day the file says it was submitted (Submitted on: `imported.check_submitted_on`),
which a milestone on record keeps (`Milestones.unchangeable`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import local_date
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Problems
from tracker.imports import columns, number_cells
from tracker.imports.adapters import Adapter
from tracker.imports.bulk import Batch, insert_returning_ids, insert_rows
from tracker.imports.cells import CellError, read
from tracker.imports.route_cells import day_cell
from tracker.milestones import imported
from tracker.milestones import services as milestones
from tracker.milestones.forms import MilestoneForm, PercentForm
from tracker.milestones.models import Milestone, MilestoneEvent, MilestoneState
from tracker.milestones.refusals import percent_refusal
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

FORM_FIELDS = ("phase", "title", "deliverable", "due_date", "weight")
# The columns of a milestone's state, which an import records for a new one and changes on none.
STATE_COLUMNS = ("state", "percent_complete", "reviewer_id", "waiver_reason")


def _percent(text: str) -> int:
    """Progress read by the progress form's own field (`PercentForm`): 62.5, 40.0 and
    "most" are refused as that form refuses them ("Must be a whole number."), 1,5 saying how
    to write a number; empty is 0. Whether it is from 0 to 100 is said by the rule a post's
    service asks (`percent_refusal`), here too, so that it is said beside its cell whatever
    the row's state, read or not (the service is not asked while a state cannot be read:
    `Column.decides`). A percentage with its sign (60%) is told to drop it, where it was
    told only "Must be a whole number." (issue 13)."""
    if (number := number_cells.without_percent(text)) is not None:
        raise CellError(_("Write the number without the %% sign: %(number)s.", number=number),
                        "percent_complete")
    field = PercentForm(formdata=None).percent
    try:
        field.process_formdata([text])
    except ValueError as error:
        raise CellError(str(error), "percent_complete") from None
    if (refusal := percent_refusal(field.data or 0)) is not None:
        raise CellError(refusal, "percent_complete")
    return field.data or 0


def check_new(actor: User, pm: User, project: Project, values: dict[str, Any]) -> None:
    """What `plan_milestone` (by the project's PM) and `import_state` refuse of a new
    milestone's row, every problem at once: the reviewer it names, its state's and its plan's
    are told together, not the reviewer once the plan is right (issue 13)."""
    problems = Problems()
    problems.collect(milestones.check_plan, pm, project, phase=values["phase"],
                     due_date=values["due_date"], weight=values["weight"],
                     history=values["state"] in milestones.DONE)
    if imported.is_moved(values["state"], values["percent_complete"], values["waiver_reason"],
                         values["_submitted_on"]) or values["reviewer_id"]:
        imported.check_imported_state(
            actor, project, values["state"], percent=values["percent_complete"],
            waiver_reason=values["waiver_reason"], submitted_on=values["_submitted_on"],
            reviewer_id=values["reviewer_id"], problems=problems)
    problems.raise_any()


class Milestones(Adapter):
    refused_in = "project_id"
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

    renamed_by, renamed_values = "title", ("title",)

    def renaming(self, values):
        return db.session.scalars(select(Milestone).where(
            Milestone.project_id == values["project_id"]).order_by(Milestone.id))

    def described(self, obj):
        return _("the milestone %(title)s of %(project)s", title=obj.title,
                 project=obj.project.code or obj.project.title)

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
        form = MilestoneForm(formdata=formdata, data=self.form_data(obj),
                             phases=milestones.MILESTONE_PHASES)
        form.recorded = obj  # whose state an empty cell leaves as it is (`values`)
        return form

    def values(self, form, given):
        """The row's values; of a milestone on record, an empty cell of its state's columns
        (or a file without them) says what is recorded, as the export writes it: an import
        changes no recorded state, and the refusal says to write it or leave it empty
        (issue 13: empty was "planned", refused as a change as well). `0` is empty for the
        reviewer only (the form's "none"): a percent complete of 0 is a value, compared."""
        text = {k: (v[0] if v else "") for k, v in given.items()}
        recorded = getattr(form, "recorded", None)
        kept = {} if recorded is None else {
            k: getattr(recorded, k) for k in STATE_COLUMNS
            if text.get(k, "") in ("", *(("0",) if k == "reviewer_id" else ()))}
        values = {f: getattr(form, f).data for f in FORM_FIELDS}
        values["phase"] = Phase(values["phase"]) if values["phase"] else None
        values["project_id"] = int(text.get("project_id") or 0)
        values["state"] = kept.get("state") or MilestoneState(
            text.get("state") or MilestoneState.PLANNED)
        values["percent_complete"] = kept["percent_complete"] if "percent_complete" in kept else (
            imported.imported_percent(values["state"], read(
                "percent_complete", _percent, text.get("percent_complete", "")) or 0))
        values["reviewer_id"] = kept.get("reviewer_id") or int(text.get("reviewer_id") or 0) or None
        values["waiver_reason"] = kept.get("waiver_reason") or text.get("waiver_reason", "").strip()
        # Read for a new milestone, compared for one on record (`unchangeable`).
        values["_submitted_on"] = read("submitted_on", day_cell,
                                       text.get("submitted_on", ""), "submitted_on")
        return values

    def unchangeable(self, obj, values, given):
        """A day of submission given that is not the one the milestone keeps, beside its
        column: an import dates a submission when it records the milestone, and changes no
        day of one on record, as nothing in the tracker does (an empty cell asserts nothing;
        the export writes the day kept, which reads back unchanged)."""
        on = values.get("_submitted_on")
        kept = local_date(obj.submitted_at) if obj.submitted_at and (
            obj.state in imported.SUBMITTED) else None
        if "submitted_on" not in given or on is None or on == kept:
            return []
        if kept is None:
            return [("submitted_on", _(
                "The tracker keeps no day of this milestone's submission: an import dates a "
                "submission only when it records the milestone, and changes no milestone on "
                "record. Leave the cell empty."))]
        return [("submitted_on", _(
            "The milestone is recorded as submitted on %(kept)s, not %(given)s. An import does "
            "not change the day a milestone on record was submitted, as nothing in the "
            "tracker does: write the day recorded here, or leave the cell empty.",
            kept=day(kept), given=day(on)))]

    def batch(self, actor):
        return MilestoneBatch(actor, self)

    def save(self, actor, obj, values):
        project = db.session.get(Project, values["project_id"])
        if obj is None:
            check_new(actor, project.pm, project, {"_submitted_on": None, **values})
        values = dict(values)
        values.pop("project_id")
        state, percent = values.pop("state"), values.pop("percent_complete")
        reviewer_id, reason = values.pop("reviewer_id"), values.pop("waiver_reason")
        submitted_on = values.pop("_submitted_on", None)
        if obj is not None:
            problems = Problems()  # every problem of the row at once, each in its column
            for key, given, recorded in (
                    ("state", state, obj.state), ("percent_complete", percent,
                                                  obj.percent_complete),
                    ("reviewer_id", reviewer_id, obj.reviewer_id),
                    ("waiver_reason", reason, obj.waiver_reason)):
                if given != recorded:  # beside each column the file changes
                    problems.add(key, _(  # and what to write (issue 13: it said only that)
                        "An imported milestone's state now changes in the tracker: progress, "
                        "submission and review. Write what is recorded, %(recorded)s, or leave "
                        "the cell empty.", recorded=_recorded(key, recorded)))
            if values.pop("phase") is not obj.phase:
                problems.add("phase", _("Milestones belong to the phases closed by a gate."))
            if (said := milestones.edit_refusal(obj)) is not None:  # done, under review
                for key in ("deliverable", "due_date", "weight"):
                    if values[key] != getattr(obj, key):
                        problems.add(key, said)
            problems.raise_any()
            milestones.edit_milestone(project.pm, obj, **values)
            return obj
        milestone = milestones.plan_milestone(project.pm, project, **values,
                                              history=state in milestones.DONE)
        if imported.is_moved(state, percent, reason, submitted_on) or reviewer_id:
            imported.import_state(actor, milestone, state, percent=percent,
                                  reviewer_id=reviewer_id, waiver_reason=reason,
                                  import_id=audit.current_import(), submitted_on=submitted_on)
        return milestone


def _recorded(key: str, value: Any) -> str:
    """A milestone's recorded `key` of its state's columns as its cell writes it."""
    if key == "state":
        return label(value)
    if key == "reviewer_id":
        return db.session.get(User, value).email if value else _("none")
    return str(value) if value not in (None, "") else _("none")


class MilestoneBatch(Batch):
    """New milestones, checked by `check_plan` and `imported.check_imported_state` as
    `plan_milestone` and `import_state` check them, and written as they write them: the
    milestone, its history event when imported past planned, and their audit records. A row
    naming a reviewer takes the row-by-row path (`import_state` checks the reviewer's
    stake)."""

    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._existing: dict[tuple[int, str], int] | None = None
        self._before: dict[int, list[int]] | None = None  # each project's milestones' ids
        # Held here: the session's identity map keeps no object nobody else holds, and each
        # row would load its project and PM again.
        self._projects: dict[int, Project] = {}
        self._pms: dict[int, Any] = {}

    def project(self, project_id: int) -> Project:
        if not self._projects:
            # Every project with its PM in one statement, the first time one is named: a file
            # of milestones names most of them, and one query each would be 10,000 at full
            # size. A project created since (by another run) is read alone.
            for project in db.session.scalars(select(Project).options(joinedload(Project.pm))):
                self._projects[project.id], self._pms[project.id] = project, project.pm
        if project_id not in self._projects:
            project = db.session.get(Project, project_id)
            self._projects[project_id], self._pms[project_id] = project, project.pm
        return self._projects[project_id]

    def reusable(self, refs):
        return True  # the milestone form's choices are the phases, whatever the project

    def find(self, probe):
        project_id = probe.get("project_id")
        if not project_id:
            return None
        if self._existing is None:
            # Every milestone's key in one statement instead of one a project; the first of
            # a title, as `find`.
            self._existing, self._before = {}, {}
            for row in db.session.execute(select(Milestone.project_id, Milestone.title,
                                                 Milestone.id).order_by(Milestone.id.desc())):
                self._existing[(row.project_id, row.title)] = row.id
                self._before.setdefault(row.project_id, []).append(row.id)
        found = self._existing.get((project_id, (probe.get("title") or "").strip()))
        return None if found is None else db.session.get(Milestone, found)

    def renamed(self, values, named):
        """`Adapter.renamed` among the project's milestones recorded before the run (those
        `find` read): none to read for a project without any, as every one of a first
        import, nor for those this run's batches wrote."""
        ids = (self._before or {}).get(values["project_id"])
        return self.adapter.renamed(values, named, db.session.scalars(
            select(Milestone).where(Milestone.id.in_(ids)).order_by(Milestone.id))) if ids else []

    def key(self, values):
        return values["project_id"], values["title"].strip()

    def check(self, values):
        if values["reviewer_id"]:
            return False
        project = self.project(values["project_id"])
        check_new(self.actor, self._pms[project.id], project, values)
        return True

    def insert(self, rows):
        planned, records, moved = [], [], []
        for values in rows:
            project_id = values["project_id"]
            plan = {"project_id": project_id, "phase": values["phase"],
                    "title": values["title"].strip(),
                    "deliverable": (values["deliverable"] or "").strip(),
                    "due_date": values["due_date"], "weight": values["weight"]}
            # What `audit.pending_changes` says of the new milestone `plan_milestone` makes.
            records.append((self._pms[project_id],
                            {k: [None, audit.jsonable(v)] for k, v in plan.items()
                             if v is not None}))
            state = values["state"]
            if imported.is_moved(state, values["percent_complete"], values["waiver_reason"],
                                 values["_submitted_on"]):
                fields = imported.imported_fields(state, values["percent_complete"],
                                                  values["waiver_reason"],
                                                  values["_submitted_on"])
            else:
                fields = {}
            moved.append(fields)
            planned.append({**plan, **PLANNED_FIELDS, **fields})
        ids = insert_returning_ids(Milestone, planned)
        run = audit.current_import()
        events, changed = [], []
        for milestone_id, fields in zip(ids, moved, strict=True):
            if not fields:
                continue
            if fields["state"] is not MilestoneState.PLANNED:
                events.append({"milestone_id": milestone_id, "actor_id": self.actor.id,
                               "from_state": MilestoneState.PLANNED,
                               "to_state": fields["state"],
                               "comment": "", "imported_in_id": run})
            changes = {k: [audit.jsonable(PLANNED_FIELDS.get(k)), audit.jsonable(v)]
                       for k, v in fields.items() if v != PLANNED_FIELDS.get(k)}
            if changes:
                changed.append((milestone_id, changes))
        insert_rows(MilestoneEvent, events)
        # As the services write them: each plan by the project's PM, then the states by HQ.
        audit.record_many_by("milestone.plan", "milestones", [
            (pm, milestone_id, changes)
            for (pm, changes), milestone_id in zip(records, ids, strict=True)])
        audit.record_many(self.actor, "milestone.import_state", "milestones", changed)


# What a milestone says once planned, before `import_state` moves it.
PLANNED_FIELDS = {"state": MilestoneState.PLANNED, "percent_complete": 0, "waiver_reason": "",
                  "submitted_at": None, "review_due": None}
