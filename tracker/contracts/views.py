"""Contract pages: record a contract with its schedule, payments, and the roll-ups."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db, reversals
from tracker.contracts import corrections, queries, rollups, services
from tracker.contracts.columns import CONTRACT_COLUMNS, REGISTERED_COLUMNS, rollup_columns
from tracker.contracts.forms import (
    ContractForm,
    InstalmentForm,
    PaymentForm,
    RegistrationCorrectionForm,
    RegistrationForm,
    TermsCorrectionForm,
)
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.dates import today
from tracker.display.formatting import day, money
from tracker.display.preview import Preview
from tracker.errors import Refused
from tracker.export import responses as exports
from tracker.imports import page_files
from tracker.obligations import queries as obligations
from tracker.obligations import services as obligation_services
from tracker.obligations.models import ReportObligation
from tracker.organisations.listing import enterprise_choices
from tracker.projects.closed import open_refusal
from tracker.projects.models import ProjectType
from tracker.projects.views import load_project
from tracker.projects.visibility import visible_to
from tracker.reports.filters import institute_choices
from tracker.web.actions import sent_once_before, submit
from tracker.web.corrections import (
    ReasonForm,
    ReverseForm,
    WithdrawForm,
    correctable,
    offered,
    reason_page,
    reversal_page,
    reversible,
)
from tracker.web.filters import of_list
from tracker.web.navigation import choice_arg, paginate, text_arg, year_arg
from tracker.web.permissions import acting_user, found, loaded, requires

bp = Blueprint("contracts", __name__)



@bp.route("/projects/<int:project_id>/contracts/new", methods=["GET", "POST"])
@login_required
def new(project_id: int) -> str | Response | tuple[str, int]:
    project = load_project(project_id)
    if not ResearchContract.can_record(acting_user(), project):
        abort(403)
    offered(open_refusal(project), url_for("projects.show", project_id=project.id))
    form = ContractForm(enterprises=enterprise_choices())
    if request.method == "GET" and project.partner_enterprise_id:
        form.enterprise_id.data = project.partner_enterprise_id
    return submit(
        form,
        lambda: services.record_contract(acting_user(), project, **form.terms(),
                                         instalments=form.schedule()),
        _("Contract recorded."),
        lambda contract: url_for("contracts.show", contract_id=contract.id),
        lambda: render_template("contracts/form.html", form=form, project=project),
        preview=_schedule_preview,
    )


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contract_id: int) -> str | Response | tuple[str, int]:
    """Correct the contract's terms; its schedule is corrected instalment by instalment on its
    page, the money received by reversing a payment."""
    contract = _correctable(contract_id)
    form = TermsCorrectionForm(obj=contract, enterprises=enterprise_choices())
    return submit(
        form, lambda: corrections.save_contract(acting_user(), contract, **form.terms()),
        _("Contract corrected."), url_for("contracts.show", contract_id=contract.id),
        lambda: render_template("contracts/terms.html", form=form, contract=contract),
        record=contract)


def _schedule_preview(contract: ResearchContract) -> Preview | None:
    """A schedule short of the contract's value is confirmed first; a full one is recorded."""
    warning = services.schedule_warning(contract)
    if warning is None:
        return None
    return Preview(facts=[(_("Amount"), money(contract.amount)),
                          (_("Scheduled in instalments"), money(contract.scheduled))],
                   warnings=[warning])


def load_contract(contract_id: int) -> ResearchContract:
    contract = found(db.session.scalar(
        select(ResearchContract).where(ResearchContract.id == contract_id)
        .options(selectinload(ResearchContract.instalments).selectinload(Instalment.payments)
                 .selectinload(Payment.reversed_by))))
    return contract


