"""The bulk path of the projects import: each new project checked as `create_proposal`,
`submit_imported`, `adopt_code` and `record_imported_decision` check it (the same check
functions, the same transition table), then a batch written with multi-row INSERTs: the
project, its team and budget lines, its code, each gate passed as a decided review with its
imported GO and its phase change, the KILL that ended a terminated or rejected one (with its
rationale, its phase change's reason), the open gate-1 request of a project in proposal
review, and the audit records the services write, by the same people
(`tests/imports/test_projects_bulk.py` compares the two paths row for row). A CONDITIONAL GO,
a HOLD and a hold resumed take the row-by-row path.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from tracker import db
from tracker.accounts.models import User, with_roles
from tracker.audit import services as audit
from tracker.budgets import services as budgets
from tracker.errors import Forbidden, Problems, Refused
from tracker.gates import dating, scoring, taken_on
from tracker.gates import services as gates
from tracker.gates.decisions import STEP_OF
from tracker.gates.models import (
    GateDecision,
    GateReview,
    Outcome,
    ReviewCriterion,
    ReviewState,
)
from tracker.imports.bulk import Batch, insert_returning_ids, insert_rows
from tracker.imports.models import ImportRun
from tracker.imports.projects import FORM_FIELDS, Projects, check_new, decision_days
from tracker.organisations.models import Headquarters, Institute
from tracker.projects import codes, drafts, lifecycle
from tracker.projects.forms import ProjectForm
from tracker.projects.lifecycle import Phase, Step
from tracker.projects.models import (
    BudgetLine,
    PhaseChange,
    Project,
    ProjectCodeCounter,
    ProjectMember,
)
from tracker.projects.phases import refusal_message


class ProjectBatch(Batch):
    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._codes: dict[str, int] | None = None
        self._drafts: dict[tuple[int, str], int] = {}
        self._taken: set[str] = set()  # the codes recorded, and held in this batch
        self._held: dict[int, Any] = {}  # the identity map keeps only what someone holds
        self._templates: dict[int, Any] = {}

    # --- reading -------------------------------------------------------------------------

    def _load(self) -> None:
        # The people a row may name, with the roles `check_proposal` asks about, and the
        # institutes with their HQ: one statement each instead of two a PM and one an
        # institute (a thousand PMs at full size).
        for user in db.session.scalars(select(User).options(*with_roles())):
            self._held[(User, user.id)] = user
        for institute in db.session.scalars(select(Institute)):
            self._held[(Institute, institute.id)] = institute
        self._codes, self._drafts, self._taken = {}, {}, set()
        self._hq_codes = codes.hq_codes()
        rows = db.session.execute(select(Project.id, Project.code, Project.pm_id, Project.title))
        for row in rows:
            if row.code:
                self._codes[row.code] = row.id
                self._taken.add(row.code)
            else:
                self._drafts.setdefault((row.pm_id, row.title), row.id)

    def find(self, probe):
        if self._codes is None:
            self._load()
        spellings = codes.spellings(probe.get("code"), self._hq_codes)
        if spellings:
            found = next((self._codes[c] for c in spellings if c in self._codes), None)
        else:
            found = self._drafts.get((probe.get("pm_id") or 0,
                                      (probe.get("title") or "").strip()))
        return None if found is None else db.session.get(Project, found)

    def renamed(self, values, named):
        """`Adapter.renamed` among the PM's drafts recorded before the run (`_load`)."""
        ids = [] if values["code"] else [
            i for (pm_id, _title), i in self._drafts.items() if pm_id == values["pm_id"]]
        return self.adapter.renamed(values, named, db.session.scalars(
            select(Project).where(Project.id.in_(ids)).order_by(Project.id))) if ids else []

    def form(self, formdata, obj, refs):
        """The proposal form, made once; each row's choices are what it names, as
        `Projects.choices` gives them (the names do not matter to validation)."""
        if obj is not None:
            return self.adapter.form(formdata, obj, refs)
        form = self.refilled(formdata, ProjectForm)
        one = ([(refs[k], "")] if k in refs else [] for k in
               ("institute_id", "partner_enterprise_id", "need_id"))
        institutes, enterprises, needs = one
        form.institute_id.choices = institutes
        form.partner_enterprise_id.choices = [(0, "")] + enterprises
        form.need_id.choices = [(0, "")] + needs
        form.member_ids.choices = [(i, "") for i in refs.get("member_ids", [])]
        return form

    def _get(self, model, key) -> Any:
        if (model, key) not in self._held:
            self._held[(model, key)] = db.session.get(model, key)
        return self._held[(model, key)]

    def template(self, gate: int) -> Any:
        if gate not in self._templates:
            template = gates.template_for(gate)
            self._templates[gate] = (template, list(template.criteria))
        return self._templates[gate]

    # --- checking --------------------------------------------------------------------------

    def key(self, values):
        return values["code"] or (values["pm_id"], values["title"].strip())

    def check(self, values):
        if values["_conditions"] or values["_holds"]:
            return False  # a CONDITIONAL GO, a hold resumed: the row-by-row path records them
        pm = self._get(User, values["pm_id"])
        phase = values["phase"]
        if phase is not Phase.DRAFT and not ImportRun.can_import(self.actor):
            raise Forbidden()  # submit_imported, record_imported_go
        # Every problem of the row at once, as the row-by-row path finds them; a code is
        # taken by a project recorded or held in this batch.
        problems = Problems()
        route, _conditions = check_new(pm, values, values["_passed_on"], problems,
                                       taken=self._taken.__contains__)
        problems.raise_any()
        if any(outcome not in (Outcome.GO, Outcome.KILL) for _closed, outcome, _target in route):
            return False  # a HOLD: the row-by-row path records it, with its revisit date
        if phase is Phase.DRAFT:
            return True
        hq = self._get(Headquarters, self._get(Institute, values["institute_id"]).hq_id)
        adopted = codes.read_code(hq, values["code"])
        source = Phase.DRAFT
        for step, target in [(Step.SUBMIT, Phase.PROPOSAL_REVIEW)] + [
                (STEP_OF[outcome], target) for _closed, outcome, target in route]:
            try:  # as change_phase checks each step
                lifecycle.check(source, target, step)
            except lifecycle.TransitionRefused as error:
                raise Refused(refusal_message(error)) from None
            if step is not Step.SUBMIT:
                self.template(lifecycle.PHASE_GATE[source])
            source = target
        if phase is Phase.PROPOSAL_REVIEW:
            self.template(1)
        self._taken.add(adopted.code)
        values["_code"] = adopted
        values["_route"] = route
        return True

    # --- writing ---------------------------------------------------------------------------

    def insert(self, rows):
        now = db.utcnow()
        admin = self.actor
        project_rows = []
        for v in rows:
            hq_id = self._get(Institute, v["institute_id"]).hq_id
            row = {"hq_id": hq_id, "pm_id": v["pm_id"], "phase": v["phase"], "code": None,
                   "year": None, "seq": None, "created_at": now,
                   "budget_template_id": v.get("budget_template_id"),
                   "field_id": v.get("field_id"),  # check_proposal classified the row
                   **{f: v[f] for f in FORM_FIELDS}}
            if "_code" in v:
                adopted, v["_days"] = v["_code"], decision_days(v["_route"], v["_passed_on"],
                                                                v["start_date"])
                row.update(code=adopted.code, seq=adopted.seq, year=adopted.year
                           or codes.year_submitted(dating.submitted(v["_days"])))
            project_rows.append(row)
        drafts.number_rows(Project, project_rows)  # as the form's drafts are numbered
        ids = insert_returning_ids(Project, project_rows)
        run = audit.current_import()
        created, submitted, coded, confirmed = defaultdict(list), [], [], []
        members, lines, changes_rows = [], [], []
        reviews: list[tuple[int, dict, list, dict | None]] = []
        requests: list[tuple[int, int, int]] = []
        for pid, v, row in zip(ids, rows, project_rows, strict=True):
            # What create_proposal records: the draft's fields, its team and its budget.
            draft = {k: [None, audit.jsonable(x)] for k, x in row.items()
                     if x is not None
                     and k not in ("code", "year", "seq", "created_at", "draft_number")}
            draft["phase"] = [None, Phase.DRAFT.value]
            if v["member_ids"]:
                draft["members"] = [[], sorted(set(v["member_ids"]))]
            planned = budgets.planned_lines(v.get("budget_template_id"), v["budget_lines"])
            if planned:
                draft["budget_lines"] = [[], [[c, str(a)] for c, _id, a in planned]]
            created[v["pm_id"]].append((pid, draft))
            # Confirmed by the importing admin, as `team.confirm_imported` confirms them.
            team = sorted(set(v["member_ids"]))
            members += [{"project_id": pid, "user_id": u, "role": "", "confirmed_at": now,
                         "confirmed_by_id": admin.id} for u in team]
            if team:
                confirmed.append((pid, {"members": [None, team]}))
            lines += [{"project_id": pid, "category": c, "category_id": category_id, "amount": a}
                      for c, category_id, a in planned]
            if v["phase"] is Phase.DRAFT:
                continue
            days = v["_days"]
            # Submitted before the tracker: by the importing admin, as submit_imported records.
            changes_rows.append({"project_id": pid, "from_phase": Phase.DRAFT,
                                 "to_phase": Phase.PROPOSAL_REVIEW, "actor_id": admin.id,
                                 "decision_id": None, "reason": "",
                                 "at": dating.submitted(days), "imported_in_id": run})
            submitted.append(
                (pid, {"phase": [Phase.DRAFT.value, Phase.PROPOSAL_REVIEW.value]}))
            coded.append((pid, {"code": [None, row["code"]]}))
            # What each decision keeps of the project, as `scoring.snapshot` keeps it on the
            # row path: the facts as imported (version 1 here, the row path's counts its
            # flushes; `taken_on` compares all but the version), its team confirmed.
            facts = taken_on.kept_of({**{c: row.get(c) for c in taken_on.KEPT_COLUMNS},
                                      "version": 1}, team)
            for (closed, outcome, target), day in zip(v["_route"], days, strict=True):
                gate = lifecycle.PHASE_GATE[closed]
                # As record_imported_decision records it: a KILL with its rationale, which
                # its phase change gives as its reason.
                reviews.append((pid, {"gate": gate, "closed": closed, "target": target,
                                      "decided_at": dating.noon(day), "outcome": outcome,
                                      "rationale": v["_rationale"].strip()
                                      if outcome is Outcome.KILL else "",
                                      "taken_on": facts, "trl": v["trl_now"]}, [], None))
            if v["phase"] is Phase.PROPOSAL_REVIEW:
                requests.append((pid, 1))
        self._counters(rows)
        for model, values in ((ProjectMember, members), (BudgetLine, lines),
                              (PhaseChange, changes_rows)):
            insert_rows(model, values)
        # One seal and one INSERT an action for the batch, each record by its PM.
        audit.record_many_by("project.create", "projects", [
            (self._get(User, pm_id), pid, changes)
            for pm_id, items in created.items() for pid, changes in items])
        audit.record_many(admin, "project.member_confirm", "projects", confirmed)
        audit.record_many(admin, "project.phase", "projects", submitted)
        audit.record_many(admin, "project.code", "projects", coded)
        self._decide(reviews, run)
        self._request(requests, now)

    def _counters(self, rows) -> None:
        """Each year's counter moves past the highest imported number, as adopt_code does (a
        code kept as written has none)."""
        highest: dict[tuple[int, int], int] = {}
        for v in rows:
            if "_code" in v and v["_code"].seq is not None:
                hq_id = self._get(Institute, v["institute_id"]).hq_id
                year, seq = v["_code"].year, v["_code"].seq
                highest[(hq_id, year)] = max(seq, highest.get((hq_id, year), 0))
        for (hq_id, year), seq in highest.items():
            bump = (update(ProjectCodeCounter).where(
                ProjectCodeCounter.hq_id == hq_id, ProjectCodeCounter.year == year,
                ProjectCodeCounter.last < seq).values(last=seq))
            if db.session.execute(bump).rowcount == 0 and db.session.get(
                    ProjectCodeCounter, (hq_id, year)) is None:
                db.session.add(ProjectCodeCounter(hq_id=hq_id, year=year, last=seq))
        db.session.flush()

    def _reviews(self, wanted: list[tuple[int, int, int, ReviewState, int | None, datetime]]
                 ) -> list[tuple[int, list[dict]]]:
        """Insert reviews (project, gate, requested by, state, chair, requested at) with their
        criteria copied from the template, as open_request does; [(review id, criteria
        rows)]."""
        rows = []
        for pid, gate, requested_by, state, chair, at in wanted:
            template, _criteria = self.template(gate)
            rows.append({"project_id": pid, "gate": gate, "phase": lifecycle.GATE_PHASE[gate],
                         "state": state, "requested_at": at, "requested_by_id": requested_by,
                         "chair_id": chair, "name": template.name,
                         "name_en": template.name_en,
                         "pass_threshold": template.pass_threshold,
                         "min_trl": template.min_trl, "quorum": template.quorum,
                         "version": 1 if state is ReviewState.REQUESTED else 2})
        review_ids = insert_returning_ids(GateReview, rows)
        criteria = [{"review_id": rid, "position": c.position, "kind": c.kind, "text": c.text,
                     "text_en": c.text_en, "weight": c.weight, "scale_max": c.scale_max}
                    for rid, (_p, gate, *_rest) in zip(review_ids, wanted, strict=True)
                    for c in self.template(gate)[1]]
        criterion_ids = insert_returning_ids(ReviewCriterion, criteria)
        out, at = [], 0
        for rid, (_p, gate, *_rest) in zip(review_ids, wanted, strict=True):
            n = len(self.template(gate)[1])
            out.append((rid, [{**c, "id": i} for c, i in zip(
                criteria[at:at + n], criterion_ids[at:at + n], strict=True)]))
            at += n
        self._requested = {rid: _as_requested(row) for rid, row in zip(review_ids, rows,
                                                                        strict=True)}
        return out

    def _decide(self, reviews, run) -> None:
        if not reviews:
            return
        admin = self.actor
        # Requested when decided, as record_imported_decision dates it: not at the import;
        # no chair, as no panel sat in the tracker.
        made = self._reviews([(pid, r["gate"], admin.id, ReviewState.DECIDED, None,
                               r["decided_at"]) for pid, r, _c, _d in reviews])
        decisions = []
        for (pid, r, _c, _d), (_rid, criteria) in zip(reviews, made, strict=True):
            template, _tc = self.template(r["gate"])
            # No score and no panel: the decision was taken before the tracker.
            snapshot = scoring.snapshot_of(r["taken_on"], str(None), r["trl"], template.quorum,
                                           [SimpleNamespace(**c) for c in criteria], [])
            decisions.append({"review_id": _rid, "project_id": pid, "outcome": r["outcome"],
                              "target_phase": r["target"], "rationale": r["rationale"],
                              "override_reason": "", "correction_reason": "",
                              "revisit_date": None, "rework_due": None,
                              "weighted_score": None, "snapshot": snapshot,
                              "decided_by_id": admin.id, "decided_at": r["decided_at"],
                              "supersedes_id": None, "imported_in_id": run})
        decision_ids = insert_returning_ids(GateDecision, decisions)
        insert_rows(PhaseChange, [
            {"project_id": d["project_id"], "from_phase": r["closed"], "to_phase": r["target"],
             "actor_id": admin.id, "decision_id": did, "reason": r["rationale"],
             "at": d["decided_at"],
             "imported_in_id": run}
            for did, d, (_p, r, _c, _d) in zip(decision_ids, decisions, reviews, strict=True)])
        audit.record_many(admin, "gate.request", "gate_reviews",
                          [(rid, self._requested[rid]) for rid, _criteria in made])
        audit.record_many(admin, "gate.decide", "gate_decisions", [
            # What the decision's pending changes say before its flush (no review id yet).
            (did, {k: [None, audit.jsonable(x)] for k, x in d.items()
                   if x is not None and k not in ("snapshot", "review_id")})
            for did, d in zip(decision_ids, decisions, strict=True)])
        audit.record_many(admin, "project.phase", "projects", [
            (d["project_id"], {"phase": [r["closed"].value, r["target"].value]})
            for d, (_p, r, _c, _d) in zip(decisions, reviews, strict=True)])

    def _request(self, requests, now) -> None:
        """A project imported in proposal review gets its gate-1 request, by the importing
        admin, as its submission is recorded (it was its PM's, who requested nothing in the
        tracker: issue 13)."""
        if not requests:
            return
        made = self._reviews([(pid, gate, self.actor.id, ReviewState.REQUESTED, None, now)
                              for pid, gate in requests])
        audit.record_many(self.actor, "gate.request", "gate_reviews",
                          [(rid, self._requested[rid]) for rid, _criteria in made])


def _as_requested(row: dict) -> dict[str, list]:
    """What `open_request`'s audit record says of a review (its values before the flush: no
    project id, version or time yet), for a review the bulk path inserts."""
    values = {**row, "state": ReviewState.REQUESTED,
              "pass_threshold": gates.as_stored(row["pass_threshold"])}
    return {k: [None, audit.jsonable(values[k])] for k in (
        "gate", "phase", "requested_by_id", "name", "name_en", "pass_threshold", "min_trl",
        "quorum", "state") if values[k] is not None}


class BulkProjects(Projects):
    """The projects import with its bulk path (the adapter the import uses)."""

    # A draft has no code yet: its PM and its title find it.
    renamed_by, renamed_values = "title", ("title",)

    def renaming(self, values):
        if values["code"]:  # found by its code: a title changed is corrected
            return ()
        return db.session.scalars(select(Project).where(
            Project.code.is_(None), Project.pm_id == values["pm_id"]).order_by(Project.id))

    def described(self, obj):
        return _("the draft %(title)s of %(pm)s", title=obj.title, pm=obj.pm.name)

    def batch(self, actor):
        return ProjectBatch(actor, self)
