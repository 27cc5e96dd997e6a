"""Gate review pages: the panel, declarations, scores, the decision, conditions, work lists."""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import TypeVar

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import REVIEWING_ROLES, RoleGrant, User
from tracker.dates import today
from tracker.display.collation import ordered
from tracker.experts import panels, recusal
from tracker.experts import services as expert_services
from tracker.experts.models import Expert
from tracker.export import responses as exports
from tracker.gates import conditions, decisions, review_page, services
from tracker.gates.columns import AWAITING_COLUMNS
from tracker.gates.condition_models import Condition
from tracker.gates.decision_models import panel_refusal
from tracker.gates.models import (
    GateDecision,
    GateReview,
    PanelMember,
    Recommendation,
    ReviewState,
)
from tracker.gates.review_forms import (
    ConditionConfirmForm,
    ConditionMetForm,
    DecisionForm,
    DeclarationForm,
    PanelForm,
    scorecard_form,
)
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectMember, ProjectType
from tracker.projects.page import project_page
from tracker.projects.views import load_project
from tracker.reports.filters import institute_choices
from tracker.web.actions import submit
from tracker.web.corrections import offered
from tracker.web.filters import of_list
from tracker.web.navigation import int_arg, page_or_home, paginate
from tracker.web.permissions import acting_user, found, loaded, requires

E = TypeVar("E", bound=enum.Enum)

bp = Blueprint("gates", __name__)



def load_review(review_id: int) -> GateReview:
    """The review, or 404 unless the user may see it (`GateReview.can_view`); its panel with
    each member's person, scores and corrections in three statements, whatever its size (the
    page reads them all: one by one they were three statements a member); the project's team
    and their people likewise (whom a condition may be given to, the team as decided on)."""
    review = found(db.session.scalar(select(GateReview).where(GateReview.id == review_id).options(
        selectinload(GateReview.panel).options(selectinload(PanelMember.user),
                                               selectinload(PanelMember.scores),
                                               selectinload(PanelMember.corrections)),
        selectinload(GateReview.project).selectinload(Project.members)
        .selectinload(ProjectMember.user))))
    return review


def _evaluators() -> list[User]:
    """Who may be named to a panel: HQ's evaluators and the pool's external experts."""
    return ordered(db.session.scalars(
        select(User).where(User.active.is_(True),
                           User.role_grants.any(RoleGrant.role.in_(REVIEWING_ROLES)))
        .order_by(User.name)))


def _page(review: GateReview, **forms) -> str:
    """The review page (`review_page.render`); `forms` are those posted from it, as filled."""
    return review_page.render(review, acting_user(), **forms)


@bp.get("/reviews/<int:review_id>")
@login_required
def review(review_id: int) -> str:
    return _page(load_review(review_id))


# --- HQ names the panel ------------------------------------------------------------------------


@bp.route("/reviews/<int:review_id>/panel", methods=["GET", "POST"])
@requires(GateReview.can_name_panel)
def panel(review_id: int) -> str | Response | tuple[str, int]:
    review = load_review(review_id)
    offered(panel_refusal(review.state), url_for("gates.review", review_id=review.id))
    evaluators = _evaluators()
    data = None
    if request.method == "GET" and review.panel:
        data = {"evaluator_ids": [m.user_id for m in review.panel],
                "chair_id": review.chair_id, "due_date": review.due_date}
    form = PanelForm(evaluators=evaluators, data=data)

    def call() -> None:
        by_id = {u.id: u for u in evaluators}
        services.name_panel(acting_user(), review, by_id[form.chair_id.data],
                            [by_id[i] for i in form.evaluator_ids.data], form.due_date.data)

    def page() -> str:
        stakes = {u.id: services.stake_refusal(review.project, u) for u in evaluators}
        template = services.template_for(review.gate)
        default_due = today() + timedelta(days=template.review_days)
        pool = sorted(ordered(db.session.scalars(
            expert_services.search(active=None).options(selectinload(Expert.user)))),
            key=lambda e: not e.active)  # those in the pool first
        in_pool = {e.user_id for e in pool}
        return render_template(
            "gates/panel.html", review=review, form=form, default_due=default_due,
            stakes={uid: s for uid, s in stakes.items() if uid not in in_pool},
            pool=pool, excluded=recusal.exclusions(review.project, pool),
            minimums=panels.describe(template))

    return submit(form, call, _("Panel named. The evaluators see the review in their list."),
                  url_for("gates.review", review_id=review.id), page)


