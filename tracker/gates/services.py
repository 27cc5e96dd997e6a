"""Running a gate: request, panel, declarations, scores, the decision and its conditions.

Every function takes the acting user, checks what it must, audits and flushes; the view
commits. Who may see what of a review is decided here too (`visible_scores`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, NotFound, Refused
from tracker.files import services as files
from tracker.gates.models import (
    Condition,
    ConditionState,
    CriterionKind,
    Declaration,
    Deliverable,
    GateDecision,
    GateReview,
    GateTemplate,
    Outcome,
    PanelMember,
    Recommendation,
    ReviewCriterion,
    ReviewState,
    Score,
)
from tracker.projects import lifecycle
from tracker.projects.lifecycle import GATE_PHASE, PHASE_GATE, Phase, Step
from tracker.projects.models import Project

STAKE_MESSAGES = {
    "pm": lambda: _("%(name)s is the project manager of this project."),
    "team": lambda: _("%(name)s is on the project team."),
    "partner": lambda: _("%(name)s is affiliated with the partner enterprise."),
}


def find_template(gate: int) -> GateTemplate | None:
    return db.session.scalar(select(GateTemplate).where(GateTemplate.gate == gate))


def template_for(gate: int) -> GateTemplate:
    template = find_template(gate)
    if template is None:
        raise Refused(_("Gate %(n)d has not been configured yet: ask an HQ admin.", n=gate))
    return template


# --- guards the lifecycle asks for (tracker/projects/guards.py lists them) ---------------------


def missing_deliverables(project: Project, gate: int) -> str | None:
    template = find_template(gate)
    if template is None:
        return _("Gate %(n)d has not been configured yet: ask an HQ admin.", n=gate)
    uploaded = set(db.session.scalars(select(Deliverable.name).where(
        Deliverable.project_id == project.id, Deliverable.gate == gate)))
    missing = [name for name in template.required_deliverables if name not in uploaded]
    if missing:
        return _("Upload the required deliverables first: %(names)s.", names=", ".join(missing))
    return None


def open_conditions(project: Project) -> str | None:
    count = len(db.session.scalars(select(Condition.id).where(
        Condition.project_id == project.id,
        Condition.state.not_in([ConditionState.CONFIRMED, ConditionState.SUPERSEDED]))).all())
    if count:
        return _("%(n)d condition(s) of an earlier gate are not cleared yet.", n=count)
    return None


def open_review(project: Project) -> str | None:
    pending = db.session.scalar(select(GateReview.id).where(
        GateReview.project_id == project.id,
        GateReview.state.in_([ReviewState.REQUESTED, ReviewState.OPEN])))
    if pending:
        return _("A gate review of this project is already under way.")
    return None


# --- requesting a gate -------------------------------------------------------------------------


def upload_deliverable(actor: User, project: Project, gate: int, name: str, stream: IO[bytes],
                       filename: str) -> Deliverable:
    if actor.id != project.pm_id:
        raise Forbidden()
    if project.is_read_only:
        raise Refused(_("The project is closed: nothing can be added."))
    if open_review(project):
        raise Refused(_("A gate review is under way with the material it was requested with; "
                        "new deliverables can be uploaded once it is decided."))
    template = template_for(gate)
    if name not in template.required_deliverables:
        raise Invalid("name", _("This gate does not ask for such a deliverable."))
    stored = files.store(actor, stream, filename, field="file", project_id=project.id)
    deliverable = Deliverable(project_id=project.id, gate=gate, name=name, file_id=stored.id)
    db.session.add(deliverable)
    audit.record(actor, "deliverable.upload", deliverable)
    db.session.flush()
    return deliverable


def open_request(actor: User, project: Project, gate: int) -> GateReview:
    """Create the review of `gate`, copying the template as it stands now."""
    template = template_for(gate)
    review = GateReview(
        gate=gate, phase=GATE_PHASE[gate], requested_by_id=actor.id,
        name=template.name, pass_threshold=template.pass_threshold, min_trl=template.min_trl,
        quorum=template.quorum, state=ReviewState.REQUESTED,
    )
    review.criteria = [
        ReviewCriterion(position=c.position, kind=c.kind, text=c.text, weight=c.weight,
                        scale_max=c.scale_max)
        for c in template.criteria
    ]
    project.gate_reviews.append(review)
    db.session.flush()
    latest: dict[str, Deliverable] = {}
    for deliverable in db.session.scalars(select(Deliverable).where(
            Deliverable.project_id == project.id, Deliverable.gate == gate)
            .order_by(Deliverable.id)):
        latest[deliverable.name] = deliverable
    for name in template.required_deliverables:
        deliverable = latest.get(name)
        if deliverable is None:
            continue
        if deliverable.review_id is None:
            deliverable.review_id = review.id
        else:  # reviewed before (RECYCLE, HOLD): the same file goes to the new panel
            db.session.add(Deliverable(project_id=project.id, gate=gate, name=name,
                                       file_id=deliverable.file_id, review_id=review.id))
    audit.record(actor, "gate.request", review)
    db.session.flush()
    return review


def request_gate(actor: User, project: Project) -> GateReview:
    """The PM asks HQ to review the gate that closes the project's current phase."""
    from tracker.projects import guards

    if not project.can_request_gate(actor):
        if actor.id != project.pm_id:
            raise Forbidden()
        raise Refused(_("A gate can be requested only while the project is in an active phase."))
    gate = PHASE_GATE[project.phase]
    # Two requests at once: the second waits here and then finds the first one's review open.
    db.session.refresh(project, with_for_update=True)
    refusals = guards.gate_request_refusals(project, gate)
    if refusals:
        raise Refused(" ".join(refusals))
    return open_request(actor, project, gate)


