"""The pages of the achievement and IP register: the list, an achievement with its
contributors and rights, a right with its annuities. Licences and transfers of an achievement
are tracker/achievements/deal_views.py."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db, voids
from tracker.achievements import annuities, services, spinoff_deals, withdrawals
from tracker.achievements.columns import ACHIEVEMENT_COLUMNS
from tracker.achievements.forms import (
    MORE_ROWS,
    AchievementForm,
    AnnuityEditForm,
    AnnuityForm,
    AnnuityPaidForm,
    MoveForm,
    RightForm,
)
from tracker.achievements.models import (
    KIND_FIELDS,
    Achievement,
    Annuity,
    Contributor,
    IpRight,
    RightKind,
)
from tracker.achievements.queries import achievement_transfers, contributor_candidates
from tracker.display.formatting import day, money
from tracker.display.said import listed
from tracker.export import responses as exports
from tracker.imports import page_files
from tracker.projects.models import Project
from tracker.projects.views import load_project
from tracker.projects.visibility import visible_to
from tracker.search import matching
from tracker.web.actions import submit
from tracker.web.corrections import (
    ReasonForm,
    ReverseForm,
    offered,
    reason_page,
    reversal_page,
    reversible,
)
from tracker.web.navigation import paginate, text_arg
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("achievements", __name__)



def load_achievement(achievement_id: int, manage: bool = False,
                     keep_input: bool = True) -> Achievement:
    """404 unless the user sees it; 403 when `manage` and they may not keep it; 409 when
    `manage` and it was withdrawn: above the form as sent when `keep_input`, else alone."""
    achievement = loaded(Achievement, achievement_id)
    if manage and not achievement.can_manage(acting_user()):
        abort(403)
    if manage:
        offered(voids.refusal(achievement),
                url_for("achievements.show", achievement_id=achievement.id),
                keep_input=keep_input)
    return achievement


def _load_right(right_id: int, manage: bool = False, *, page: bool = False) -> IpRight:
    """`page`: with its annuities and their reversals, which its page lists, in one statement
    each, read again if the session holds it (expired by a refused form's rollback)."""
    right = loaded(IpRight, right_id, may=None, options=[  # seen when its achievement is, below
        selectinload(IpRight.annuities).selectinload(Annuity.reversals)] if page else (),
        populate_existing=page)
    load_achievement(right.achievement_id, manage)
    if manage:
        offered(voids.refusal(right),
                url_for("achievements.right", right_id=right.id), keep_input=True)
    return right


@bp.get("/achievements/")
@requires(Achievement.can_list)
def index() -> str | Response:
    """The register: the achievements of the projects the user sees, and those they
    contributed to; `?export=csv|xlsx`: the whole filtered list as a file."""
    user = acting_user()
    q = text_arg("q")
    query = (select(Achievement).join(Project, Project.id == Achievement.project_id)
             .where(Achievement.standing(), or_(
                 visible_to(user), Achievement.contributors.any(
                     Contributor.user_id == user.id)))
             .options(selectinload(Achievement.project).selectinload(Project.institute),
                      selectinload(Achievement.rights), selectinload(Achievement.contributors))
             .order_by(Achievement.created_at.desc(), Achievement.id.desc()))
    if q:  # a title, a project code, a right's number, a contributor's name
        query = query.where(or_(
            matching(q, Achievement.title, Project.code),
            Achievement.rights.any(matching(q, IpRight.number)),
            Achievement.contributors.any(matching(q, Contributor.name))))
    if asked := page_files.requested(user, "achievements"):
        return page_files.send(asked, page_files.ids_of(query))
    if fmt := exports.requested():
        return exports.send(ACHIEVEMENT_COLUMNS, exports.stream(query), "achievements", fmt,
                            title=_("Achievements and IP"))
    return render_template("achievements/index.html", page=paginate(query), q=q,
                           columns=ACHIEVEMENT_COLUMNS,
                           for_import=page_files.offered(user, "achievements"))


def _achievement_form(project: Project, achievement: Achievement | None) -> AchievementForm:
    """Every contributor recorded has its row, with room for more; "More rows" (a button that
    saves nothing: the page works without script) sends the form back with more."""
    recorded = achievement.contributors if achievement is not None else []
    form = AchievementForm(obj=achievement if request.method == "GET" else None,
                           users=contributor_candidates(project),
                           rows=len(recorded) + MORE_ROWS if request.method == "GET" else 0)
    if request.method == "GET":
        for row, contributor in zip(form.contributors, recorded, strict=False):
            row.form.user_id.data = contributor.user_id or 0
            row.form.name.data = "" if contributor.user_id else contributor.name
            row.form.share_pct.data = contributor.share_pct
    elif request.form.get("more_rows"):
        form.add_rows(MORE_ROWS)
    return form


def _more_rows(form: AchievementForm, page) -> str | None:
    """The form sent back with more rows, nothing saved and nothing refused yet."""
    return page() if request.method == "POST" and request.form.get("more_rows") else None


def _lines(form: AchievementForm) -> list[services.ContributorLine]:
    return [services.ContributorLine(user_id=row.user_id.data or None, name=row.name.data or "",
                                     share_pct=row.share_pct.data, row=i)
            for i, row in form.numbered_rows()]


@bp.route("/projects/<int:project_id>/achievements/new", methods=["GET", "POST"])
@login_required
def new(project_id: int) -> str | Response | tuple[str, int]:
    project = load_project(project_id)
    if not Achievement.can_record(acting_user(), project):
        abort(403)
    offered(withdrawals.record_refusal(project), url_for("projects.show", project_id=project.id))
    form = _achievement_form(project, None)

    def page() -> str:
        return render_template("achievements/form.html", form=form, project=project,
                               achievement=None)

    return _more_rows(form, page) or submit(form, lambda: services.save_achievement(
        acting_user(), project, None, title=form.title.data, description=form.description.data,
        contributors=_lines(form)),
        _("Achievement recorded."),
        lambda achievement: url_for("achievements.show", achievement_id=achievement.id), page)


@bp.get("/achievements/<int:achievement_id>")
@login_required
def show(achievement_id: int) -> str:
    achievement, user = load_achievement(achievement_id), acting_user()
    return render_template(
        "achievements/show.html", achievement=achievement, may_list=Achievement.can_list(user),
        may_manage=achievement.can_change(user)
        and withdrawals.withdrawn_refusal(achievement) is None,
        may_withdraw=achievement.can_change(user)
        and withdrawals.achievement_refusal(achievement) is None,
        may_move=achievement.can_change(user) and withdrawals.move_refusal(achievement) is None,
        statements={c.id for c in achievement.contributors if c.can_read_statement(user)},
        transfers=achievement_transfers(achievement),
        company_deals=spinoff_deals.of_achievement(achievement, user),
        may_record_deal=spinoff_deals.may_record(user, achievement))


@bp.route("/achievements/<int:achievement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(achievement_id: int) -> str | Response | tuple[str, int]:
    achievement = load_achievement(achievement_id, manage=True)
    form = _achievement_form(achievement.project, achievement)

    def page() -> str:
        return render_template("achievements/form.html", form=form,
                               project=achievement.project, achievement=achievement)

    return _more_rows(form, page) or submit(form, lambda: services.save_achievement(
        acting_user(), achievement.project, achievement, title=form.title.data,
        description=form.description.data, contributors=_lines(form)),
        _("Saved."), url_for("achievements.show", achievement_id=achievement.id), page,
        record=achievement)


def _right_values(form: RightForm, **fixed) -> dict:
    """The form's values; a field its kind does not offer is given as empty."""
    return {name: getattr(form, name).data if name in form else None
            for name in services.RIGHT_FIELDS} | fixed


def _kind(value: str | None) -> RightKind | None:
    return RightKind(value) if value in set(RightKind) else None


@bp.route("/achievements/<int:achievement_id>/rights/new", methods=["GET", "POST"])
@login_required
def new_right(achievement_id: int) -> str | Response | tuple[str, int]:
    """A right of the kind chosen first (`?kind=`): its form offers what that kind records."""
    kind = _kind(request.args.get("kind"))
    # No kind chosen: no form whose input to keep; withdrawn, a refusal page (409), not the
    # kinds to choose from.
    achievement = load_achievement(achievement_id, manage=True, keep_input=kind is not None)
    if kind is None:
        return render_template("achievements/right_kinds.html", achievement=achievement,
                               kinds=list(RightKind))
    form = RightForm().only_for({kind})
    del form.kind
    return submit(form, lambda: services.save_right(acting_user(), achievement, None,
                                                    **_right_values(form, kind=kind)),
                  _("Right recorded."),
                  lambda right: url_for("achievements.right", right_id=right.id),
                  lambda: render_template("achievements/right_form.html", form=form,
                                          achievement=achievement, right=None, kind=kind))


def _right_page(right_id: int, annuity_form: AnnuityForm | None = None,
                failed: tuple | None = None) -> str:
    """Loaded with what it lists, also when shown again after a refused form."""
    found = _load_right(right_id, page=True)
    return render_template(
        "achievements/right.html", right=found, **withdrawals.right_offers(acting_user(), found),
        annuity_form=annuity_form or AnnuityForm(formdata=None), paid_form=AnnuityPaidForm,
        not_listed=annuities.listing_refusal(found), failed=failed)


@bp.get("/ip-rights/<int:right_id>")
@login_required
def right(right_id: int) -> str:
    return _right_page(right_id)


@bp.route("/ip-rights/<int:right_id>/edit", methods=["GET", "POST"])
@login_required
def edit_right(right_id: int) -> str | Response | tuple[str, int]:
    found = _load_right(right_id, manage=True)
    # Its kind's fields, and a new kind's while it is being changed (a field the new kind does
    # not record, still filled, is refused beside it); a value its kind never had (recorded
    # before the rule) is shown to be emptied.
    kinds = {found.kind} | ({k} if (k := _kind(request.form.get("kind"))) else set())
    held = {name for name in KIND_FIELDS if getattr(found, name) not in (None, "")}
    form = RightForm(obj=found if request.method == "GET" else None).only_for(kinds, held)
    if request.method == "GET" and "patent_type" in form:
        form.patent_type.data = found.patent_type.value if found.patent_type else ""
    return submit(form, lambda: services.save_right(acting_user(), found.achievement, found,
                                                    **_right_values(form)),
                  _("Saved."), url_for("achievements.right", right_id=found.id),
                  lambda: render_template("achievements/right_form.html", form=form,
                                          achievement=found.achievement, right=found),
                  record=found)


@bp.post("/ip-rights/<int:right_id>/annuities")
@login_required
def add_annuity(right_id: int) -> Response | tuple[str, int]:
    found = _load_right(right_id, manage=True)
    form = AnnuityForm()
    return submit(form, lambda: services.add_annuity(
        acting_user(), found, year_no=form.year_no.data, due_on=form.due_on.data,
        fee=form.fee.data),
        _("Annuity listed: its reminders start."),
        url_for("achievements.right", right_id=found.id),
        lambda: _right_page(right_id, annuity_form=form))


@bp.post("/annuities/<int:annuity_id>/pay")
@login_required
def pay_annuity(annuity_id: int) -> Response | tuple[str, int]:
    annuity, form = _load_annuity(annuity_id), AnnuityPaidForm(id_prefix=f"annuity-{annuity_id}")
    return submit(form, lambda: services.pay_annuity(
        acting_user(), annuity, paid_on=form.paid_on.data, amount=form.amount.data,
        late_fee_reason=form.late_fee_reason.data or ""),
        _("Annuity paid: its reminders stop."), _to_right(annuity),
        lambda: _right_page(annuity.right_id, failed=(annuity.id, form)))


def _load_annuity(annuity_id: int) -> Annuity:
    """404 unless the user sees its patent; 403 unless they keep the register."""
    annuity = loaded(Annuity, annuity_id, may=None)  # seen when its right is:
    _load_right(annuity.right_id, manage=True)
    return annuity


def _to_right(annuity: Annuity) -> str:
    return url_for("achievements.right", right_id=annuity.right_id)


@bp.route("/annuities/<int:annuity_id>/edit", methods=["GET", "POST"])
@login_required
def edit_annuity(annuity_id: int) -> str | Response | tuple[str, int]:
    """An unpaid annuity's due date or fee, recorded wrongly, corrected."""
    annuity = _load_annuity(annuity_id)
    offered(annuities.edit_refusal(annuity), back := _to_right(annuity))
    form = AnnuityEditForm(obj=annuity if request.method == "GET" else None)
    return submit(form, lambda: annuities.edit_annuity(
        acting_user(), annuity, due_on=form.due_on.data, fee=form.fee.data),
        _("Annuity corrected: its reminders follow the new due date."), back,
        lambda: render_template("achievements/annuity_form.html", form=form,
                                annuity=annuity), record=annuity)


@bp.route("/annuities/<int:annuity_id>/reverse", methods=["GET", "POST"])
@login_required
def reverse_annuity(annuity_id: int) -> str | Response | tuple[str, int]:
    """A payment recorded by mistake, reversed with a reason: the annuity is due again."""
    annuity = reversible(db.session.get(Annuity, annuity_id), annuities.reverse_refusal,
                         acting_user(), _to_right)
    form = ReverseForm()
    right_ = annuity.right
    facts = [(_("Right"), right_.name), (_("Patent year"), str(annuity.year_no)),
             (_("Due on"), day(annuity.due_on)), (_("Fee"), money(annuity.fee)),
             (_("Fee paid on"), day(annuity.paid_on)),
             (_("Fee paid"), money(annuity.paid_amount))]
    return reversal_page(
        form, annuities.reverse_payment, annuity,
        done=_("Payment reversed: both stay on the patent's page, and the annuity is due "
               "again."), back=_to_right(annuity), title=_("Reverse an annuity's payment"),
        facts=facts, button=_("Reverse the fee paid"),
        explanation=_("The payment no longer counts: the annuity is due again and its "
                      "reminders resume. The payment stays on the patent's page, marked "
                      "reversed, with this reason."))


@bp.route("/achievements/<int:achievement_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(achievement_id: int) -> str | Response | tuple[str, int]:
    """An achievement recorded by mistake, withdrawn with its rights, when nothing depends on
    it (`withdrawals.achievement_refusal`, 409 otherwise)."""
    achievement = load_achievement(achievement_id, manage=True)
    back = url_for("achievements.show", achievement_id=achievement.id)
    offered(withdrawals.achievement_refusal(achievement), back)
    return reason_page(
        ReasonForm(), withdrawals.withdraw_achievement, achievement,
        done=_("Achievement withdrawn: it stays in the history, out of the lists, the figures "
               "and the reminders."), back=back,
        title=_("Withdraw an achievement recorded by mistake"), button=_("Withdraw it"),
        facts=[(_("Project"), f"{achievement.project.code or ''} {achievement.project.title}"),
               (_("Contributors"), listed(c.name for c in achievement.contributors)),
               (_("Rights withdrawn with it"),
                listed(r.name for r in achievement.standing_rights) or "—")],
        explanation=_("The achievement and its rights leave the register's lists, the annual "
                      "report and the reminders; their numbers can be registered again. They "
                      "stay, marked withdrawn, with their history."))


@bp.route("/ip-rights/<int:right_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_right(right_id: int) -> str | Response | tuple[str, int]:
    """A right recorded by mistake, withdrawn, when no annuity of it is paid."""
    found = _load_right(right_id, manage=True)
    back = url_for("achievements.right", right_id=found.id)
    offered(withdrawals.right_refusal(found), back)
    return reason_page(
        ReasonForm(), withdrawals.withdraw_right, found,
        done=_("Right withdrawn: it stays in the history, out of the lists, the figures and the "
               "reminders."), back=back,
        title=_("Withdraw a right recorded by mistake"), button=_("Withdraw it"),
        facts=[(_("Achievement"), found.achievement.title), (_("Right"), found.name),
               (_("Annuities"), str(len(found.annuities)))],
        explanation=_("The right leaves the achievement's list, the annual report and the "
                      "reminders of its annuities; its number can be registered again. It "
                      "stays, marked withdrawn, with its history."))


@bp.route("/achievements/<int:achievement_id>/move", methods=["GET", "POST"])
@login_required
def move(achievement_id: int) -> str | Response | tuple[str, int]:
    """An achievement recorded against the wrong project, moved with its rights, when no deal
    ties it to its project (`withdrawals.move_refusal`, 409 otherwise)."""
    achievement = load_achievement(achievement_id, manage=True)
    offered(withdrawals.move_refusal(achievement),
            url_for("achievements.show", achievement_id=achievement.id))
    form = MoveForm()
    return submit(
        form, lambda: withdrawals.move_achievement(acting_user(), achievement,
                                                   code=form.project.data or "",
                                                   reason=form.reason.data or ""),
        _("Achievement moved, with its rights and annuities."),
        url_for("achievements.show", achievement_id=achievement.id),
        lambda: render_template("achievements/move.html", form=form, achievement=achievement))
