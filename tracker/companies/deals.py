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
from sqlalchemy.orm import selectinload

from tracker import corrections, db, money, reversals
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement
from tracker.audit import services as audit
from tracker.companies import closed, deal_voids, ledger, ledger_checks, prerequisites, services
from tracker.companies.ip_models import IpDeal, IpDealKind
from tracker.companies.lines import MAX_SHARES
from tracker.companies.models import (
    Acquisition,
    Company,
    CompanyExit,
    ExitKind,
    FinancingRound,
    HolderType,
    RoundInvestment,
)
from tracker.companies.pricing import InvestorLine, bought_lines, check_round, new_round
from tracker.companies.reversal_models import round_stands
from tracker.display.formatting import day
from tracker.errors import Problems, Refused
from tracker.projects.models import Project

if TYPE_CHECKING:
    from tracker.accounts.models import User


def record_round(actor: User, company: Company, *, name: str, on: date, pre_money: Decimal,
                 amount: Decimal, investors: list[InvestorLine]) -> FinancingRound:
    """A financing round: price per share = pre-money / shares outstanding; new shares issued
    to each investor for their amount, rounded down (`tracker.money`)."""
    services.require_manager(actor)
    # Under the company's lock, so that two rounds of one name can't be recorded at once.
    db.lock(company)
    name = name.strip()
    priced = check_round(
        company, name=name, on=on, pre_money=pre_money, amount=amount, investors=investors,
        named=lambda: db.session.scalar(select(FinancingRound.id).where(
            FinancingRound.company_id == company.id, FinancingRound.name == name,
            round_stands(FinancingRound.id))) is not None)
    financing = new_round(actor, company, name, on, pre_money, amount, priced)
    audit.record(actor, "round.create", financing)
    entries = services.issue_entries(actor, company, bought_lines(company, priced), on,
                                     round_id=financing.id, note=financing.name)
    for (line, _shares), entry in zip(priced.bought, entries, strict=True):
        financing.investments.append(RoundInvestment(amount=line.amount, lead=line.lead,
                                                     entry=entry))
    db.session.flush()
    return financing


# --- IP and exits -------------------------------------------------------------------------------


def register_choices(company: Company) -> list[Achievement]:
    """What a deal of the company may license or assign: the register's achievements of the
    projects it comes from, then those of their institutes' other projects, with their rights."""
    projects = [p.id for p in company.projects]
    institutes = {p.institute_id for p in company.projects}
    found = db.session.scalars(
        select(Achievement).join(Achievement.project)
        .where(Project.id.in_(projects) | Project.institute_id.in_(institutes),
               Achievement.standing())
        .options(selectinload(Achievement.project), selectinload(Achievement.rights))
        .order_by(Project.code, Achievement.title, Achievement.id)).all()
    return sorted(found, key=lambda a: a.project_id not in projects)


@dataclass(frozen=True)
class EquityLine:
    """Shares a deal gives for the IP to one holder: `of` says whom, "institute" or "team"
    (the contributors), and names the form's fields (`of`_shares, `of`_holder)."""

    of: str
    name: str
    shares: Decimal | None

    @property
    def kind(self) -> HolderType:
        return HolderType.INSTITUTE if self.of == "institute" else HolderType.TEAM


def deal_refusal(company: Company, achievements: list[Achievement]) -> str | None:
    """Why no IP deal is offered for the company (its ledger closed, nothing in the register
    to license: `register_choices`); None when one can be recorded."""
    return closed.exited(company) or prerequisites.no_achievement(company, achievements)


def equity_refusal(company: Company, on: date) -> str | None:
    """Why no shares can be issued for IP on `on` (None when they can): the company has no
    cap table to issue them on, its ledger is closed, or a round after them was priced on the
    shares outstanding without them."""
    if not company.has_cap_table:
        return _("%(name)s has no cap table yet, so it has no shares to give for the IP: record "
                 "the cap table at incorporation first (IP contributed at incorporation is a "
                 "line of it, paid with IP), or record the deal without shares.",
                 name=company.name)
    if said := closed.exited(company):
        return said
    later = next((r for r in company.rounds if r.reversal is None and r.on_date >= on), None)
    if later is not None:
        return _("The round %(round)s of %(date)s was priced on the shares outstanding then: "
                 "shares given for IP on %(signed)s would change that price. Reverse the round "
                 "first to record them.", round=later.name, date=day(later.on_date),
                 signed=day(on))
    return None


