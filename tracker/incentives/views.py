"""Pages of a company's equity incentives: the pool, its grants and the cap table issued and
fully diluted; a grant's page with its vesting; granting, exercising, a leaver's forfeiture and
corrections (HQ admins and the investment committee: `Company.can_manage`)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker import reversals as ledger_reversals
from tracker.accounts.models import User
from tracker.companies import ledger
from tracker.companies.models import Company
from tracker.companies.views import load_company
from tracker.dates import today
from tracker.display.formatting import day, number
from tracker.export import responses as exports
from tracker.incentives import columns, dilution, exits, fixed, previews, reversals, services
from tracker.incentives.forms import ExerciseForm, ForfeitForm, GrantEditForm, GrantForm
from tracker.incentives.models import IncentiveGrant, OptionExercise
from tracker.web.actions import submit
from tracker.web.corrections import ReasonForm, offered, reversal_page, reversible
from tracker.web.navigation import choice_arg, date_arg
from tracker.web.permissions import acting_user, found, requires

bp = Blueprint("incentives", __name__)



def _grant_or_404(grant_id: int) -> IncentiveGrant:
    """The grant, or 404 unless the user may see it (its holder, or who sees the company; who
    may change it: the pages' `requires`, asked first)."""
    return found(db.session.scalar(select(IncentiveGrant).where(IncentiveGrant.id == grant_id)
                               .options(selectinload(IncentiveGrant.all_exercises))))


def _to_grant(grant: IncentiveGrant) -> str:
    return url_for("incentives.show", grant_id=grant.id)


@bp.get("/companies/<int:company_id>/incentives")
@login_required
def company(company_id: int) -> str | Response:
    """The pool, each grant's vesting and the cap table issued and fully diluted, every figure
    as of one date: `?on=` (400 when it is no date of the business range), today without it.
    The pool's figures are its row of the fully diluted table, so they add up with it. Each
    table is a file of that date too: `?export=csv|xlsx`, the pools; `&table=grants`,
    `&table=diluted` the others (tracker/incentives/columns.py)."""
    company = load_company(company_id)
    on = date_arg("on", today())
    table_asked = choice_arg("table", _l("Table"), {"pools", "grants", "diluted"}, "pools")
    grants = [columns.GrantLine(g, on) for g in services.grants_of(company) if g.granted_on <= on]
    table = dilution.fully_diluted(ledger.cap_table(company, on), [g.grant for g in grants])
    pools = dilution.pools(table, services.pools(company))
    foot = columns.diluted_total(table)
    if fmt := exports.requested():
        chosen, rows, title = {
            "pools": (columns.POOL_COLUMNS, pools, _("Incentive pool")),
            "grants": (columns.GRANT_COLUMNS, grants, _("Grants")),
            "diluted": (columns.DILUTED_COLUMNS, [*table.rows, foot],
                        _("Cap table: issued and fully diluted")),
        }[table_asked]
        return exports.send(chosen, rows, f"incentives-{table_asked}-{company.id}", fmt,
                            title=title, on=on)
    return render_template("incentives/company.html", company=company, on=on, grants=grants,
                           table=table, pools=pools, foot=foot, columns=columns,
                           can_manage=Company.can_manage(acting_user()),
                           may_grant=services.grant_refusal(company) is None)


@bp.route("/companies/<int:company_id>/incentives/new", methods=["GET", "POST"])
@requires(IncentiveGrant.can_manage)
def new_grant(company_id: int) -> str | Response | tuple[str, int]:
    company = load_company(company_id)
    offered(services.grant_refusal(company), url_for("incentives.company", company_id=company.id))
    form = GrantForm(pools=services.pools(company), users=services.grantees(company))

    def call() -> IncentiveGrant:
        values = {name: getattr(form, name).data for name in (
            "pool_id", "person_name", "kind", "shares", "exercise_price", "granted_on",
            "vesting_start", "vesting_months", "cliff_months", "lock_up_until",
            "exercise_window_days", "note")}
        values["user"] = db.session.get(User, form.user_id.data) if form.user_id.data > 0 else None
        return services.grant(acting_user(), company, **values)

    return submit(form, call, _("Grant recorded."), _to_grant,
                  lambda: render_template("incentives/form.html", form=form, company=company,
                                          grant=None, title=_("New incentive grant")),
                  preview=previews.grant)


@bp.get("/incentives/grants/<int:grant_id>")
@login_required
def show(grant_id: int) -> str:
    grant = _grant_or_404(grant_id)
    on, user = today(), acting_user()
    return render_template("incentives/show.html", grant=grant, on=on, state=grant.state(on),
                           may_exercise=grant.can_exercise(user)
                           and exits.exercise_form_refusal(grant, on) is None,
                           may_record_leaving=grant.can_record_leaving(user)
                           and grant.recording_leaving_refusal() is None,
                           exit_sentence=exits.exit_sentence(grant),
                           exit_=grant.exit_by(on),
                           window_days=services.window_days(grant),
                           held=ledger.cap_table(grant.company, on).shares_of_holder(
                               grant.holder_id),
                           steps=grant.steps(),
                           can_manage=grant.can_manage(user),
                           can_reverse_leaving=grant.can_reverse_leaving(user)
                           and grant.leaving_refusal() is None,
                           reversible_exercises=ledger_reversals.offered_to(
                               user, grant.all_exercises, OptionExercise.refusal),
                           sees_company=grant.company.can_view(user))


@bp.route("/incentives/grants/<int:grant_id>/edit", methods=["GET", "POST"])
@requires(IncentiveGrant.can_manage)
def edit(grant_id: int) -> str | Response | tuple[str, int]:
    grant = _grant_or_404(grant_id)
    form = GrantEditForm(obj=grant if request.method == "GET" else None)
    for names, said in fixed.fixed_fields(grant).items():
        for name in names:
            getattr(form, name).render_kw = {"readonly": True}
        getattr(form, names[0]).description = said
    return submit(form, lambda: services.update_grant(acting_user(), grant, **{
                      name: getattr(form, name).data for name in services.EDITABLE}),
                  _("Saved."), _to_grant(grant),
                  lambda: render_template("incentives/form.html", form=form,
                                          company=grant.company, grant=grant,
                                          title=_("Correct the grant")), record=grant)


@bp.route("/incentives/grants/<int:grant_id>/exercise", methods=["GET", "POST"])
@requires(IncentiveGrant.can_manage)
def exercise(grant_id: int) -> str | Response | tuple[str, int]:
    grant = _grant_or_404(grant_id)
    offered(exits.exercise_form_refusal(grant, today()), _to_grant(grant))
    form = ExerciseForm()
    return submit(form, lambda: services.exercise(acting_user(), grant, form.on_date.data,
                                                  form.shares.data),
                  _("Exercise recorded: the shares moved from the pool."), _to_grant(grant),
                  lambda: render_template("incentives/form.html", form=form,
                                          company=grant.company, grant=grant,
                                          title=_("Record an exercise")))


@bp.route("/incentives/grants/<int:grant_id>/forfeit", methods=["GET", "POST"])
@requires(IncentiveGrant.can_manage)
def forfeit(grant_id: int) -> str | Response | tuple[str, int]:
    grant = _grant_or_404(grant_id)
    offered(grant.recording_leaving_refusal(), _to_grant(grant))
    form = ForfeitForm()
    return submit(form, lambda: services.forfeit(acting_user(), grant, form.left_on.data,
                                                 form.reason.data),
                  _("Leaving recorded: what was unvested returned to the pool."),
                  _to_grant(grant),
                  lambda: render_template("incentives/form.html", form=form,
                                          company=grant.company, grant=grant,
                                          title=_("The person left")),
                  preview=lambda _result: previews.leaving(grant))


# --- corrections: an exercise or a leaving recorded by mistake, reversed (F6) --------------


@bp.route("/incentives/exercises/<int:exercise_id>/reverse", methods=["GET", "POST"])
@requires(Company.can_manage)
def reverse_exercise(exercise_id: int) -> Response | tuple[str, int]:
    done = reversible(db.session.get(OptionExercise, exercise_id), OptionExercise.refusal,
                      acting_user(), lambda e: _to_grant(e.grant))
    grant = done.grant
    form = ReasonForm()
    facts = [(_("Person"), grant.person_name), (_("Company"), grant.company.name),
             (_("Exercised on"), day(done.on_date)),
             (_("Number of options exercised"), number(done.shares))]
    return reversal_page(
        form, reversals.reverse_exercise, done,
        done=_("Exercise reversed: the shares are back in the pool, the options outstanding "
               "again; both stay in the ledger."), back=_to_grant(grant),
        title=_("Reverse an exercise"), facts=facts, button=_("Reverse the exercise"),
        explanation=_("A reversing entry is written beside the exercise's transfer from the "
                      "pool: the exercise no longer counts in the cap table, the options that "
                      "can be exercised or the pool's promise, and stays on the grant's page, "
                      "marked reversed."))


@bp.route("/incentives/grants/<int:grant_id>/leaving/reverse", methods=["GET", "POST"])
@requires(Company.can_manage)
def reverse_leaving(grant_id: int) -> Response | tuple[str, int]:
    grant = reversible(db.session.get(IncentiveGrant, grant_id), IncentiveGrant.leaving_refusal,
                       acting_user(), _to_grant, may=IncentiveGrant.can_reverse_leaving)
    form = ReasonForm()
    facts = [(_("Person"), grant.person_name), (_("Company"), grant.company.name),
             (_("Left on"), day(grant.left_on)),
             (_("Forfeited"), f"{number(grant.forfeited)} · {grant.forfeit_reason}")]
    return reversal_page(
        form, reversals.reverse_leaving, grant,
        done=_("Leaving reversed: the grant is restored and vests again."),
        back=_to_grant(grant), title=_("Reverse the leaving"), facts=facts,
        button=_("Reverse the leaving"),
        explanation=_("The grant is as before the leaving: nothing is forfeited, its vesting "
                      "goes on, and there is no exercise window or lapse; shares that went "
                      "back to the pool return to the person by a reversing entry. The "
                      "leaving stays in the grant's history."))
