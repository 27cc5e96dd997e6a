"""A need's intake and HQ's work on it: the enterprise's contact or a centre's liaison submits
it; on the need's page (`organisations.need`, drawn by `need_page`) HQ analyses it, proposes
candidates, decides the match, makes it a project, moves or closes it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.display.collation import ordered
from tracker.needs import services, timing
from tracker.needs.forms import (
    AnalysisForm,
    CandidateForm,
    MatchForm,
    MoveForm,
    NeedProjectForm,
    SubmitNeedForm,
)
from tracker.needs.intake import intake_of
from tracker.needs.models import NeedCandidate
from tracker.organisations import need_states
from tracker.organisations.models import (
    Institute,
    NeedState,
    TechnologyNeed,
)
from tracker.techfields import services as techfields
from tracker.web.actions import submit
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("needs", __name__)



def moves(state: NeedState) -> list[NeedState]:
    """The moves of the "Move" form: those the table allows but matched, reached by the match
    decision (a candidate), and analysed from collected, reached by the analysis."""
    return [s for s in need_states.NEXT[state] if s is not NeedState.MATCHED
            and (state, s) != (NeedState.COLLECTED, NeedState.ANALYSED)]



def _need(need_id: int) -> TechnologyNeed:
    """The need, 404 unless the user sees it, 403 unless they may work on it (HQ admins)."""
    need = loaded(TechnologyNeed, need_id)
    if not need.can_edit(acting_user()):
        abort(403)
    return need


def _to_need(need: TechnologyNeed):
    return lambda _result: url_for("organisations.need", object_id=need.id)


def _institutes() -> list[Institute]:
    """The institutes a candidate may come from, by name."""
    return ordered(db.session.scalars(select(Institute)))


def _pms(institute_id: int | None) -> list[User]:
    """The active PMs of an institute (all of them: None), by name."""
    query = select(User).where(User.active.is_(True),
                               User.role_grants.any(RoleGrant.role == Role.PROJECT_MANAGER))
    if institute_id is not None:
        query = query.where(User.institute_id == institute_id)
    return ordered(db.session.scalars(query))


def _candidates(need: TechnologyNeed) -> list[NeedCandidate]:
    return list(db.session.scalars(
        select(NeedCandidate).where(NeedCandidate.need_id == need.id)
        .options(selectinload(NeedCandidate.institute), selectinload(NeedCandidate.pm),
                 selectinload(NeedCandidate.proposed_by), selectinload(NeedCandidate.chosen_by))
        .order_by(NeedCandidate.id)))


def _seen(form: Any, need: TechnologyNeed) -> Any:
    """A form rendered on the need's page carries the version it shows (409 when stale)."""
    form.version.data, form.seen_at.data = str(need.version), db.utcnow().isoformat()
    return form


def forms_for(need: TechnologyNeed, **filled: Any) -> dict[str, Any]:
    """HQ's forms on the need's page, those its state offers, filled from the need; `filled`
    replaces one with the form as it was posted."""
    state, forms = need.state, {}
    if state in (NeedState.COLLECTED, NeedState.ANALYSED, NeedState.MATCHED):
        forms["analysis"] = _seen(AnalysisForm(
            prefix="analysis", formdata=None, obj=need, fields=techfields.offered(need.field_id),
            data={"trl": need.trl or 0, "field_id": need.field_id or 0}), need)
    if state is NeedState.ANALYSED:
        forms["candidate"] = CandidateForm(prefix="candidate", formdata=None,
                                           institutes=_institutes(), pms=_pms(None))
        if candidates := _candidates(need):
            forms["match"] = _seen(MatchForm(prefix="match", formdata=None,
                                             candidates=candidates), need)
    if state is NeedState.MATCHED and not services.projects_of(need):
        forms["project"] = _seen(NeedProjectForm(prefix="project", formdata=None,
                                                 pms=_pms(need.institute_id)), need)
    if targets := moves(state):
        forms["move"] = _seen(MoveForm(prefix="move", formdata=None, targets=targets), need)
    forms.update(filled)
    return forms


