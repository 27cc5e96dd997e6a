"""The projects import's `holds` cell (issue 13, rows13 point 5): a project put on hold at a
gate and resumed by HQ since, before the tracker, each hold as

    2: 2020-05-01 | 2020-11-30 | 2020-09-01 | the partner's funds came through

(the gate, the day it was held, its revisit date, the day HQ resumed it, and why), separated by
semicolons. A new project's row records each with its other decisions, by the same services as
one held and resumed in the tracker (`record_imported_decision` with a HOLD, then
`projects.services.resume`), in its place among them: at a gate the project's route closes,
before that gate's decision, or at the gate of the phase it is in now. The export writes the
holds recorded so, which read back unchanged (`recorded`); a row of a project recorded that
gives others is refused, as any change of its decisions is (`project_changes.history`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import org_zone, today
from tracker.display.formatting import day, not_a_date
from tracker.display.said import listed
from tracker.errors import Problems
from tracker.gates import dating, decisions
from tracker.gates.models import GateDecision, Outcome
from tracker.imports import cells, list_cells
from tracker.imports.cells import CellError
from tracker.projects import closed, lifecycle
from tracker.projects import services as projects
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, Project

_HOLD = re.compile(r"^\s*(?:gate\s*)?(\d)\s*[:：]\s*(.+?)\s*$", re.I)


class Hold(NamedTuple):
    gate: int
    held_on: date
    revisit_date: date
    resumed_on: date
    reason: str

    def written(self) -> str:
        return (f"{self.gate}: {self.held_on.isoformat()} | {self.revisit_date.isoformat()} | "
                f"{self.resumed_on.isoformat()} | {self.reason}")


def read(text: str) -> list[Hold]:
    """The cell's holds, in the order written (every entry refused said at once)."""
    return list_cells.each(cells.parts(text), _hold, "holds")


def _hold(part: str) -> Hold:
    match = _HOLD.match(part)
    pieces = cells.pieces(match.group(2), 3) if match else []
    if len(pieces) != 4:
        raise CellError(_("Write each hold as its gate: the day held | its revisit date | the "
                          "day resumed | why it resumed, e.g. 2: 2020-05-01 | 2020-11-30 | "
                          "2020-09-01 | the partner's funds came through."), "holds")
    held, revisit, resumed = (_day(text) for text in pieces[:3])
    return Hold(int(match.group(1)), held, revisit, resumed, pieces[3])


def _day(text: str) -> date:
    try:
        return date.fromisoformat(cells.iso_date(text))
    except ValueError:
        raise CellError(not_a_date(cells.iso_date(text)), "holds") from None


def check(holds: list[Hold], route: list, days: list[date], phase: Phase, start: date | None,
          problems: Problems) -> None:
    """Each hold beside the column, as the tracker would have refused it: at a gate whose
    phase the project was in (one its route closes, or the one it is in), dated among its
    decisions as `dating` dates them (none in the future, none before the decision before
    it), resumed after it was held and before the gate's next decision, its revisit date after
    the day it was held, and why it resumed given (`closed.resume_refusal`)."""
    closes = [closed for closed, _o, _t in route]
    phases = closes + ([phase] if phase in lifecycle.PHASE_GATE else [])
    taken = [(lifecycle.PHASE_GATE[c], on) for c, on in zip(closes, days, strict=False)
             if on is not None]  # a gate without its day is refused (`projects.undated`)
    for n, hold in enumerate(holds, start=1):
        said = _("Hold %(n)d", n=n)
        if lifecycle.GATE_PHASE.get(hold.gate) not in phases:
            problems.add("holds", _("%(hold)s: the project was never in the phase closed "
                                    "by gate %(gate)d: write the gate of a phase it was in, "
                                    "one of %(gates)s.", hold=said, gate=hold.gate,
                                    gates=listed(str(lifecycle.PHASE_GATE[p]) for p in phases)))
            continue
        if hold.resumed_on < hold.held_on:
            problems.add("holds", _("%(hold)s: resumed on %(resumed)s, before it was held "
                                    "(%(held)s).", hold=said, resumed=day(hold.resumed_on),
                                    held=day(hold.held_on)))
        if hold.revisit_date <= hold.held_on:
            problems.add("holds", _("%(hold)s: give a revisit date after the day the project "
                                    "was held (%(date)s).", hold=said, date=day(hold.held_on)))
        if (refusal := closed.resume_refusal(hold.reason)) is not None:
            problems.add("holds", _("%(hold)s: %(problem)s", hold=said, problem=refusal))
        after = next((on for gate, on in taken if gate == hold.gate), None)
        if hold.resumed_on > (after or today()):
            problems.add("holds", _("%(hold)s: resumed on %(resumed)s, after the decision "
                                    "at its gate (%(after)s) or in the future.", hold=said,
                                    resumed=day(hold.resumed_on), after=day(after or today())))
    _one_at_a_time(holds, problems)
    # In the order taken: a gate's holds before its decision.
    ordered = sorted([*((g, 1, on) for g, on in taken), *((h.gate, 0, h.held_on) for h in holds)])
    for _gate, why in dating.problems(start, [(g, on) for g, _at, on in ordered]):
        if why not in (message for _c, message in problems.found):
            problems.add("holds", why)


