"""Company pages: HQ's portfolio, a company's cap table on any date, rounds, IP and exits, and
the forms HQ admins and the investment committee record them with."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import Row, select
from werkzeug.wrappers import Response

from tracker import db
from tracker.achievements import spinoff_deals
from tracker.companies import (
    columns,
    corrections,
    deal_voids,
    deals,
    ledger,
    ledger_checks,
    prerequisites,
    previews,
    services,
)
from tracker.companies.forms import (
    CompanyForm,
    ExitForm,
    IncorporationForm,
    IpDealForm,
    IssueForm,
    RoundForm,
    TransferForm,
)
from tracker.companies.holder_names import offered as offered_holders
from tracker.companies.holdings import listed, read_once, with_ledger
from tracker.companies.models import Company, CompanyExit, FinancingRound, ShareEntry
from tracker.dates import today
from tracker.display.formatting import day, money, number
from tracker.display.labels import label
from tracker.export import responses as exports
from tracker.imports import page_files
from tracker.projects import listing
from tracker.projects.models import ProjectType
from tracker.reports.filters import institute_choices
from tracker.web.actions import submit
from tracker.web.corrections import (
    ReasonForm,
    ReverseForm,
    ShareReverseForm,
    offered,
    reason_page,
    reversal_page,
    reversible,
)
from tracker.web.fields import offer
from tracker.web.filters import of_list
from tracker.web.navigation import Page, date_arg, int_arg
from tracker.web.permissions import acting_user, found, requires

bp = Blueprint("companies", __name__)

COMPANY_FIELDS = ("name", "uscc", "registered_on", "registered_capital", "legal_representative",
                  "project_ids")



def load_company(company_id: int) -> Company:
    """The company, or 404 unless the user may see it (who may change it: the pages'
    `requires`, asked first)."""
    company = found(db.session.scalar(
        select(Company).filter_by(id=company_id).options(*with_ledger())))
    return company


def _to_company(company: Company) -> str:
    return url_for("companies.show", company_id=company.id)


def _form_page(company: Company | None, form, title: str, template: str = "companies/form.html",
               **context) -> str:
    offer(form, lambda: offered_holders(company) if company is not None else [])  # holders
    return render_template(template, form=form, company=company, title=title, **context)


@bp.get("/companies/")
@requires(Company.can_list)
def portfolio() -> str | Response:
    """HQ's stake in each company at its last round price, a page at a time; totals in SQL,
    read with the page's ids in one statement (`holdings.read_once`)."""
    user, on = acting_user(), date_arg("on", today())
    filters, registered_only = of_list(), bool(int_arg("registered"))
    exited, with_stake = bool(int_arg("exited")), bool(int_arg("hq_stake"))
    chosen = listed(user, on, filters if filters.args() else None, registered=registered_only,
                    exited=exited, with_stake=with_stake)
    number, per_page = max(int_arg("page", 1), 1), current_app.config["PAGE_SIZE"]
    found, ids, total = read_once(chosen, number, per_page)
    foot = columns.portfolio_total(found)
    if asked := page_files.requested(user, "companies", "incentive_grants"):
        return page_files.send(asked, page_files.ids_of(chosen, "company_id"))
    if fmt := exports.requested():
        rows = [ledger.portfolio_line(c, on) for c in db.session.scalars(
            select(Company).where(Company.id.in_(select(chosen.subquery().c.company_id)))
            .options(*with_ledger()).order_by(Company.name, Company.id))]
        return exports.send(columns.PORTFOLIO_COLUMNS, [*rows, foot],
                            "portfolio-on", fmt, title=_("Companies"), on=on)
    shown = {c.id: c for c in db.session.scalars(
        select(Company).where(Company.id.in_(ids)).options(*with_ledger()))}
    page = Page(items=[shown[i] for i in ids], page=number, per_page=per_page, total=total)
    return render_template("companies/portfolio.html", page=page, foot=foot,
                           lines=[ledger.portfolio_line(c, on) for c in page.items],
                           columns=columns.PORTFOLIO_COLUMNS, on=on, filters=filters,
                           registered=registered_only, exited=exited, with_stake=with_stake,
                           institutes=institute_choices(acting_user()), types=list(ProjectType),
                           can_manage=Company.can_manage(user),
                           for_import=page_files.offered(user, "companies", "incentive_grants"))


