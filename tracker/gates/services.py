"""Running a gate up to its decision: request, panel, declarations and scores. The decision is
tracker/gates/decisions.py, its scoring maths tracker/gates/scoring.py, its conditions
tracker/gates/conditions.py.

Every function takes the acting user, checks what it must, audits and flushes; the view
commits. Who may see what of a review is decided here too (`visible_scores`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from tracker import db
from tracker.accounts.models import REVIEWING_ROLES, User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.display.said import listed
from tracker.errors import Forbidden, Invalid, NotFound, Problems, Refused, require
from tracker.experts import panels, recusal
from tracker.experts.recusal import stake_refusal  # noqa: F401  (pages ask it here too)
from tracker.files import services as files
from tracker.gates import deliverables, scorecards
from tracker.gates.decision_models import panel_refusal
from tracker.gates.decision_refusals import declare_refusal, score_refusal
from tracker.gates.models import (
    UNDER_WAY,
    CriterionKind,
    Declaration,
    Deliverable,
    GateReview,
    GateTemplate,
    Outcome,
    PanelMember,
    Recommendation,
    ReviewCriterion,
    ReviewState,
    Score,
    outcomes_at,
)
from tracker.notifications import events as notices
from tracker.notifications.services import emit
from tracker.projects import guards
from tracker.projects.closed import gate_refusal
from tracker.projects.lifecycle import GATE_PHASE, PHASE_GATE
from tracker.projects.models import Project


def find_template(gate: int) -> GateTemplate | None:
    """The template of gate `gate`; the four are read together once per transaction
    (`db.cached`): the project page asks for each gate's deliverables."""
    templates = db.cached("gate_templates", frozenset({GateTemplate.__tablename__}), lambda: {
        template.gate: template for template in db.session.scalars(select(GateTemplate))})
    return templates.get(gate)


def deliverable_name(deliverable: Deliverable) -> str:
    """An uploaded deliverable's name in the reader's language, as its gate's template has it
    (the name stored is the Chinese one, the key)."""
    template = find_template(deliverable.gate)
    return template.deliverable_shown(deliverable.name) if template else deliverable.name


def unconfigured_refusal() -> str | None:
    """Why no decision is recorded yet at some gate: it has no template, which its review
    copies (a new installation's until `flask hq create` installs the defaults); None once
    every gate has one."""
    missing = [gate for gate in GATE_PHASE if find_template(gate) is None]
    if not missing:
        return None
    return _("No template is configured yet for %(gates)s: ask an HQ admin.",
             gates=listed(_("gate %(gate)d", gate=gate) for gate in missing))


def template_for(gate: int) -> GateTemplate:
    template = find_template(gate)
    if template is None:
        raise Refused(_("Gate %(n)d has not been configured yet: ask an HQ admin.", n=gate))
    return template


# --- guards the lifecycle asks for (tracker/projects/guards.py lists them) ---------------------


def missing_deliverables(project: Project, gate: int,
                         deliverables: list[Deliverable] | None = None) -> str | None:
    """`deliverables`: every one of the project's, when the caller has read them already."""
    template = find_template(gate)
    if template is None:
        return _("Gate %(n)d has not been configured yet: ask an HQ admin.", n=gate)
    if deliverables is None:
        uploaded = set(db.session.scalars(select(Deliverable.name).where(
            Deliverable.project_id == project.id, Deliverable.gate == gate,
            Deliverable.standing())))
    else:  # one taken off counts no more
        uploaded = {d.name for d in deliverables if d.gate == gate and not d.is_void}
    missing = [template.deliverable_shown(name) for name in template.required_deliverables
               if name not in uploaded]
    if missing:
        return _("Upload the required deliverables first: %(names)s.", names=listed(missing))
    return None


