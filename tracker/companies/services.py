"""What HQ admins and the investment committee do to a spin-off company: record it, write its
cap table at incorporation, issue and transfer shares, record rounds, IP deals and exits.

Each function takes the acting user, validates, changes, audits and flushes; the view commits.
A refusal says which rule and what the numbers were, and nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db, money
from tracker.audit import services as audit
from tracker.companies import ledger
from tracker.companies.models import (
    Acquisition,
    Company,
    CompanyExit,
    EntryKind,
    ExitKind,
    FinancingRound,
    HolderType,
    IpDeal,
    IpDealKind,
    RoundInvestment,
    ShareEntry,
    Shareholder,
    company_projects,
)
from tracker.dates import today
from tracker.display.formatting import day, number
from tracker.display.formatting import money as cny
from tracker.display.formatting import price as price_text
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Refused
from tracker.organisations import uscc
from tracker.organisations.services import uscc_message
from tracker.projects.models import Project
from tracker.settings import catalogue
from tracker.settings import services as settings

if TYPE_CHECKING:
    from tracker.accounts.models import User


@dataclass(frozen=True)
class IssueLine:
    """A line of the cap table at incorporation, or one later issuance."""

    name: str
    kind: HolderType
    shares: Decimal
    acquired_by: Acquisition
    technology: str = ""
    lock_up_until: date | None = None


@dataclass(frozen=True)
class InvestorLine:
    name: str
    kind: HolderType
    amount: Decimal
    lead: bool = False


def _require_manager(actor: User) -> None:
    if not Company.can_manage(actor):
        raise Forbidden(_("Only HQ admins and the investment committee record companies."))


def _not_in_future(field: str, when: date) -> None:
    if when > today():
        raise Invalid(field, _("%(date)s is in the future.", date=day(when)))


def _check_dated(company: Company, field: str, on: date) -> None:
    """Whatever the company does is dated from its registration on, and not in the future."""
    _not_in_future(field, on)
    if not company.is_registered:
        raise Refused(_("%(name)s is not registered yet: record its unified social credit code "
                        "and registration date first.", name=company.name))
    if on < company.registered_on:
        raise Invalid(field, _("%(date)s is before %(name)s was registered (%(registered)s).",
                               date=day(on), name=company.name,
                               registered=day(company.registered_on)))


def _check_lock_up(line_name: str, on: date, lock_up_until: date | None, field: str) -> None:
    if lock_up_until is not None and lock_up_until <= on:
        raise Invalid(field, _("%(name)s: the lock-up ends on %(until)s, not after the shares "
                               "are issued (%(date)s).", name=line_name,
                               until=day(lock_up_until), date=day(on)))


def company_of(project: Project) -> Company | None:
    return db.session.scalar(select(Company).join(company_projects).where(
        company_projects.c.project_id == project.id))


# --- the company ---------------------------------------------------------------------------------


def _check_company(company: Company | None, values: dict[str, Any]) -> list[Project]:
    code = uscc.normalise(values.get("uscc") or "") or None
    values["uscc"] = code
    if code is not None:
        if not uscc.is_valid(code):
            raise Invalid("uscc", uscc_message(code))
        taken = db.session.scalar(select(Company.id).where(Company.uscc == code))
        if taken is not None and (company is None or taken != company.id):
            raise Invalid("uscc", _("Another company already has this code."))
    if (code is None) != (values.get("registered_on") is None):
        field = "uscc" if code is None else "registered_on"
        raise Invalid(field, _("A registration has both the unified social credit code and the "
                               "registration date."))
    if values.get("registered_on") is not None:
        _not_in_future("registered_on", values["registered_on"])
        first = ledger.first_event_date(company) if company is not None else None
        if first is not None and values["registered_on"] > first:
            raise Invalid("registered_on", _(
                "The company's ledger starts on %(date)s: it was registered by then.",
                date=day(first)))
    elif company is not None and ledger.first_event_date(company) is not None:
        raise Invalid("registered_on", _("The company has a ledger: its registration stays."))
    capital = values.get("registered_capital")
    if capital is not None and capital < 0:
        raise Invalid("registered_capital", _("The amount cannot be negative."))
    project_ids = values.pop("project_ids", None) or []
    if not project_ids:
        raise Invalid("project_ids", _("Name the project(s) the company comes from."))
    projects = list(db.session.scalars(select(Project).where(Project.id.in_(project_ids))))
    if len(projects) != len(set(project_ids)):
        raise Invalid("project_ids", _("Choose projects among those listed."))
    for project in projects:
        other = company_of(project)
        if other is not None and other is not company:
            raise Invalid("project_ids", _("%(project)s already spun off %(company)s.",
                                           project=project.code, company=other.name))
    return projects


def record_company(actor: User, **values: Any) -> Company:
    """A new spin-off company: name, registration (optional until registered), projects."""
    _require_manager(actor)
    projects = _check_company(None, values)
    company = Company(**values)
    changes = audit.pending_changes(company)
    company.projects = projects
    changes["projects"] = [None, [p.code for p in projects]]
    audit.record(actor, "company.create", company, changes)
    db.session.flush()
    return company


def update_company(actor: User, company: Company, **values: Any) -> Company:
    _require_manager(actor)
    projects = _check_company(company, values)
    before = [p.code for p in company.projects]
    for key, value in values.items():
        setattr(company, key, value)
    changes = audit.pending_changes(company)
    company.projects = projects
    after = [p.code for p in projects]
    if before != after:
        changes["projects"] = [before, after]
    if changes:
        audit.record(actor, "company.update", company, changes)
    db.session.flush()
    return company


# --- holders and the ledger ----------------------------------------------------------------------


def check_holders(company: Company, names: list[tuple[str, HolderType]], field: str) -> None:
    """A holder's name keeps its type: refuse before anything is written."""
    kinds = {h.name: h.kind for h in company.holders}
    for name, kind in names:
        known = kinds.setdefault(name.strip(), kind)
        if known is not kind:
            raise Invalid(field, _("%(name)s is a holder of the type %(kind)s, not %(other)s.",
                                   name=name.strip(), kind=label(known), other=label(kind)))


