"""The project-manager register's pages: the register (HQ-wide roles: every record and the new
PMs per year; a director: their institutes' PMs), one record with its interviews, terms, teams
and figures (HQ-wide roles, the director of its institute, the PM themself), and HQ admins'
forms: a candidate, a correction, each step of the table."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.dates import today
from tracker.display.collation import ordered
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.display.said import listed
from tracker.export import responses as exports
from tracker.organisations.listing import staff_choices
from tracker.organisations.models import Institute
from tracker.pms import interviews, services
from tracker.pms.columns import NEW_PM_COLUMNS, RECORD_COLUMNS, TEAM_COLUMNS, RegisterLine
from tracker.pms.figures import figures, first_appointments
from tracker.pms.forms import (
    AppointForm,
    EndForm,
    InterviewCorrectionForm,
    InterviewForm,
    ReasonForm,
    RecordForm,
    TeamForm,
    TermForm,
)
from tracker.pms.models import PmInterview, PmRecord, PmTeam, PmTerm, pm_team_members
from tracker.pms.register import PmState, PmStep, steps_from
from tracker.techfields import services as techfields
from tracker.web.actions import submit
from tracker.web.corrections import WithdrawForm, correctable, correction_page, offered, reason_page
from tracker.web.navigation import choice_arg, paginate
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("pms", __name__, url_prefix="/pms")

YEARS_SHOWN = 5



@bp.get("/")
@requires(PmRecord.can_open_register)
def register() -> str | Response:
    """Every record (HQ-wide roles) or the director's institutes' ones, by state, with each
    appointed PM's figures; HQ-wide roles also see the new PMs of the last years. Each of the
    three tables is a file too: `?export=csv|xlsx` the records (with the state chosen),
    `&table=teams` the teams, `&table=new` the new PMs per year (tracker/pms/columns.py)."""
    user = acting_user()
    table = choice_arg("table", _l("Table"), {"records", "teams", "new"}, "records")
    fmt = exports.requested()
    if fmt and table == "new" and not PmRecord.can_see_register(user):
        abort(403)  # HQ's figure: the page does not show it to a director either
    query = (select(PmRecord).options(selectinload(PmRecord.institute),
                                      selectinload(PmRecord.terms))
             .order_by(PmRecord.name, PmRecord.id))
    if not PmRecord.can_see_register(user):
        query = query.where(PmRecord.institute_id.in_(user.directed_institute_ids))
    state = choice_arg("state", _l("State"), {s.value for s in PmState})
    if state:
        query = query.where(PmRecord.state == PmState(state))
    # The page's records with their PMs' figures; every record in the file.
    page = paginate(query) if not (fmt and table == "records") else None
    records = page.items if page else db.session.scalars(query).all()
    found = figures([r.user_id for r in records if r.user_id])
    lines = [RegisterLine(r, found.get(r.user_id)) for r in records]
    new_pms = None
    if PmRecord.can_see_register(user):
        this_year = today().year
        years = list(range(this_year - YEARS_SHOWN + 1, this_year + 1))
        by_year: Counter[int] = Counter()
        for (_institute, year), count in first_appointments(years).items():
            by_year[year] += count
        new_pms = [(year, by_year[year]) for year in years]
    teams = db.session.scalars(select(PmTeam).options(
        selectinload(PmTeam.lead), selectinload(PmTeam.members)).order_by(PmTeam.name)).all()
    if not PmRecord.can_see_register(user):
        teams = [t for t in teams if t.can_view(user)]
    if fmt:
        columns, rows, name, title = {
            "records": (RECORD_COLUMNS, lines, "pm-register", _("Project-manager register")),
            "teams": (TEAM_COLUMNS, teams, "pm-teams", _("PM teams")),
            "new": (NEW_PM_COLUMNS, new_pms or [], "new-pms-per-year",
                    _("New project managers per year")),
        }[table]
        return exports.send(columns, rows, name, fmt, title=title)
    return render_template("pms/register.html", page=replace(page, items=lines), teams=teams,
                           states=list(PmState), state=state, new_pms=new_pms,
                           can_manage=PmRecord.can_manage(user), record_columns=RECORD_COLUMNS,
                           team_columns=TEAM_COLUMNS, new_pm_columns=NEW_PM_COLUMNS)


def _record(record_id: int, *options) -> PmRecord:
    record = loaded(PmRecord, record_id, options=options)
    return record


@bp.get("/<int:record_id>")
@login_required
def show(record_id: int) -> str:
    record = _record(record_id, selectinload(PmRecord.fields),
                     selectinload(PmRecord.interviews).selectinload(PmInterview.panel),
                     selectinload(PmRecord.terms).selectinload(PmTerm.institute))
    teams = db.session.scalars(
        select(PmTeam).options(selectinload(PmTeam.lead), selectinload(PmTeam.members))
        .outerjoin(pm_team_members, pm_team_members.c.team_id == PmTeam.id)
        .where(or_(PmTeam.lead_id == record.id, pm_team_members.c.record_id == record.id))
        .distinct().order_by(PmTeam.name)).all()
    found = figures([record.user_id]).get(record.user_id) if record.user_id else None
    user = acting_user()
    can_manage = PmRecord.can_manage(user)
    return render_template("pms/show.html", record=record, teams=teams, figures=found,
                           steps=steps_from(record.state) if can_manage else [],
                           can_manage=can_manage,
                           correctable={i.id for i in record.interviews if i.can_correct(user)
                                        and interviews.interview_refusal(i) is None},
                           corrected=interviews.corrected_of(record))


def _to_record(interview: PmInterview) -> str:
    return url_for("pms.show", record_id=interview.record_id) + "#interviews"


def _interview_facts(interview: PmInterview) -> list[tuple[str, str]]:
    return [(_("Candidate"), interview.record.name), (_("Held on"), day(interview.held_on)),
            (_("Panel"), listed(u.name for u in interview.panel)),
            (_("Interview outcome"), label(interview.outcome)),
            (_("Notes"), interview.notes or "—")]


def _interview_page(form, interview: PmInterview, title: str, explanation: str,
                    button: str) -> str:
    return correction_page(form=form, back=_to_record(interview), title=title,
                           facts=_interview_facts(interview), explanation=explanation,
                           button=button)


@bp.route("/interviews/<int:interview_id>/correct", methods=["GET", "POST"])
@login_required
def correct_interview(interview_id: int) -> str | Response | tuple[str, int]:
    """HQ corrects an interview until the candidate is appointed or not on it (then 409)."""
    interview = correctable(db.session.get(PmInterview, interview_id), PmInterview.can_correct,
                            interviews.interview_refusal, acting_user(), _to_record)
    form = InterviewCorrectionForm(obj=interview, interview=interview)
    form.panel_ids.choices = _people()
    return submit(
        form, lambda: interviews.correct_interview(
            acting_user(), interview, held_on=form.held_on.data,
            panel_ids=form.panel_ids.data or [],
            outcome=form.outcome.data, notes=form.notes.data, reason=form.reason.data),
        _("Interview corrected."), _to_record(interview),
        lambda: _interview_page(form, interview, _("Correct an interview"),
                                _("The record's history keeps the interview as it was and as "
                                  "corrected, with the reason."), _("Correct the interview")),
        record=interview)


@bp.route("/interviews/<int:interview_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_interview(interview_id: int) -> str | Response | tuple[str, int]:
    interview = correctable(db.session.get(PmInterview, interview_id),
                            PmInterview.can_withdraw, interviews.interview_refusal, acting_user(),
                            _to_record)
    return reason_page(
        WithdrawForm(), interviews.withdraw_interview, interview,
        done=_("Interview withdrawn: it stays on the record's page, marked so."),
        back=_to_record(interview), title=_("Withdraw an interview recorded by mistake"),
        facts=_interview_facts(interview), button=_("Withdraw it"),
        explanation=_("The interview stays on the record's page, marked withdrawn; with no "
                      "other interview standing, the person is a candidate again."))


def _institutes() -> list[tuple[int, str]]:
    return [(0, _("None yet"))] + ordered(
        (i.id, i.shown("name")) for i in db.session.scalars(select(Institute)))


def _record_form(record: PmRecord | None) -> RecordForm:
    form = RecordForm(obj=record)
    form.institute_id.choices = _institutes()
    form.field_ids.choices = [(f.id, f.shown("name")) for f in techfields.offered()]
    if record is not None and not form.is_submitted():
        form.field_ids.data = [f.id for f in record.fields]
    return form


def _record_call(record: PmRecord | None, form: RecordForm):
    """The service call the record's form makes, for `submit`."""
    return lambda: services.save_record(
        acting_user(), record, name=form.name.data, email=form.email.data, origin=form.origin.data,
        institute_id=form.institute_id.data or None, field_ids=form.field_ids.data or [],
        note=form.note.data or "")


