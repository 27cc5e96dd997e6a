"""What must exist before a project may move on: every guard, listed in one place.

Each guard returns a sentence saying what is missing (in the user's language), or None.
The domain that owns the fact computes it; this module only says which guard applies where,
and gives each a checklist label, so the project page lists every guard of the next step,
met or not, from the moment it applies.

This module joins the domains: the gates, milestones, contracts and companies services it
asks all import the projects package, so it imports them inside the function that asks (the
one place outside create_app that does; tests/test_layout.py holds it to that).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker.projects.lifecycle import GATE_PHASE

if TYPE_CHECKING:
    from tracker.projects.models import Project


@dataclass(frozen=True)
class Check:
    """One item of a project's checklist: what must be true, what is missing (None: nothing),
    and what is under way towards it (None: nothing): a gate review requested or being scored,
    a milestone submitted and awaiting its review, a condition marked met awaiting
    confirmation. Under way is progress, not a blocker the PM must act on: the page shows it
    as its own state and counts it apart from what is still to do, while the gate still can't
    be requested until it is done. `blocks`: the gate can't be requested while it is missing
    or under way; an item that does not (the gate's minimum TRL, which stands against GO at
    the decision) is listed all the same, so that the PM knows before submitting."""

    label: str
    missing: str | None
    blocks: bool = True
    under_way: str | None = None

    @property
    def state(self) -> str:
        """One of "missing", "under_way" and "met"."""
        return "missing" if self.missing else ("under_way" if self.under_way else "met")

    @property
    def refusal(self) -> str | None:
        """Why the gate can't be requested because of this item (None: it does not stop it)."""
        return (self.missing or self.under_way) if self.blocks else None


@dataclass(frozen=True)
class Known:
    """What the project page has read already (every deliverable, milestone, condition and
    research contract of the project; its gate reviews are `project.gate_reviews`, loaded
    with it): the guards look through these instead of asking the database again."""

    deliverables: list
    milestones: list
    conditions: list
    contracts: list


def gate_checklist(project: Project, gate: int, *, ahead: bool = False,
                   known: Known | None = None) -> list[Check]:
    """Every guard of requesting gate `gate`, met or not. With `ahead` (a gate after the next
    one), those that can be seen to already: its deliverables, the signed contract of gate 2,
    the company of gate 4; milestones, conditions and reviews of a later phase do not exist yet
    and join the list when its gate is the next one. `known`: see `Known`."""
    from tracker.gates import conditions
    from tracker.gates import services as gates
    from tracker.milestones import guards as milestones

    reviews = project.gate_reviews if known else None
    checks = []
    if gate == 1:  # on submission, and again after a RECYCLE's rework (`closed.rework`)
        checks.append(Check(_("At least one budget line"), None if any(
            b.amount or b.category_id is None for b in project.budget_lines) else _(
            "Add at least one budget line before submitting.")))
    checks.append(Check(_("The gate's required deliverables are uploaded"),
                        gates.missing_deliverables(project, gate, known and known.deliverables)))
    minimum = gates.minimum_trl(project, gate, requested=not ahead, reviews=reviews)
    if minimum is not None:
        checks.append(Check(_("TRL %(min)d at least, the gate's minimum (now %(now)d)",
                              min=minimum, now=project.current_trl),
                            gates.trl_below_minimum(project, minimum), blocks=False))
    if not ahead:
        phase, planned = GATE_PHASE[gate], known and known.milestones
        checks += [
            Check(_("The phase's milestones are accepted or waived"),
                  milestones.open_milestones(project, phase, planned),
                  under_way=milestones.open_milestones(project, phase, planned,
                                                       submitted=True)),
            Check(_("The conditions of earlier gates are cleared"),
                  conditions.open_conditions(project, known and known.conditions),
                  under_way=conditions.open_conditions(project, known and known.conditions,
                                                       met=True)),
            # A review requested or being scored is this very step under way, never a lack.
            Check(_("No gate review is under way"), None,
                  under_way=gates.open_review(project, reviews)),
        ]
    if gate == 2:
        # A GO at gate 1 approves the project; its contract usually follows, and must be
        # signed before the research is reviewed, as its milestones must be planned.
        from tracker.contracts import services as contracts

        checks.append(Check(_("The contract research is planned as milestones"),
                            milestones.none_planned(project, GATE_PHASE[gate],
                                                    known and known.milestones)))
        checks.append(Check(_("A signed research contract or allocation-investment agreement"),
                            contracts.signed_contract_missing(project,
                                                              known and known.contracts)))
    if gate == 4:
        from tracker.companies import services as companies

        checks.append(Check(_("A registered company with a complete cap table and the "
                              "project's IP licensed or assigned"),
                            companies.spin_off_refusal(project)))
    return checks


def later_checklists(project: Project, gate: int,
                     known: Known | None = None) -> list[tuple[int, list[Check]]]:
    """The guards of each gate after `gate` (the one the project works towards), said from the
    start so that they surprise nobody later."""
    return [(ahead, gate_checklist(project, ahead, ahead=True, known=known))
            for ahead in sorted(g for g in GATE_PHASE if g > gate)]


def gate_request_refusals(project: Project, gate: int) -> list[str]:
    """Why the PM may not open gate `gate` now (empty: they may)."""
    return [check.refusal for check in gate_checklist(project, gate) if check.refusal]