def _page(contract: ResearchContract, form: PaymentForm | None = None,
          form_for: int | None = None) -> str:
    """The contract page; `form` is a payment posted from it for instalment `form_for`.
    Corrections are offered where they are possible: an instalment's removal where nothing
    was received against it, the contract's void where nothing stands under it (and where
    something does, what)."""
    user = acting_user()
    can_correct = (contract.can_correct(user)
                   and services.correction_refusal(contract) is None)
    payments = [p for i in contract.instalments for p in i.payments]
    return render_template(
        "contracts/show.html", contract=contract, payment_form=form, form_for=form_for,
        schedule_warning=None if contract.is_void else services.schedule_warning(contract),
        payable={i.id for i in contract.instalments if not i.is_paid}
        if contract.can_correct(user) and services.pay_refusal(contract) is None else set(),
        can_correct=can_correct,
        instalments_full=can_correct and corrections.instalments_full(contract),
        can_register=contract.can_register(user) and can_correct,
        can_void=contract.can_void(user) and can_correct,
        removable={i.id for i in contract.instalments
                   if can_correct and corrections.instalment_refusal(i) is None},
        reversible=reversals.offered_to(user, payments, services.payment_refusal),
        void_blocked=corrections.void_refusal(contract) if contract.can_void(user) else None,
        obligations=obligations.of(contract), today=today(),
        corrected=corrections.corrected_of(contract),
        can_add_report=ReportObligation.can_add(acting_user(), contract)
        and obligation_services.add_refusal(acting_user(), contract) is None)


@bp.get("/contracts/<int:contract_id>")
@login_required
def show(contract_id: int) -> str:
    return _page(load_contract(contract_id))


@bp.route("/contracts/<int:contract_id>/registration", methods=["GET", "POST"])
@login_required
def register(contract_id: int) -> str | Response | tuple[str, int]:
    contract = _correctable(contract_id)  # refused (409) once voided, saying so
    form = (RegistrationCorrectionForm(contract=contract) if contract.is_registered
            else RegistrationForm())
    if request.method == "GET" and contract.is_registered:
        form.number.data = contract.registration_number
        form.registered_on.data = contract.registered_on
        form.value.data = contract.registered_value
    return submit(
        form,
        lambda: services.register_contract(
            acting_user(), contract, number=form.number.data or "",
            registered_on=form.registered_on.data, value=form.value.data,
            certificate=form.upload(), reason=form.correction_reason(),
            remove_certificate=form.takes_off()),
        services.registering_said(contract),
        url_for("contracts.show", contract_id=contract.id),
        lambda: render_template("contracts/registration.html", form=form, contract=contract),
        record=contract)


def _on_contract_page(contract: ResearchContract) -> str:
    return url_for("contracts.show", contract_id=contract.id)


def _correctable(contract_id: int) -> ResearchContract:
    """The contract whose correction's form is asked for, as `_may_correct`."""
    return _may_correct(load_contract(contract_id))


def _may_correct(contract: ResearchContract) -> ResearchContract:
    """`contract`, loaded with its schedule: 404 when not the user's to see, 403 when not
    theirs to correct, refused (409) before the form once voided (`correctable`)."""
    return correctable(contract, ResearchContract.can_correct, services.correction_refusal,
                       acting_user(), _on_contract_page)


def _instalment(instalment_id: int) -> Instalment:
    instalment = db.session.get(Instalment, instalment_id)
    if instalment is None:
        sent_once_before()  # the removal's form sent again lands on the contract, saying so
        removal = found(corrections.removal_of(instalment_id), may=None)  # its contract's:
        contract = load_contract(removal.object_id)  # 404 to who may not see it
        raise Refused(corrections.removed_refusal(removal),
                      back=url_for("contracts.show", contract_id=contract.id))
    load_contract(instalment.contract_id)  # 404 to who may not see it; `instalment.contract`
    return instalment  # is then the contract loaded with its instalments and payments


def _instalment_page(form: InstalmentForm, contract: ResearchContract,
                     instalment: Instalment | None) -> str:
    return render_template("contracts/instalment.html", form=form, contract=contract,
                           instalment=instalment)


