"""What a gate decision's own fields must say, every problem at once, each beside its field
(`Problems`): the outcome's (a GO's blockers and override, a HOLD's revisit date, a RECYCLE's
rework due date, a KILL's rationale) and the phase it leads to; research acceptance's official
conclusion and completion ratio; a CONDITIONAL GO's conditions; and an imported decision's
(`check_imported_outcome`, `check_imported_conditions`). Nothing is written here: the
decision is recorded by `tracker.gates.decisions`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Problems, in_row
from tracker.gates import imported_conditions, scoring
from tracker.gates.condition_models import ConditionState
from tracker.gates.models import ACCEPTANCE_GATE, CONCLUSION_OUTCOME, GateReview, Outcome
from tracker.projects import lifecycle
from tracker.projects.lifecycle import Phase


def check_outcome(review: GateReview, outcome: Outcome, fields: dict[str, Any],
                  problems: Problems, taken_on: date | None = None) -> Phase | None:
    """Check the decision's own fields, adding each problem to `problems`; returns the phase
    it leads to (None when that is what is wrong). `taken_on`: the day an imported HOLD was
    taken: its revisit date was to come then, and may have passed since (adoption finding
    F18: a file had to invent a date never decided; the overdue revisit is reminded to HQ
    once, `Ladder.news`). Default, a HOLD decided in the tracker: now."""
    phase = review.phase
    if outcome in (Outcome.GO, Outcome.CONDITIONAL_GO):
        targets = lifecycle.go_targets(phase)
        target = fields.get("target_phase") or targets[0]
        if outcome is Outcome.GO:
            for refusal in scoring.go_refusals(review):
                problems.add("outcome", refusal)
        found = scoring.blockers(review, musts=outcome is not Outcome.GO)
        if found and not fields.get("override_reason", "").strip():
            problems.add("override_reason", " ".join(found) + " " + (_(
                "To pass acceptance all the same, record an override with its reason.")
                if review.is_acceptance else _(
                "To decide GO all the same, record an override with its reason.")))
        if outcome is Outcome.CONDITIONAL_GO and not fields.get("conditions"):
            problems.add("conditions", _("A conditional GO needs at least one condition."))
        if target not in targets:
            problems.add("target_phase", _("Choose where the project goes next."))
            return None
        return target
    if outcome is Outcome.HOLD:
        revisit = fields.get("revisit_date")
        if revisit is None:
            problems.add("revisit_date", _("A HOLD needs its revisit date (required)."))
        elif taken_on is not None and revisit <= taken_on:
            problems.add("revisit_date", _("Give a revisit date after the day the project was "
                                           "held (%(date)s).", date=day(taken_on)))
        elif taken_on is None and revisit <= today():
            problems.add("revisit_date", _("Give a revisit date in the future."))
        return Phase.ON_HOLD
    if outcome is Outcome.RECYCLE:
        due = fields.get("rework_due")
        if due is None:
            problems.add("rework_due", _(
                "A conclusion “to be reconsidered” needs its rework due date (required).")
                if review.is_acceptance else _(
                "A RECYCLE needs its rework due date (required)."))
        elif due <= today():
            problems.add("rework_due", _("Give a rework due date in the future."))
        return phase
    if not fields.get("rationale", "").strip():
        problems.add("rationale", _("A failed acceptance needs its rationale (and how funds "
                                    "paid are settled).") if review.is_acceptance else _(
            "A KILL needs its rationale (and how funds paid are settled)."))
    return lifecycle.kill_target(phase)


def check_conclusion(review: GateReview, outcome: Outcome, fields: dict[str, Any],
                     problems: Problems) -> None:
    """A panel's decision of research acceptance is one of the three official conclusions,
    taken on a completion ratio (the share of the task agreement's targets met); `outcome`
    is the one the conclusion maps to. Other gates take neither."""
    conclusion, ratio = fields.get("conclusion"), fields.get("completion_ratio")
    if review.gate != ACCEPTANCE_GATE:
        if conclusion is not None or ratio is not None:
            problems.add("outcome", _("Only research acceptance records an acceptance "
                                      "conclusion and a completion ratio."))
        return
    if conclusion is None:
        problems.add("outcome", _("Choose the acceptance conclusion: passed, to be "
                                  "reconsidered or failed."))
    elif CONCLUSION_OUTCOME[conclusion] is not outcome:
        problems.add("outcome", _("This conclusion is recorded as %(outcome)s, not %(given)s.",
                                  outcome=label(CONCLUSION_OUTCOME[conclusion]),
                                  given=label(outcome)))
    if ratio is None or not 0 <= ratio <= 100:
        problems.add("completion_ratio", _("Give the share of the task agreement's targets "
                                           "met, from 0 to 100 per cent."))


def check_conditions(outcome: Outcome, conditions: list[dict[str, Any]],
                     problems: Problems) -> None:
    """Conditions come with a CONDITIONAL GO, each with a text, an owner and a due date; any
    other outcome takes none (a GO with an open condition would be a conditional GO). Each
    problem is shown in the row of the form it is about (a condition's "row")."""
    if outcome is not Outcome.CONDITIONAL_GO:
        if conditions:
            problems.add(in_row("conditions", conditions[0].get("row"), "text"), _(
                "Conditions go with a CONDITIONAL GO only: clear the condition rows, or choose "
                "CONDITIONAL GO."))
        return
    for i, condition in enumerate(conditions, start=1):
        row = condition.get("row")
        # Beside its row's cell the problem is said of "this condition" (the form's summary
        # says the row: "Row 3: Due date: ..."); without a row (the API), it says which.
        if not condition.get("text", "").strip() or condition.get("owner") is None:
            column = "owner_id" if condition.get("text", "").strip() else "text"
            problems.add(in_row("conditions", row, column), _(
                "This condition needs a text and an owner.") if row is not None else _(
                "Condition %(n)d needs a text and an owner.", n=i))
        if condition.get("due_date") is None:
            problems.add(in_row("conditions", row, "due_date"), _(
                "This condition needs a due date (required).") if row is not None else _(
                "Condition %(n)d needs a due date (required).", n=i))
        elif condition["due_date"] < today():
            problems.add(in_row("conditions", row, "due_date"), _(
                "This condition needs a due date from today on.") if row is not None else _(
                "Condition %(n)d needs a due date from today on.", n=i))


def check_imported_outcome(gate: int, outcome: Outcome, fields: dict[str, Any],
                           problems: Problems, taken_on: date | None = None) -> Phase | None:
    """An imported KILL's or HOLD's own fields at `gate`, checked before anything is written."""
    review = GateReview(gate=gate, phase=lifecycle.GATE_PHASE[gate])  # never added
    return check_outcome(review, outcome, fields, problems, taken_on)


def check_imported_conditions(pm_id: int, team_ids: set[int], decided_on: date,
                              conditions: list[dict[str, Any]],
                              problems: Problems | None = None) -> None:
    """The conditions of an imported CONDITIONAL GO, as the decision form asks them (a text
    and an owner among the project's people; the import reads no more than the form's rows)
    and dated as history is: not before the decision that set them (they may be past: an open
    one is overdue, and its reminders climb as any condition's do), met and cleared on days
    after it, in that order, none in the future (`imported_conditions`). Every problem at once:
    added to `problems` when given (the import's other checks of the row go on), else
    raised."""
    given = problems is not None
    problems = problems if given else Problems()
    if not conditions:
        problems.add("conditions", _("A conditional GO needs at least one condition."))
    people = {pm_id, *team_ids}
    for i, condition in enumerate(conditions, start=1):
        owner = condition.get("owner")
        if not condition.get("text", "").strip() or owner is None:
            problems.add("conditions", _("Condition %(n)d needs a text and an owner.", n=i))
        elif owner.id not in people:
            problems.add("conditions", _("The owner of condition %(n)d is neither the project "
                                         "manager nor in the team.", n=i))
        due = condition.get("due_date")
        if due is None or due < decided_on:
            problems.add("conditions", _("Condition %(n)d needs a due date from its decision's "
                                         "day (%(date)s) on.", n=i, date=day(decided_on)))
        if condition.get("state", ConditionState.OPEN) is ConditionState.SUPERSEDED:
            problems.add("conditions", _("Condition %(n)d: an imported condition is open, met "
                                         "or cleared.", n=i))
        else:  # the days it was met and cleared, where given (issue 13)
            imported_conditions.check_days(i, condition, decided_on, problems)
    if not given:
        problems.raise_any()