def _equity(company: Company, lines: list[EquityLine], on: date | None,
            problems: Problems) -> list[EquityLine]:
    """The lines that give shares, every problem of them added beside its field."""
    given = []
    for line in lines:
        shares = line.shares or Decimal("0")
        if shares < 0 or shares != shares.to_integral_value() or shares > MAX_SHARES:
            problems.add(f"{line.of}_shares", _("Shares are whole numbers, zero or more."))
        elif shares > 0 and not line.name.strip():
            problems.add(f"{line.of}_holder", _("Name the holder the shares are issued to."))
        elif shares > 0:
            given.append(line)
            problems.collect(services.check_holders, company,
                             [(line.name, line.kind, f"{line.of}_holder")])
    if len(given) == 2 and given[0].name.strip() == given[1].name.strip():
        problems.add("team_holder", _("The institute and the contributors are two holders: "
                                      "name each."))
    if given and on is not None and "signed_on" not in problems and (
            said := equity_refusal(company, on)):
        problems.add(f"{given[0].of}_shares", said)
    return given


def record_ip_deal(actor: User, company: Company, *, achievement_id: int | None,
                   right_ids: list[int], kind: IpDealKind, licensee: str, exclusive: bool,
                   field_of_use: str, upfront: Decimal | None, royalty_pct: Decimal | None,
                   signed_on: date, equity: list[EquityLine] = ()) -> IpDeal:
    """A licence or assignment to the company of an achievement of the register (F38), and
    of some of its rights if the deal names them; with `equity`, the shares it gives for them
    (F44), issued on the ledger on the signing date, paid with the IP."""
    services.require_manager(actor)
    if said := closed.exited(company):
        raise Refused(said)
    problems = Problems()  # every problem at once, each beside its field
    terms = _check_ip_deal(problems, company, achievement_id=achievement_id, right_ids=right_ids,
                           signed_on=signed_on, upfront=upfront, royalty_pct=royalty_pct,
                           equity_shares=None)
    if equity:  # under the company's lock: a round recorded meanwhile is seen
        db.lock(company)
    given = _equity(company, list(equity), signed_on, problems)
    problems.raise_any()
    terms["equity_shares"] = sum((line.shares for line in given), Decimal("0"))
    deal = IpDeal(kind=kind, licensee=licensee.strip(), exclusive=exclusive,
                  field_of_use=field_of_use.strip(), signed_on=signed_on,
                  recorded_by_id=actor.id, **terms)
    company.ip_deals.append(deal)
    audit.record(actor, "ip.record", deal, {**audit.pending_changes(deal),
                                            "rights": [None, [r.name for r in deal.rights]]})
    db.session.flush()
    for line in given:
        services.issue_entry(actor, company, services.holder_for(company, line.name, line.kind),
                             line.shares, signed_on, Acquisition.IP,
                             technology=deal.achievement.title, ip_deal_id=deal.id)
    db.session.flush()
    return deal


def _check_ip_deal(problems: Problems, company: Company, *, achievement_id: int | None,
                   right_ids: list[int], signed_on: date | None, upfront: Decimal | None,
                   royalty_pct: Decimal | None, equity_shares: Decimal | None) -> dict:
    """The rules of a deal, recorded or corrected: an achievement of the register the company
    may name and some of its standing rights, a date in the company's life, money, a rate
    and shares in their ranges. Returns the terms as kept (the achievement's project, the
    rights, zero for what was left empty)."""
    achievement = next((a for a in register_choices(company) if a.id == achievement_id), None)
    rights = ([r for r in achievement.standing_rights if r.id in set(right_ids or ())]
              if achievement else [])
    if achievement is None:
        problems.add("achievement_id", _("Choose an achievement of the register, of the "
                                         "company's projects or of their institutes."))
    elif len(rights) != len(set(right_ids or ())):
        problems.add("right_ids", _("Choose among the rights of “%(title)s”.",
                                    title=achievement.title))
    if signed_on is not None:
        problems.collect(ledger_checks.check_dated, company, "signed_on", signed_on)
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
    return {"project_id": achievement.project_id if achievement else None,
            "achievement_id": achievement.id if achievement else None, "rights": rights,
            "upfront": upfront, "royalty_pct": royalty_pct, "equity_shares": equity_shares}