def holder_for(company: Company, name: str, kind: HolderType) -> Shareholder:
    """The company's holder of that name, created if new (after `check_holders`)."""
    name = name.strip()
    holder = next((h for h in company.holders if h.name == name), None)
    if holder is None:
        holder = Shareholder(name=name, kind=kind)
        company.holders.append(holder)
    return holder


def issue_entry(actor: User, company: Company, holder: Shareholder, shares: Decimal, on: date,
                acquired_by: Acquisition, *, technology: str = "",
                lock_up_until: date | None = None, round_id: int | None = None,
                note: str = "") -> ShareEntry:
    """One issuance on the ledger, audited (the callers have checked it)."""
    entry = ShareEntry(kind=EntryKind.ISSUE, on_date=on, shares=shares, to_holder=holder,
                       acquired_by=acquired_by, technology=technology.strip(),
                       lock_up_until=lock_up_until, round_id=round_id, note=note,
                       recorded_by_id=actor.id)
    company.entries.append(entry)
    changes = audit.pending_changes(entry)
    changes["holder"] = [None, holder.name]
    audit.record(actor, "shares.issue", entry, changes)
    return entry


# Ten trillion shares: no registered company comes near it; a typo of many digits does.
MAX_SHARES = Decimal("10000000000000")


def _check_line(line: IssueLine, field: str) -> None:
    if not line.name.strip():
        raise Invalid(field, _("Name each holder."))
    if line.shares > MAX_SHARES:
        raise Invalid(field, _("%(name)s: %(n)s shares is more than any company issues.",
                               name=line.name, n=number(line.shares)))
    if line.shares <= 0 or line.shares != line.shares.to_integral_value():
        raise Invalid(field, _("%(name)s: shares are whole numbers above zero; %(n)s was given.",
                               name=line.name, n=line.shares))
    if line.acquired_by is Acquisition.IP and not line.technology.strip():
        raise Invalid(field, _("%(name)s: shares paid with IP name the technology contributed.",
                               name=line.name))
    if line.acquired_by is Acquisition.CONVERSION:
        raise Invalid(field, _("Shares from a conversion are issued by the investment "
                               "committee's conversion, not typed in."))