@bp.route("/contracts/<int:contract_id>/instalments/new", methods=["GET", "POST"])
@login_required
def new_instalment(contract_id: int) -> str | Response | tuple[str, int]:
    contract = _correctable(contract_id)
    offered(corrections.instalments_full(contract),
            url_for("contracts.show", contract_id=contract.id))
    form = InstalmentForm()
    return submit(
        form, lambda: corrections.add_instalment(acting_user(), contract,
                                                 due_date=form.due_date.data,
                                                 amount=form.amount.data,
                                                 reason=form.reason.data or ""),
        _("Instalment added."), url_for("contracts.show", contract_id=contract.id),
        lambda: _instalment_page(form, contract, None), record=contract)


@bp.route("/instalments/<int:instalment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_instalment(instalment_id: int) -> str | Response | tuple[str, int]:
    instalment = _instalment(instalment_id)
    contract = _may_correct(instalment.contract)  # loaded with its payments by `_instalment`
    form = InstalmentForm(obj=instalment)
    return submit(
        form, lambda: corrections.save_instalment(acting_user(), instalment,
                                                  due_date=form.due_date.data,
                                                  amount=form.amount.data,
                                                  reason=form.reason.data or ""),
        _("Instalment corrected."), url_for("contracts.show", contract_id=contract.id),
        lambda: _instalment_page(form, contract, instalment), record=contract)


@bp.route("/instalments/<int:instalment_id>/remove", methods=["GET", "POST"])
@login_required
def remove_instalment(instalment_id: int) -> str | Response | tuple[str, int]:
    """An instalment recorded by mistake removed, with the reason; offered only where nothing
    was received against it (`corrections.instalment_refusal`)."""
    instalment = correctable(_instalment(instalment_id), Instalment.can_remove,
                             corrections.instalment_refusal, acting_user(),
                             lambda instalment: _on_contract_page(instalment.contract),
                             keep_input=False)
    contract = instalment.contract
    return reason_page(
        ReasonForm(), corrections.remove_instalment, instalment,
        done=_("Instalment removed."), back=_on_contract_page(contract),
        title=_("Remove an instalment"),
        facts=[(_("Contract"), contract.title), (_("Due date"), day(instalment.due_date)),
               (_("Amount"), money(instalment.amount))],
        button=_("Remove the instalment"),
        explanation=_("An instalment recorded by mistake, with nothing received against it, is "
                      "removed from the schedule; the contract's history keeps the schedule "
                      "before and after, with the reason."))


@bp.route("/contracts/<int:contract_id>/void", methods=["GET", "POST"])
@login_required
def void(contract_id: int) -> str | Response | tuple[str, int]:
    contract = correctable(load_contract(contract_id), ResearchContract.can_void,
                           corrections.void_refusal, acting_user(), _on_contract_page,
                           keep_input=False)
    return reason_page(
        WithdrawForm(), corrections.void_contract, contract,
        done=_("Contract voided: it stays in the history and counts no more."),
        back=_on_contract_page(contract), title=_("Void a contract"),
        facts=[(_("Contract"), contract.title),
               (_("Counterparty enterprise"), contract.enterprise.shown("name")),
               (_("Signed on"), day(contract.signed_on)), (_("Amount"), money(contract.amount))],
        button=_("Void the contract"),
        explanation=_("A contract recorded by mistake (never signed, entered twice, under the "
                      "wrong project) is voided: it stays on its page and in the history, "
                      "marked, and no longer counts in any total, list or reminder."))


@bp.post("/instalments/<int:instalment_id>/payments")
@login_required
def pay(instalment_id: int) -> Response | tuple[str, int]:
    instalment = loaded(Instalment, instalment_id, may=None)  # seen when its contract is:
    contract = load_contract(instalment.contract_id)
    form = PaymentForm()
    return submit(
        form, lambda: services.record_payment(acting_user(), instalment, form.received_on.data,
                                              form.amount.data),
        _("Payment recorded."), url_for("contracts.show", contract_id=contract.id),
        lambda: _page(contract, form, instalment.id))


@bp.route("/payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@login_required
def reverse_payment(payment_id: int) -> Response | tuple[str, int]:
    payment = reversible(db.session.get(Payment, payment_id), services.payment_refusal,
                         acting_user(),
                         lambda payment: _on_contract_page(payment.instalment.contract))
    contract = payment.instalment.contract
    back = _on_contract_page(contract)
    form = ReverseForm()
    facts = [(_("Contract"), contract.title), (_("Instalment due"),
                                               day(payment.instalment.due_date)),
             (_("Received on"), day(payment.received_on)), (_("Amount"), money(payment.amount))]
    return reversal_page(
        form, services.reverse_payment, payment,
        done=_("Payment reversed: both stay on the contract."), back=back,
        title=_("Reverse a payment"), facts=facts, button=_("Reverse the payment"),
        explanation=_("A reversing payment of the negated amount is written beside this one; "
                      "what was received, the roll-ups and the reminders follow."))


@bp.get("/contracts/")
@requires(ResearchContract.can_list)
def report() -> str | Response:
    """Contract value and money received per project, institute or year, and the contracts
    (the latest on the page, all of them in its file: `?table=contracts&export=...`)."""
    user = acting_user()
    by = choice_arg("by", _l("Group by"), services.ROLLUPS, "institute")
    filters, years = of_list(), queries.Years(year_arg("signed"), year_arg("received"))
    shown = and_(visible_to(user), filters.projects())
    contracts = queries.contracts(shown, years)
    if asked := page_files.requested(user, "contracts"):
        return page_files.send(asked, page_files.ids_of(contracts))
    if (fmt := exports.requested()) and text_arg("table") == "contracts":
        return exports.send(CONTRACT_COLUMNS, exports.stream(contracts, scalars=False),
                            "contracts", fmt, title=_("Contracts"))
    groups = rollups.values(by, shown, years)
    if fmt:  # every group, not one page
        return exports.send(rollup_columns(by), [*rollups.rollup(by, shown, years),
                                                 rollups.totals(shown, years)],
                            f"contract-research-by-{by}", fmt, title=_("Contract research"))
    page = paginate(groups, rows=True)
    page = replace(page, items=rollups.received(by, page.items, shown, years))
    return render_template("contracts/report.html", page=page, by=by,
                           totals=rollups.totals(shown, years),
                           columns=rollup_columns(by), contract_columns=CONTRACT_COLUMNS,
                           recent=db.session.execute(contracts.limit(20)).all(),
                           rollups=services.ROLLUPS, filters=filters, years=years,
                           institutes=institute_choices(acting_user()), types=list(ProjectType),
                           for_import=page_files.offered(user, "contracts"))


@bp.get("/contracts/registered")
@requires(ResearchContract.can_list)
def registered() -> str | Response:
    """Registered technology contracts (技术合同登记) by institute and year of registration:
    the technology transaction value the offices approved, from the projects one may see."""
    user = acting_user()
    filters, year = of_list(), year_arg("registered")
    rows = services.registered_rollup(and_(visible_to(user), filters.projects()), year)
    totals = {"key": None, "contracts": sum(r["contracts"] for r in rows),
              "value": sum((r["value"] for r in rows), Decimal("0")),
              "registered": sum((r["registered"] for r in rows), Decimal("0"))}
    if fmt := exports.requested():
        return exports.send(REGISTERED_COLUMNS, [*rows, totals], "registered-contracts", fmt,
                            title=_("Registered technology contracts"))
    return render_template("contracts/registered.html", rows=rows, totals=totals, year=year,
                           columns=REGISTERED_COLUMNS, filters=filters,
                           institutes=institute_choices(user), types=list(ProjectType))
