"""The reports owed to funders: the network's list (late ones first to see), an obligation's
page with its reports, and the actions on it: add (from an agreement's or a contract's page),
correct, cancel or restore, submit the report or replace it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import User
from tracker.contracts.models import ResearchContract
from tracker.dates import today
from tracker.db import utcnow
from tracker.display.labels import label
from tracker.display.paths import id_path
from tracker.export import responses as exports
from tracker.export.columns import Column, Kind
from tracker.funding.models import FundingAgreement
from tracker.obligations import queries, recipients, services
from tracker.obligations.forms import (
    ObligationForm,
    RestoreForm,
    SubmissionForm,
    WithdrawForm,
)
from tracker.obligations.models import ObligationState, ReportKind, ReportObligation
from tracker.organisations.models import Institute
from tracker.reports.filters import institute_choices
from tracker.web.actions import submit
from tracker.web.corrections import offered
from tracker.web.navigation import choice_arg, paginate, row_arg
from tracker.web.permissions import acting_user, found, loaded, requires

bp = Blueprint("obligations", __name__)

FIELDS = ("kind", "due_on", "goes_to", "recipient", "note", "why_changed")


def _fields(form: ObligationForm) -> dict:
    """The form's values for the service: the fields the form offers (the due date and kind
    only to who may change them; a co-funder only under an agreement that has some)."""
    values = {name: getattr(form, name).data for name in FIELDS if name in form}
    if "co_funder_id" in form:
        values["co_funder_id"] = form.co_funder_id.data or None
    return values



def subject_url(obligation: ReportObligation) -> str:
    """The page of what owes the report: the project's funding page or the contract's."""
    if obligation.funding_agreement is not None:
        return url_for("funding.show", project_id=obligation.funding_agreement.project_id)
    return url_for("contracts.show", contract_id=obligation.contract_id)


def _state(obligation: ReportObligation):
    return obligation.state(today())


COLUMNS = [
    Column(_l("Due on"), lambda o: o.due_on, Kind.DATE, 12,
           link=lambda o: id_path("obligations.show", "obligation_id", o.id)),
    Column(_l("Report"), lambda o: o.kind, Kind.LABEL, 16),
    Column(_l("State"), _state, Kind.LABEL, 14,
           tone=lambda o: "bad" if _state(o) is ObligationState.LATE else None),
    Column(_l("Late since the due date of"), lambda o: o.missed_due_on, Kind.DATE, 14),
    Column(_l("Goes to"), lambda o: o.recipient_name, width=26),
    Column(_l("Owed under"), lambda o: o.subject.name, width=30, link=subject_url),
    Column(_l("Project"), lambda o: o.project.code or "", Kind.CODE, 16),
    Column(_l("Institute"), lambda o: o.project.institute.shown("name"), width=24),
    Column(_l("Submitted on"), lambda o: o.submissions[0].submitted_on if o.submissions
           else None, Kind.DATE, 12),
]


@bp.get("/reports-owed/")
@requires(ReportObligation.can_list)
def index() -> str | Response:
    """The network's reports owed, oldest due first; `?state=late` (the default view of HQ's
    question "which are late?"), `due`, `open`, `submitted`, `submitted_late`, `withdrawn`,
    or every one (`state=all`)."""
    states = [("open", _("Not submitted yet")), *((s.value, label(s)) for s in ObligationState),
              ("all", _("Every state"))]
    state = choice_arg("state", _l("State"), {value for value, _name in states},
                       ObligationState.LATE.value)
    kind = choice_arg("kind", _l("Report"), {k.value for k in ReportKind})
    institute_id = row_arg("institute", _l("Institute"), Institute) or None
    query = queries.listing(acting_user(), today(), "" if state == "all" else state, institute_id,
                            kind)
    if fmt := exports.requested():  # every row, not one page
        return exports.send(COLUMNS, exports.stream(query), "reports-owed", fmt,
                            title=_("Reports owed to funders"))
    return render_template("obligations/index.html", page=paginate(query), columns=COLUMNS,
                           state=state,
                           states=states, kind=kind, kinds=list(ReportKind),
                           institute_id=institute_id, institutes=institute_choices(acting_user()))


def _obligation(obligation_id: int) -> ReportObligation:
    obligation = loaded(ReportObligation, obligation_id)
    return obligation


def _page(obligation: ReportObligation, submission: SubmissionForm | None = None,
          withdraw: WithdrawForm | None = None, restore: RestoreForm | None = None) -> str:
    user = acting_user()
    if (submission is None and obligation.can_submit(user)
            and services.owed_refusal(obligation) is None):
        submission = SubmissionForm()
        submission.version.data = str(obligation.version)
        submission.seen_at.data = utcnow().isoformat()
    return render_template(
        "obligations/show.html", obligation=obligation, state=obligation.state(today()),
        subject_url=subject_url(obligation), submission_form=submission,
        withdraw_form=withdraw or (WithdrawForm() if obligation.can_withdraw(user) and services
                                   .withdraw_refusal(user, obligation) is None else None),
        restore_form=restore or (RestoreForm() if obligation.can_restore(user) and services
                                 .restore_refusal(user, obligation) is None else None),
        can_manage=obligation.can_manage(user) and services.manage_refusal(user, obligation)
        is None, can_change_terms=_terms(obligation))


def _terms(obligation: ReportObligation) -> bool:
    """Whether the user may move its due date or change its kind now (who, and when)."""
    return (obligation.can_change_terms(acting_user())
            and services.terms_refusal(acting_user(), obligation) is None)


@bp.get("/reports-owed/<int:obligation_id>")
@login_required
def show(obligation_id: int) -> str:
    return _page(_obligation(obligation_id))


def _new(subject: FundingAgreement | ResearchContract, back: str) -> Response | tuple[str, int]:
    if not ReportObligation.can_add(acting_user(), subject):
        abort(403)
    offered(services.add_refusal(acting_user(), subject), back)  # voided, closed: 409, saying so
    form = ObligationForm(organisations=recipients.offered(subject),
                          co_funders=getattr(subject, "co_funders", None))
    return submit(
        form, lambda: services.add_obligation(acting_user(), subject, **_fields(form)),
        _("Report obligation recorded."), back,
        lambda: render_template("obligations/form.html", form=form, subject=subject,
                                back=back, obligation=None))


@bp.route("/projects/<int:project_id>/funding/reports/new", methods=["GET", "POST"])
@login_required
def new_for_agreement(project_id: int) -> Response | tuple[str, int]:
    agreement = found(db.session.scalar(select(FundingAgreement).where(
        FundingAgreement.project_id == project_id)))
    return _new(agreement, url_for("funding.show", project_id=project_id))


@bp.route("/contracts/<int:contract_id>/reports/new", methods=["GET", "POST"])
@login_required
def new_for_contract(contract_id: int) -> Response | tuple[str, int]:
    contract = loaded(ResearchContract, contract_id)
    return _new(contract, url_for("contracts.show", contract_id=contract_id))


def _still_owed(obligation_id: int, may: Callable[[ReportObligation, User], bool]
                ) -> ReportObligation:
    """The obligation an action is taken under, by who `may` take it (403 to others, whatever
    its state); one withdrawn since (Back and send again, an old tab) is said to be so (409),
    not refused as if the reader had no right to it."""
    obligation = _obligation(obligation_id)
    if not may(obligation, acting_user()):
        abort(403)
    offered(services.owed_refusal(obligation),
            url_for("obligations.show", obligation_id=obligation.id))
    return obligation


@bp.route("/reports-owed/<int:obligation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(obligation_id: int) -> Response | tuple[str, int]:
    obligation = _still_owed(obligation_id, ReportObligation.can_manage)
    offered(services.manage_refusal(acting_user(), obligation),  # its subject voided or closed: 409
            url_for("obligations.show", obligation_id=obligation.id), keep_input=True)
    form = ObligationForm(obj=obligation, correcting=True,
                          organisations=recipients.offered(obligation.subject),
                          terms=_terms(obligation),
                          co_funders=getattr(obligation.subject, "co_funders", None))
    back = url_for("obligations.show", obligation_id=obligation.id)
    return submit(
        form, lambda: services.save_obligation(acting_user(), obligation, **_fields(form)),
        _("Saved."), back,
        lambda: render_template("obligations/form.html", form=form, subject=obligation.subject,
                                back=back, obligation=obligation),
        record=obligation)


@bp.post("/reports-owed/<int:obligation_id>/withdraw")
@login_required
def withdraw(obligation_id: int) -> Response | tuple[str, int]:
    # A report on record: the service says why not.
    obligation = _still_owed(obligation_id, ReportObligation.can_withdraw)
    form = WithdrawForm()
    return submit(
        form, lambda: services.withdraw_obligation(acting_user(), obligation,
                                                   form.why_withdrawn.data or ""),
        _("Obligation cancelled: its reminders stop."),
        url_for("obligations.show", obligation_id=obligation.id),
        lambda: _page(obligation, withdraw=form))


@bp.post("/reports-owed/<int:obligation_id>/restore")
@login_required
def restore(obligation_id: int) -> Response | tuple[str, int]:
    """A cancellation made by mistake undone (one not cancelled: said so, 409)."""
    obligation = _obligation(obligation_id)
    if not obligation.can_restore(acting_user()):
        abort(403)
    form = RestoreForm()
    return submit(
        form, lambda: services.restore_obligation(acting_user(), obligation,
                                                  form.why_restored.data or ""),
        _("Obligation restored: the report is owed again, and its reminders resume."),
        url_for("obligations.show", obligation_id=obligation.id),
        lambda: _page(obligation, restore=form))


@bp.post("/reports-owed/<int:obligation_id>/submit")
@login_required
def submit_report(obligation_id: int) -> Response | tuple[str, int]:
    obligation = _still_owed(obligation_id, ReportObligation.writes_report)
    form = SubmissionForm()
    return submit(
        form, lambda: services.submit_report(
            acting_user(), obligation, submitted_on=form.submitted_on.data,
            upload=form.upload(), reason=form.reason.data or ""),
        services.submitting_said(obligation),
        url_for("obligations.show", obligation_id=obligation.id),
        lambda: _page(obligation, submission=form), record=obligation)
