"""The decision of a gate review: GO, CONDITIONAL GO (with owned, dated conditions), HOLD,
RECYCLE or KILL, recorded by the panel chair with a snapshot of what it was taken on, and the
phase change it causes (through tracker/projects/phases.py). A decision is never edited: a
correction is a new decision that supersedes it.

Research acceptance (gate 2) is decided in its official words: 通过验收, 需要复议 or 不通过验收,
each recorded as the outcome it means (`CONCLUSION_OUTCOME`: GO, RECYCLE, KILL), so the phase
follows through the same lifecycle as any gate's, with the completion ratio it was judged on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from tracker import corrections, db, reversals
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import local_date, today
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Problems, Refused, in_row, require
from tracker.funding.releases import released_tranches
from tracker.gates import dating, scoring
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.decision_refusals import correction_refusal, decide_refusal
from tracker.gates.models import (
    ACCEPTANCE_GATE,
    CONCLUSION_OUTCOME,
    GateDecision,
    GateReview,
    Outcome,
    ReviewState,
)
from tracker.gates.services import open_request, touch
from tracker.imports.models import ImportRun
from tracker.notifications.services import emit
from tracker.projects import lifecycle
from tracker.projects.lifecycle import Phase, Step
from tracker.projects.phases import change_phase

if TYPE_CHECKING:
    from tracker.projects.models import Project


def _check_outcome(review: GateReview, outcome: Outcome, fields: dict[str, Any],
                   problems: Problems, taken_on: date | None = None) -> Phase | None:
    """Check the decision's own fields, adding each problem to `problems`; returns the phase
    it leads to (None when that is what is wrong). `taken_on`: the day an imported HOLD was
    taken, when its project was ended since: its revisit date was to come then (default:
    now)."""
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


def _check_conclusion(review: GateReview, outcome: Outcome, fields: dict[str, Any],
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


def _check_conditions(outcome: Outcome, conditions: list[dict[str, Any]],
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


STEP_OF = {Outcome.GO: Step.GO, Outcome.CONDITIONAL_GO: Step.GO, Outcome.HOLD: Step.HOLD,
           Outcome.KILL: Step.KILL}


def decide(actor: User, review: GateReview, expected_version: int, outcome: Outcome,
           **fields: Any) -> GateDecision:
    """The chair records the panel's decision once the quorum has scored.

    `expected_version` is the review's version the chair saw: if anything changed since (a
    score, a declaration, another decision), the decision is refused and nothing is written.
    """
    require(review.can_decide(actor), lambda: decide_refusal(review),
            _("Only the chair of the panel records the decision."))
    if review.version != expected_version:
        raise Refused(_("The review changed after you opened it (new scores or declarations). "
                        "Reload the page, check, and decide again."))
    problems = Problems()  # every problem of the decision at once, each beside its field
    _check_conclusion(review, outcome, fields, problems)
    target = _check_outcome(review, outcome, fields, problems)
    _check_conditions(outcome, fields.get("conditions") or [], problems)
    problems.raise_any()

    # Claim the review first: of two chairs' tabs deciding at once, the second one's UPDATE
    # finds the version moved and is refused before anything else is written.
    review.state = ReviewState.DECIDED
    _flush_or_conflict()
    decision = _record(actor, review, outcome, target, fields)
    project = review.project
    if outcome is Outcome.HOLD:
        project.revisit_date = fields["revisit_date"]
    if outcome in STEP_OF:
        change_phase(actor, project, target, STEP_OF[outcome], decision=decision,
                     reason=fields.get("rationale", ""))
    _flush_or_conflict()
    if outcome in (Outcome.GO, Outcome.CONDITIONAL_GO):
        for tranche in released_tranches(project, gate=review.gate):
            emit(actor, "tranche_payable", tranche)
    return decision


def _record(actor: User, review: GateReview, outcome: Outcome, target: Phase,
            fields: dict[str, Any], supersedes: GateDecision | None = None,
            imported_conditions: list[dict[str, Any]] = ()) -> GateDecision:
    snapshot = scoring.snapshot(review)
    if supersedes is not None and "project" in (supersedes.snapshot or {}):
        # A correction corrects what was decided on the same proposal: not a rework since.
        snapshot["project"] = supersedes.snapshot["project"]
    decision = GateDecision(
        project_id=review.project_id, outcome=outcome,
        target_phase=target, rationale=fields.get("rationale", "").strip(),
        override_reason=fields.get("override_reason", "").strip(),
        correction_reason=fields.get("correction_reason", ""),
        revisit_date=fields.get("revisit_date") if outcome is Outcome.HOLD else None,
        rework_due=fields.get("rework_due") if outcome is Outcome.RECYCLE else None,
        weighted_score=scoring.weighted_score(review), snapshot=snapshot,
        conclusion=fields.get("conclusion"),
        completion_ratio=fields.get("completion_ratio") if fields.get("conclusion") else None,
        decided_by_id=actor.id, supersedes_id=supersedes.id if supersedes else None,
        imported_in_id=fields.get("imported_in_id"),
    )
    if fields.get("decided_at") is not None:
        decision.decided_at = fields["decided_at"]
    review.decisions.append(decision)
    changes = audit.pending_changes(decision)
    changes.pop("snapshot", None)
    db.session.flush()
    for condition in fields.get("conditions") or []:
        decision.conditions.append(Condition(
            project_id=review.project_id, text=condition["text"].strip(),
            owner_id=condition["owner"].id, due_date=condition["due_date"]))
    if imported_conditions:
        now = db.utcnow()
        for condition in imported_conditions:
            state = condition.get("state", ConditionState.OPEN)
            decision.conditions.append(Condition(
                project_id=review.project_id, text=condition["text"].strip(),
                owner_id=condition["owner"].id, due_date=condition["due_date"], state=state,
                met_at=now if state is not ConditionState.OPEN else None,
                confirmed_by_id=actor.id if state is ConditionState.CONFIRMED else None,
                confirmed_at=now if state is ConditionState.CONFIRMED else None))
        changes["conditions"] = [None, [
            [c["text"].strip(), c["owner"].email, c["due_date"].isoformat(),
             c.get("state", ConditionState.OPEN).value] for c in imported_conditions]]
    audit.record(actor, "gate.decide" if supersedes is None else "gate.correct", decision,
                 changes)
    db.session.flush()
    emit(actor, "decision_recorded", decision)
    for condition in decision.conditions:
        emit(actor, "condition_set", condition)
    return decision


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except (StaleDataError, OperationalError) as error:
        if isinstance(error, OperationalError) and "locked" not in str(error):
            raise  # only SQLite's "database is locked" means a concurrent writer
        raise Refused(_("Someone else changed this review or project at the same moment; "
                        "your decision was not recorded. Reload the page.")) from None


def correct_decision(actor: User, decision: GateDecision, expected_version: int,
                     outcome: Outcome, *, reason: str, **fields: Any) -> GateDecision:
    """A correction: a new decision that supersedes `decision`, with the reason it was made
    (every correction carries one); both stay visible.

    It may change the outcome only where the project's phase stays what the decision made it
    (GO and CONDITIONAL GO, say, or corrected dates and conditions).
    """
    review = decision.review
    require(decision.can_correct(actor), lambda: correction_refusal(decision))
    if review.version != expected_version:
        raise Refused(_("The review changed after you opened it. Reload the page."))
    problems = Problems()  # every problem of the correction at once, each beside its field
    _check_conclusion(review, outcome, fields, problems)
    target = _check_outcome(review, outcome, fields, problems)
    if target is not None and target != decision.target_phase:
        problems.add("outcome", _("A correction cannot move the project to another phase than "
                                  "the decision it corrects: record an outcome that leads to "
                                  "the same phase."))
    _check_conditions(outcome, fields.get("conditions") or [], problems)
    fields["correction_reason"] = reversals.stated(problems, reason)
    problems.raise_any()
    corrections.changed(decision, changes=corrections.differences(
        decision.as_decided(), decision.as_given(outcome, target, fields)))
    # Claim the review first: of two corrections at once, the second one's UPDATE finds the
    # version moved and is refused (409) before it writes a second correction.
    touch(review)
    _flush_or_conflict()
    corrected = _record(actor, review, outcome, target, fields, supersedes=decision)
    # Conditions of the corrected decision that nobody has acted on are superseded (never
    # "cleared"): the correction form started with them, so what the chair kept is carried
    # forward as the correction's own conditions.
    for condition in decision.conditions:
        if condition.state is ConditionState.OPEN:
            condition.state = ConditionState.SUPERSEDED
            audit.record(actor, "condition.supersede", condition)
    if outcome is Outcome.HOLD:
        review.project.revisit_date = fields["revisit_date"]
    touch(review)
    _flush_or_conflict()
    return corrected


def record_imported_go(actor: User, project: Project, decided_on: datetime,
                       import_id: int, target: Phase | None = None) -> GateDecision:
    """A GO taken before the tracker: `record_imported_decision` with outcome GO."""
    return record_imported_decision(actor, project, decided_on, import_id, Outcome.GO,
                                    target=target)


def check_imported_outcome(gate: int, outcome: Outcome, fields: dict[str, Any],
                           problems: Problems, taken_on: date | None = None) -> Phase | None:
    """An imported KILL's or HOLD's own fields at `gate`, checked before anything is written."""
    review = GateReview(gate=gate, phase=lifecycle.GATE_PHASE[gate])  # never added
    return _check_outcome(review, outcome, fields, problems, taken_on)


def check_imported_conditions(pm_id: int, team_ids: set[int], decided_on: date,
                              conditions: list[dict[str, Any]],
                              problems: Problems | None = None) -> None:
    """The conditions of an imported CONDITIONAL GO, as the decision form asks them (a text
    and an owner among the project's people; the import reads no more than the form's rows)
    and dated as history is: not before the decision that set them (they may be past: an open
    one is overdue, and its reminders climb as any condition's do). Every problem at once:
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
    if not given:
        problems.raise_any()


def record_imported_decision(actor: User, project: Project, decided_on: datetime,
                             import_id: int, outcome: Outcome, *, target: Phase | None = None,
                             rationale: str = "", revisit_date: date | None = None,
                             conditions: list[dict[str, Any]] | None = None,
                             revisit_after: date | None = None) -> GateDecision:
    """A decision taken before the tracker at the gate closing the project's phase (a GO, a
    CONDITIONAL GO, a KILL or a HOLD), brought in by an import: it names the import and, as
    its decider and chair, the HQ admin who imported it. A KILL needs its rationale and a HOLD
    a revisit date ahead (`check_imported_outcome`; `revisit_after`: the day of a HOLD whose
    project was ended since); a CONDITIONAL GO its conditions (`check_imported_conditions`),
    each open, met or cleared, which its audit record lists. The phase changes through
    `change_phase`, so the project goes on (or stays ended) as if decided in the tracker: an
    open condition holds back the next gate. Its day is one the tracker could have dated it
    (`tracker.gates.dating`)."""
    if not ImportRun.can_import(actor):
        raise Forbidden()
    gate = lifecycle.PHASE_GATE.get(project.phase)
    if gate is None:
        raise Refused(_("A project in this phase has no gate to record a decision of."))
    problems = Problems()  # every problem at once, each in its column
    taken = [(r.gate, local_date(d.decided_at)) for r in project.gate_reviews
             for d in r.decisions]
    for _gate, why in dating.problems(project.start_date, [(gate, local_date(decided_on))],
                                      max(taken, key=lambda t: t[1]) if taken else None):
        problems.add("gates_passed_on", why)
    if outcome not in (Outcome.GO, Outcome.CONDITIONAL_GO, Outcome.KILL, Outcome.HOLD):
        problems.add("phase", _("Only a GO, a CONDITIONAL GO, a KILL or a HOLD is imported."))
    if outcome is Outcome.CONDITIONAL_GO:
        check_imported_conditions(project.pm_id, project.team_ids, local_date(decided_on),
                                  conditions or [], problems)
    elif conditions:
        problems.add("conditions", _("Conditions go with a CONDITIONAL GO only: clear the "
                                     "condition rows, or choose CONDITIONAL GO."))
    fields = {"imported_in_id": import_id, "decided_at": decided_on, "rationale": rationale,
              "revisit_date": revisit_date}
    if outcome in (Outcome.KILL, Outcome.HOLD):  # its own fields, with the problems above
        target = check_imported_outcome(gate, outcome, fields, problems, revisit_after)
    problems.raise_any()
    review = open_request(actor, project, gate)
    review.requested_at = decided_on  # as far as the tracker knows: not the import's moment
    review.chair_id = actor.id
    review.state = ReviewState.DECIDED
    if outcome in (Outcome.GO, Outcome.CONDITIONAL_GO):
        targets = lifecycle.go_targets(review.phase)
        target = target or targets[0]
        if target not in targets:
            raise Invalid("phase", _("Choose where the project goes next."))
    decision = _record(actor, review, outcome, target, fields,
                       imported_conditions=conditions or [])
    if outcome is Outcome.HOLD:
        project.revisit_date = revisit_date
    change_phase(actor, project, target, STEP_OF[outcome], decision=decision,
                 reason=rationale.strip())
    db.session.flush()
    return decision