# --- evaluators --------------------------------------------------------------------------------


@bp.post("/reviews/<int:review_id>/declare")
@login_required
def declare(review_id: int) -> Response | tuple[str, int]:
    review = load_review(review_id)
    form = DeclarationForm()
    return submit(
        form,
        lambda: services.declare(acting_user(), review, form.conflict.data == "yes",
                                 form.note.data or ""),
        _("Declaration recorded."),
        page_or_home(review, url_for("gates.review", review_id=review.id)),
        lambda: _page(review, declaration=form))


@bp.post("/reviews/<int:review_id>/scores")
@login_required
def scores(review_id: int) -> Response | tuple[str, int]:
    review = load_review(review_id)
    form = scorecard_form(review, formdata=request.form)

    def call() -> None:
        services.submit_scores(acting_user(), review, *scorecard_given(review, form),
                               form.comment.data or "")

    return submit(
        form, call,
        _("Your scores were submitted. You can now see the other submitted scorecards."),
        url_for("gates.review", review_id=review.id), lambda: _page(review, scorecard=form))


def scorecard_given(review: GateReview, form) -> tuple[dict, Recommendation | None]:
    """A scorecard form's scores as the services take them, and its recommendation."""
    given = {}
    for criterion in review.criteria:
        value = getattr(form, f"c{criterion.id}").data
        comment = getattr(form, f"c{criterion.id}_comment").data or ""
        if criterion.kind.value == "must":
            given[criterion.id] = {"passed": value == "1", "comment": comment}
        else:
            given[criterion.id] = {"value": value, "comment": comment}
    return given, _chosen(Recommendation, form.recommendation.data)


# --- the chair decides -------------------------------------------------------------------------


def _decision_fields(form: DecisionForm, review: GateReview) -> dict:
    owners = {u.id: u for u in review_page.owners(review)}
    _outcome, conclusion = form.chosen()
    return {
        "conclusion": conclusion,
        "completion_ratio": form.completion_ratio.data if form.acceptance else None,
        "target_phase": Phase(form.target_phase.data) if form.target_phase.data else None,
        "rationale": form.rationale.data or "",
        "override_reason": form.override_reason.data or "",
        "revisit_date": form.revisit_date.data,
        "rework_due": form.rework_due.data,
        "conditions": form.filled_conditions(owners),
    }


def _chosen(kind: type[E], value: str | None) -> E | None:
    """The choice a radio list made, or None when none was (the form says so beside the
    field): the service is still called in the form's dry run, and tells first whether the
    person may act at all (403), as it would with every field filled."""
    return kind(value) if value else None


def _version(form: DecisionForm) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return -1


def _record_decision(review: GateReview, record, done: str) -> Response | tuple[str, int]:
    """The decision form's POST, for a first decision and for a correction alike: `record`
    is the service call, given the user, the version seen, the outcome and the fields."""
    form = review_page.decision_form(review, formdata=request.form)
    return submit(
        form,
        lambda: record(acting_user(), _version(form), form.chosen()[0],
                       **_decision_fields(form, review)),
        done,
        url_for("gates.review", review_id=review.id),
        lambda: _page(review, decision_form=form),
    )


@bp.post("/reviews/<int:review_id>/decide")
@login_required
def decide(review_id: int) -> Response | tuple[str, int]:
    review = load_review(review_id)
    return _record_decision(
        review, lambda user, *args, **fields: decisions.decide(user, review, *args, **fields),
        _("Decision recorded."))


@bp.post("/decisions/<int:decision_id>/correct")
@login_required
def correct(decision_id: int) -> Response | tuple[str, int]:
    decision = loaded(GateDecision, decision_id, may=None)  # seen when its review is:
    review = load_review(decision.review_id)
    return _record_decision(
        review,
        lambda user, *args, **fields: decisions.correct_decision(
            user, decision, *args, reason=request.form.get("reason", ""), **fields),
        _("Decision corrected; the earlier decision stays visible as superseded."))