# --- the panel ---------------------------------------------------------------------------------


def stake_refusal(project: Project, user: User) -> str | None:
    stake = project.stake_of(user)
    if stake is None:
        return None
    return STAKE_MESSAGES[stake]() % {"name": user.name} + " " + _(
        "Someone with a stake in a project never reviews it.")


def name_panel(actor: User, review: GateReview, chair: User, evaluators: list[User],
               due_date: date | None) -> None:
    """HQ names the panel (the chair is one of the evaluators) and the due date."""
    if not actor.is_hq_admin:
        raise Forbidden()
    if review.state not in (ReviewState.REQUESTED, ReviewState.OPEN):
        raise Refused(_("This review is closed."))
    people = {u.id: u for u in [*evaluators, chair]}
    for user in people.values():
        if not user.has_role(Role.EVALUATOR) or not user.active:
            raise Invalid("evaluator_ids", _("%(name)s is not an active evaluator.",
                                             name=user.name))
        refusal = stake_refusal(review.project, user)
        if refusal:
            raise Invalid("evaluator_ids", refusal)
    if len(people) < review.quorum:
        raise Invalid("evaluator_ids", _("The quorum is %(n)d: name at least that many "
                                         "evaluators.", n=review.quorum))
    due = due_date or today() + timedelta(days=template_for(review.gate).review_days)
    if due < today():
        raise Invalid("due_date", _("The due date is in the past."))
    keep = [m for m in review.panel if m.user_id in people]
    if any(m.submitted_at for m in review.panel if m.user_id not in people):
        raise Invalid("evaluator_ids", _("An evaluator who has submitted scores stays on the "
                                         "panel."))
    have = {m.user_id for m in keep}
    review.panel = keep + [PanelMember(user_id=uid) for uid in people if uid not in have]
    before = {"chair_id": review.chair_id, "due_date": review.due_date}
    review.chair_id = chair.id
    review.due_date = due
    review.state = ReviewState.OPEN
    changes = audit.pending_changes(review)
    changes["panel"] = [None, sorted(people)]
    changes.update({k: [str(v) if v else v, str(getattr(review, k))]
                    for k, v in before.items() if v != getattr(review, k)})
    audit.record(actor, "gate.panel", review, changes)
    db.session.flush()


def _member_or_404(actor: User, review: GateReview) -> PanelMember:
    member = review.member(actor)
    if member is None:
        raise NotFound()
    return member


def declare(actor: User, review: GateReview, conflict: bool, note: str = "") -> None:
    """An evaluator declares a conflict of interest, or none, before seeing the material."""
    member = _member_or_404(actor, review)
    if review.state is not ReviewState.OPEN:
        raise Refused(_("This review is closed."))
    if member.declaration is not None:
        raise Refused(_("You have already declared."))
    if not conflict:
        refusal = stake_refusal(review.project, actor)
        if refusal:
            raise Refused(refusal)
    elif not note.strip():
        raise Invalid("note", _("Say briefly what the conflict is."))
    member.declaration = Declaration.CONFLICT if conflict else Declaration.NONE
    member.conflict_note = note.strip()
    member.declared_at = db.utcnow()
    _touch(review)
    audit.record(actor, "gate.declare", review, {
        "declaration": [None, member.declaration.value], "member": [None, actor.id]})
    db.session.flush()


def _touch(review: GateReview) -> None:
    """Mark the review changed so its version moves and stale decisions are refused."""
    from sqlalchemy.orm.attributes import flag_modified

    flag_modified(review, "state")


