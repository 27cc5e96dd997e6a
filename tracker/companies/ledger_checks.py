"""What an entry on a spin-off company's ledger must say before it is written: dated from the
company's registration on and not in the future, with a lock-up that ends after its issue; the
dates of the ledger's first and latest standing entries, which bound the registration and what
follows; a cap table at incorporation that adds up, with the team's holding within its bounds,
every problem at once; and the contributors' shortfall it is warned of. Asked by the
services of tracker/companies/ (services.py, deals.py, pricing.py), the incentives' and the
companies import's bulk path; nothing is written here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, select, true
from sqlalchemy.orm import aliased

from tracker import db, money
from tracker.companies import ledger, prerequisites
from tracker.companies.holder_names import check_holders
from tracker.companies.ip_models import IpDeal
from tracker.companies.lines import IssueLine, check_line
from tracker.companies.models import Company, CompanyExit, FinancingRound, HolderType, ShareEntry
from tracker.companies.reversal_models import round_stands
from tracker.dates import today
from tracker.display.formatting import day, number, plural
from tracker.errors import Invalid, Problems, Refused
from tracker.settings import catalogue
from tracker.settings import services as settings


def _not_in_future(field: str, when: date) -> None:
    if when > today():
        raise Invalid(field, _("%(date)s is in the future.", date=day(when)))


def check_dated(company: Company, field: str, on: date) -> None:
    """Whatever the company does is dated from its registration on, and not in the future."""
    _not_in_future(field, on)
    if missing := prerequisites.not_registered(company):
        raise Refused(missing)
    if on < company.registered_on:
        raise Invalid(field, _("%(date)s is before %(name)s was registered (%(registered)s).",
                               date=day(on), name=company.name,
                               registered=day(company.registered_on)))


def check_lock_up(line_name: str, on: date, lock_up_until: date | None, field: str) -> None:
    if lock_up_until is not None and lock_up_until <= on:
        raise Invalid(field, _("%(name)s: the lock-up ends on %(until)s, not after the shares "
                               "are issued (%(date)s).", name=line_name,
                               until=day(lock_up_until), date=day(on)))


def last_event_date(company: Company) -> date | None:
    """The date of the company's latest standing share entry or round, if any (read from the
    database: the company's collections may predate this request's own entries). A reversal
    and what it reversed count in no cap table on any date (`ledger.standing`), so they date
    nothing that comes after them: the reversal's date says when a mistake was corrected."""
    reversal = aliased(ShareEntry)
    dates = [db.session.scalar(select(func.max(ShareEntry.on_date)).where(
                 ShareEntry.company_id == company.id, ShareEntry.reverses_id.is_(None),
                 ~exists().where(reversal.reverses_id == ShareEntry.id))),
             db.session.scalar(select(func.max(FinancingRound.on_date)).where(
                 FinancingRound.company_id == company.id, round_stands(FinancingRound.id)))]
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None


def first_event_date(company: Company) -> date | None:
    """The date of the company's earliest share entry, round, IP deal or exit, if any: its
    registration cannot come later."""
    dated = ((ShareEntry, ShareEntry.on_date, true()),
             (FinancingRound, FinancingRound.on_date, true()),
             (IpDeal, IpDeal.signed_on, IpDeal.standing()),  # a voided deal dates nothing
             (CompanyExit, CompanyExit.on_date, true()))
    dates = [db.session.scalar(select(func.min(column)).where(model.company_id == company.id,
                                                                 counted))
             for model, column, counted in dated]
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def shortfall_warnings(issues: list[ledger.Issue]) -> list[str]:
    minimum = Decimal(settings.get(catalogue.CONTRIBUTOR_EQUITY_MIN_PCT))
    return [ngettext("The contributors of %(technology)s hold %(pct)s%% of the %(issued)s share "
                     "issued for it (%(held)s); the law asks for at least %(min)s%%.",
                     "The contributors of %(technology)s hold %(pct)s%% of the %(issued)s "
                     "shares issued for it (%(held)s); the law asks for at least %(min)s%%.",
                     plural(s.issued), technology=s.technology, pct=s.pct, issued=number(s.issued),
              held=number(s.contributors), min=minimum)
            for s in ledger.contributor_shortfalls(issues, minimum)]


def check_incorporation(company: Company, lines: list[IssueLine], on: date,
                        total_shares: Decimal) -> None:
    """Every rule of a cap table at incorporation: Refused while the company has one, else
    every problem of the table at once (`Problems`), each beside its row's field. Asked by
    `incorporate` and by the companies import's bulk path (`tracker.imports.companies_bulk`,
    of a company it has not written yet)."""
    if company.has_cap_table:
        raise Refused(_("%(name)s has had a cap table since %(date)s (its founders' table): "
                        "record later changes as issuances or transfers.", name=company.name,
                        date=day(company.founders_table()[0].on_date)))
    problems = Problems()
    if not lines:
        problems.add("holdings", _("List the holders and their shares."))
    problems.collect(check_dated, company, "on_date", on)
    for line in lines:
        check_line(line, "holdings", problems)
        problems.collect(check_lock_up, line.name, on, line.lock_up_until,
                         line.field("holdings", "lock_up_until"))
    held = sum((line.shares for line in lines), Decimal("0"))
    if lines and held != total_shares:
        problems.add("total_shares", ngettext(
            "The cap table does not add up: the holdings add up to %(held)s share, not the "
            "%(total)s issued (%(diff)s %(which)s).",
            "The cap table does not add up: the holdings add up to %(held)s shares, not the "
            "%(total)s issued (%(diff)s %(which)s).", plural(held), held=number(held),
            total=number(total_shares), diff=number(abs(held - total_shares)),
            which=_("missing") if held < total_shares else _("too many")))
    team = sum((line.shares for line in lines if line.kind is HolderType.TEAM), Decimal("0"))
    low = Decimal(settings.get(catalogue.TEAM_HOLDING_MIN_PCT))
    high = Decimal(settings.get(catalogue.TEAM_HOLDING_MAX_PCT))
    if lines and total_shares > 0 and not low < money.fraction_pct(team, total_shares) <= high:
        problems.add("holdings", ngettext(
            "Team holding at incorporation must be more than %(low)s%% and at most %(high)s%%: "
            "the team would hold %(team)s of %(total)s share, %(pct)s%%.",
            "Team holding at incorporation must be more than %(low)s%% and at most %(high)s%%: "
            "the team would hold %(team)s of %(total)s shares, %(pct)s%%.",
            plural(total_shares), low=low, high=high,
            team=number(team), total=number(total_shares), pct=money.percent(team, total_shares)))
    problems.collect(check_holders, company, [(line.name, line.kind,
                                                line.field("holdings", "name")) for line in lines])
    problems.raise_any()
