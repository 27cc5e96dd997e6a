"""The pages of an achievement's transfers and licences: the deal with its reports, income and
distribution, and a contributor's printable income statement."""

from __future__ import annotations

from itertools import chain

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db, reversals, voids
from tracker.accounts.models import User
from tracker.achievements import (
    deal_corrections,
    deal_list,
    deals,
    queries,
    report_period,
    spinoff_deals,
)
from tracker.achievements.columns import DEAL_COLUMNS, STATEMENT_COLUMNS, statement_total
from tracker.achievements.deal_models import (
    TRANSFER_KIND_RECORDED,
    DealStatus,
    IncomeReceipt,
    IncomeShare,
    RoyaltyReport,
    Transfer,
    TransferKind,
)
from tracker.achievements.forms import IncomeForm, ReportForm, TransferForm
from tracker.achievements.models import Achievement, Contributor
from tracker.achievements.views import load_achievement
from tracker.companies.ip_models import IpDeal
from tracker.dates import today
from tracker.display.formatting import day, money, number
from tracker.display.labels import label
from tracker.export import responses as exports
from tracker.imports import page_files
from tracker.organisations.listing import enterprise_choices
from tracker.projects.models import ProjectType
from tracker.reports.filters import institute_choices
from tracker.web.actions import submit
from tracker.web.corrections import (
    ReverseForm,
    WithdrawForm,
    correctable,
    offered,
    reason_page,
    reversal_page,
    reversible,
)
from tracker.web.filters import of_list
from tracker.web.navigation import choice_arg, int_arg, paginate, text_arg, year_arg
from tracker.web.permissions import acting_user, found, loaded, requires

bp = Blueprint("transfers", __name__)

FIELDS = ("enterprise_id", "kind", "signed_on", "ends_on", "upfront", "upfront_due_on",
          "royalty_pct",
          "royalty_base", "minimum_royalty", "reporting_months", "report_days", "payment_days",
          "contributor_pct", "override_reason", "ip_deal_id")



def load_transfer(transfer_id: int) -> Transfer:
    """404 unless the user sees the achievement (who may record deals: the pages' `requires`)."""
    transfer = found(db.session.scalar(select(Transfer).where(Transfer.id == transfer_id).options(
        selectinload(Transfer.reports).selectinload(RoyaltyReport.reversal),
        selectinload(Transfer.reports).selectinload(RoyaltyReport.receipts),
        selectinload(Transfer.receipts).options(
            selectinload(IncomeReceipt.shares), selectinload(IncomeReceipt.reversed_by),
            selectinload(IncomeReceipt.reverses)))), may=None)  # seen when its achievement is:
    load_achievement(transfer.achievement_id)
    return transfer


def _form(achievement: Achievement, transfer: Transfer | None) -> TransferForm:
    minimum = deals.minimum_of(transfer)
    form = TransferForm(
        obj=transfer if request.method == "GET" else None,
        enterprises=enterprise_choices(),
        ip_deals=db.session.scalars(select(IpDeal).where(IpDeal.records(achievement),
                                                         IpDeal.standing())
                                    .order_by(IpDeal.id)).all(),
        minimum=number(minimum))
    for name in transfer.fixed_terms if transfer is not None else ():
        getattr(form, name).description = _(
            "Fixed while royalty reports or income recorded under the deal stand: reverse "
            "those first to change it.")
    if request.method == "GET":
        if transfer is None:
            form.contributor_pct.data = minimum
            _from_company_deal(form, achievement)
        else:
            form.kind.data = transfer.kind.value
            form.royalty_base.data = transfer.royalty_base.value if transfer.royalty_base else ""
            form.ip_deal_id.data = transfer.ip_deal_id or 0
    return form


def _from_company_deal(form: TransferForm, achievement: Achievement) -> None:
    """`?ip_deal=`: the form pre-filled from a spin-off's deal of the achievement that no
    transfer names yet (`spinoff_deals.prefill`); any other deal is ignored."""
    deal = db.session.get(IpDeal, int_arg("ip_deal"))
    if (deal is None or deal.is_void or not deal.of(achievement)
            or spinoff_deals.transfer_of(deal) is not None):
        return
    for name, value in spinoff_deals.prefill(deal).items():
        getattr(form, name).data = value