def save_ip_deal(actor: User, deal: IpDeal, *, achievement_id: int | None,
                 right_ids: list[int], kind: IpDealKind, licensee: str, exclusive: bool,
                 field_of_use: str, upfront: Decimal | None, royalty_pct: Decimal | None,
                 equity_shares: Decimal | None, signed_on: date | None,
                 reason: str) -> IpDeal:
    """A deal recorded wrong corrected, by whoever records them, with the reason: every rule
    of a new deal met again (a deal typed before the register, F38, is linked to it so), and
    the achievement kept while a transfer of the register names the deal as its record."""
    services.require_manager(actor)
    company = deal.company
    db.session.execute(select(IpDeal.id).where(IpDeal.id == deal.id).with_for_update())
    db.session.refresh(deal)
    if (said := deal_voids.correction_refusal(deal)) is not None:
        raise Refused(said)
    problems = Problems()
    terms = _check_ip_deal(problems, company, achievement_id=achievement_id, right_ids=right_ids,
                           signed_on=signed_on, upfront=upfront, royalty_pct=royalty_pct,
                           equity_shares=equity_shares)
    reason = reversals.stated(problems, reason)
    transfer = db.session.scalar(select(Transfer).where(Transfer.ip_deal_id == deal.id,
                                                        Transfer.standing()))
    if (transfer is not None and "achievement_id" not in problems
            and terms["achievement_id"] != transfer.achievement_id):
        problems.add("achievement_id", _(
            "The register's deal with %(enterprise)s of “%(title)s” (%(date)s) names this one "
            "as its record: it stays a deal of that achievement.",
            enterprise=transfer.enterprise.shown("name"), title=transfer.achievement.title,
            date=day(transfer.signed_on)))
    _keeps_its_shares(problems, deal, equity_shares=terms["equity_shares"], signed_on=signed_on)
    problems.raise_any()
    before = [r.name for r in deal.rights]
    rights = terms.pop("rights")
    for key, value in {**terms, "kind": kind, "licensee": licensee.strip(),
                       "exclusive": bool(exclusive), "field_of_use": field_of_use.strip(),
                       "signed_on": signed_on}.items():
        setattr(deal, key, value)
    if terms["achievement_id"] is not None:  # linked to the register: the typed text goes
        deal.patent_number, deal.title = "", ""
    changes = audit.pending_changes(deal)
    deal.rights = rights
    if before != [r.name for r in rights]:
        changes["rights"] = [before, [r.name for r in rights]]
        if not audit.pending_changes(deal):
            deal.version = deal.version + 1  # only its rights changed: a stale tab is refused
    corrections.corrected(actor, "ip.update", deal, reason, changes=changes)
    db.session.flush()
    return deal


def _keeps_its_shares(problems: Problems, deal: IpDeal, *, equity_shares: Decimal,
                      signed_on: date | None) -> None:
    """Shares the deal issued on the ledger (F44) stand as issued, on its signing date: they
    are corrected by reversing them on the company's page, not by a correction of the deal."""
    standing = [e for e in deal.share_entries if e.reversed_by is None]
    if not standing:
        return
    if equity_shares != deal.equity_shares:
        problems.add("equity_shares", _(
            "This deal issued its shares on the cap table: they stand as issued. To correct "
            "them, reverse them on the company's page (with the reason)."))
    if signed_on is not None and signed_on != deal.signed_on:
        problems.add("signed_on", _(
            "This deal issued its shares on the cap table on %(date)s: reverse them on the "
            "company's page first to date it otherwise.", date=day(deal.signed_on)))


def record_exit(actor: User, company: Company, *, kind: ExitKind, on: date,
                proceeds: Decimal, note: str = "", accelerate: bool = False) -> CompanyExit:
    """The exit, with HQ's and the institute's proceeds pro rata to their stakes that day. It
    ends the incentive grants (`IncentiveGrant.exit_by`): no option is exercised after it, and
    those unvested then lapse unless it accelerates them."""
    services.require_manager(actor)
    services.require_cap_table(company)
    problems = Problems()  # every problem at once, each beside its field
    problems.collect(ledger_checks.check_dated, company, "on_date", on)
    last = ledger_checks.last_event_date(company)
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