# --- conditions --------------------------------------------------------------------------------


def _condition(condition_id: int) -> Condition:
    return loaded(Condition, condition_id, may=Condition.can_see)


@bp.post("/conditions/<int:condition_id>/met")
@login_required
def condition_met(condition_id: int) -> Response | tuple[str, int]:
    condition = _condition(condition_id)
    form = ConditionMetForm()
    return submit(
        form, lambda: conditions.mark_condition_met(acting_user(), condition,
                                                    form.evidence.data or ""),
        _("Marked met; the chair or HQ will confirm."), _to_project(condition),
        lambda: project_page(load_project(condition.project_id),
                             condition_forms={condition.id: form}))


@bp.post("/conditions/<int:condition_id>/confirm")
@login_required
def condition_confirm(condition_id: int) -> Response | tuple[str, int]:
    condition = _condition(condition_id)
    form = ConditionConfirmForm()
    accept = form.accept.data == "1"
    return submit(
        form,
        lambda: conditions.confirm_condition(acting_user(), condition, accept,
                                             form.note.data or ""),
        _("Condition cleared.") if accept else _("Condition sent back."), _to_project(condition),
        lambda: project_page(load_project(condition.project_id),
                             condition_forms={condition.id: form}))


def _to_project(condition: Condition) -> str:
    return url_for("projects.show", project_id=condition.project_id)


# --- work lists --------------------------------------------------------------------------------


@bp.get("/my/reviews")
@requires(GateReview.can_list_own)
def my_reviews() -> str:
    """An evaluator's open reviews, soonest due first, then what they reviewed before, latest
    first: a page of each (`?page=`, `?earlier=`)."""
    mine = (select(PanelMember).join(GateReview).where(PanelMember.user_id == acting_user().id)
            .options(selectinload(PanelMember.review).selectinload(GateReview.project)))
    todo = paginate(mine.where(GateReview.state == ReviewState.OPEN).order_by(
        GateReview.due_date.is_(None), GateReview.due_date, GateReview.id))
    done = paginate(mine.where(GateReview.state != ReviewState.OPEN).order_by(
        GateReview.id.desc()), arg="earlier")
    return render_template("gates/my_reviews.html", todo=todo, done=done, today=today())


@bp.get("/gates/awaiting")
@requires(GateReview.can_list_awaiting)
def awaiting() -> str | Response:
    """Reviews needing a panel, and reviews whose panel has yet to decide: every one for HQ,
    a director's institutes' for a director; with the dashboard's filters, and `late=1` for
    those past their due date (as the dashboard counts them); a page of each table (`?page=`,
    `?open=`); `?export=csv|xlsx`: both tables whole in one file (`gates.columns`)."""
    user, filters, on = acting_user(), of_list(), today()
    query = (select(GateReview).join(Project, Project.id == GateReview.project_id)
             .where(GateReview.state.in_([ReviewState.REQUESTED, ReviewState.OPEN]),
                    filters.projects())
             .options(selectinload(GateReview.project).selectinload(Project.institute),
                      selectinload(GateReview.panel).selectinload(PanelMember.user),
                      selectinload(GateReview.chair))
             .order_by(GateReview.due_date.is_(None).desc(), GateReview.due_date,
                       GateReview.id))
    if not user.sees_whole_portfolio:
        query = query.where(Project.institute_id.in_(user.directed_institute_ids))
    late = bool(int_arg("late"))
    if late:
        query = query.where(GateReview.due_date < on)
    if fmt := exports.requested():
        return exports.send(AWAITING_COLUMNS, db.session.scalars(query).all(), "gates-awaiting",
                            fmt, title=_("Gates awaiting decision"))
    needs_panel = paginate(query.where(GateReview.state == ReviewState.REQUESTED))
    under_review = paginate(query.where(GateReview.state == ReviewState.OPEN), arg="open")
    return render_template("gates/awaiting.html", needs_panel=needs_panel,
                           under_review=under_review, today=on, filters=filters, late=late,
                           institutes=institute_choices(acting_user()), types=list(ProjectType))