def _values(form: TransferForm) -> dict:
    values = {name: getattr(form, name).data for name in FIELDS}
    values["override_reason"] = values["override_reason"] or ""
    return values


@bp.route("/achievements/<int:achievement_id>/transfers/new", methods=["GET", "POST"])
@requires(Transfer.can_manage)
def new(achievement_id: int) -> str | Response | tuple[str, int]:
    achievement = load_achievement(achievement_id)
    offered(deals.save_refusal(achievement, None),
            url_for("achievements.show", achievement_id=achievement.id))
    form = _form(achievement, None)
    return submit(form, lambda: deals.save_transfer(acting_user(), achievement, None,
                                                    **_values(form)),
                  lambda transfer: str(TRANSFER_KIND_RECORDED[transfer.kind]),
                  lambda transfer: url_for("transfers.show", transfer_id=transfer.id),
                  lambda: render_template("achievements/transfer_form.html", form=form,
                                          achievement=achievement, transfer=None))


def _page(transfer: Transfer, report: ReportForm | None = None,
          income: IncomeForm | None = None) -> str:
    user = acting_user()
    manage = Transfer.can_manage(user) and not transfer.is_void  # a voided one changes no more
    report = report or (ReportForm(formdata=None, id_prefix="report") if manage else None)
    if report is not None:  # the period the page offers, as it stands now (`report_period`)
        report.period.data = report_period.form_period(deals.next_period(transfer))
    deal = transfer.ip_deal
    return render_template(
        "achievements/transfer.html", transfer=transfer, may_manage=manage,
        may_void=transfer.can_void(user) and not transfer.is_void,  # its page says it is
        reversible_reports=reversals.offered_to(user, transfer.reports,
                                                deal_corrections.report_refusal),
        reversible_receipts=reversals.offered_to(user, transfer.receipts,
                                                 deal_corrections.income_refusal),
        void_blocker=deal_corrections.void_refusal(transfer) if transfer.can_void(user) else None,
        # The shares the spin-off gave for it, to whoever sees the company (F44).
        equity_entries=deal.share_entries if deal and deal.company.can_view(user) else [],
        sees_split=user.sees_whole_portfolio, below_minimum=transfer.below_minimum,
        minimum=transfer.contributor_min_pct, next_report=deals.report_due_text(transfer),
        report_not_yet=deals.report_not_yet(transfer),
        report_form=report,
        income_form=income or (IncomeForm(formdata=None, reports=transfer.standing_reports,
                                          id_prefix="income") if manage else None))


@bp.get("/transfers/")
@requires(Transfer.can_list)
def index() -> str | Response:
    """Every transfer and licence the viewer may list (a director: their institutes'), most
    recently signed first, filtered as the dashboard is (`deal_list`) and by kind, year signed,
    year received and status; a page at a time, the total row summing all of them (the file
    holds them all)."""
    user, on = acting_user(), today()
    filters = deal_list.DealFilters(
        portfolio=of_list(), kind=choice_arg("kind", _l("Kind"), {k.value for k in TransferKind}),
        signed=year_arg("signed"), received=year_arg("received"),
        status=choice_arg("status", _l("Status"), {s.value for s in DealStatus}),
        approved=text_arg("approved") == "1")
    query, foot = deal_list.deals(user, filters, on), deal_list.total(user, filters, on)
    if asked := page_files.requested(user, "ip_deals"):
        return page_files.send(asked, page_files.ids_of(query, Transfer.id))
    if fmt := exports.requested():
        lines = (deal_list.line(row, on) for row in exports.stream(query, scalars=False))
        return exports.send(DEAL_COLUMNS, chain(lines, [foot]), "transfers-and-licences", fmt,
                            title=_("Transfers and licences"))
    page = paginate(query, rows=True)
    page.items = [deal_list.line(row, on) for row in page.items]
    return render_template("achievements/deals.html", page=page, columns=DEAL_COLUMNS,
                           unrecorded=spinoff_deals.unrecorded(filters.portfolio, user),
                           show_unrecorded=text_arg("spinoff") == "unrecorded",
                           may_record=Transfer.can_manage(user),
                           foot=foot, filters=filters, institutes=institute_choices(user),
                           kinds=list(TransferKind), statuses=list(DealStatus),
                           types=list(ProjectType), for_import=page_files.offered(user, "ip_deals"))