@bp.get("/companies/<int:company_id>")
@login_required
def show(company_id: int) -> str | Response:
    """The company; its cap table on `?on=` is also a file (`&export=csv|xlsx`)."""
    company = load_company(company_id)
    on = date_arg("on", today())
    table = ledger.cap_table(company, on)
    if fmt := exports.requested():
        rows = [*table.rows, columns.cap_table_total(table)]
        return exports.send(columns.CAP_TABLE_COLUMNS, rows, f"cap-table-{company.id}-on", fmt,
                            on=on, title=_("Cap table"))
    named = spinoff_deals.transfers_of(company.ip_deals)
    return render_template(
        "companies/show.html", company=company, on=on, table=table,
        stake=ledger.portfolio_line(company, on),  # as the portfolio's row says it
        cap_columns=columns.CAP_TABLE_COLUMNS, cap_foot=columns.cap_table_total(table),
        rounds=[(r, None if r.reversal else ledger.round_stakes(company, r.id, r.on_date),
                 ledger.post_money(r)) for r in company.rounds],
        history=ledger.stake_history(company),
        warnings=ledger_checks.shortfall_warnings(ledger.issues_of(company)),
        entries=list(reversed(company.entries)), can_manage=Company.can_manage(acting_user()),
        **corrections.ledger_offers(company, acting_user()),
        detachments=corrections.detachments_of(company=company),
        **deal_voids.offers(acting_user(), company),
        ip_transfers=named, recordable=spinoff_deals.recordable(acting_user(), company.ip_deals,
                                                                named),
        detachable={p.id for p in company.projects if Company.can_detach(acting_user())
                    and corrections.detach_refusal(company, p) is None},
        not_registered=prerequisites.not_registered(company),
        ip_missing=Company.can_manage(acting_user()) and deals.deal_refusal(
            company, deals.register_choices(company)))


def _project_choices(company: Company | None) -> list[Row]:
    """The projects a company may come from (the service refuses the others), and its own."""
    return listing.company_project_choices([p.id for p in company.projects] if company else [])


@bp.route("/companies/new", methods=["GET", "POST"])
@requires(Company.can_manage)
def new() -> Response | tuple[str, int]:
    from_project = int_arg("project")  # from a project's funding page: that project chosen
    form = CompanyForm(projects=_project_choices(None),
                       data={"project_ids": [from_project]} if from_project else None)
    return submit(form, lambda: services.record_company(acting_user(), **_values(form)),
                  _("Company recorded."), _to_company,
                  lambda: _form_page(None, form, _("New spin-off company")))


def _values(form: CompanyForm) -> dict:
    values = {name: getattr(form, name).data for name in COMPANY_FIELDS}
    values["uscc"] = values["uscc"] or None
    values["legal_representative"] = values["legal_representative"] or ""
    return values


