"""The project's funding page and the investment committee's actions on it."""

from __future__ import annotations

from itertools import chain

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.companies import ledger
from tracker.companies import services as companies
from tracker.dates import today
from tracker.display.formatting import day, money, number
from tracker.display.labels import label
from tracker.export import responses as exports
from tracker.funding import (
    amendments,
    corrections,
    previews,
    refusals,
    services,
    show_page,
)
from tracker.funding.columns import AGREEMENT_COLUMNS, agreements_total
from tracker.funding.forms import (
    AgreementCorrectionForm,
    AgreementForm,
    ConversionForm,
    DisbursementForm,
    OutcomeCorrectionForm,
    OutcomeForm,
    TrancheCorrectionForm,
    TrancheForm,
)
from tracker.funding.models import (
    AgreementOutcome,
    CoFunder,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
)
from tracker.imports import page_files
from tracker.milestones.models import Milestone
from tracker.projects import codes
from tracker.projects.models import Project, ProjectType
from tracker.reports.filters import institute_choices
from tracker.web.actions import submit
from tracker.web.corrections import (
    ReasonForm,
    ReverseForm,
    ShareReverseForm,
    correctable,
    offered,
    reason_page,
    reversal_page,
    reversible,
)
from tracker.web.filters import of_list
from tracker.web.navigation import choice_arg, paginate
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("funding", __name__)
# The list's outcome filter for agreements without an outcome yet.
RUNNING = "running"



def _project(project_id: int) -> Project:
    return loaded(Project, project_id,
                  may=lambda project, user: FundingAgreement.can_see(user, project))


def _agreement(agreement_id: int) -> FundingAgreement:
    return loaded(FundingAgreement, agreement_id)


def _to_funding(project: Project) -> str:
    return url_for("funding.show", project_id=project.id)


@bp.get("/funding/")
@requires(FundingAgreement.can_list)
def agreements() -> str | Response:
    """The agreements a viewer may list (a director: their institutes'), soonest conversion
    deadline first, with the dashboard's filters and an outcome ("running": none yet); a page
    at a time, the total row summing all of them in SQL (the file holds them all)."""
    user, filters = acting_user(), of_list()
    outcome = choice_arg("outcome", _l("Outcome"), {RUNNING, *(o.value for o in AgreementOutcome)})
    query = (select(FundingAgreement).join(Project, Project.id == FundingAgreement.project_id)
             .where(filters.projects(), FundingAgreement.standing()))
    if not user.sees_whole_portfolio:
        query = query.where(Project.institute_id.in_(user.directed_institute_ids))
    if outcome == RUNNING:
        query = query.where(FundingAgreement.outcome.is_(None))
    elif outcome:
        query = query.where(FundingAgreement.outcome == AgreementOutcome(outcome))
    foot = agreements_total(query)
    query = (query.options(selectinload(FundingAgreement.project),
                           selectinload(FundingAgreement.conversions)
                           .selectinload(Conversion.reversal),
                           selectinload(FundingAgreement.tranches)
                           .selectinload(Tranche.disbursements),
                           selectinload(FundingAgreement.co_funders)
                           .selectinload(CoFunder.payments))
             .order_by(FundingAgreement.outcome.is_not(None),
                       FundingAgreement.conversion_deadline, FundingAgreement.id))
    if asked := page_files.requested(user, "funding"):
        return page_files.send(asked, page_files.ids_of(query))
    if fmt := exports.requested():
        # Read while the file is written (`exports.stream`): the CSV is written after this
        # request's session has ended, and a row loaded here could not read its co-funders'
        # agreement then.
        return exports.send(AGREEMENT_COLUMNS, chain(exports.stream(query), [foot]),
                            "allocation-investment", fmt, title=_("Allocation-investment"))
    page = paginate(query)
    return render_template("funding/list.html", page=page, agreements=page.items, foot=foot,
                           columns=AGREEMENT_COLUMNS, filters=filters, outcome=outcome,
                           outcomes=list(AgreementOutcome), running=RUNNING,
                           institutes=institute_choices(acting_user()), types=list(ProjectType),
                           for_import=page_files.offered(user, "funding"))


@bp.get("/projects/<int:project_id>/funding")
@login_required
def show(project_id: int) -> str:
    """The funding page (`show_page.render`)."""
    return show_page.render(_project(project_id), acting_user())