@bp.get("/transfers/<int:transfer_id>")
@login_required
def show(transfer_id: int) -> str:
    return _page(load_transfer(transfer_id))


def _to_deal(transfer: Transfer) -> str:
    return url_for("transfers.show", transfer_id=transfer.id)


@bp.route("/transfers/<int:transfer_id>/edit", methods=["GET", "POST"])
@requires(Transfer.can_manage)
def edit(transfer_id: int) -> str | Response | tuple[str, int]:
    """A deal's terms recorded wrongly, corrected: loaded as every correction's form is
    (`correctable`), refused before its form once the deal is voided."""
    transfer = correctable(load_transfer(transfer_id),
                           lambda _deal, user: Transfer.can_manage(user), voids.refusal,
                           acting_user(), _to_deal, keep_input=False)
    form = _form(transfer.achievement, transfer)
    return submit(form, lambda: deals.save_transfer(acting_user(), transfer.achievement, transfer,
                                                    **_values(form)),
                  _("Saved."), _to_deal(transfer),
                  lambda: render_template("achievements/transfer_form.html", form=form,
                                          achievement=transfer.achievement, transfer=transfer),
                  record=transfer)


@bp.post("/transfers/<int:transfer_id>/reports")
@requires(Transfer.can_manage)
def report(transfer_id: int) -> Response | tuple[str, int]:
    transfer = load_transfer(transfer_id)
    form = ReportForm(id_prefix="report")
    return submit(form, lambda: deals.record_report(
        acting_user(), transfer, received_on=form.received_on.data,
        base_amount=form.base_amount.data,
        period_start=report_period.seen(form.period.data)),
        _("Royalty report recorded."), url_for("transfers.show", transfer_id=transfer.id),
        lambda: _page(transfer, report=form))


@bp.post("/transfers/<int:transfer_id>/income")
@requires(Transfer.can_manage)
def income(transfer_id: int) -> Response | tuple[str, int]:
    transfer = load_transfer(transfer_id)
    form = IncomeForm(reports=transfer.standing_reports, id_prefix="income")
    return submit(form, lambda: deals.record_income(
        acting_user(), transfer, received_on=form.received_on.data, amount=form.amount.data,
        costs=form.costs.data, pays=form.pays.data, report_id=form.report_id.data or None,
        note=form.note.data),
        _("Income recorded and split among the contributors."),
        url_for("transfers.show", transfer_id=transfer.id),
        lambda: _page(transfer, income=form))


@bp.route("/transfers/<int:transfer_id>/void", methods=["GET", "POST"])
@login_required
def void(transfer_id: int) -> str | Response | tuple[str, int]:
    transfer = correctable(load_transfer(transfer_id), Transfer.can_void,
                           deal_corrections.void_refusal, acting_user(), _to_deal,
                           keep_input=False)
    return reason_page(
        WithdrawForm(), deal_corrections.void_transfer, transfer,
        done=_("Transfer or licence voided: it stays in the history and counts no more."),
        back=_to_deal(transfer), title=_("Void a transfer or licence"),
        facts=[(_("Achievement"), transfer.achievement.title), (_("Kind"), label(transfer.kind)),
               (_("Licensee or assignee"), transfer.enterprise.shown("name")),
               (_("Signed on"), day(transfer.signed_on))],
        button=_("Void the transfer or licence"),
        explanation=_("A transfer or licence recorded by mistake (entered twice, never signed, "
                      "with the wrong licensee) is voided: it stays on its achievement's page "
                      "and in the history, marked, and counts in no figure."))


def _on_deal_page(record: IncomeReceipt | RoyaltyReport) -> str:
    return url_for("transfers.show", transfer_id=record.transfer_id)


def _deal_fact(transfer: Transfer) -> tuple[str, str]:
    """The deal a receipt or a report is reversed under, first of its reversal page's facts."""
    return _("Transfer or licence"), f"{label(transfer.kind)} · {transfer.enterprise.shown('name')}"


