"""What recording a cap table, a round, an IP deal's shares or an exit would write, for the
confirmation step.

Each function reads the company as the service left it inside the dry run's savepoint
(`tracker.web.actions.submit(..., preview=)`): the figures are the service's own, never
computed a second time here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from tracker.companies import ledger, ledger_checks
from tracker.companies.ip_models import IpDeal
from tracker.companies.models import Company, CompanyExit, FinancingRound, HolderType
from tracker.display.formatting import aside, money, number, pct, price
from tracker.display.preview import CAP_TABLE, ROUND, Preview
from tracker.money import percent as money_pct
from tracker.settings import catalogue
from tracker.settings import services as settings


def stake_rows(changes: list[ledger.RoundStake]) -> list[tuple[str, str, str, str, str]]:
    """A row per holder, then the total (the stakes add up to exactly 100.00 %)."""
    rows = [(s.holder.shown_name, number(s.before) if s.before else "—",
             pct(s.before_pct) if s.before else "—", number(s.after), pct(s.after_pct))
            for s in changes]
    before = sum((s.before for s in changes), Decimal("0"))
    rows.append((_("Total"), number(before) if before else "—",
                 pct(sum((s.before_pct for s in changes), Decimal("0"))) if before else "—",
                 number(sum((s.after for s in changes), Decimal("0"))),
                 pct(sum((s.after_pct for s in changes), Decimal("0")))))
    return rows


def holding_warnings(company: Company, on: date) -> list[str]:
    """Art. 45 (the contributors of a technology keep at least half of what it earned) and the
    team's majority, on the cap table as it would be."""
    warnings = ledger_checks.shortfall_warnings(ledger.issues_of(company))
    table = ledger.cap_table(company, on)
    minimum = Decimal(settings.get(catalogue.TEAM_HOLDING_MIN_PCT))
    if table.issued and table.fraction_of(HolderType.TEAM) <= minimum:
        warnings.append(_("The R&D team would hold %(pct)s, not more than %(min)s%%: it would "
                          "no longer control the company.",
                          pct=pct(table.pct_of(HolderType.TEAM)), min=minimum))
    return warnings


def incorporation(company: Company, on: date) -> Preview:
    table = ledger.cap_table(company, on)
    return Preview(
        facts=[(_("Shares issued"), number(table.issued)),
               (_("Team holding"), pct(table.pct_of(HolderType.TEAM)))],
        stakes=stake_rows(ledger.stake_changes(ledger.CapTable(on, Decimal("0")), table)),
        columns=CAP_TABLE,
        warnings=holding_warnings(company, on))


def financing_round(company: Company, financing: FinancingRound) -> Preview:
    issued = sum((i.entry.shares for i in financing.investments), Decimal("0"))
    return Preview(
        facts=[(_("Price per share"), price(financing.price_per_share)),
               (_("Shares outstanding before"), number(financing.shares_before)),
               (_("New shares issued"), number(issued)),
               (_("Fraction of a share not issued (stays with the company)"),
                money(financing.fraction_unissued)),
               (_("Post-money valuation"), money(ledger.post_money(financing)))],
        stakes=stake_rows(ledger.round_stakes(company, financing.id, financing.on_date)),
        columns=ROUND,
        warnings=holding_warnings(company, financing.on_date))


def equity_holders(company: Company) -> tuple[str, str]:
    """The names a deal's shares for IP go to by default: the company's institute holder (else
    the institute of its first project) and its R&D team holder, if it has one."""
    of = {kind: next((h.shown_name for h in company.holders if h.kind is kind), "")
          for kind in (HolderType.INSTITUTE, HolderType.TEAM)}
    institute = of[HolderType.INSTITUTE] or (company.projects[0].institute.shown("name")
                                             if company.projects else "")
    return institute, of[HolderType.TEAM]


def ip_deal(company: Company, deal: IpDeal) -> Preview | None:
    """The shares a deal gives for the IP, and the cap table before and after them; None for a
    deal that gives none (recorded without a confirmation)."""
    entries = deal.share_entries
    if not entries:
        return None
    given = sum((e.shares for e in entries), Decimal("0"))
    team = sum((e.shares for e in entries if e.to_holder.kind is HolderType.TEAM),
               Decimal("0"))
    return Preview(
        facts=[(_("Shares given for the IP"), number(given)),
               (_("To the contributors"), number(team) + aside(pct(money_pct(team, given))))],
        stakes=stake_rows(ledger.stake_changes(
            ledger.cap_table(company, deal.signed_on, exclude_ip_deal_id=deal.id),
            ledger.cap_table(company, deal.signed_on))),
        columns=CAP_TABLE,
        warnings=holding_warnings(company, deal.signed_on))


def company_exit(company: Company, exit_: CompanyExit) -> Preview:
    return Preview(facts=[(_("Proceeds"), money(exit_.proceeds)),
                          (_("HQ's proceeds"), money(exit_.hq_proceeds)),
                          (_("The institute's proceeds"), money(exit_.institute_proceeds)),
                          (_("Unvested incentive options"),
                           _("Vest in full at the exit") if exit_.accelerate
                           else _("Lapse at the exit"))])