@bp.route("/companies/<int:company_id>/edit", methods=["GET", "POST"])
@requires(Company.can_manage)
def edit(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    data = None
    if request.method == "GET":
        data = {name: getattr(company, name) for name in COMPANY_FIELDS if name != "project_ids"}
        data["project_ids"] = [p.id for p in company.projects]
    form = CompanyForm(projects=_project_choices(company), data=data)
    return submit(form, lambda: services.update_company(acting_user(), company, **_values(form)),
                  _("Saved."), _to_company(company),
                  lambda: _form_page(company, form, _("Edit company")), record=company)


@bp.route("/companies/<int:company_id>/incorporate", methods=["GET", "POST"])
@requires(Company.can_manage)
def incorporate(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    form = IncorporationForm()
    if not form.is_submitted():
        form.on_date.data = company.registered_on or today()

    def call() -> None:
        lines = [row.line(i) for i, row in form.numbered_rows()]
        # Its warnings (art. 45) are on the confirmation step and then on the company's page.
        services.incorporate(acting_user(), company, lines, form.on_date.data,
                             form.total_shares.data)

    return submit(form, call, _("Cap table recorded."), _to_company(company),
                  lambda: _form_page(company, form, _("Cap table at incorporation"),
                                     "companies/incorporate.html"),
                  preview=lambda _: previews.incorporation(company, form.on_date.data))


@bp.route("/companies/<int:company_id>/shares/new", methods=["GET", "POST"])
@requires(Company.can_manage)
def issue(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    offered(services.cap_table_refusal(company), _to_company(company))
    form = IssueForm()
    if not form.is_submitted():
        form.on_date.data = today()

    def call() -> ShareEntry:
        return services.issue_shares(acting_user(), company, form.line(), form.on_date.data,
                                     form.note.data or "")

    return submit(form, call, _("Shares issued."), _to_company(company),
                  lambda: _form_page(company, form, _("Issue shares")))


@bp.route("/companies/<int:company_id>/transfers/new", methods=["GET", "POST"])
@requires(Company.can_manage)
def transfer(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    offered(services.cap_table_refusal(company), _to_company(company))
    form = TransferForm(holders=ledger.holders(company, today()))
    if not form.is_submitted():
        form.on_date.data = today()

    def call() -> ShareEntry:
        source = next(h for h in company.holders if h.id == form.from_holder_id.data)
        return services.transfer_shares(
            acting_user(), company, source, form.name.data, form.kind.data, form.shares.data,
            form.on_date.data, lock_up_until=form.lock_up_until.data, note=form.note.data or "")

    return submit(form, call, _("Share transfer recorded."), _to_company(company),
                  lambda: _form_page(company, form, _("Transfer shares")))


@bp.route("/companies/<int:company_id>/rounds/new", methods=["GET", "POST"])
@requires(Company.can_manage)
def new_round(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    offered(services.cap_table_refusal(company), _to_company(company))
    form = RoundForm()

    def call() -> FinancingRound:
        investors = [deals.InvestorLine(name=row.name.data or "", kind=row.kind.data,
                                           amount=row.amount.data or Decimal("0"),
                                           lead=row.lead.data, row=i)
                     for i, row in form.numbered_rows()]
        return deals.record_round(acting_user(), company, name=form.name.data,
                                     on=form.on_date.data, pre_money=form.pre_money.data,
                                     amount=form.amount.data, investors=investors)

    return submit(form, call, _("Round recorded: its shares are issued."), _to_company(company),
                  lambda: _form_page(company, form, _("New financing round"),
                                     "companies/round_form.html"),
                  preview=lambda financing: previews.financing_round(company, financing))


@bp.route("/companies/<int:company_id>/ip/new", methods=["GET", "POST"])
@requires(Company.can_manage)
def new_ip_deal(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    achievements = deals.register_choices(company)
    offered(prerequisites.not_registered(company) or deals.deal_refusal(company, achievements),
            _to_company(company))
    form = IpDealForm(achievements=achievements)
    if not form.is_submitted():
        form.licensee.data = company.name
        form.institute_holder.data, form.team_holder.data = previews.equity_holders(company)
    return submit(form, lambda: deals.record_ip_deal(acting_user(), company, **form.terms()),
                  lambda d: spinoff_deals.recorded_said(d, acting_user()), _to_company(company),
                  lambda: _form_page(company, form, _("Licence or assignment of IP")),
                  preview=lambda deal: previews.ip_deal(company, deal))


@bp.route("/companies/<int:company_id>/exit", methods=["GET", "POST"])
@requires(Company.can_manage)
def record_exit(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    offered(services.cap_table_refusal(company), _to_company(company))
    form = ExitForm()

    def call():
        return deals.record_exit(acting_user(), company, kind=form.kind.data,
                                    on=form.on_date.data, proceeds=form.proceeds.data,
                                    note=form.note.data or "", accelerate=form.accelerate.data)

    return submit(form, call, _("Exit recorded."), _to_company(company),
                  lambda: _form_page(company, form, _("Exit")),
                  preview=lambda exit_: previews.company_exit(company, exit_))


# --- corrections ---------------------------------------------------------------------------------


@bp.route("/companies/entries/<int:entry_id>/reverse", methods=["GET", "POST"])
@requires(Company.can_manage)
def reverse_entry(entry_id: int) -> Response | tuple[str, int]:
    entry = reversible(db.session.get(ShareEntry, entry_id), corrections.entry_refusal,
                       acting_user(),
                       lambda entry: _to_company(entry.company))
    form = ShareReverseForm()
    facts = [(_("Company"), entry.company.name), (_("Date"), day(entry.on_date)),
             (_("Entry"), label(entry.kind)),
             (_("From"), entry.from_holder.shown_name if entry.from_holder else "—"),
             (_("To"), entry.to_holder.shown_name), (_("Shares"), number(entry.shares))]
    return reversal_page(
        form, corrections.reverse_entry, entry,
        done=_("Entry reversed: both stay in the ledger."), back=_to_company(entry.company),
        title=_("Reverse a share entry"), facts=facts, button=_("Reverse the entry"),
        explanation=_("A reversing entry with the shares negated is written beside this one: "
                      "both stay in the ledger, and the shares count in no cap table, on any "
                      "date."))


@bp.route("/companies/rounds/<int:round_id>/reverse", methods=["GET", "POST"])
@requires(Company.can_manage)
def reverse_round(round_id: int) -> Response | tuple[str, int]:
    financing = reversible(db.session.get(FinancingRound, round_id), corrections.round_refusal,
                           acting_user(), lambda financing: _to_company(financing.company))
    form = ShareReverseForm()
    facts = [(_("Company"), financing.company.name), (_("Round"), financing.name),
             (_("Date"), day(financing.on_date)), (_("Amount raised"), money(financing.amount)),
             (_("New shares"), number(financing.new_shares))]
    return reversal_page(
        form, corrections.reverse_round, financing,
        done=_("Round reversed: it stays on the page, marked reversed."),
        back=_to_company(financing.company), title=_("Reverse a financing round"), facts=facts,
        button=_("Reverse the round"),
        explanation=_("Each investor's shares are reversed and count in no cap table, on any "
                      "date; the round no longer sets a price, qualifies for a conversion or "
                      "counts as money raised."))


@bp.route("/companies/exits/<int:exit_id>/reverse", methods=["GET", "POST"])
@requires(Company.can_manage)
def reverse_exit(exit_id: int) -> Response | tuple[str, int]:
    exit_ = reversible(db.session.get(CompanyExit, exit_id), corrections.exit_refusal,
                       acting_user(),
                       lambda exit_: _to_company(exit_.company))
    form = ReverseForm()
    facts = [(_("Company"), exit_.company.name), (_("Exit"), label(exit_.kind)),
             (_("Date"), day(exit_.on_date)), (_("Proceeds"), money(exit_.proceeds))]
    return reversal_page(
        form, corrections.reverse_exit, exit_,
        done=_("Exit reversed: the company's ledger is open again."),
        back=_to_company(exit_.company), title=_("Reverse an exit"), facts=facts,
        button=_("Reverse the exit"),
        explanation=_("From this date on the company is no longer exited: its ledger reopens "
                      "and the proceeds are no longer counted as realised."))


@bp.route("/companies/<int:company_id>/projects/<int:project_id>/detach",
          methods=["GET", "POST"])
@requires(Company.can_detach)
def detach(company_id: int, project_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id)
    project = found(next((p for p in company.projects if p.id == project_id), None), may=None)
    offered(corrections.detach_refusal(company, project), _to_company(company))
    return reason_page(
        ReasonForm(), lambda user, company, reason: corrections.detach_project(
            user, company, project, reason), company,
        done=_("The company is detached from the project."), back=_to_company(company),
        title=_("Detach the company from a project"),
        facts=[(_("Company"), company.name), (_("Project"), project.name)],
        explanation=_("The link goes; who detached it, when and why stay on the company's and "
                      "the project's pages."), button=_("Detach"))
