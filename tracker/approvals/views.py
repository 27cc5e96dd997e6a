"""Approval pages: a submission with its signed history and the signature form, the
applicant's withdrawal, delegations, and HQ's levels."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.accounts.models import User
from tracker.approvals import chain, services
from tracker.approvals.forms import DelegationForm, LevelForm, SignForm
from tracker.approvals.models import (
    AppliesTo,
    ApprovalDelegation,
    ApprovalLevel,
    ApprovalRequest,
)
from tracker.changes import queries
from tracker.dates import today
from tracker.web.actions import press, submit
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("approvals", __name__)



def _load(request_id: int) -> ApprovalRequest:
    return loaded(ApprovalRequest, request_id,
                  may=lambda request, user: request.can_view(user, today()))


def _page(found: ApprovalRequest, form: SignForm | None = None) -> str:
    user = acting_user()
    step = found.step_for(user, today())
    if step is not None and form is None:
        form = SignForm()
    on_behalf_of = step.approver if step is not None and step.approver_id != user.id else None
    change = found.change_request
    # What the change would do, as HQ reads it on the change's own page.
    described = queries.before_after([change])[change.id] if change is not None else None
    return render_template("approvals/show.html", approval=found, step=step,
                           form=form if step is not None else None, on_behalf_of=on_behalf_of,
                           can_withdraw=found.can_withdraw(user)
                           and chain.withdrawal_refusal(found) is None, project=found.project,
                           described=described)


@bp.get("/approvals/<int:request_id>")
@login_required
def show(request_id: int) -> str:
    return _page(_load(request_id))


@bp.post("/approvals/<int:request_id>/sign")
@login_required
def sign(request_id: int) -> Response | tuple[str, int]:
    found = _load(request_id)
    form = SignForm()
    endorse = request.form.get("verdict") != "return"
    call = ((lambda: services.endorse(acting_user(), found, form.opinion.data or "")) if endorse
            else (lambda: services.return_(acting_user(), found, form.opinion.data or "")))
    return submit(form, call, lambda _result: chain.signed_said(found),
                  url_for("approvals.show", request_id=found.id),
                  lambda: _page(found, form))


@bp.post("/approvals/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int) -> Response | tuple[str, int]:
    found = _load(request_id)
    back = (url_for("changes.show", request_id=found.change_request_id)
            if found.change_request_id else url_for("projects.show", project_id=found.project_id))
    return press(lambda: services.withdraw(acting_user(), found),
                 _("Withdrawn: you may change it and submit it again."), back,
                 lambda: _page(found))


# --- delegations -------------------------------------------------------------------------------


def _delegation_page(form: DelegationForm) -> str:
    user, on = acting_user(), today()
    delegations = services.delegations_of(user)
    return render_template("approvals/delegations.html", form=form,
                           delegations=delegations, user=user, endable={  # over: nothing to end
                               d.id for d in delegations if d.can_cancel(user)
                               and services.cancel_refusal(d) is None and d.ends_on >= on},
                           can_delegate=services.can_delegate(user), on=on)


def _others() -> list[User]:
    """Only those the service accepts: people who sign at the user's levels."""
    return services.eligible_delegates(acting_user())


@bp.route("/approvals/delegations", methods=["GET", "POST"])
@login_required
def delegations() -> str | Response | tuple[str, int]:
    form = DelegationForm(users=_others())
    if request.method == "GET":
        form.starts_on.data = today()
    return submit(form, lambda: services.delegate(
        acting_user(), delegate_id=form.delegate_id.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data),
        _("Delegated: they sign on your behalf in that period."),
        url_for("approvals.delegations"), lambda: _delegation_page(form))


@bp.post("/approvals/delegations/<int:delegation_id>/end")
@login_required
def end_delegation(delegation_id: int) -> Response | tuple[str, int]:
    delegation, user = loaded(ApprovalDelegation, delegation_id), acting_user()
    return press(lambda: services.cancel_delegation(user, delegation),
                 _("The delegation is ended."), url_for("approvals.delegations"),
                 lambda: _delegation_page(DelegationForm(users=_others())))


# --- HQ's levels ---------------------------------------------------------------------------------


def _levels_page(form: LevelForm) -> str:
    levels = chain.configured_levels()
    # The moves offered are those the service would make (`services.move_refusal`).
    movable = {(level.id, up) for level in levels for up in (True, False)
               if services.move_refusal(level, up, levels) is None}
    return render_template("approvals/levels.html", form=form, levels=levels,
                           default=not levels, movable=movable)


@bp.route("/admin/approval-levels", methods=["GET", "POST"])
@requires(ApprovalLevel.can_configure)
def levels() -> str | Response | tuple[str, int]:
    form = LevelForm(users=services.possible_approvers())
    return submit(form, lambda: services.add_level(
        acting_user(), name=form.name.data, name_en=form.name_en.data,
        director=bool(form.director.data), approver_ids=list(form.approver_ids.data or []),
        applies_to=AppliesTo(form.applies_to.data)),
        _("The level is added."), url_for("approvals.levels"), lambda: _levels_page(form))


@bp.post("/admin/approval-levels/<int:level_id>/move")
@requires(ApprovalLevel.can_configure)
def move_level(level_id: int) -> Response | tuple[str, int]:
    level = loaded(ApprovalLevel, level_id, may=None)
    up = request.form.get("direction") != "down"
    return press(lambda: services.move_level(acting_user(), level, up),
                 _("The level is moved up.") if up else _("The level is moved down."),
                 url_for("approvals.levels"), lambda: _levels_page(LevelForm()))


@bp.post("/admin/approval-levels/<int:level_id>/remove")
@requires(ApprovalLevel.can_configure)
def remove_level(level_id: int) -> Response | tuple[str, int]:
    level = loaded(ApprovalLevel, level_id, may=None)
    return press(lambda: services.remove_level(acting_user(), level), _("The level is removed."),
                 url_for("approvals.levels"), lambda: _levels_page(LevelForm()))