def may_see_material(user: User, review: GateReview) -> bool:
    """Panel members see the material only after declaring no conflict."""
    member = review.member(user)
    if member is None:
        return review.project.can_view(user)
    return member.declaration is Declaration.NONE


def submit_scores(actor: User, review: GateReview, scores: dict[int, dict[str, Any]],
                  recommendation: Recommendation, comment: str = "") -> None:
    """Score every criterion, once. `scores[criterion_id]` has `passed` or `value`, `comment`."""
    member = _member_or_404(actor, review)
    if review.state is not ReviewState.OPEN:
        raise Refused(_("This review is closed."))
    if member.declaration is not Declaration.NONE:
        raise Refused(_("Declare that you have no conflict of interest before scoring."))
    if member.submitted_at is not None:
        raise Refused(_("You have already submitted your scores."))
    rows = []
    for criterion in review.criteria:
        given = scores.get(criterion.id)
        if given is None:
            raise Invalid(f"c{criterion.id}", _("Score every criterion."))
        if criterion.kind is CriterionKind.MUST:
            if given.get("passed") is None:
                raise Invalid(f"c{criterion.id}", _("Say whether it is met."))
            rows.append(Score(criterion_id=criterion.id, passed=bool(given["passed"]),
                              comment=given.get("comment", "")))
        else:
            value = given.get("value")
            if value is None or not 0 <= value <= criterion.scale_max:
                raise Invalid(f"c{criterion.id}", _("Give a score from 0 to %(n)d.",
                                                    n=criterion.scale_max))
            rows.append(Score(criterion_id=criterion.id, value=value,
                              comment=given.get("comment", "")))
    member.scores = rows
    member.recommendation = recommendation
    member.comment = comment.strip()
    member.submitted_at = db.utcnow()
    _touch(review)
    # The recommendation stays out of the trail: others must not read it before scoring.
    audit.record(actor, "gate.score", review, {"member": [None, actor.id]})
    db.session.flush()


def visible_scores(user: User, review: GateReview) -> list[PanelMember]:
    """The submitted scorecards `user` may read: none until they have submitted their own
    (if they are on the panel); all once the review is decided, for whoever sees the project."""
    member = review.member(user)
    if review.state is ReviewState.DECIDED:
        # The named scorecards stay with the panel and HQ; the project's team and director
        # see the decision, its rationale and the weighted score.
        if (member is not None and member.submitted_at) or user.sees_whole_portfolio:
            return review.submitted_members
        return []
    if member is not None and member.submitted_at is not None:
        return review.submitted_members
    return []


# --- computing the result ----------------------------------------------------------------------

PERCENT = Decimal("0.01")


def weighted_score(review: GateReview) -> Decimal | None:
    """The weighted score rounded for display (and kept with the decision)."""
    exact = exact_weighted_score(review)
    return None if exact is None else exact.quantize(PERCENT, ROUND_HALF_UP)


def exact_weighted_score(review: GateReview) -> Decimal | None:
    """Mean over submitted scorecards of sum(weight * value / scale) / sum(weight), in %."""
    should = [c for c in review.criteria if c.kind is CriterionKind.SHOULD]
    total_weight = sum((c.weight for c in should), Decimal("0"))
    members = review.submitted_members
    if not members or total_weight == 0:
        return None
    per_member = []
    for member in members:
        values = {s.criterion_id: s.value for s in member.scores}
        points = sum((c.weight * Decimal(values[c.id]) / Decimal(c.scale_max) for c in should),
                     Decimal("0"))
        per_member.append(points / total_weight * 100)
    return sum(per_member, Decimal("0")) / len(per_member)


def blockers(review: GateReview) -> list[str]:
    """What stands against GO: failed must-meet criteria, TRL below the bar, score below the
    threshold. The chair may still decide GO with an override and a reason."""
    found = []
    for criterion in review.criteria:
        if criterion.kind is not CriterionKind.MUST:
            continue
        fails = [m.user.name for m in review.submitted_members for s in m.scores
                 if s.criterion_id == criterion.id and s.passed is False]
        if fails:
            found.append(_("Must-meet criterion failed: %(text)s (by %(names)s).",
                           text=criterion.text, names=", ".join(fails)))
    if review.min_trl and review.project.trl_now < review.min_trl:
        found.append(_("TRL %(now)d is below the gate's minimum of %(min)d.",
                       now=review.project.trl_now, min=review.min_trl))
    exact = exact_weighted_score(review)
    if exact is not None and exact < review.pass_threshold:
        found.append(_("Weighted score %(score)s%% is below the pass threshold of "
                       "%(threshold)s%%.", score=weighted_score(review),
                       threshold=review.pass_threshold))
    return found


