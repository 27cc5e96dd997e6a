"""What a changed row may not change of a project already recorded, each said beside its
column: its phase and manager never (the tracker moves them), nothing of a proposal once
submitted, which changes through its gates and change requests (`closed.proposal_refusal`,
the proposal page's own sentence), and none of its decisions (`history`). A draft's row is
saved as its page saves it."""

from __future__ import annotations

from collections.abc import Container
from datetime import date
from typing import Any

from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.accounts.services import normalise_email
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Problems
from tracker.imports import holds, route_cells
from tracker.imports.cells import CellError
from tracker.projects import closed
from tracker.projects import services as projects
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

# A value of the row under another name than its column's.
_COLUMN = {"budget_template_id": "budget_template"}


def refuse(project: Project, before: dict[str, Any], pm: User, phase: Phase,
           given: dict[str, Any]) -> None:
    """Raise Invalid with every such change of the row, beside its column; `before`: the
    project's values as the row's are compared with (`Projects.current`)."""
    problems = Problems()
    if phase is not project.phase:
        problems.add("phase", _("An imported project's phase now changes in the tracker, "
                                "through its gates."))
    if pm.id != project.pm_id:
        problems.add("pm_id", _(  # and where it is changed (issue 13: it said only this)
            "An import does not change a project's manager: hand the project over in its "
            "change requests (%(how)s), or write its manager %(pm)s here.",
            how=_("Hand the project to another project manager"), pm=project.pm.email))
    if (said := closed.proposal_refusal(project)) is not None:
        for key, value in given.items():
            if key in before and value != before[key]:
                problems.add(_COLUMN.get(key, key), said)
    elif problems:  # a draft's own problems with them, as its page would say them
        problems.collect(projects.check_update, project, {
            k: v for k, v in given.items() if k not in ("budget_lines", "member_ids")},
            given["budget_lines"], given["member_ids"])
    problems.raise_any()


