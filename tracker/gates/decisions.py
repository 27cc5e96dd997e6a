"""The decision of a gate review: GO, CONDITIONAL GO (with owned, dated conditions), HOLD,
RECYCLE or KILL, recorded by the panel chair with a snapshot of what it was taken on, and the
phase change it causes (through tracker/projects/phases.py). A decision is never edited: a
correction is a new decision that supersedes it. What its fields must say, every problem at
once, is tracker/gates/decision_checks.py's.

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
from tracker.dates import local_date
from tracker.errors import Forbidden, Invalid, Problems, Refused, require
from tracker.funding.releases import released_tranches
from tracker.gates import dating, scoring
from tracker.gates import imported_conditions as imported
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.decision_checks import (
    check_conclusion,
    check_conditions,
    check_imported_conditions,
    check_imported_outcome,
    check_outcome,
)
from tracker.gates.decision_refusals import correction_refusal, decide_refusal
from tracker.gates.models import (
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
    check_conclusion(review, outcome, fields, problems)
    target = check_outcome(review, outcome, fields, problems)
    check_conditions(outcome, fields.get("conditions") or [], problems)
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
    if imported_conditions:  # dated as the file gives them (`imported_conditions`)
        decision.conditions.extend(imported.made(actor, review.project_id, c)
                                   for c in imported_conditions)
        changes["conditions"] = [None, [imported.written(c) for c in imported_conditions]]
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
    check_conclusion(review, outcome, fields, problems)
    target = check_outcome(review, outcome, fields, problems)
    if target is not None and target != decision.target_phase:
        problems.add("outcome", _("A correction cannot move the project to another phase than "
                                  "the decision it corrects: record an outcome that leads to "
                                  "the same phase."))
    check_conditions(outcome, fields.get("conditions") or [], problems)
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


def record_imported_decision(actor: User, project: Project, decided_on: datetime,
                             import_id: int, outcome: Outcome, *, target: Phase | None = None,
                             rationale: str = "", revisit_date: date | None = None,
                             conditions: list[dict[str, Any]] | None = None,
                             revisit_after: date | None = None) -> GateDecision:
    """A decision taken before the tracker at the gate closing the project's phase (a GO, a
    CONDITIONAL GO, a KILL or a HOLD), brought in by an import: it names the import and, as
    its decider, the HQ admin who imported it; its review has no chair (no panel sat in the
    tracker: pages say so, and no one is reminded or told as its chair). A KILL needs its
    rationale and a HOLD a revisit date (`check_imported_outcome`; `revisit_after`: the day
    of the HOLD, which its revisit date follows, past or not); a CONDITIONAL GO its conditions
    (`check_imported_conditions`), each open, met or cleared, which its audit record lists.
    The phase changes through `change_phase`, so the project goes on (or stays ended) as if
    decided in the tracker: an open condition holds back the next gate. Its day is one the
    tracker could have dated it (`tracker.gates.dating`)."""
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