def _to_record(saved) -> str:
    record_id = saved.id if isinstance(saved, PmRecord) else saved.record_id
    return url_for("pms.show", record_id=record_id)


@bp.route("/new", methods=["GET", "POST"])
@requires(PmRecord.can_manage)
def new() -> Response | tuple[str, int]:
    form = _record_form(None)
    return submit(form, _record_call(None, form), _("Candidate recorded."), _to_record,
                  lambda: render_template("pms/record_form.html", form=form, record=None))


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@requires(PmRecord.can_manage)
def edit(record_id: int) -> Response | tuple[str, int]:
    record = _record(record_id)
    form = _record_form(record)
    return submit(form, _record_call(record, form), _("Saved."), _to_record,
                  lambda: render_template("pms/record_form.html", form=form, record=record),
                  record=record)


def _people() -> list[tuple[int, str]]:
    """Staff by id and name (`staff_choices`: no account loaded as a record)."""
    return [(row.id, row.name) for row in staff_choices()]


def _step_form(record: PmRecord, step: PmStep):
    """The form of `step` and the service call it makes."""
    user = acting_user()
    if step is PmStep.INTERVIEW:
        form = InterviewForm()
        form.panel_ids.choices = _people()
        return form, lambda: services.record_interview(
            user, record, held_on=form.held_on.data, panel_ids=form.panel_ids.data or [],
            outcome=form.outcome.data, notes=form.notes.data or "")
    if step is PmStep.DECLINE:
        form = ReasonForm()
        return form, lambda: services.decline(user, record, form.reason.data)
    if step is PmStep.END:
        form = EndForm()
        return form, lambda: services.end_appointment(user, record, ended_on=form.ended_on.data,
                                                      reason=form.reason.data)
    form = AppointForm() if step is PmStep.APPOINT else TermForm()
    form.institute_id.choices = _institutes()
    if not form.is_submitted():
        form.institute_id.data = record.institute_id
    if step is PmStep.RENEW:
        return form, lambda: services.renew(
            user, record, institute_id=form.institute_id.data, starts_on=form.starts_on.data,
            ends_on=form.ends_on.data)
    form.user_id.choices = [(0, _("The account of the record's e-mail, or a new one"))] + \
        _people()
    return form, lambda: services.appoint(
        user, record, institute_id=form.institute_id.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, user_id=form.user_id.data or None,
        password=form.password.data or "")