def need_page(need: TechnologyNeed, **filled: Any) -> str:
    user = acting_user()
    deliberation = need.can_see_deliberation(user)
    return render_template(
        "needs/need.html", obj=need, deliberation=deliberation,
        candidates=_candidates(need) if deliberation else [],
        chosen=services.chosen(need) if deliberation else None,
        projects=[p for p in services.projects_of(need) if p.can_view(user)],
        times=timing.of(need),
        forms=forms_for(need, **filled) if need.can_edit(user) else {},
        # Its record is corrected while it is live; a final one is kept as it was.
        editable=need.can_edit(user) and need_states.final_refusal(need) is None)


# --- intake ---------------------------------------------------------------------------------


@bp.route("/needs/submit", methods=["GET", "POST"])
@requires(TechnologyNeed.can_submit)
def submit_need() -> Response | str | tuple[str, int]:
    user = acting_user()
    intake = intake_of(user)
    form = SubmitNeedForm(centres=intake.centres, centre_required=intake.centre_required)
    return submit(
        form, lambda: services.submit_need(
            user, title=form.title.data, description=form.description.data or "",
            intended_investment=form.intended_investment.data,
            centre_id=form.centre_id.data or None),
        _("Thank you: the need is recorded. HQ will analyse it."),
        lambda need: url_for("organisations.need", object_id=need.id),
        lambda: render_template("needs/submit.html", form=form, enterprise=intake.enterprise))


# --- HQ's work ---------------------------------------------------------------------------------


@bp.post("/needs/<int:need_id>/analysis")
@login_required
def analyse(need_id: int) -> Response | str | tuple[str, int]:
    need = _need(need_id)
    form = AnalysisForm(prefix="analysis", fields=techfields.offered(need.field_id))
    return submit(
        form, lambda: services.analyse_need(
            acting_user(), need, field_id=form.field_id.data, trl=form.trl.data or None,
            budget_min=form.budget_min.data, budget_max=form.budget_max.data,
            urgency=form.urgency.data),
        _("Analysis saved."), _to_need(need), lambda: need_page(need, analysis=form),
        record=need)


@bp.post("/needs/<int:need_id>/candidates")
@login_required
def propose(need_id: int) -> Response | str | tuple[str, int]:
    need = _need(need_id)
    form = CandidateForm(prefix="candidate", pms=_pms(None), institutes=_institutes())
    return submit(
        form, lambda: services.propose_candidate(
            acting_user(), need, institute_id=form.institute_id.data, pm_id=form.pm_id.data or None,
            reason=form.reason.data),
        _("Candidate proposed."), _to_need(need), lambda: need_page(need, candidate=form))


@bp.post("/needs/<int:need_id>/match")
@login_required
def match(need_id: int) -> Response | str | tuple[str, int]:
    need = _need(need_id)
    form = MatchForm(prefix="match", candidates=_candidates(need))
    return submit(
        form, lambda: services.decide_match(acting_user(), need, form.candidate_id.data),
        _("Match recorded."), _to_need(need), lambda: need_page(need, match=form),
        record=need)


@bp.post("/needs/<int:need_id>/project")
@login_required
def make_project(need_id: int) -> Response | str | tuple[str, int]:
    need = _need(need_id)
    form = NeedProjectForm(prefix="project", pms=_pms(need.institute_id))
    return submit(
        form, lambda: services.make_project(acting_user(), need, form.pm_id.data),
        _("The draft proposal is opened for the project manager."),
        lambda project: url_for("projects.show", project_id=project.id),
        lambda: need_page(need, project=form), record=need)


@bp.post("/needs/<int:need_id>/state")
@login_required
def move(need_id: int) -> Response | str | tuple[str, int]:
    need = _need(need_id)
    form = MoveForm(prefix="move", targets=moves(need.state) or [need.state])
    return submit(
        form, lambda: services.move_need(acting_user(), need, form.target.data,
                                         form.reason.data or ""),
        _("Saved."), _to_need(need), lambda: need_page(need, move=form), record=need)
