"""What happens to a registered company after its incorporation: financing rounds (each dilutes
the holders before it), licences and assignments of the projects' IP, and the exit. Like
tracker/companies/services.py, each function takes the acting user, validates, changes, audits
and flushes; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db, money
from tracker.audit import services as audit
from tracker.companies import ledger, services
from tracker.companies.ip_models import IpDeal, IpDealKind
from tracker.companies.models import (
    Acquisition,
    Company,
    CompanyExit,
    ExitKind,
    FinancingRound,
    HolderType,
    RoundInvestment,
)
from tracker.companies.reversal_models import round_stands
from tracker.display.formatting import day, number
from tracker.display.formatting import money as cny
from tracker.display.formatting import price as price_text
from tracker.errors import Problems, Refused, in_row

if TYPE_CHECKING:
    from tracker.accounts.models import User


@dataclass(frozen=True)
class InvestorLine:
    name: str
    kind: HolderType
    amount: Decimal
    lead: bool = False
    row: int | None = None  # its row in the form's table: a problem is shown there

    def field(self, column: str) -> str:
        return in_row("investors", self.row, column)


# --- rounds -----------------------------------------------------------------------------------


def record_round(actor: User, company: Company, *, name: str, on: date, pre_money: Decimal,
                 amount: Decimal, investors: list[InvestorLine]) -> FinancingRound:
    """A financing round: price per share = pre-money / shares outstanding; new shares issued
    to each investor for their amount, rounded down (`tracker.money`)."""
    services.require_manager(actor)
    services.require_cap_table(company)
    # Every problem at once (`Problems`), each beside its field; the price is computed only
    # from sound values.
    problems = Problems()
    if amount is None or amount <= 0:
        problems.add("amount", _("A round raises more than zero: %(amount)s was given.",
                                 amount=cny(amount or Decimal("0"))))
    if pre_money is None or pre_money <= 0:
        problems.add("pre_money", _("The pre-money valuation must be more than zero: "
                                    "%(amount)s was given.",
                                    amount=cny(pre_money or Decimal("0"))))
    problems.collect(services.check_dated, company, "on_date", on)
    if not investors:
        problems.add("investors", _("List the investors and their amounts."))
    for line in investors:
        if not line.name.strip():
            problems.add(line.field("name"), _("Name each investor."))
        if line.amount is None or line.amount <= 0:
            problems.add(line.field("amount"), _("%(name)s: an investment is more than zero; "
                                        "%(amount)s was given.", name=line.name,
                                        amount=cny(line.amount or Decimal("0"))))
    subscribed = sum((line.amount or Decimal("0") for line in investors), Decimal("0"))
    if investors and amount is not None and amount > 0 and subscribed != amount:
        problems.add("investors", _(
            "The investors' amounts add up to %(subscribed)s, not the round's %(amount)s.",
            subscribed=cny(subscribed), amount=cny(amount)))
    if sum(1 for line in investors if line.lead) > 1:
        problems.add("investors", _("A round has one lead investor."))
    problems.collect(services.check_holders, company,
                     [(line.name, line.kind) for line in investors if line.name.strip()],
                     "investors")
    name = name.strip()
    # Unique among the rounds that stand (a reversed round frees its name), checked under the
    # company's lock so that two rounds of one name can't be recorded at once.
    db.session.refresh(company, with_for_update=True)
    if db.session.scalar(select(FinancingRound.id).where(
            FinancingRound.company_id == company.id, FinancingRound.name == name,
            round_stands(FinancingRound.id))):
        problems.add("name", _("%(company)s already has a round called %(name)s.",
                               company=company.name, name=name))
    if "pre_money" in problems or "on_date" in problems or any(
            field.startswith("investors") for field, _message in problems.found):
        problems.raise_any()
    outstanding = ledger.cap_table(company, on).issued
    if not outstanding:
        problems.raise_any()
        raise Refused(_("No shares were outstanding on %(date)s: a round needs the cap table "
                        "at incorporation first.", date=day(on)))
    price = money.price_per_share(pre_money, outstanding)
    if price <= 0:
        problems.add("pre_money", _("A pre-money valuation of %(amount)s over %(shares)s "
                                    "shares gives a price per share that rounds to zero.",
                                    amount=cny(pre_money), shares=number(outstanding)))
        problems.raise_any()
    bought = [(line, money.whole_shares(line.amount, price)) for line in investors]
    for line, shares in bought:
        if shares < 1:
            problems.add(line.field("amount"), _("%(name)s's %(amount)s buys no whole share at "
                                        "%(price)s a share.", name=line.name,
                                        amount=cny(line.amount), price=price_text(price)))
    problems.raise_any()
    financing = FinancingRound(name=name, on_date=on, pre_money=pre_money,
                               amount=amount, shares_before=outstanding,
                               price_per_share=price, recorded_by_id=actor.id)
    company.rounds.append(financing)
    audit.record(actor, "round.create", financing)
    for line, shares in bought:
        holder = services.holder_for(company, line.name, line.kind)
        entry = services.issue_entry(actor, company, holder, shares, on, Acquisition.CASH,
                            round_id=financing.id, note=financing.name)
        financing.investments.append(RoundInvestment(amount=line.amount, lead=line.lead,
                                                     entry=entry))
    db.session.flush()
    return financing


# --- IP and exits -------------------------------------------------------------------------------


def record_ip_deal(actor: User, company: Company, *, project_id: int, kind: IpDealKind,
                   patent_number: str, title: str, licensee: str, exclusive: bool,
                   field_of_use: str, upfront: Decimal | None, royalty_pct: Decimal | None,
                   equity_shares: Decimal | None, signed_on: date) -> IpDeal:
    services.require_manager(actor)
    problems = Problems()  # every problem at once, each beside its field
    if project_id not in {p.id for p in company.projects}:
        problems.add("project_id", _("Choose one of the projects the company comes from."))
    problems.collect(services.check_dated, company, "signed_on", signed_on)
    upfront = upfront or Decimal("0")
    royalty_pct = royalty_pct or Decimal("0")
    equity_shares = equity_shares or Decimal("0")
    if upfront < 0:
        problems.add("upfront", _("The amount cannot be negative."))
    if not 0 <= royalty_pct <= 100:
        problems.add("royalty_pct", _("A rate is between 0 and 100%%; %(n)s was given.",
                                      n=royalty_pct))
    if equity_shares < 0 or equity_shares != equity_shares.to_integral_value():
        problems.add("equity_shares", _("Shares are whole numbers, zero or more."))
    problems.raise_any()
    deal = IpDeal(project_id=project_id, kind=kind, patent_number=patent_number.strip(),
                  title=title.strip(), licensee=licensee.strip(), exclusive=exclusive,
                  field_of_use=field_of_use.strip(), upfront=upfront, royalty_pct=royalty_pct,
                  equity_shares=equity_shares, signed_on=signed_on, recorded_by_id=actor.id)
    company.ip_deals.append(deal)
    audit.record(actor, "ip.record", deal)
    db.session.flush()
    return deal


def record_exit(actor: User, company: Company, *, kind: ExitKind, on: date,
                proceeds: Decimal, note: str = "", accelerate: bool = False) -> CompanyExit:
    """The exit, with HQ's and the institute's proceeds pro rata to their stakes that day. It
    ends the incentive grants (`IncentiveGrant.exit_by`): no option is exercised after it, and
    those unvested then lapse unless it accelerates them."""
    services.require_manager(actor)
    services.require_cap_table(company)
    problems = Problems()  # every problem at once, each beside its field
    problems.collect(services.check_dated, company, "on_date", on)
    last = services.last_event_date(company)
    if "on_date" not in problems and last is not None and on < last:
        problems.add("on_date", _("The exit is dated before the company's last share entry "
                                  "(%(date)s).", date=day(last)))
    if proceeds is None or proceeds < 0:
        problems.add("proceeds", _("The amount cannot be negative."))
    problems.raise_any()
    table = ledger.cap_table(company, on)
    exit_ = CompanyExit(
        kind=kind, on_date=on, proceeds=proceeds, note=note.strip(), recorded_by_id=actor.id,
        accelerate=bool(accelerate),
        hq_proceeds=money.pro_rata(proceeds, table.shares_of(HolderType.HQ), table.issued),
        institute_proceeds=money.pro_rata(proceeds, table.shares_of(HolderType.INSTITUTE),
                                          table.issued))
    company.exits.append(exit_)
    audit.record(actor, "company.exit", exit_)
    db.session.flush()
    return exit_