@bp.route("/ip-income/<int:receipt_id>/reverse", methods=["GET", "POST"])
@login_required
def reverse_income(receipt_id: int) -> str | Response | tuple[str, int]:
    receipt = reversible(db.session.get(IncomeReceipt, receipt_id),
                         deal_corrections.income_refusal, acting_user(), _on_deal_page)
    transfer = receipt.transfer
    form = ReverseForm()
    facts = [_deal_fact(transfer),
             (_("Received on"), day(receipt.received_on)),
             (_("It pays"), label(receipt.pays) + (f" · {receipt.report.title}"
                                                   if receipt.report else "")),
             (_("Amount received"), money(receipt.amount)),
             (_("To the contributors"), money(receipt.pool))]
    return reversal_page(
        form, deal_corrections.reverse_income, receipt,
        done=_("Receipt reversed: both stay on the deal, and the contributors' parts are "
               "taken back."), back=_on_deal_page(receipt),
        title=_("Reverse a receipt of income"), facts=facts, button=_("Reverse the receipt"),
        explanation=_("A reversing receipt of the negated amounts is written beside this one, "
                      "with each contributor's part negated: the deal's income, the "
                      "statements, the annual report and the reminders follow."))


@bp.route("/royalty-reports/<int:report_id>/reverse", methods=["GET", "POST"])
@login_required
def reverse_report(report_id: int) -> str | Response | tuple[str, int]:
    report = reversible(db.session.get(RoyaltyReport, report_id),
                        deal_corrections.report_refusal, acting_user(), _on_deal_page)
    transfer = report.transfer
    form = ReverseForm()
    facts = [_deal_fact(transfer),
             (_("Period"), report.title), (_("Report received on"), day(report.received_on)),
             (_("Base reported"), money(report.base_amount)),
             (_("Royalty owed"), money(report.royalty_due))]
    return reversal_page(
        form, deal_corrections.reverse_report, report,
        done=_("Report reversed: it stays on the deal, and its period is owed again."),
        back=_on_deal_page(report),
        title=_("Reverse a royalty report"), facts=facts, button=_("Reverse the report"),
        explanation=_("The report no longer counts: its period's report is owed again and its "
                      "royalty is no longer due. It stays on the deal's page, marked."))


@bp.get("/ip/statements/<int:user_id>")
@login_required
def statement(user_id: int) -> str | Response:
    """A contributor's income statement, printable (of one year with `?year=`; a bad year is
    400): theirs, HQ's and the committee's to read; anyone else is told it is not there."""
    person = loaded(User, user_id,
                    may=lambda person, user: IncomeShare.can_read_statement(user, person.id))
    year = year_arg()
    return _statement_page(person.name, None, queries.statement(person, year), year)


@bp.get("/ip/statements/named/<int:contributor_id>")
@login_required
def named_statement(contributor_id: int) -> str | Response:
    """The statement of a contributor named as written (no user account), for the achievement
    they are named on: HQ's and the committee's to read and print for them."""
    contributor = loaded(Contributor, contributor_id, may=Contributor.can_read_statement)
    achievement = load_achievement(contributor.achievement_id)
    if contributor.user_id is not None:  # a user's statement is theirs, whatever achievement
        return redirect(url_for("transfers.statement", user_id=contributor.user_id,
                                **({"year": request.args["year"]}
                                   if "year" in request.args else {})))
    year = year_arg()
    return _statement_page(contributor.name, achievement,
                           queries.named_statement(contributor, year), year)


def _statement_page(name: str, achievement: Achievement | None, lines: list,
                    year: int) -> str | Response:
    """The statement, or (`?export=csv|xlsx`) its lines and total as a file, of its year."""
    total = statement_total(lines)
    if fmt := exports.requested():
        return exports.send(STATEMENT_COLUMNS, [*lines, total],
                            f"income-statement-{year or 'all'}", fmt,
                            title=_("Income statement of %(name)s", name=name))
    return render_template("achievements/statement.html", name=name, achievement=achievement,
                           lines=lines, year=year, columns=STATEMENT_COLUMNS, total=total)