def minimum_trl(project: Project, gate: int, requested: bool = True,
                reviews: list[GateReview] | None = None) -> int | None:
    """The TRL gate `gate` asks for: its review's once requested (copied from the template
    then; `requested`: look for one, among `reviews`, every review of the project, when the
    caller has read them already), else the template's; None when it asks for none."""
    if requested:
        if reviews is None:
            reviews = db.session.scalars(select(GateReview).where(
                GateReview.project_id == project.id, GateReview.gate == gate,
                GateReview.state.in_(UNDER_WAY)).limit(1)).all()
        review = next((r for r in reviews if r.gate == gate and r.state in UNDER_WAY), None)
        if review is not None:
            return review.min_trl
    template = find_template(gate)
    return template.min_trl if template else None


def trl_below_minimum(project: Project, minimum: int) -> str | None:
    """Not a guard of the request: the chair meets it as a blocker of GO (`scoring.blockers`),
    to be overridden with a reason; the project page says it before the gate is asked."""
    if project.current_trl >= minimum:
        return None
    return _("TRL %(now)d is below the gate's minimum of %(min)d: record the TRL reached (with "
             "its evidence) before the decision, or the panel can decide GO only with an "
             "override.", now=project.current_trl, min=minimum)


def open_review(project: Project, reviews: list[GateReview] | None = None) -> str | None:
    if reviews is None:
        pending = db.session.scalar(select(GateReview.id).where(
            GateReview.project_id == project.id, GateReview.state.in_(UNDER_WAY)))
    else:
        pending = any(r.state in UNDER_WAY for r in reviews)
    if pending:
        return _("A gate review of this project is already under way.")
    return None


# --- requesting a gate -------------------------------------------------------------------------


def upload_deliverable(actor: User, project: Project, gate: int, name: str, stream: IO[bytes],
                       filename: str) -> Deliverable:
    require(project.can_prepare(actor), lambda: deliverables.upload_refusal(project))
    if open_review(project):
        raise Refused(_("A gate review is under way with the material it was requested with; "
                        "new deliverables can be uploaded once it is decided."))
    template = template_for(gate)
    if name not in template.required_deliverables:
        raise Invalid("name", _("This gate does not ask for such a deliverable."))
    deliverables.refuse_another(project, gate, name)  # one waits: corrected, with the reason
    stored = files.store(actor, stream, filename, field="file", project_id=project.id)
    deliverable = Deliverable(project_id=project.id, gate=gate, name=name, file_id=stored.id)
    db.session.add(deliverable)
    audit.record(actor, "deliverable.upload", deliverable)
    db.session.flush()
    return deliverable


def as_stored(threshold: Decimal) -> Decimal:
    """A pass threshold as its column keeps it (two places), whether the template was read
    back from the database or is the one just typed: the review's audit record says the same
    either way."""
    return Decimal(threshold).quantize(Decimal("0.01"))


def open_request(actor: User, project: Project, gate: int) -> GateReview:
    """Create the review of `gate`, copying the template as it stands now."""
    template = template_for(gate)
    review = GateReview(
        gate=gate, phase=GATE_PHASE[gate], requested_by_id=actor.id,
        name=template.name, name_en=template.name_en,
        pass_threshold=as_stored(template.pass_threshold),
        min_trl=template.min_trl,
        quorum=template.quorum, state=ReviewState.REQUESTED,
    )
    review.criteria = [
        ReviewCriterion(position=c.position, kind=c.kind, text=c.text, text_en=c.text_en,
                        weight=c.weight, scale_max=c.scale_max)
        for c in template.criteria
    ]
    project.gate_reviews.append(review)
    changes = audit.pending_changes(review)  # its values, before the flush writes them
    db.session.flush()
    latest: dict[str, Deliverable] = {}
    for deliverable in db.session.scalars(select(Deliverable).where(
            Deliverable.project_id == project.id, Deliverable.gate == gate,
            Deliverable.standing()).order_by(Deliverable.id)):
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
    audit.record(actor, "gate.request", review, changes)
    db.session.flush()
    return review


