"""The projects import's cells of a project's decisions (issue 13): `gates_passed_on`,
`conditions`, `ended_in`, `rationale`, `revisit_date` and `terminated_on`, read from a row
(`passed_on`, `conditions`, `day_cell`) and written from what is recorded (`recorded`: what
the export writes, which a row of a project already recorded is compared with,
`tracker/imports/project_changes.py:history`)."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts import services as accounts
from tracker.dates import local_date, org_zone, today
from tracker.display.formatting import day, not_a_date
from tracker.display.labels import label
from tracker.errors import Invalid, Problems
from tracker.gates import decision_checks
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.models import GateDecision, GateReview, Outcome
from tracker.gates.review_forms import CONDITION_ROWS
from tracker.imports import cells, columns, holds, list_cells
from tracker.imports.cells import CellError, iso_date
from tracker.projects import closed, lifecycle
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, Project

# An imported condition is open, met or cleared: superseded is a correction's doing.
_CONDITION_STATE = columns.Column("conditions", "", choices=ConditionState, offered=(
    ConditionState.OPEN, ConditionState.MET, ConditionState.CONFIRMED))
_GATE_DATE = re.compile(r"^\s*(?:gate\s*)?(\d)\s*[:：]\s*(.+?)\s*$", re.I)
# The phases whose project's last decision the row's `ended_in` names.
ENDED = (Phase.COMPLETED, Phase.TERMINATED, Phase.REJECTED, Phase.ON_HOLD)


def ended_in_by_default(phase: Phase) -> Phase:
    """Where a project ended or held was decided when its row leaves `ended_in` empty."""
    return Phase.PROPOSAL_REVIEW if phase is Phase.REJECTED else Phase.CONTRACT_RESEARCH


def held_before(phase: Phase) -> Phase:
    """Where a project `terminated_on` names was before HQ ended it: on hold, which only a
    terminated one is ended from."""
    if phase is not Phase.TERMINATED:
        raise Invalid("terminated_on", _(
            "Only a project terminated was ended while on hold: leave this cell empty for a "
            "project “%(phase)s”.", phase=label(phase)))
    return Phase.ON_HOLD


def check_ended(ended: date, held: date | None, rationale: str, problems: Problems) -> None:
    """A project ended while on hold (on `ended`, held on `held`): on a day HQ could have
    ended it, with its rationale, as `projects.services.terminate_held` asks for one."""
    if ended > today():
        problems.add("terminated_on", _("%(date)s is in the future; a project is ended the "
                                        "day HQ ends it.", date=day(ended)))
    elif held is not None and ended < held:
        problems.add("terminated_on", _("%(date)s is before the HOLD (%(held)s): a project is "
                                        "ended while on hold after it was held.",
                                        date=day(ended), held=day(held)))
    if (refusal := closed.rationale_refusal(rationale)) is not None:
        problems.add("rationale", refusal)


def check_last(route: list, days: list[date | None], values: dict, problems: Problems) -> None:
    """A new project's last decision's own fields, as `record_imported_decision` asks them (a
    KILL's rationale, a HOLD's revisit date, `decision_checks.check_imported_outcome`), and
    HQ's ending of one held (`check_ended`), with the row's other problems (they were said
    once its proposal's were fixed)."""
    ended, last = values.get("_terminated_on"), days[-1] if route and days else None
    if ended is not None:
        check_ended(ended, last, values["_rationale"], problems)
    if route and route[-1][1] in (Outcome.KILL, Outcome.HOLD) and (ended is None or last):
        closed, outcome, _target = route[-1]
        decision_checks.check_imported_outcome(lifecycle.PHASE_GATE[closed], outcome, {
            "rationale": values["_rationale"], "revisit_date": values["_revisit_date"]},
            problems, last)


def day_cell(text: str, column: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(iso_date(text))
    except ValueError:
        raise CellError(not_a_date(iso_date(text)), column) from None


def passed_on(text: str) -> dict[int, date]:
    return dict(list_cells.each(cells.parts(text), _passed, "gates_passed_on"))


def _passed(part: str) -> tuple[int, date]:
    match = _GATE_DATE.match(part)
    if match is None:
        raise CellError(_("Write the gate and its date, e.g. 1: 2024-03-01; 2: 2025-06-30."),
                        "gates_passed_on")
    try:
        return int(match.group(1)), date.fromisoformat(iso_date(match.group(2)))
    except ValueError:
        raise CellError(not_a_date(iso_date(match.group(2))), "gates_passed_on") from None


def conditions(text: str) -> dict[int, list[dict]]:
    """'1: Pilot data | pm@x.cn | 2024-06-30 | cleared | 2024-06-20 | 2024-06-25; ...' as
    {gate: [{text, email, due_date, state, met_on, cleared_on}]}, the owner still an e-mail
    (the service finds and checks them); the days it was met and cleared may be left out
    (None: no day is kept, `decision_checks.check_imported_conditions`)."""
    found: dict[int, list[dict]] = {}
    for gate, condition in list_cells.each(cells.parts(text), _condition, "conditions"):
        found.setdefault(gate, []).append(condition)
        if len(found[gate]) > CONDITION_ROWS:
            raise CellError(_("At most %(n)d conditions a decision.", n=CONDITION_ROWS),
                            "conditions")
    return found


def _condition(part: str) -> tuple[int, dict]:
    match = _GATE_DATE.match(part)
    pieces = cells.pieces(match.group(2)) if match else []
    if not 3 <= len(pieces) <= 6:
        raise CellError(_("Write each condition as its gate, text, owner's e-mail, due date "
                          "and state, and the days it was met and cleared if known, e.g. 1: "
                          "Pilot data | pm@example.cn | 2024-06-30 | cleared | 2024-06-20 | "
                          "2024-06-25."), "conditions")
    words, email, due, state, met, cleared = pieces + [""] * (6 - len(pieces))
    try:
        state = cells.choice(_CONDITION_STATE, state) if state else ConditionState.OPEN
    except CellError as error:
        raise CellError(str(error), "conditions") from None
    return int(match.group(1)), {"text": words, "email": email, "state": ConditionState(state),
                                 "due_date": day_cell(due, "conditions") if due else None,
                                 "met_on": day_cell(met, "conditions"),
                                 "cleared_on": day_cell(cleared, "conditions")}


def owners(wanted: dict[int, list[dict]], problems: Problems) -> dict[int, list[dict]]:
    """The conditions with their owners found by e-mail (an unknown one is a problem)."""
    out = {}
    for gate, items in wanted.items():
        out[gate] = []
        for item in items:
            owner = accounts.find_by_email(item["email"]) if item["email"] else None
            if item["email"] and owner is None:
                problems.add("conditions", _("No account has the e-mail %(key)s.",
                                             key=item["email"]))
            out[gate].append({**item, "owner": owner})
    return out


def _written_conditions(standing: list[GateDecision], emails: dict[int, str]) -> str:
    """The conditions of each standing CONDITIONAL GO, as the column writes them: the days it
    was met and cleared where the tracker keeps them (none for one imported without)."""
    return "; ".join(
        f"{d.review.gate}: {c.text} | {emails[c.owner_id]} | {c.due_date.isoformat()} | "
        f"{c.state.value}{_days_written(c)}"
        for d in standing if d.outcome is Outcome.CONDITIONAL_GO
        for c in sorted(d.conditions, key=lambda c: c.id))


def _days_written(condition: Condition) -> str:
    """' | met on | cleared on', as far as the condition keeps them."""
    days = [local_date(at).isoformat() if at else "" for at in (
        condition.met_at if condition.state is not ConditionState.OPEN else None,
        condition.confirmed_at if condition.state is ConditionState.CONFIRMED else None)]
    while days and not days[-1]:
        days.pop()
    return "".join(f" | {on}" for on in days)


class Route(NamedTuple):
    """A project's decisions as the row's cells write them."""

    gates_passed_on: str
    conditions: str
    ended_in: str
    rationale: str
    revisit_date: str
    terminated_on: str
    holds: str


def recorded(project: Project, decisions: list[GateDecision], emails: dict[int, str],
             ended: PhaseChange | None = None, resumes: list[PhaseChange] = ()) -> Route:
    """The cells of the project's `decisions` (in the order taken; `emails`: the conditions'
    owners' by id) and of its ending while on hold (`ended`: the change from hold to
    terminated, of HQ without a gate), whose reason is its rationale."""
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id}
    standing = [d for d in decisions if d.id not in superseded]
    held, resumed = holds.recorded(standing, list(resumes))  # `resumes`: HQ's, in order
    standing = [d for d in standing if d.id not in resumed]
    zone = org_zone()
    passed = "; ".join(f"{d.review.gate}: {d.decided_at.astimezone(zone).date().isoformat()}"
                       for d in standing if d.outcome in (Outcome.GO, Outcome.CONDITIONAL_GO,
                                                          Outcome.KILL, Outcome.HOLD))
    ended_in, rationale = "", ""
    if project.phase in ENDED:
        last = standing[-1] if standing else None
        if last is not None:
            ended_in = last.review.phase.value
            if last.outcome is Outcome.KILL:
                rationale = last.rationale
    if ended is not None:
        rationale = ended.reason
    revisit = project.revisit_date if project.phase is Phase.ON_HOLD or ended else None
    return Route(passed, _written_conditions(standing, emails), ended_in, rationale,
                 revisit.isoformat() if revisit else "",
                 ended.at.astimezone(zone).date().isoformat() if ended else "", held)


def ended_on_hold(project_ids: list[int] | None = None) -> dict[int, PhaseChange]:
    """Each terminated project's change from hold to terminated (HQ's ending, without a
    gate), by project: of `project_ids`, or of every project."""
    query = select(PhaseChange).where(PhaseChange.from_phase == Phase.ON_HOLD,
                                      PhaseChange.to_phase == Phase.TERMINATED)
    if project_ids is not None:
        query = query.where(PhaseChange.project_id.in_(project_ids))
    return {c.project_id: c for c in db.session.scalars(query.order_by(PhaseChange.id))}


def resumed(project_ids: list[int] | None = None) -> dict[int, list[PhaseChange]]:
    """Each project's resumes (HQ's changes from hold back to the phase held in), in order:
    of `project_ids`, or of every project."""
    query = select(PhaseChange).where(PhaseChange.from_phase == Phase.ON_HOLD,
                                      PhaseChange.to_phase != Phase.TERMINATED)
    if project_ids is not None:
        query = query.where(PhaseChange.project_id.in_(project_ids))
    found: dict[int, list[PhaseChange]] = {}
    for change in db.session.scalars(query.order_by(PhaseChange.at, PhaseChange.id)):
        found.setdefault(change.project_id, []).append(change)
    return found


def recorded_of(project: Project) -> Route:
    """`recorded`, of one project."""
    decisions = list(db.session.scalars(select(GateDecision).join(GateReview).where(
        GateDecision.project_id == project.id).options(
        selectinload(GateDecision.review), selectinload(GateDecision.conditions))
        .order_by(GateDecision.id)))
    emails = {c.owner_id: c.owner.email for d in decisions for c in d.conditions}
    return recorded(project, decisions, emails, ended_on_hold([project.id]).get(project.id),
                    resumed([project.id]).get(project.id, []))