def shortfall_warnings(issues: list[ledger.Issue]) -> list[str]:
    minimum = Decimal(settings.get(catalogue.CONTRIBUTOR_EQUITY_MIN_PCT))
    return [_("The contributors of %(technology)s hold %(pct)s%% of the %(issued)s shares "
              "issued for it (%(held)s); the law asks for at least %(min)s%%.",
              technology=s.technology, pct=s.pct, issued=number(s.issued),
              held=number(s.contributors), min=minimum)
            for s in ledger.contributor_shortfalls(issues, minimum)]


def incorporate(actor: User, company: Company, lines: list[IssueLine], on: date,
                total_shares: Decimal) -> list[str]:
    """Write the cap table at incorporation; returns the warnings about it (contributors)."""
    _require_manager(actor)
    if company.entries:
        raise Refused(_("%(name)s already has a cap table: record later changes as issuances "
                        "or transfers.", name=company.name))
    if not lines:
        raise Invalid("holdings", _("List the holders and their shares."))
    _check_dated(company, "on_date", on)
    for line in lines:
        _check_line(line, "holdings")
        _check_lock_up(line.name, on, line.lock_up_until, "holdings")
    held = sum((line.shares for line in lines), Decimal("0"))
    if held != total_shares:
        raise Invalid("total_shares", _(
            "The cap table does not add up: the holdings add up to %(held)s shares, not the "
            "%(total)s issued (%(diff)s %(which)s).", held=number(held),
            total=number(total_shares), diff=number(abs(held - total_shares)),
            which=_("missing") if held < total_shares else _("too many")))
    team = sum((line.shares for line in lines if line.kind is HolderType.TEAM), Decimal("0"))
    low = Decimal(settings.get(catalogue.TEAM_HOLDING_MIN_PCT))
    high = Decimal(settings.get(catalogue.TEAM_HOLDING_MAX_PCT))
    team_pct = money.fraction_pct(team, total_shares)
    if not low < team_pct <= high:
        raise Invalid("holdings", _(
            "Team holding at incorporation must be more than %(low)s%% and at most %(high)s%%: "
            "the team would hold %(team)s of %(total)s shares, %(pct)s%%.", low=low, high=high,
            team=number(team), total=number(total_shares), pct=money.percent(team, total_shares)))
    check_holders(company, [(line.name, line.kind) for line in lines], "holdings")
    for line in lines:
        issue_entry(actor, company, holder_for(company, line.name, line.kind), line.shares, on,
                    line.acquired_by, technology=line.technology,
                    lock_up_until=line.lock_up_until)
    audit.record(actor, "company.incorporate", company, {
        "cap_table": [None, [[line.name, str(line.shares)] for line in lines]],
        "on": [None, on.isoformat()]})
    db.session.flush()
    return shortfall_warnings([(line.kind, line.shares, line.acquired_by, line.technology)
                               for line in lines])


def _require_cap_table(company: Company) -> None:
    if not company.entries:
        raise Refused(_("%(name)s has no cap table yet: record it at incorporation first.",
                        name=company.name))
    if company.exits:
        raise Refused(_("%(name)s has exited: its ledger is closed.", name=company.name))


def issue_shares(actor: User, company: Company, line: IssueLine, on: date,
                 note: str = "") -> ShareEntry:
    """New shares after incorporation (a capital increase, the incentive pool topped up)."""
    _require_manager(actor)
    _require_cap_table(company)
    _check_dated(company, "on_date", on)
    _check_line(line, "shares")
    _check_lock_up(line.name, on, line.lock_up_until, "lock_up_until")
    check_holders(company, [(line.name, line.kind)], "name")
    holder = holder_for(company, line.name, line.kind)
    entry = issue_entry(actor, company, holder, line.shares, on, line.acquired_by,
                        technology=line.technology, lock_up_until=line.lock_up_until, note=note)
    db.session.flush()
    return entry