def request_gate(actor: User, project: Project) -> GateReview:
    """The PM asks HQ to review the gate that closes the project's current phase."""
    require(project.can_request_gate(actor), lambda: gate_refusal(project))
    gate = PHASE_GATE[project.phase]
    # Two requests at once: the second waits here and then finds the first one's review open.
    db.lock(project)
    refusals = guards.gate_request_refusals(project, gate)
    if refusals:
        raise Refused(" ".join(refusals))
    return open_request(actor, project, gate)


# --- the panel ---------------------------------------------------------------------------------


def name_panel(actor: User, review: GateReview, chair: User, evaluators: list[User],
               due_date: date | None) -> None:
    """HQ names the panel (the chair is one of the evaluators) and the due date."""
    require(GateReview.can_name_panel(actor), lambda: panel_refusal(review.state))
    # Every problem at once (`Problems`), each beside its field. The chair is one of the
    # evaluators: never added to the panel unasked, nor counted towards the quorum.
    problems = Problems()
    people = {u.id: u for u in evaluators}
    # Experts of the pool are drawn under its recusal rules and count towards the gate's
    # minimums (tracker/experts); HQ's own evaluators outside the pool under the stake rule.
    experts = recusal.expert_of(people)
    reasons = recusal.exclusions(review.project, experts.values())
    for user in people.values():
        expert = experts.get(user.id)
        if not user.has_role(*REVIEWING_ROLES) or not user.active:
            problems.add("evaluator_ids", _("%(name)s is not an active evaluator.",
                                            name=user.name))
        elif expert is not None and reasons[expert.id]:
            problems.add("evaluator_ids", " ".join(reasons[expert.id]))
        elif refusal := stake_refusal(review.project, user):
            problems.add("evaluator_ids", refusal)
    for shortfall in panels.shortfalls(template_for(review.gate), list(experts.values())):
        problems.add("evaluator_ids", shortfall)
    if chair.is_external_expert:
        problems.add("chair_id", _("An external expert declares and scores; the chair records "
                                   "the decision: choose one of HQ's evaluators as the chair."))
    elif chair.id not in people:
        problems.add("chair_id", _("The chair is one of the evaluators: choose %(name)s among "
                                   "the evaluators too, or another chair.", name=chair.name))
    if len(people) < review.quorum:
        problems.add("evaluator_ids", _("The quorum is %(n)d: name at least that many "
                                        "evaluators.", n=review.quorum))
    due = due_date or today() + timedelta(days=template_for(review.gate).review_days)
    if due < today():
        problems.add("due_date", _("The due date is in the past."))
    keep = [m for m in review.panel if m.user_id in people]
    if any(m.submitted_at for m in review.panel if m.user_id not in people):
        problems.add("evaluator_ids", _("An evaluator who has submitted scores stays on the "
                                        "panel."))
    problems.raise_any()
    have = {m.user_id for m in keep}
    # A panel named again tells only the evaluators it adds: the others (and the PM) were
    # told when it was first named.
    told = None if review.state is ReviewState.REQUESTED else {
        uid for uid in people if uid not in have}
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
    emit(actor, "panel_named", review, only=told)
    emit(actor, "declaration_needed", review, only=told)


def member_or_404(actor: User, review: GateReview) -> PanelMember:
    """The actor's place on the panel: 403 for someone who sees the review without sitting on
    it (the PM, HQ), 404 for anyone else."""
    member = review.member(actor)
    if member is None:
        raise Forbidden() if review.can_view(actor) else NotFound()
    return member


def one_member_at_a_time(review: GateReview) -> None:
    """Panel members declaring or scoring at the same moment take turns: each waits here for
    the one before to commit, then reads the review and its panel as that one left them.
    Otherwise the second lost the race on the review's version (a 409 telling an evaluator
    that someone else changed their scorecard), and two last scorecards could each miss the
    other and nobody tell the chair that every evaluator has scored."""
    db.lock(review)
    db.session.scalars(select(PanelMember).where(PanelMember.review_id == review.id)
                       .execution_options(populate_existing=True)).all()