def _step_said(step: PmStep) -> str:
    return {PmStep.INTERVIEW: _("Interview recorded."), PmStep.APPOINT: _("Appointed."),
            PmStep.DECLINE: _("Recorded: not appointed."),
            PmStep.RENEW: _("Appointment renewed."), PmStep.END: _("Appointment ended.")}[step]


@bp.route("/<int:record_id>/<step>", methods=["GET", "POST"])
@requires(PmRecord.can_manage)
def step(record_id: int, step: str) -> Response | tuple[str, int]:
    record = _record(record_id)
    if step not in {s.value for s in PmStep}:
        abort(404)
    taken = PmStep(step)
    offered(services.step_refusal(record, taken), url_for("pms.show", record_id=record.id))
    form, call = _step_form(record, taken)
    return submit(form, call, _step_said(taken),
                  lambda _r: url_for("pms.show", record_id=record.id),
                  lambda: render_template("pms/step_form.html", form=form, record=record,
                                          step=taken))


def _team_form(team: PmTeam | None) -> TeamForm:
    form = TeamForm(obj=team)
    # Ids and names only, one statement of two columns: a PM each at full size (issue 21).
    appointed = ordered((r.id, r.name) for r in db.session.execute(
        select(PmRecord.id, PmRecord.name).where(PmRecord.state == PmState.APPOINTED)))
    form.lead_id.choices = appointed
    form.member_ids.choices = appointed
    if team is not None and not form.is_submitted():
        form.member_ids.data = [r.id for r in team.members]
    return form


def _save_team(team: PmTeam | None, form: TeamForm):
    return lambda: services.save_team(acting_user(), team, name=form.name.data,
                                      lead_id=form.lead_id.data,
                                      member_ids=form.member_ids.data or [])


@bp.route("/teams/new", methods=["GET", "POST"])
@requires(PmRecord.can_manage)
def new_team() -> Response | tuple[str, int]:
    form = _team_form(None)
    return submit(form, _save_team(None, form), _("Team formed."),
                  lambda _t: url_for("pms.register"),
                  lambda: render_template("pms/team_form.html", form=form, team=None))


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@requires(PmRecord.can_manage)
def edit_team(team_id: int) -> Response | tuple[str, int]:
    team = loaded(PmTeam, team_id, may=None)
    form = _team_form(team)
    return submit(form, _save_team(team, form), _("Saved."),
                  lambda _t: url_for("pms.register"),
                  lambda: render_template("pms/team_form.html", form=form, team=team),
                  record=team)