def transfer_shares(actor: User, company: Company, source: Shareholder, name: str,
                    kind: HolderType, shares: Decimal, on: date, *,
                    lock_up_until: date | None = None, note: str = "") -> ShareEntry:
    _require_manager(actor)
    _require_cap_table(company)
    _check_dated(company, "on_date", on)
    _check_lock_up(name, on, lock_up_until, "lock_up_until")
    if source.company_id != company.id:
        raise Invalid("from_holder_id", _("Choose a holder of this company."))
    if shares <= 0 or shares != shares.to_integral_value():
        raise Invalid("shares", _("Shares are whole numbers above zero; %(n)s was given.",
                                  n=shares))
    if name.strip() == source.name:
        raise Invalid("name", _("A holder does not transfer shares to itself."))
    held = ledger.lowest_balance_from(company, source.id, on)
    if shares > held:
        raise Invalid("shares", _(
            "%(name)s holds %(held)s shares from %(date)s on; a transfer of %(shares)s would "
            "leave a negative holding.", name=source.name, held=number(held),
            date=day(on), shares=number(shares)))
    locked = ledger.locked(company, source.id, on)
    if shares > held - locked:
        raise Invalid("shares", _(
            "%(locked)s of %(name)s's shares are locked up on %(date)s: at most %(free)s can be "
            "transferred, not %(shares)s.", locked=number(locked), name=source.name,
            date=day(on), free=number(max(held - locked, Decimal("0"))),
            shares=number(shares)))
    check_holders(company, [(name, kind)], "name")
    target = holder_for(company, name, kind)
    entry = ShareEntry(kind=EntryKind.TRANSFER, on_date=on, shares=shares, from_holder=source,
                       to_holder=target, acquired_by=Acquisition.CASH,
                       lock_up_until=lock_up_until, note=note, recorded_by_id=actor.id)
    company.entries.append(entry)
    changes = audit.pending_changes(entry)
    changes["holders"] = [None, [source.name, target.name]]
    audit.record(actor, "shares.transfer", entry, changes)
    db.session.flush()
    return entry


# --- rounds -----------------------------------------------------------------------------------


