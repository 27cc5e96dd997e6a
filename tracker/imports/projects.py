"""A row of the projects import: the proposal form of its PM, saved by `create_proposal`; then,
for a project past draft, its submission under the code it had and a GO recorded as imported
for each gate it passed on the way to its phase (`tracker.gates.decisions.record_imported_go`),
so that it goes on in the tracker as if it had been decided there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.budgets import services as budgets
from tracker.display import said
from tracker.display.labels import label
from tracker.errors import Invalid, Problems
from tracker.gates import dating, decision_checks, decisions
from tracker.gates import services as gates
from tracker.gates.models import Outcome
from tracker.imports import cells, columns, holds, list_cells, project_changes, route_cells
from tracker.imports.adapters import Adapter, _none_for_zero, _rows
from tracker.imports.cells import CellError, note, read
from tracker.organisations.listing import needs_named
from tracker.organisations.models import Enterprise, Institute
from tracker.projects import codes, lifecycle, team
from tracker.projects import services as projects
from tracker.projects.forms import MAX_BUDGET_ROWS, ProjectForm
from tracker.projects.lifecycle import PROPOSED, Phase, Step
from tracker.projects.models import Project
from tracker.projects.phases import refusal_message

FORM_FIELDS = ("title", "summary", "field", "type", "funding_source", "programme_level",
               "programme_name", "funder_project_number", "managing_body", "institute_id",
               "partner_enterprise_id", "need_id", "trl_now", "trl_target", "budget_total",
               "start_date", "end_date")


def gates_to(phase: Phase) -> list[Phase] | None:
    """The phases a project passes through by GO from proposal review to `phase` (the phase
    each gate on the way closes); None when no straight line of GOs leads there."""
    passed, current = [], Phase.PROPOSAL_REVIEW
    while current is not phase:
        targets = lifecycle.go_targets(current)
        if not targets:
            return None
        passed.append(current)
        current = targets[0]
    return passed


# How a project ended, or was held, in the phase it was in: the last imported decision.
FINAL_STEP = {Phase.COMPLETED: (Outcome.GO, Step.GO), Phase.TERMINATED: (Outcome.KILL, Step.KILL),
              Phase.REJECTED: (Outcome.KILL, Step.KILL), Phase.ON_HOLD: (Outcome.HOLD, Step.HOLD)}


def imported_route(phase: Phase, code: str, ended_in: Phase | None, held: bool = False
                   ) -> list[tuple[Phase, Outcome, Phase]]:
    """The imported decisions that take a new project to `phase`: (the phase its gate closes,
    the outcome, the phase it leads to), GOs first; for a project ended or held, the last one
    taken in `ended_in` (by default contract research; a rejected project in proposal
    review); for one terminated while `held`, its HOLD (HQ's ending follows, no decision).
    Raises why it can't be imported."""
    if phase is Phase.DRAFT:
        if code:
            raise Invalid("code", _("A draft has no code yet: it gets one when submitted."))
        return []
    if held:
        phase = route_cells.held_before(phase)
    last = None
    if phase in FINAL_STEP:
        outcome, step = FINAL_STEP[phase]
        ended_in = ended_in or route_cells.ended_in_by_default(phase)
        if ended_in not in lifecycle.GATE_PHASE.values():  # it read "Choose where ... next."
            raise Invalid("ended_in", _(
                "%(phase)s is closed by no gate: write the phase whose gate decided it, one of "
                "%(choices)s.", phase=label(ended_in),
                choices=cells.accepted(lifecycle.GATE_PHASE.values())))
        try:
            lifecycle.check(ended_in, phase, step)
        except lifecycle.TransitionRefused as error:
            raise Invalid("ended_in", refusal_message(error)) from None
        last, phase = (ended_in, outcome, phase), ended_in
    elif ended_in is not None:
        raise Invalid("ended_in", _("Only a project completed, terminated, rejected or on "
                                    "hold ended, or was held, in a phase."))
    path = gates_to(phase)
    if path is None:  # pragma: no cover - every active or final phase is reached so
        raise Invalid("phase", _("Choose where the project goes next."))
    route = [(p, Outcome.GO, lifecycle.go_targets(p)[0]) for p in path]
    return route + ([last] if last else [])


def decision_days(route, passed: dict[int, date], start: date) -> list[date | None]:
    """The day each imported decision of `route` was taken, the one given for its gate (None
    for a gate given none: `undated` refuses it). A day the tracker could not have dated it
    (`tracker.gates.dating`) is refused beside its column, every one at once."""
    gates = [lifecycle.PHASE_GATE[closed] for closed, _o, _t in route]
    days = [passed.get(gate) for gate in gates]
    found = Problems()
    for _gate, why in dating.problems(start, [(g, d) for g, d in zip(gates, days, strict=True)
                                              if d is not None]):
        found.add("gates_passed_on", why)
    found.raise_any()
    return days


def undated(route, passed: dict[int, date], phase: Phase, problems: Problems) -> None:
    """Each gate the row's phase says was decided and Gates passed on gives no date for is
    refused, naming it: its day is the HQ's to give. It was taken as the start date (or the
    gate before's), a day no one gave, said nowhere."""
    if cells.unreadable("gates_passed_on"):
        return  # its cell is refused already: what it holds is not known
    for closed, outcome, _target in route:
        gate = lifecycle.PHASE_GATE[closed]
        if gate in passed:
            continue
        if outcome is Outcome.GO:
            problems.add("gates_passed_on", _(
                "Gate %(gate)d has no date under Gates passed on, though the project's phase, "
                "“%(phase)s”, says it was passed: write the day it was decided. An import "
                "dates a decision as its file does and makes up no day.", gate=gate,
                phase=label(phase)))
        else:
            problems.add("gates_passed_on", _(
                "Gate %(gate)d has no date under Gates passed on, though the project's phase, "
                "“%(phase)s”, says its last decision was taken there: write the day it was "
                "decided. An import dates a decision as its file does and makes up no day.",
                gate=gate, phase=label(phase)))


def off_route(route, passed: dict[int, date], phase: Phase, problems: Problems) -> None:
    """A date given for a gate the project's route never passes is refused, naming the gate
    and the route (it was silently dropped: the HQ admin believed it recorded)."""
    gates = [lifecycle.PHASE_GATE[closed] for closed, _o, _t in route]
    passes = said.listed(_("gate %(gate)d", gate=g) for g in gates) if gates else _("no gate")
    for gate in sorted(set(passed) - set(gates)):
        if phase in FINAL_STEP:  # its last decision taken at the gate `ended_in` names
            problems.add("gates_passed_on", _(
                "Gate %(gate)d is not on the project's route: “%(phase)s” by a decision in "
                "“%(ended)s”, it passes %(route)s. Give a date only for a gate it passes, or "
                "name the phase whose gate decided it under Ended or held in.", gate=gate,
                phase=label(phase), ended=label(route[-1][0]), route=passes))
            continue
        problems.add("gates_passed_on", _(
            "Gate %(gate)d is not on the project's route: imported in “%(phase)s”, it passes "
            "%(route)s. Give a date only for a gate it passes, or correct its phase.",
            gate=gate, phase=label(phase), route=passes))


def _budget_lines(text: str) -> list[tuple[str, str]]:
    how = _("Write each budget line as its category and amount, e.g. Equipment: 1000000; "
            "Labour: 500000.")
    lines = list_cells.each(cells.parts(text), lambda part: _budget_line(
        *cells.pair(part, "budget_lines", how)), "budget_lines")
    if len(lines) > MAX_BUDGET_ROWS:
        raise CellError(_("At most %(n)d budget lines.", n=MAX_BUDGET_ROWS), "budget_lines")
    return lines


def _budget_line(category: str, amount: str) -> tuple[str, str]:
    return category, cells.money(amount, columns.PROJECTS, "budget_lines")


def check_new(pm: User, values: dict, passed: dict[int, date],
              problems: Problems | None = None, taken: CodeTaken | None = None
              ) -> tuple[list[tuple[Phase, Outcome, Phase]], dict[int, list[dict]]]:
    """What a new project's row is refused for, all at once: its proposal as
    `create_proposal` checks it, its route to the phase, the code it had (`check_code`) and
    the conditions of each gate it passed with a CONDITIONAL GO
    (`decision_checks.check_imported_conditions`: only a gate passed with a GO on the way takes
    them). Returns the route and the conditions by gate. The problems are added to
    `problems` when given (the bulk path adds its own), else raised."""
    given = problems is not None
    problems = problems if given else Problems()
    route: list[tuple[Phase, Outcome, Phase]] = []
    ended = values.get("_terminated_on")
    try:
        route = imported_route(values["phase"], values["code"], values["_ended_in"],
                               ended is not None)
    except Invalid as invalid:
        problems.found += invalid.problems
    else:
        off_route(route, passed, values["phase"], problems)
        undated(route, passed, values["phase"], problems)
    days = problems.collect(decision_days, route, passed, values["start_date"]) or []
    route_cells.check_last(route, days, values, problems)
    if values["_holds"] and (days or not route):
        holds.check(values["_holds"], route, days, values["phase"], values["start_date"],
                    problems)
    decided = {lifecycle.PHASE_GATE[closed]: day
               for (closed, _o, _t), day in zip(route, days, strict=False)}
    conditional = route_cells.owners(values["_conditions"], problems)
    went = {lifecycle.PHASE_GATE[closed] for closed, outcome, _t in route
            if outcome is Outcome.GO}
    for gate, items in sorted(conditional.items()):
        if gate not in went:
            problems.add("conditions", _("Gate %(n)d was not passed with a GO on the way to "
                                         "the project's phase: only such a gate takes "
                                         "conditions.", n=gate))
            continue
        decision_checks.check_imported_conditions(
            pm.id, set(values["member_ids"]), decided.get(gate) or values["start_date"], items,
            problems)
    proposal = {f: values[f] for f in FORM_FIELDS}
    if "budget_template_id" in values:
        proposal["budget_template_id"] = values["budget_template_id"]
    try:
        projects.check_proposal(pm, proposal, values["budget_lines"], values["member_ids"],
                                named=True, history=values["phase"] not in PROPOSED)
    except Invalid as invalid:
        problems.found += invalid.problems
    values.update(proposal)  # as create_proposal would keep them (a source's own fields)
    if values["phase"] is not Phase.DRAFT and values["code"] and "code" not in problems:
        check_code(db.session.get(Institute, values["institute_id"]), values["code"], problems,
                   taken or _taken_in_database)
    if not given:
        problems.raise_any()
    return route, conditional


# Whether the code (as `codes.read_code` keeps it) is another project's already.
CodeTaken = Callable[[str], bool]


def _taken_in_database(code: str) -> bool:
    return db.session.scalar(select(Project.id).where(Project.code == code)) is not None


def check_code(institute: Institute | None, code: str, problems: Problems,
               taken: CodeTaken) -> codes.Adopted | None:
    """The code an imported project had as `projects.adopt_code` keeps it, or None with why
    not added to `problems`."""
    if institute is None:
        return None
    adopted = problems.collect(codes.read_code, institute.hq, code)
    if adopted is not None and taken(adopted.code):
        problems.found += codes.code_taken().problems
        return None
    return adopted


class Projects(Adapter):
    acts_as = "pm_id"
    kind, model, form_class = columns.PROJECTS, Project, ProjectForm
    fields, key_alone = FORM_FIELDS, True  # a draft has no code: its PM and title find it

    def find(self, values):
        if values.get("code"):
            return codes.find(values["code"])
        # A draft has no code yet: it is its PM's proposal of that title.
        return db.session.scalar(select(Project).where(
            Project.code.is_(None), Project.pm_id == (values.get("pm_id") or 0),
            Project.title == (values.get("title") or "").strip()).order_by(Project.id).limit(1))

    def name(self, values):
        return values.get("code") or values.get("title") or ""

    def current(self, obj):
        return {**super().current(obj), "member_ids": sorted(obj.team_ids),
                # as the export writes them: a template's categories at nothing left out
                "budget_lines": [(b.category, b.amount) for b in obj.budget_lines
                                 if b.amount or b.category_id is None],
                "pm_id": obj.pm_id, "code": obj.code or "", "phase": obj.phase,
                "budget_template_id": obj.budget_template_id}

    def form_data(self, obj):
        if obj is None:
            return None
        data = {k: (0 if v is None and k.endswith("_id") else v)
                for k, v in super().current(obj).items()}
        return {**data, "member_ids": sorted(obj.team_ids), "pm_id": obj.pm_id,
                "code": obj.code or "", "phase": obj.phase}

    def more_formdata(self, given, obj):
        lines = None
        if "budget_lines" in given:
            lines = read("budget_lines", _budget_lines, (given["budget_lines"] or [""])[0])
            cells.listed_in_wan(columns.PROJECTS, "budget_total", "budget_lines", given,
                                [amount for _category, amount in lines or ()])
        if lines is None:  # none given, or none read: as recorded
            lines = ([(b.category, format(b.amount, "f")) for b in obj.budget_lines]
                     if obj is not None else [])
        data = {}
        code = (given.get("budget_template") or [""])[0].strip()
        if code and (found := budgets.find_code(code)) is None:
            note(CellError(_("No budget template has the code %(code)s (Budget templates).",
                             code=code), "budget_template"))
        elif code:
            data["budget_template_id"] = [str(found)]
        elif obj is not None:  # the project's own
            data["budget_template_id"] = [str(obj.budget_template_id or 0)]
        for i, (category, amount) in enumerate(lines):
            data[f"budget_lines-{i}-category"] = [category]
            data[f"budget_lines-{i}-amount"] = [amount]
        return data

    def choices(self, refs):
        members = [db.session.get(User, i) for i in refs.get("member_ids", [])]
        return {"institutes": _rows(Institute, refs, "institute_id"),
                "enterprises": _rows(Enterprise, refs, "partner_enterprise_id"),
                "needs": needs_named([refs.get("need_id")]), "users": members}

    def values(self, form, given):
        values = _none_for_zero({f: getattr(form, f).data for f in FORM_FIELDS})
        text = {k: (v[0] if v else "") for k, v in given.items()}
        values["member_ids"] = sorted(form.member_ids.data or [])
        try:
            values["budget_lines"] = [(c, Decimal(a)) for c, a in form.lines()]
        except InvalidOperation:  # pragma: no cover - the form refused it already
            values["budget_lines"] = []
        if form.budget_template_id.raw_data:  # none for a new project: the default
            values["budget_template_id"] = form.budget_template_id.data or None
            values["budget_lines"] = budgets.kept_lines(values["budget_template_id"],
                                                        values["budget_lines"])
        values["pm_id"] = int(text.get("pm_id") or 0)
        institute = db.session.get(Institute, values["institute_id"] or 0)
        values["code"] = codes.as_kept(institute and institute.hq, text.get("code"))
        values["phase"] = Phase(text["phase"]) if text.get("phase") else Phase.DRAFT
        values["_passed_on"] = read("gates_passed_on", route_cells.passed_on,
                                    text.get("gates_passed_on", "")) or {}
        values["_conditions"] = read("conditions", route_cells.conditions,
                                     text.get("conditions", "")) or {}
        values["_ended_in"] = Phase(text["ended_in"]) if text.get("ended_in") else None
        values["_rationale"] = text.get("rationale", "").strip()
        values["_revisit_date"] = read("revisit_date", route_cells.day_cell,
                                       text.get("revisit_date", ""), "revisit_date")
        values["_terminated_on"] = read("terminated_on", route_cells.day_cell,
                                        text.get("terminated_on", ""), "terminated_on")
        values["_holds"] = read("holds", holds.read, text.get("holds", "")) or []
        return values

    def unchangeable(self, obj, values, given):
        try:  # the gates whose dates a new project's row records (none past its route)
            route = imported_route(values["phase"], values["code"], values["_ended_in"],
                                   values["_terminated_on"] is not None)
        except Invalid:
            route = []
        return project_changes.history(obj, values, given,
                                       {lifecycle.PHASE_GATE[p] for p, _o, _t in route})

    def save(self, actor, obj, values):
        values = dict(values)
        pm = db.session.get(User, values.pop("pm_id"))
        code, phase, passed = values.pop("code"), values.pop("phase"), values.pop("_passed_on")
        lines, members = values.pop("budget_lines"), values.pop("member_ids")
        if obj is not None:
            for key in ("_ended_in", "_rationale", "_revisit_date", "_conditions",
                        "_terminated_on", "_holds"):
                values.pop(key)
            project_changes.refuse(obj, self.current(obj), pm, phase, {
                **values, "budget_lines": lines, "member_ids": members})
            named = set(obj.team_ids)
            projects.update_proposal(pm, obj, budget_lines=lines, member_ids=members, **values)
            team.confirm_imported(actor, obj, set(members) - named)  # a draft's new places
            return obj
        route, conditional = check_new(pm, {**values, "phase": phase, "code": code,
                                            "budget_lines": lines, "member_ids": members},
                                       passed)
        values.pop("_ended_in"), values.pop("_conditions")
        rationale, revisit = values.pop("_rationale"), values.pop("_revisit_date")
        ended, held = values.pop("_terminated_on"), values.pop("_holds")
        project = projects.create_proposal(pm, budget_lines=lines, member_ids=members,
                                           history=phase not in PROPOSED, **values)
        team.confirm_imported(actor, project, members)  # the team it had, before its gates
        if phase is Phase.DRAFT:
            return project
        days = decision_days(route, passed, values["start_date"])
        projects.submit_imported(actor, project, code,
                                 (audit.current_import(), dating.submitted(days)))
        for (closed, outcome, target), day in zip(route, days, strict=True):
            gate = lifecycle.PHASE_GATE[closed]
            holds.record(actor, project, held, gate)  # each hold at the gate, resumed since
            if gate in conditional:
                outcome = Outcome.CONDITIONAL_GO
            decisions.record_imported_decision(
                actor, project, dating.noon(day),
                audit.current_import(), outcome, target=target,
                rationale=rationale if outcome is Outcome.KILL else "",
                revisit_date=revisit if outcome is Outcome.HOLD else None,
                conditions=conditional.get(gate),
                revisit_after=day)  # history: its revisit date after its day, past or not
        if lifecycle.PHASE_GATE.get(project.phase) not in {
                lifecycle.PHASE_GATE[p] for p, _o, _t in route}:  # held in the phase it is in
            holds.record(actor, project, held, lifecycle.PHASE_GATE.get(project.phase))
        if ended is not None:  # then ended by HQ while on hold, as its page ends one
            projects.terminate_held(actor, project, rationale,
                                    imported=(audit.current_import(), dating.noon(ended)))
        if project.phase is Phase.PROPOSAL_REVIEW:  # requested as it was submitted: by the
            gates.open_request(actor, project, 1)  # importing admin, not the PM (issue 13)
        return project