def _one_at_a_time(holds: list[Hold], problems: Problems) -> None:
    """A hold held after the one before it (at its gate, by the day held) was resumed, as in
    the tracker, where a project on hold cannot be held again: an overlap is a history the
    tracker cannot produce, and its export could not say which resume ends which hold. Two
    holds on one day are refused too (held again the day it resumed reads as one instant)."""
    numbered = sorted(enumerate(holds, start=1), key=lambda nh: (nh[1].gate, nh[1].held_on))
    for (m, before), (n, hold) in zip(numbered, numbered[1:], strict=False):
        if hold.gate == before.gate and hold.held_on <= before.resumed_on:
            problems.add("holds", _(
                "%(hold)s: held on %(held)s while on hold since %(since)s (hold %(m)d, "
                "resumed %(resumed)s): a project is held again only after it resumed.",
                hold=_("Hold %(n)d", n=n), held=day(hold.held_on), since=day(before.held_on),
                m=m, resumed=day(before.resumed_on)))


def ordered(holds: list[Hold]) -> list[Hold]:
    """The holds in the order they happened (by gate, then day held): the order the export
    writes them in, compared so on a re-import whatever order the file wrote them in."""
    return sorted(holds, key=lambda h: (h.gate, h.held_on))


def record(actor: User, project: Project, held: list[Hold], gate: int | None) -> None:
    """The holds at `gate` (the gate of the phase the project is in), as the tracker records
    a hold and its resume: the imported HOLD, then HQ's resume, each dated its day."""
    for hold in sorted((h for h in held if h.gate == gate), key=lambda h: h.held_on):
        decisions.record_imported_decision(
            actor, project, dating.noon(hold.held_on), audit.current_import(), Outcome.HOLD,
            revisit_date=hold.revisit_date, revisit_after=hold.held_on)
        projects.resume(actor, project, hold.reason,
                        imported=(audit.current_import(), dating.noon(hold.resumed_on)))


def recorded(standing: list[GateDecision], resumes: list[PhaseChange]) -> tuple[str, set[int]]:
    """The holds cell of a project's standing decisions and its resumes (changes from hold
    to a phase of work), each resume of the HOLD before it; and the ids of the HOLDs
    resumed, which the gates passed on cell leaves out."""
    zone = org_zone()
    held = [d for d in standing if d.outcome is Outcome.HOLD]
    found: list[Hold] = []
    resumed: set[int] = set()
    for change in resumes:
        before = [d for d in held if d.decided_at <= change.at and d.id not in resumed]
        if not before:
            continue
        decision = before[-1]
        resumed.add(decision.id)
        found.append(Hold(decision.review.gate, decision.decided_at.astimezone(zone).date(),
                          decision.revisit_date, change.at.astimezone(zone).date(),
                          change.reason))
    return "; ".join(h.written() for h in found), resumed