def _snapshot(review: GateReview) -> dict[str, Any]:
    return {
        "weighted_score": str(weighted_score(review)),
        "quorum": review.quorum,
        "criteria": [{"id": c.id, "kind": c.kind.value, "text": c.text, "weight": str(c.weight),
                      "scale_max": c.scale_max} for c in review.criteria],
        "panel": [{
            "user_id": m.user_id, "name": m.user.name, "chair": m.user_id == review.chair_id,
            "declaration": m.declaration.value if m.declaration else None,
            "conflict_note": m.conflict_note,
            "declared_at": m.declared_at.isoformat() if m.declared_at else None,
            "recommendation": m.recommendation.value if m.recommendation else None,
            "submitted_at": m.submitted_at.isoformat() if m.submitted_at else None,
            "scores": [{"criterion_id": s.criterion_id, "passed": s.passed, "value": s.value,
                        "comment": s.comment} for s in m.scores],
        } for m in review.panel],
    }


# --- the decision ------------------------------------------------------------------------------


def _check_outcome(review: GateReview, outcome: Outcome, fields: dict[str, Any]) -> Phase:
    """Validate the decision's own fields; returns the phase it leads to."""
    phase = review.phase
    if outcome in (Outcome.GO, Outcome.CONDITIONAL_GO):
        targets = lifecycle.go_targets(phase)
        target = fields.get("target_phase") or targets[0]
        if target not in targets:
            raise Invalid("target_phase", _("Choose where the project goes next."))
        found = blockers(review)
        if found and not fields.get("override_reason", "").strip():
            raise Invalid("override_reason", " ".join(found) + " " + _(
                "To decide GO all the same, record an override with its reason."))
        if outcome is Outcome.CONDITIONAL_GO and not fields.get("conditions"):
            raise Invalid("conditions", _("A conditional GO needs at least one condition."))
        return target
    if outcome is Outcome.HOLD:
        revisit = fields.get("revisit_date")
        if revisit is None or revisit <= today():
            raise Invalid("revisit_date", _("Give a revisit date in the future."))
        return Phase.ON_HOLD
    if outcome is Outcome.RECYCLE:
        due = fields.get("rework_due")
        if due is None or due <= today():
            raise Invalid("rework_due", _("Give a rework due date in the future."))
        return phase
    if not fields.get("rationale", "").strip():
        raise Invalid("rationale", _("A KILL needs its rationale (and how funds paid are "
                                     "settled)."))
    return lifecycle.kill_target(phase)


def _check_conditions(conditions: list[dict[str, Any]]) -> None:
    for i, condition in enumerate(conditions):
        if not condition.get("text", "").strip() or condition.get("owner") is None:
            raise Invalid("conditions", _("Condition %(n)d needs a text and an owner.", n=i + 1))
        if condition.get("due_date") is None or condition["due_date"] < today():
            raise Invalid("conditions", _("Condition %(n)d needs a due date from today on.",
                                          n=i + 1))


STEP_OF = {Outcome.GO: Step.GO, Outcome.CONDITIONAL_GO: Step.GO, Outcome.HOLD: Step.HOLD,
           Outcome.KILL: Step.KILL}


def decide(actor: User, review: GateReview, expected_version: int, outcome: Outcome,
           **fields: Any) -> GateDecision:
    """The chair records the panel's decision once the quorum has scored.

    `expected_version` is the review's version the chair saw: if anything changed since (a
    score, a declaration, another decision), the decision is refused and nothing is written.
    """
    if review.chair_id != actor.id:
        raise Forbidden(_("Only the chair of the panel records the decision."))
    if not review.can_decide(actor):
        raise Refused(_("The chair decides after declaring no conflict of interest, on a panel "
                        "that can still reach its quorum; otherwise HQ changes the panel."))
    if review.state is ReviewState.DECIDED:
        raise Refused(_("This review has already been decided. Reload the page to see the "
                        "decision; a correction supersedes it."))
    if review.state is not ReviewState.OPEN:
        raise Refused(_("This review is closed."))
    if review.version != expected_version:
        raise Refused(_("The review changed after you opened it (new scores or declarations). "
                        "Reload the page, check, and decide again."))
    if not review.quorum_reached:
        raise Refused(_("The quorum is %(n)d scorecards; %(have)d submitted so far.",
                        n=review.quorum, have=len(review.submitted_members)))
    target = _check_outcome(review, outcome, fields)
    conditions = fields.get("conditions") or []
    if outcome is Outcome.CONDITIONAL_GO:
        _check_conditions(conditions)

    # Claim the review first: of two chairs' tabs deciding at once, the second one's UPDATE
    # finds the version moved and is refused before anything else is written.
    review.state = ReviewState.DECIDED
    _flush_or_conflict()
    decision = _record(actor, review, outcome, target, fields)
    project = review.project
    if outcome is Outcome.HOLD:
        project.revisit_date = fields["revisit_date"]
    if outcome in STEP_OF:
        from tracker.projects.services import change_phase

        change_phase(actor, project, target, STEP_OF[outcome], decision=decision,
                     reason=fields.get("rationale", ""))
    _flush_or_conflict()
    return decision