def record_round(actor: User, company: Company, *, name: str, on: date, pre_money: Decimal,
                 amount: Decimal, investors: list[InvestorLine]) -> FinancingRound:
    """A financing round: price per share = pre-money / shares outstanding; new shares issued
    to each investor for their amount, rounded down (`tracker.money`)."""
    _require_manager(actor)
    if amount is None or amount <= 0:
        raise Invalid("amount", _("A round raises more than zero: %(amount)s was given.",
                                  amount=cny(amount or Decimal("0"))))
    if pre_money is None or pre_money <= 0:
        raise Invalid("pre_money", _("The pre-money valuation must be more than zero: "
                                     "%(amount)s was given.",
                                     amount=cny(pre_money or Decimal("0"))))
    _check_dated(company, "on_date", on)
    if not investors:
        raise Invalid("investors", _("List the investors and their amounts."))
    for line in investors:
        if not line.name.strip():
            raise Invalid("investors", _("Name each investor."))
        if line.amount <= 0:
            raise Invalid("investors", _("%(name)s: an investment is more than zero; %(amount)s "
                                         "was given.", name=line.name, amount=cny(line.amount)))
    subscribed = sum((line.amount for line in investors), Decimal("0"))
    if subscribed != amount:
        raise Invalid("investors", _(
            "The investors' amounts add up to %(subscribed)s, not the round's %(amount)s.",
            subscribed=cny(subscribed), amount=cny(amount)))
    if sum(1 for line in investors if line.lead) > 1:
        raise Invalid("investors", _("A round has one lead investor."))
    _require_cap_table(company)
    name = name.strip()
    if db.session.scalar(select(FinancingRound.id).where(FinancingRound.company_id == company.id,
                                                         FinancingRound.name == name)):
        raise Invalid("name", _("%(company)s already has a round called %(name)s.",
                                company=company.name, name=name))
    outstanding = ledger.cap_table(company, on).issued
    if not outstanding:
        raise Refused(_("No shares were outstanding on %(date)s: a round needs the cap table "
                        "at incorporation first.", date=day(on)))
    price = money.price_per_share(pre_money, outstanding)
    if price <= 0:
        raise Invalid("pre_money", _("A pre-money valuation of %(amount)s over %(shares)s shares "
                                     "gives a price per share that rounds to zero.",
                                     amount=cny(pre_money), shares=number(outstanding)))
    bought = [(line, money.whole_shares(line.amount, price)) for line in investors]
    for line, shares in bought:
        if shares < 1:
            raise Invalid("investors", _("%(name)s's %(amount)s buys no whole share at "
                                         "%(price)s a share.", name=line.name,
                                         amount=cny(line.amount), price=price_text(price)))
    check_holders(company, [(line.name, line.kind) for line in investors], "investors")
    financing = FinancingRound(name=name, on_date=on, pre_money=pre_money,
                               amount=amount, shares_before=outstanding,
                               price_per_share=price, recorded_by_id=actor.id)
    company.rounds.append(financing)
    audit.record(actor, "round.create", financing)
    for line, shares in bought:
        holder = holder_for(company, line.name, line.kind)
        entry = issue_entry(actor, company, holder, shares, on, Acquisition.CASH,
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
    _require_manager(actor)
    if project_id not in {p.id for p in company.projects}:
        raise Invalid("project_id", _("Choose one of the projects the company comes from."))
    _check_dated(company, "signed_on", signed_on)
    upfront = upfront or Decimal("0")
    royalty_pct = royalty_pct or Decimal("0")
    equity_shares = equity_shares or Decimal("0")
    if upfront < 0:
        raise Invalid("upfront", _("The amount cannot be negative."))
    if not 0 <= royalty_pct <= 100:
        raise Invalid("royalty_pct", _("A rate is between 0 and 100%%; %(n)s was given.",
                                       n=royalty_pct))
    if equity_shares < 0 or equity_shares != equity_shares.to_integral_value():
        raise Invalid("equity_shares", _("Shares are whole numbers, zero or more."))
    deal = IpDeal(project_id=project_id, kind=kind, patent_number=patent_number.strip(),
                  title=title.strip(), licensee=licensee.strip(), exclusive=exclusive,
                  field_of_use=field_of_use.strip(), upfront=upfront, royalty_pct=royalty_pct,
                  equity_shares=equity_shares, signed_on=signed_on, recorded_by_id=actor.id)
    company.ip_deals.append(deal)
    audit.record(actor, "ip.record", deal)
    db.session.flush()
    return deal


def record_exit(actor: User, company: Company, *, kind: ExitKind, on: date,
                proceeds: Decimal, note: str = "") -> CompanyExit:
    """The exit, with HQ's and the institute's proceeds pro rata to their stakes that day."""
    _require_manager(actor)
    _require_cap_table(company)
    _check_dated(company, "on_date", on)
    last = ledger.last_event_date(company)
    if last is not None and on < last:
        raise Invalid("on_date", _("The exit is dated before the company's last share entry "
                                   "(%(date)s).", date=day(last)))
    if proceeds is None or proceeds < 0:
        raise Invalid("proceeds", _("The amount cannot be negative."))
    table = ledger.cap_table(company, on)
    exit_ = CompanyExit(
        kind=kind, on_date=on, proceeds=proceeds, note=note.strip(), recorded_by_id=actor.id,
        hq_proceeds=money.pro_rata(proceeds, table.shares_of(HolderType.HQ), table.issued),
        institute_proceeds=money.pro_rata(proceeds, table.shares_of(HolderType.INSTITUTE),
                                          table.issued))
    company.exits.append(exit_)
    audit.record(actor, "company.exit", exit_)
    db.session.flush()
    return exit_


# --- the spin-off gate (listed in tracker/projects/guards.py) ------------------------------------


def spin_off_refusal(project: Project) -> str | None:
    """What is missing before gate 4: a registered company, a cap table that accounts for
    every issued share, a licence or assignment of the project's IP."""
    company = company_of(project)
    if company is None:
        return _("Record the spin-off company of this project first.")
    missing = []
    if not company.is_registered:
        missing.append(_("%(name)s is not registered yet: record its unified social credit code "
                         "and registration date.", name=company.name))
    table = ledger.cap_table(company, today())
    problem = ledger.problem(table)
    if problem == "empty":
        missing.append(_("%(name)s has no cap table: record the shares issued at "
                         "incorporation.", name=company.name))
    elif problem == "unbalanced":
        missing.append(_("The cap table of %(name)s does not account for every issued share: "
                         "%(issued)s issued, %(held)s held.", name=company.name,
                         issued=number(table.issued), held=number(table.held)))
    if not any(deal.project_id == project.id for deal in company.ip_deals):
        missing.append(_("Record a licence or assignment of this project's IP to %(name)s.",
                         name=company.name))
    return " ".join(missing) or None