def history(project: Project, values: dict[str, Any], given: Container[str],
            gates: Container[int]) -> list[tuple[str, str]]:
    """What a row says of the project's decisions (the cells `tracker.imports.route_cells`
    reads) that is not what they recorded, each beside its column with how it is changed
    instead: an import records a project's decisions with the project, and changes none
    (issue 13; a changed one was reported "unchanged"). A column the file leaves out, an
    empty cell, or a gate its cell leaves out or that is not one of `gates` (those the row's
    route passes, whose days a new project's row records), is not compared: an import never
    changes nor removes a recorded decision, so a cell left empty asserts nothing (the export
    writes each recorded value, which reads back unchanged); nor is anything of a row that
    changes the phase, refused for that (`refuse`)."""
    if values["phase"] is not project.phase:
        return []
    route = route_cells.recorded_of(project)
    found = []
    if "gates_passed_on" in given:
        recorded = _read(route_cells.passed_on, route.gates_passed_on) or {}
        found += [("gates_passed_on", _redated(gate, on, recorded.get(gate)))
                  for gate, on in sorted(values["_passed_on"].items())
                  if gate in gates and recorded.get(gate) != on]
    if values["_conditions"] and not _same_conditions(
            values["_conditions"], _read(route_cells.conditions, route.conditions)):
        found.append(("conditions", _(
            "The conditions recorded are not these: %(recorded)s. An import does not change "
            "a recorded decision: a CONDITIONAL GO's conditions are changed by correcting the "
            "decision on its gate review's page, and each condition is marked met and "
            "cleared on the project's page. Write the recorded conditions here.",
            recorded=route.conditions or _("none"))))
    if values["_holds"] and holds.ordered(values["_holds"]) != holds.ordered(
            _read(holds.read, route.holds) or []):
        found.append(("holds", _(
            "The holds recorded are not these: %(recorded)s. An import does not change a "
            "recorded decision: a HOLD is changed by correcting it on its gate review's page. "
            "Write the recorded holds here.", recorded=route.holds or _("none"))))
    phase, ended = project.phase, values["_ended_in"]
    if ended is not None and route.ended_in and phase in route_cells.ENDED and (
            ended.value != route.ended_in):
        found.append(("ended_in", _(
            "The project's last decision was taken in “%(recorded)s”, not “%(given)s”. An "
            "import does not change a recorded decision, and no correction moves one to "
            "another gate: write the recorded phase here.",
            recorded=label(Phase(route.ended_in)), given=label(ended))))
    if values["_rationale"] and phase in (Phase.TERMINATED, Phase.REJECTED) and (
            values["_rationale"] != route.rationale.strip()):
        found.append(("rationale", _(
            "The KILL was recorded with another rationale: “%(recorded)s”. An import does not "
            "change a recorded decision: the rationale is changed by correcting the KILL on "
            "its gate review's page (both stay visible). Write the recorded rationale here.",
            recorded=route.rationale)))
    ended = values["_terminated_on"]
    if ended is not None and phase is Phase.TERMINATED and (
            ended.isoformat() != route.terminated_on):
        found.append(("terminated_on", _(
            "The project was ended while on hold on %(recorded)s, not %(given)s. An import "
            "does not change a recorded decision: write the recorded day here.",
            recorded=day(date.fromisoformat(route.terminated_on)), given=day(ended))
            if route.terminated_on else _(
            "The project was not ended while on hold: a KILL at its gate ended it. An import "
            "does not change a recorded decision: leave this cell empty.")))
    if values["_revisit_date"] is not None and (
            phase is Phase.ON_HOLD or route.terminated_on) and (
            values["_revisit_date"] != project.revisit_date):
        found.append(("revisit_date", _(
            "The project is on hold until %(recorded)s, not %(given)s. An import does not "
            "change a recorded decision: the revisit date is changed by correcting the HOLD "
            "on its gate review's page. Write the recorded date here.",
            recorded=day(project.revisit_date), given=day(values["_revisit_date"]))
            if phase is Phase.ON_HOLD else _(
            "The HOLD before the project was ended set its revisit date to %(recorded)s, not "
            "%(given)s. An import does not change a recorded decision: write the recorded "
            "date here.", recorded=day(project.revisit_date),
            given=day(values["_revisit_date"]))))
    return found


def _read(parse, text: str) -> Any:
    try:
        return parse(text)
    except CellError:  # pragma: no cover - what the tracker recorded is written readable
        return None


def _same_conditions(given: dict[int, list[dict]], recorded: dict[int, list[dict]] | None
                     ) -> bool:
    """Whether the conditions given are those recorded: in any order, an owner's e-mail in
    any case; a day met or cleared the cell leaves out asserts nothing (the export writes
    those kept), one it gives is the one kept."""
    recorded = recorded or {}
    if set(given) != set(recorded):
        return False
    for gate, items in given.items():
        left = [(_condition(c), c) for c in recorded[gate]]
        if len(items) != len(left):
            return False
        for item in items:
            found = next((i for i, (key, kept) in enumerate(left) if key == _condition(item)
                          and all(item.get(d) in (None, kept.get(d))
                                  for d in ("met_on", "cleared_on"))), None)
            if found is None:
                return False
            left.pop(found)
    return True


def _condition(c: dict) -> tuple:
    return c["text"].strip(), normalise_email(c["email"]), c["due_date"], c["state"].value


def _redated(gate: int, given: Any, recorded: Any) -> str:
    if recorded is None:
        return _("The project has no decision recorded at gate %(gate)d: an import records a "
                 "project's decisions only when it records the project, and its gates are "
                 "decided in the tracker since. Leave the gate out of this cell.", gate=gate)
    return _("Gate %(gate)d's decision is recorded as taken on %(recorded)s, not %(given)s. "
             "An import does not change a recorded decision, and the tracker keeps the day "
             "one was taken (a correction on the gate review's page is dated the day it is "
             "made): write the recorded day here, or leave the gate out of this cell.",
             gate=gate, recorded=day(recorded), given=day(given))