@bp.route("/projects/<int:project_id>/funding/agreement", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def new_agreement(project_id: int) -> Response | tuple[str, int]:
    project = _project(project_id)
    offered(refusals.new_agreement_refusal(project), _to_funding(project), keep_input=True)
    form = AgreementForm()
    return submit(form, lambda: services.record_agreement(acting_user(), project, **form.terms()),
                  _("Allocation-investment agreement recorded."), _to_funding(project),
                  lambda: render_template("funding/agreement_form.html", form=form,
                                          project=project))


@bp.route("/funding/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agreement(agreement_id: int) -> Response | tuple[str, int]:
    """Correct the terms and co-funders; money paid or converted is corrected by reversal."""
    agreement = correctable(db.session.get(FundingAgreement, agreement_id),
                            FundingAgreement.can_correct, amendments.agreement_refusal,
                            acting_user(),
                            lambda agreement: _to_funding(agreement.project))
    form = AgreementCorrectionForm(obj=agreement)
    return submit(
        form, lambda: amendments.save_agreement(acting_user(), agreement, **form.terms(),
                                                reason=form.reason.data or ""),
        _("Allocation-investment agreement corrected."), _to_funding(agreement.project),
        lambda: render_template("funding/agreement_form.html", form=form,
                                project=agreement.project, agreement=agreement),
        record=agreement)


@bp.route("/funding/<int:agreement_id>/tranches/new", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def new_tranche(agreement_id: int) -> Response | tuple[str, int]:
    agreement = _agreement(agreement_id)
    offered(services.new_tranche_refusal(agreement), _to_funding(agreement.project))
    form = TrancheForm(milestones=_milestones(agreement))
    return submit(form, lambda: services.add_tranche(acting_user(), agreement,
                                                     amount=form.amount.data,
                                                     **form.condition_ids()),
                  _("Tranche added."), _to_funding(agreement.project),
                  lambda: render_template("funding/form.html", form=form,
                                          project=agreement.project,
                                          title=_("New tranche")))


def _milestones(agreement: FundingAgreement) -> list[Milestone]:
    """What a tranche of the agreement may be released on."""
    return list(db.session.scalars(select(Milestone).where(
        Milestone.project_id == agreement.project_id).order_by(Milestone.due_date)))


@bp.route("/funding/tranches/<int:tranche_id>/edit", methods=["GET", "POST"])
@login_required
def edit_tranche(tranche_id: int) -> Response | tuple[str, int]:
    """Correct a tranche's amount or condition while nothing stands paid on it: otherwise the
    reason, and the disbursement to reverse first, before the form (409)."""
    tranche = correctable(db.session.get(Tranche, tranche_id), Tranche.can_correct,
                          amendments.tranche_refusal, acting_user(),
                          lambda tranche: _to_funding(tranche.agreement.project))
    agreement = tranche.agreement
    back = _to_funding(agreement.project)
    form = TrancheCorrectionForm(obj=tranche, tranche=tranche,
                                 milestones=_milestones(agreement))
    return submit(
        form, lambda: amendments.save_tranche(acting_user(), tranche, amount=form.amount.data,
                                              **form.condition_ids(),
                                              reason=form.reason.data or ""),
        _("Tranche corrected."), back,
        lambda: render_template("funding/form.html", form=form, project=agreement.project,
                                title=_("Correct tranche %(n)d", n=tranche.number)),
        record=tranche)


@bp.route("/funding/tranches/<int:tranche_id>/disburse", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def disburse(tranche_id: int) -> Response | tuple[str, int]:
    """A payment of the tranche recorded: a new ledger entry, not a correction, so loaded as
    the agreement's other recording forms are (`_agreement`, the committee's), not by
    `correctable`/`reversible`; the tranche's `not_payable` is said before the form. Its
    mistake is undone by `reverse_disbursement`, which is."""
    tranche = loaded(Tranche, tranche_id, may=None)  # seen when its agreement is:
    agreement = _agreement(tranche.agreement_id)
    offered(services.not_payable(tranche), _to_funding(agreement.project))  # said before a form
    form = DisbursementForm()
    if not form.is_submitted():
        form.paid_on.data = today()

    def call():
        return services.record_disbursement(acting_user(), tranche, amount=form.amount.data,
                                            paid_on=form.paid_on.data,
                                            reference=form.reference.data or "")

    return submit(form, call, _("Disbursement recorded."), _to_funding(agreement.project),
                  lambda: render_template(
                      "funding/form.html", form=form, project=agreement.project,
                      title=_("Pay tranche %(n)d", n=tranche.number)),
                  preview=previews.disbursement)


@bp.route("/funding/disbursements/<int:disbursement_id>/reverse", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def reverse_disbursement(disbursement_id: int) -> Response | tuple[str, int]:
    paid = reversible(db.session.get(Disbursement, disbursement_id),
                      corrections.disbursement_refusal, acting_user(),
                      lambda paid: _to_funding(paid.tranche.agreement.project))
    back = _to_funding(paid.tranche.agreement.project)
    form = ReverseForm()
    facts = [(_("Tranche"), str(paid.tranche.number)), (_("Paid on"), day(paid.paid_on)),
             (_("Amount"), money(paid.amount)), (_("Payment reference"), paid.reference or "—")]
    return reversal_page(
        form, corrections.reverse_disbursement, paid,
        done=_("Disbursement reversed: both stay on the funding page."), back=back,
        title=_("Reverse a disbursement"), facts=facts, button=_("Reverse the disbursement"),
        explanation=_("A reversing disbursement of the negated amount is written beside this "
                      "one; what was paid on the tranche and under the agreement, and what a "
                      "conversion would convert, follow."))


@bp.route("/funding/conversions/<int:conversion_id>/reverse", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def reverse_conversion(conversion_id: int) -> Response | tuple[str, int]:
    conversion = reversible(db.session.get(Conversion, conversion_id),
                            corrections.conversion_refusal, acting_user(),
                            lambda conversion: _to_funding(conversion.agreement.project))
    back = _to_funding(conversion.agreement.project)
    form = ShareReverseForm()  # its shares, reversed, count in no cap table (ledger.standing)
    facts = [(_("Financing round"), conversion.round.name),
             (_("Date"), day(conversion.round.on_date)),
             (_("Money disbursed"), money(conversion.disbursed)),
             (_("Shares issued to HQ"), number(conversion.shares))]
    return reversal_page(
        form, corrections.reverse_conversion, conversion,
        done=_("Conversion reversed: both stay on the funding page."), back=back,
        title=_("Reverse a conversion"), facts=facts, button=_("Reverse the conversion"),
        explanation=_("HQ's shares from the conversion are reversed on the company's ledger "
                      "and count in no cap table, on any date; the agreement is open again and "
                      "the money no longer counts as converted."))


@bp.route("/funding/<int:agreement_id>/convert", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def convert(agreement_id: int) -> Response | tuple[str, int]:
    agreement = _agreement(agreement_id)
    refusal = services.agreement_refusal(agreement)  # the page explains; sent, refused (409)
    offered(refusal if request.method == "POST" else None, _to_funding(agreement.project))
    company = companies.company_of(agreement.project)
    rounds = services.qualifying_rounds(agreement)
    form = ConversionForm(rounds=rounds)
    options = [(r, services.preview(agreement, r)) for r in rounds]

    before = {}

    def call():
        financing = next(r for r in rounds if r.id == form.round_id.data)
        before["table"] = ledger.cap_table(financing.company, financing.on_date)
        return services.convert(acting_user(), agreement, financing)

    return submit(form, call, _("Converted: HQ's shares are issued in the round."),
                  _to_funding(agreement.project),
                  lambda: render_template("funding/convert.html", form=form, refusal=refusal,
                                          agreement=agreement, options=options,
                                          company=company),
                  preview=lambda converted: previews.conversion(
                      converted, converted.round.company, before["table"]))


@bp.route("/funding/<int:agreement_id>/outcome", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def outcome(agreement_id: int) -> Response | tuple[str, int]:
    agreement = _agreement(agreement_id)
    offered(services.outcome_refusal(agreement), _to_funding(agreement.project))
    form = OutcomeForm()
    if not form.is_submitted():
        form.outcome_on.data = today()
    return submit(form, lambda: services.record_outcome(acting_user(), agreement,
                                                        **_outcome_given(form)),
                  _("Outcome recorded."), _to_funding(agreement.project),
                  lambda: render_template("funding/form.html", form=form,
                                          project=agreement.project,
                                          title=_("Outcome after the conversion deadline")))


def _outcome_given(form: OutcomeForm) -> dict:
    """The outcome as the services take it, the substitute found by its code."""
    return {"outcome": form.outcome.data, "on": form.outcome_on.data,
            "repaid_amount": form.repaid_amount.data, "note": form.note.data or "",
            "substitute": codes.find(form.substitute.data)}


@bp.route("/funding/<int:agreement_id>/outcome/edit", methods=["GET", "POST"])
@login_required
def edit_outcome(agreement_id: int) -> Response | tuple[str, int]:
    """Correct the outcome recorded after the deadline; a conversion is reversed instead."""
    agreement = correctable(db.session.get(FundingAgreement, agreement_id),
                            FundingAgreement.can_correct, amendments.outcome_refusal, acting_user(),
                            lambda agreement: _to_funding(agreement.project))
    back = _to_funding(agreement.project)
    form = OutcomeCorrectionForm(agreement=agreement)
    return submit(form, lambda: amendments.save_outcome(acting_user(), agreement,
                                                        **_outcome_given(form),
                                                        reason=form.reason.data or ""),
                  _("Outcome corrected."), back,
                  lambda: render_template("funding/form.html", form=form,
                                          project=agreement.project,
                                          title=_("Correct the outcome")),
                  record=agreement)


@bp.route("/funding/<int:agreement_id>/outcome/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_outcome(agreement_id: int) -> Response | tuple[str, int]:
    """An outcome recorded by mistake withdrawn: the agreement runs again."""
    agreement = correctable(db.session.get(FundingAgreement, agreement_id),
                            FundingAgreement.can_correct, amendments.outcome_refusal, acting_user(),
                            lambda agreement: _to_funding(agreement.project), keep_input=False)
    return reason_page(
        ReasonForm(), amendments.withdraw_outcome, agreement,
        done=_("Outcome withdrawn: the agreement runs again."),
        back=_to_funding(agreement.project), title=_("Withdraw the outcome"),
        facts=[(_("Outcome"), label(agreement.outcome)), (_("Dated"), day(agreement.outcome_on))],
        button=_("Withdraw the outcome"),
        explanation=_("The agreement runs again, with its deadline's reminders, until the "
                      "committee records the outcome or converts the money. The outcome "
                      "withdrawn stays in its history with the reason."))