def declare(actor: User, review: GateReview, conflict: bool, note: str = "") -> None:
    """An evaluator declares a conflict of interest, or none, before seeing the material."""
    one_member_at_a_time(review)
    member = member_or_404(actor, review)
    if (said := declare_refusal(member)) is not None:
        raise Refused(said)
    if not conflict:
        refusal = stake_refusal(review.project, actor)
        if refusal:
            raise Refused(refusal)
    elif not note.strip():
        raise Invalid("note", _("Say briefly what the conflict is."))
    member.declaration = Declaration.CONFLICT if conflict else Declaration.NONE
    member.conflict_note = note.strip()
    member.declared_at = db.utcnow()
    touch(review)
    audit.record(actor, "gate.declare", review, {
        "declaration": [None, member.declaration.value], "member": [None, actor.id]})
    db.session.flush()
    if notices.all_scored(review):  # a conflict declared by the last one may complete it
        emit(actor, "all_scores_in", review)


def touch(review: GateReview) -> None:
    """Mark the review changed so its version moves and stale decisions are refused."""
    flag_modified(review, "state")


def submit_scores(actor: User, review: GateReview, scores: dict[int, dict[str, Any]],
                  recommendation: Recommendation, comment: str = "") -> None:
    """Score every criterion, once. `scores[criterion_id]` has `passed` or `value`, `comment`."""
    one_member_at_a_time(review)
    member = member_or_404(actor, review)
    if (said := score_refusal(member)) is not None:
        raise Refused(said)
    problems = Problems()  # every problem of the scorecard at once
    rows = scorecard_rows(review, scores, recommendation, problems)
    problems.raise_any()
    member.scores = rows
    member.recommendation = recommendation
    member.comment = comment.strip()
    member.submitted_at = db.utcnow()
    touch(review)
    # The recommendation stays out of the trail: others must not read it before scoring.
    audit.record(actor, "gate.score", review, {"member": [None, actor.id]})
    db.session.flush()
    if notices.all_scored(review):
        emit(actor, "all_scores_in", review)


def scorecard_rows(review: GateReview, scores: dict[int, dict[str, Any]],
                   recommendation: Recommendation | None, problems: Problems) -> list[Score]:
    """A scorecard's scores, one per criterion, checked (a first one and a correction alike),
    each problem added to `problems` beside its criterion."""
    if recommendation is not None and Outcome(recommendation.value) not in outcomes_at(
            review.gate):
        problems.add("recommendation", _(
            "Research acceptance ends in one of its conclusions: recommend passed, to be "
            "reconsidered or failed."))
    rows = []
    for criterion in review.criteria:
        given = scores.get(criterion.id)
        if given is None:
            problems.add(f"c{criterion.id}", _("Score every criterion."))
        elif criterion.kind is CriterionKind.MUST:
            if given.get("passed") is None:
                problems.add(f"c{criterion.id}", _("Say whether it is met."))
            else:
                rows.append(Score(criterion_id=criterion.id, passed=bool(given["passed"]),
                                  comment=given.get("comment", "")))
        else:
            value = given.get("value")
            if value is None or not 0 <= value <= criterion.scale_max:
                problems.add(f"c{criterion.id}", _("Give a score from 0 to %(n)d.",
                                                   n=criterion.scale_max))
            else:
                rows.append(Score(criterion_id=criterion.id, value=value,
                                  comment=given.get("comment", "")))
    return rows


def visible_scores(user: User, review: GateReview) -> list[PanelMember]:
    """The submitted scorecards `user` may read: all of them or none
    (`tracker.gates.scorecards.may_read`)."""
    return review.submitted_members if scorecards.may_read(user, review) else []
