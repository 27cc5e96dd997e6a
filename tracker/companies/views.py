"""Company pages: HQ's portfolio, a company's cap table on any date, rounds, IP and exits, and
the forms HQ admins and the investment committee record them with."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import User
from tracker.companies import columns, deals, ledger, previews, services
from tracker.companies.forms import (
    CompanyForm,
    ExitForm,
    IncorporationForm,
    IpDealForm,
    IssueForm,
    RoundForm,
    TransferForm,
)
from tracker.companies.models import Company, FinancingRound, IpDeal, ShareEntry
from tracker.dates import today
from tracker.export import responses as exports
from tracker.projects.lifecycle import SPIN_OFF_PHASES
from tracker.projects.models import Project
from tracker.web.actions import submit
from tracker.web.navigation import date_arg
from tracker.web.permissions import requires

bp = Blueprint("companies", __name__)

COMPANY_FIELDS = ("name", "uscc", "registered_on", "registered_capital", "legal_representative",
                  "project_ids")


def _user() -> User:
    return current_user._get_current_object()


def _with_ledger():
    return (selectinload(Company.projects).selectinload(Project.members),
            selectinload(Company.holders),
            selectinload(Company.entries),
            selectinload(Company.rounds).selectinload(FinancingRound.investments),
            selectinload(Company.ip_deals).selectinload(IpDeal.project),
            selectinload(Company.exits))


def load_company(company_id: int, *, manage: bool = False) -> Company:
    """The company, or 404 unless the user may see it; 403 to change it without the role."""
    company = db.session.scalar(select(Company).where(Company.id == company_id)
                                .options(*_with_ledger()))
    if company is None or not company.can_view(_user()):
        abort(404)
    if manage and not Company.can_manage(_user()):
        abort(403)
    return company


def _to_company(company: Company) -> str:
    return url_for("companies.show", company_id=company.id)


def _form_page(company: Company | None, form, title: str, template: str = "companies/form.html",
               **context) -> str:
    return render_template(template, form=form, company=company, title=title, **context)


@bp.get("/companies/")
@requires(Company.can_list)
def portfolio() -> str | Response:
    """HQ's portfolio: its stake in each company valued at the company's last round price."""
    user = _user()
    companies = [c for c in db.session.scalars(
        select(Company).options(*_with_ledger()).order_by(Company.name)) if c.can_view(user)]
    on = date_arg("on", today())
    lines = [ledger.portfolio_line(c, on) for c in companies]
    total = sum((line.value for line in lines if line.value is not None), Decimal("0"))
    realised = sum((line.realised for line in lines), Decimal("0"))
    foot = columns.portfolio_total(total, realised)
    if fmt := exports.requested():
        return exports.send(columns.PORTFOLIO_COLUMNS, [*lines, foot],
                            f"portfolio-on-{on.isoformat()}", fmt, title=_("Companies"))
    return render_template("companies/portfolio.html", lines=lines, foot=foot,
                           columns=columns.PORTFOLIO_COLUMNS, on=on,
                           can_manage=Company.can_manage(user))


@bp.get("/companies/<int:company_id>")
@login_required
def show(company_id: int) -> str | Response:
    """The company; its cap table on `?on=` is also a file (`&export=csv|xlsx`)."""
    company = load_company(company_id)
    on = date_arg("on", today())
    table = ledger.cap_table(company, on)
    if fmt := exports.requested():
        rows = [*table.rows, columns.cap_table_total(table)]
        return exports.send(columns.CAP_TABLE_COLUMNS, rows,
                            f"cap-table-{company.id}-on-{on.isoformat()}", fmt,
                            title=_("Cap table"))
    return render_template(
        "companies/show.html", company=company, on=on, table=table,
        cap_columns=columns.CAP_TABLE_COLUMNS, cap_foot=columns.cap_table_total(table),
        rounds=[(r, ledger.round_stakes(company, r.id, r.on_date)) for r in company.rounds],
        history=ledger.stake_history(company),
        warnings=services.shortfall_warnings(ledger.issues_of(company)),
        entries=list(reversed(company.entries)), can_manage=Company.can_manage(_user()))


def _project_choices(company: Company | None) -> list[Project]:
    """The projects a company may come from (the service refuses the others), and its own."""
    linked = [p.id for p in company.projects] if company else []
    return list(db.session.scalars(select(Project).where(
        Project.phase.in_(SPIN_OFF_PHASES) | Project.id.in_(linked)).order_by(Project.code)))


@bp.route("/companies/new", methods=["GET", "POST"])
@login_required
def new() -> Response | tuple[str, int]:
    if not Company.can_manage(_user()):
        abort(403)
    form = CompanyForm(projects=_project_choices(None))
    return submit(form, lambda: services.record_company(_user(), **_values(form)),
                  _("Company recorded."), _to_company,
                  lambda: _form_page(None, form, _("New spin-off company")))


def _values(form: CompanyForm) -> dict:
    values = {name: getattr(form, name).data for name in COMPANY_FIELDS}
    values["uscc"] = values["uscc"] or None
    values["legal_representative"] = values["legal_representative"] or ""
    return values


@bp.route("/companies/<int:company_id>/edit", methods=["GET", "POST"])
@login_required
def edit(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id, manage=True)
    data = None
    if request.method == "GET":
        data = {name: getattr(company, name) for name in COMPANY_FIELDS if name != "project_ids"}
        data["project_ids"] = [p.id for p in company.projects]
    form = CompanyForm(projects=_project_choices(company), data=data)
    return submit(form, lambda: services.update_company(_user(), company, **_values(form)),
                  _("Saved."), _to_company(company),
                  lambda: _form_page(company, form, _("Edit %(name)s", name=company.name)),
                  record=company)


@bp.route("/companies/<int:company_id>/incorporate", methods=["GET", "POST"])
@login_required
def incorporate(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id, manage=True)
    form = IncorporationForm()
    if not form.is_submitted():
        form.on_date.data = company.registered_on or today()

    def call() -> None:
        lines = [services.IssueLine(
            name=row.name.data or "", kind=row.kind.data, shares=row.shares.data or Decimal("0"),
            acquired_by=row.acquired_by.data, technology=row.technology.data or "",
            lock_up_until=row.lock_up_until.data) for row in form.filled_rows()]
        # Its warnings (art. 45) are on the confirmation step and then on the company's page.
        services.incorporate(_user(), company, lines, form.on_date.data, form.total_shares.data)

    return submit(form, call, _("Cap table recorded."), _to_company(company),
                  lambda: _form_page(company, form, _("Cap table at incorporation"),
                                     "companies/incorporate.html"),
                  preview=lambda _: previews.incorporation(company, form.on_date.data))


@bp.route("/companies/<int:company_id>/shares/new", methods=["GET", "POST"])
@login_required
def issue(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id, manage=True)
    form = IssueForm()
    if not form.is_submitted():
        form.on_date.data = today()

    def call() -> ShareEntry:
        line = services.IssueLine(
            name=form.name.data, kind=form.kind.data, shares=form.shares.data,
            acquired_by=form.acquired_by.data, technology=form.technology.data or "",
            lock_up_until=form.lock_up_until.data)
        return services.issue_shares(_user(), company, line, form.on_date.data,
                                     form.note.data or "")

    return submit(form, call, _("Shares issued."), _to_company(company),
                  lambda: _form_page(company, form, _("Issue shares")))


@bp.route("/companies/<int:company_id>/transfers/new", methods=["GET", "POST"])
@login_required
def transfer(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id, manage=True)
    form = TransferForm(holders=company.holders)
    if not form.is_submitted():
        form.on_date.data = today()

    def call() -> ShareEntry:
        source = next(h for h in company.holders if h.id == form.from_holder_id.data)
        return services.transfer_shares(
            _user(), company, source, form.name.data, form.kind.data, form.shares.data,
            form.on_date.data, lock_up_until=form.lock_up_until.data,
            note=form.note.data or "")

    return submit(form, call, _("Transfer recorded."), _to_company(company),
                  lambda: _form_page(company, form, _("Transfer shares")))


@bp.route("/companies/<int:company_id>/rounds/new", methods=["GET", "POST"])
@login_required
def new_round(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id, manage=True)
    form = RoundForm()

    def call() -> FinancingRound:
        investors = [deals.InvestorLine(name=row.name.data or "", kind=row.kind.data,
                                           amount=row.amount.data or Decimal("0"),
                                           lead=row.lead.data)
                     for row in form.filled_rows()]
        return deals.record_round(_user(), company, name=form.name.data,
                                     on=form.on_date.data, pre_money=form.pre_money.data,
                                     amount=form.amount.data, investors=investors)

    return submit(form, call, _("Round recorded: its shares are issued."), _to_company(company),
                  lambda: _form_page(company, form, _("New financing round"),
                                     "companies/round_form.html"),
                  preview=lambda financing: previews.financing_round(company, financing))


@bp.route("/companies/<int:company_id>/ip/new", methods=["GET", "POST"])
@login_required
def new_ip_deal(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id, manage=True)
    form = IpDealForm(projects=company.projects)
    if not form.is_submitted():
        form.licensee.data = company.name

    def call():
        return deals.record_ip_deal(
            _user(), company, project_id=form.project_id.data, kind=form.kind.data,
            patent_number=form.patent_number.data, title=form.title.data,
            licensee=form.licensee.data, exclusive=form.exclusive.data,
            field_of_use=form.field_of_use.data or "", upfront=form.upfront.data,
            royalty_pct=form.royalty_pct.data, equity_shares=form.equity_shares.data,
            signed_on=form.signed_on.data)

    return submit(form, call, _("Licence recorded."), _to_company(company),
                  lambda: _form_page(company, form, _("Licence or assignment of IP")))


@bp.route("/companies/<int:company_id>/exit", methods=["GET", "POST"])
@login_required
def record_exit(company_id: int) -> Response | tuple[str, int]:
    company = load_company(company_id, manage=True)
    form = ExitForm()

    def call():
        return deals.record_exit(_user(), company, kind=form.kind.data,
                                    on=form.on_date.data, proceeds=form.proceeds.data,
                                    note=form.note.data or "")

    return submit(form, call, _("Exit recorded."), _to_company(company),
                  lambda: _form_page(company, form, _("Exit")),
                  preview=lambda exit_: previews.company_exit(company, exit_))