def _record(actor: User, review: GateReview, outcome: Outcome, target: Phase,
            fields: dict[str, Any], supersedes: GateDecision | None = None) -> GateDecision:
    decision = GateDecision(
        project_id=review.project_id, outcome=outcome,
        target_phase=target, rationale=fields.get("rationale", "").strip(),
        override_reason=fields.get("override_reason", "").strip(),
        revisit_date=fields.get("revisit_date") if outcome is Outcome.HOLD else None,
        rework_due=fields.get("rework_due") if outcome is Outcome.RECYCLE else None,
        weighted_score=weighted_score(review), snapshot=_snapshot(review),
        decided_by_id=actor.id, supersedes_id=supersedes.id if supersedes else None,
    )
    review.decisions.append(decision)
    changes = audit.pending_changes(decision)
    changes.pop("snapshot", None)
    db.session.flush()
    for condition in fields.get("conditions") or []:
        decision.conditions.append(Condition(
            project_id=review.project_id, text=condition["text"].strip(),
            owner_id=condition["owner"].id, due_date=condition["due_date"]))
    audit.record(actor, "gate.decide" if supersedes is None else "gate.correct", decision,
                 changes)
    db.session.flush()
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
                     outcome: Outcome, **fields: Any) -> GateDecision:
    """A correction: a new decision that supersedes `decision`; both stay visible.

    It may change the outcome only where the project's phase stays what the decision made it
    (GO and CONDITIONAL GO, say, or corrected dates and conditions).
    """
    review = decision.review
    if not (review.can_decide(actor) or actor.is_hq_admin):
        raise Forbidden()
    if review.current_decision is not decision:
        raise Refused(_("This decision has already been superseded."))
    if review.version != expected_version:
        raise Refused(_("The review changed after you opened it. Reload the page."))
    target = _check_outcome(review, outcome, fields)
    if target != decision.target_phase:
        raise Invalid("outcome", _("A correction cannot move the project to another phase "
                                   "than the decision it corrects: record an outcome that "
                                   "leads to the same phase."))
    if review.project.phase != decision.target_phase:
        raise Refused(_("The project has moved on since this decision; it can no longer be "
                        "corrected."))
    if outcome is Outcome.CONDITIONAL_GO:
        _check_conditions(fields.get("conditions") or [])
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
    _touch(review)
    _flush_or_conflict()
    return corrected


# --- conditions --------------------------------------------------------------------------------


def mark_condition_met(actor: User, condition: Condition, evidence: str) -> None:
    if actor.id != condition.owner_id:
        raise Forbidden(_("Only the owner of a condition marks it met."))
    if condition.state is not ConditionState.OPEN:
        raise Refused(_("This condition is not open."))
    if not evidence.strip():
        raise Invalid("evidence", _("Describe the evidence that the condition is met."))
    condition.state = ConditionState.MET
    condition.evidence = evidence.strip()
    condition.met_at = db.utcnow()
    audit.record(actor, "condition.met", condition)
    db.session.flush()


def can_confirm(user: User, condition: Condition) -> bool:
    return user.is_hq_admin or user.id == condition.decision.review.chair_id


def confirm_condition(actor: User, condition: Condition, accept: bool = True,
                      note: str = "") -> None:
    """The chair or an HQ admin clears a met condition, or sends it back open."""
    if not can_confirm(actor, condition):
        raise Forbidden()
    if condition.state is not ConditionState.MET:
        raise Refused(_("Only a condition marked met can be confirmed."))
    if accept:
        condition.state = ConditionState.CONFIRMED
        condition.confirmed_by_id = actor.id
        condition.confirmed_at = db.utcnow()
    else:
        if not note.strip():
            raise Invalid("note", _("Say why the evidence is not enough."))
        condition.state = ConditionState.OPEN
        condition.evidence = condition.evidence + "\n— " + note.strip()
    audit.record(actor, "condition.confirm" if accept else "condition.return", condition)
    db.session.flush()
