"""The review's page, as `tracker.gates.views` renders it after a GET and after a refused POST:
what it shows its reader and which forms it offers them. Each form is offered where the model's
predicate (who) and the refusal (when, `tracker.gates.decision_refusals`) both allow it, and the
refusal's sentence is said in its place where only the predicate does (issue 9 point 6, issue 11
point 2); the template reads no state to decide."""

from __future__ import annotations

from flask import render_template

from tracker.accounts.models import User
from tracker.gates import scoring, services, taken_on
from tracker.gates.correction_models import declaration_refusal, scores_refusal
from tracker.gates.decision_models import panel_refusal
from tracker.gates.decision_refusals import (
    correction_refusal,
    decide_refusal,
    declare_refusal,
    score_refusal,
)
from tracker.gates.models import ACCEPTANCE_GATE, GateDecision, GateReview, ReviewState
from tracker.gates.review_forms import DecisionForm, DeclarationForm, scorecard_form
from tracker.projects import lifecycle


def owners(review: GateReview) -> list[User]:
    """Who may own a condition: the PM, the team, and whoever owns one of the current
    decision's conditions (a correction carries them forward)."""
    project = review.project
    people = [project.pm, *[m.user for m in project.members if m.confirmed]]
    if review.current_decision is not None:
        people += [c.owner for c in review.current_decision.conditions]
    return list({u.id: u for u in people}.values())


def decision_form(review: GateReview, formdata=None) -> DecisionForm:
    current = review.current_decision
    form = DecisionForm(formdata=formdata, targets=lifecycle.go_targets(review.phase),
                        owners=owners(review), acceptance=review.gate == ACCEPTANCE_GATE,
                        data=correction_data(current) if formdata is None and current else None)
    if formdata is None:
        form.version.data = str(review.version)
    return form


def correction_data(decision: GateDecision) -> dict:
    """A correction starts filled with the decision it corrects, its unmet conditions
    included: what the chair keeps is carried forward, what they clear is superseded."""
    chosen = decision.conclusion or decision.outcome  # acceptance: chosen as its conclusion
    return {"outcome": chosen.value, "target_phase": decision.target_phase.value,
            "completion_ratio": decision.completion_ratio,
            "rationale": decision.rationale, "override_reason": decision.override_reason,
            "revisit_date": decision.revisit_date, "rework_due": decision.rework_due,
            "conditions": [{"text": c.text, "owner_id": c.owner_id, "due_date": c.due_date}
                           for c in decision.carried_conditions]}


def _member_offers(review: GateReview, user: User) -> dict:
    """The reader's own declaration and scorecard: each form where they may use it now, else
    the refusal's sentence to a panel member (once, beside the scorecard, when the review's
    state refuses both alike); nothing to anyone else."""
    member = review.member(user)
    declarer = member is not None and member.can_declare(user)
    scorer = member is not None and member.can_score(user)
    declare_refused = declare_refusal(member) if declarer else None
    score_refused = score_refusal(member) if scorer else None
    return {
        "member": member,
        "declares": declarer and declare_refused is None,
        "declare_refused": declare_refused if declare_refused != score_refused else None,
        "scores": scorer and score_refused is None,
        "score_refused": score_refused,
        # The links to correct one's own declaration and scorecard, where they are possible.
        "corrects_declaration": member is not None and member.can_correct_declaration(user)
        and declaration_refusal(member) is None,
        "corrects_scores": member is not None and member.can_correct_scores(user)
        and scores_refusal(member) is None,
    }


def render(review: GateReview, user: User, **forms) -> str:
    """The review page for `user`; `forms` are those posted from it, as filled."""
    offers = _member_offers(review, user)
    member = offers["member"]
    decision = review.current_decision
    may_correct = bool(decision) and decision.can_correct(user)
    correction_refused = correction_refusal(decision) if may_correct else None
    may_decide = review.can_decide(user)
    # The version this page shows, on a form shown again (400, 409) too: sent again, it acts on
    # the review as the chair now sees it (a decision from a tab opened before another was
    # recorded is offered as that one's correction, never refused as stale in turn).
    deciding = forms.get("decision_form") or decision_form(review)
    deciding.version.data = str(review.version)
    context = {
        **offers,
        "review": review, "project": review.project,
        "may_see_material": review.can_see_material(user),
        # The facts its decision was taken on, on a decided review; as they stand on an open
        # one (the next panel reads the rework).
        "facts": taken_on.as_decided(review.project, review.current_decision),
        "scorecards": (scorecards := services.visible_scores(user, review)),
        "means": scoring.criterion_means(review, scorecards),
        "weighted": scoring.weighted_score(review),
        "blockers": scoring.go_refusals(review) + scoring.blockers(review, musts=False) if (
            member is not None and member.submitted_at) else [],
        "is_open": review.state is ReviewState.OPEN,
        "may_decide": may_decide,
        # The chair's section while the decision is ahead (a panel unable to reach it is said
        # above, to everyone): the form, or what still stops it.
        "decides": may_decide and review.awaits_decision,
        "decide_refused": decide_refusal(review) if may_decide else None,
        "declaration": forms.get("declaration") or DeclarationForm(),
        "scorecard": forms.get("scorecard") or (
            scorecard_form(review) if offers["scores"] else None),
        "decision_form": deciding,
        "can_correct": may_correct and correction_refused is None,
        "correction_refused": correction_refused,
        "names_panel": GateReview.can_name_panel(user) and panel_refusal(review.state) is None,
        "sees_panel": review.can_see_panel(user),
    }
    return render_template("gates/review.html", **context)
