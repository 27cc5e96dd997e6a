"""What a transfer or licence may say given what already exists: the achievement it deals in
(no deal signed before the achievement's project began, or before the earliest filing of its
rights when that came first) and what was recorded under it (`keeps_what_was_recorded`).

Royalty reports and receipts of income rest on the terms of the deal as they stood when they
were recorded: a report's royalty is the rate on the base it reports, owed by the licensee; a
receipt's parts are the contributors' share of its net. While any of them stands, the terms
they rest on are fixed (`Transfer.fixed_terms`): correcting one first reverses what rests on it
(`deal_corrections`), so that a statement, a reminder or the annual report never credits money
to a licensee, a rate or a split other than the one it was paid under."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import db
from tracker.achievements.deal_models import (
    ROYALTY_BASE_LABELS,
    TRANSFER_KIND_LABELS,
    RoyaltyBase,
    Transfer,
    TransferKind,
)
from tracker.achievements.models import Achievement
from tracker.companies.ip_models import IpDeal
from tracker.companies.models import Company
from tracker.display.formatting import day, pct
from tracker.display.formatting import money as cny
from tracker.display.said import listed
from tracker.errors import Problems
from tracker.money import ZERO
from tracker.organisations.models import Enterprise


def earliest_signing(achievement: Achievement) -> date:
    """The first day a deal in `achievement` can be signed: its project's start, or the filing
    of its earliest right when that came first (a right brought into the project, or filed
    for it before it formally began, is already something to license)."""
    filed = [r.filed_on for r in achievement.rights if r.filed_on is not None]
    return min([achievement.project.start_date, *filed])


def signing_problem(achievement: Achievement, signed_on: date) -> str | None:
    """Why `signed_on` is too early for a deal in `achievement`; None when it is not."""
    earliest = earliest_signing(achievement)
    if signed_on >= earliest:
        return None
    return _("A deal in “%(title)s” is signed no earlier than %(date)s, when its project "
             "began or its first right was filed.", title=achievement.title, date=day(earliest))


def equity_problem(kind: TransferKind | str | None, enterprise: Enterprise | None,
                   deal: IpDeal | None) -> str | None:
    """Why a deal of `kind` with `enterprise`, naming the spin-off's record `deal`, does not
    say where the shares for the IP are (F44): a contribution for equity to a spin-off kept
    here names the company's deal that gave them, on its cap table. None when it stands."""
    if kind is not TransferKind.EQUITY:
        return None
    if deal is not None and not deal.share_entries and not deal.equity_shares:
        return _("That deal of %(company)s gives no shares for the IP: a contribution for "
                 "equity names the deal whose shares are on the company's cap table (record "
                 "them with the deal, on the company's page).", company=deal.company.name)
    company = (db.session.scalar(select(Company).where(Company.uscc == enterprise.uscc))
               if deal is None and enterprise is not None and enterprise.uscc else None)
    if company is not None:
        return _("%(enterprise)s is the spin-off %(company)s, whose cap table is kept here: "
                 "choose its deal that gives the shares for the IP (record it on the "
                 "company's page first).", enterprise=enterprise.shown("name"),
                 company=company.name)
    return None


def standing_records(transfer: Transfer) -> str:
    """What stands under the deal, for a refusal: its reports' periods, its receipts' days."""
    parts = []
    if reports := transfer.standing_reports:
        parts.append(_("the royalty reports of %(periods)s",
                       periods=listed(r.title for r in reports)))
    if receipts := transfer.standing_receipts:
        parts.append(_("the income received on %(dates)s",
                       dates=listed(day(r.received_on) for r in receipts)))
    return listed(parts, apart=True)


def keeps_what_was_recorded(problems: Problems, transfer: Transfer, *, enterprise_id: int | None,
                            kind: TransferKind | str | None, signed_on: date | None,
                            ends_on: date | None, upfront: Decimal | None,
                            royalty_pct: Decimal, base: RoyaltyBase | None,
                            minimum_royalty: Decimal | None, months: int,
                            contributor_pct: Decimal | None) -> None:
    """A deal corrected keeps its receipts and reports true (as `record_income` and
    `record_report` checked them): signed by the first money received, its upfront no less
    than received, its periods (from the signing, `months` long) the ones reported, and the
    terms they rest on (`Transfer.fixed_terms`) unchanged while they stand."""
    fixed = transfer.fixed_terms
    wanted = {"enterprise_id": enterprise_id, "kind": kind, "royalty_pct": royalty_pct,
              "royalty_base": base, "minimum_royalty": minimum_royalty or ZERO,
              "contributor_pct": contributor_pct}
    shown = {"enterprise_id": lambda: transfer.enterprise.shown("name"),
             "kind": lambda: TRANSFER_KIND_LABELS[transfer.kind],
             "royalty_pct": lambda: pct(transfer.royalty_pct),
             "royalty_base": lambda: (ROYALTY_BASE_LABELS[transfer.royalty_base]
                                      if transfer.royalty_base else _("No royalty")),
             "minimum_royalty": lambda: cny(transfer.minimum_royalty),
             "contributor_pct": lambda: pct(transfer.contributor_pct)}
    for field in fixed:
        if field not in problems and wanted[field] != getattr(transfer, field):
            problems.add(field, _("%(records)s rest on this term (%(value)s): reverse those "
                                  "first to change it.", records=standing_records(transfer),
                                  value=shown[field]()))
    standing = transfer.standing_receipts
    late = "signed_on" not in problems and standing and signed_on > standing[0].received_on
    if late:
        problems.add("signed_on", _("Income was received under the deal on %(date)s: it was "
                                    "signed by then.", date=day(standing[0].received_on)))
    if (upfront or ZERO) < transfer.upfront_received:
        problems.add("upfront", _("%(amount)s of the upfront payment has been received already: "
                                  "the upfront payment cannot be less.",
                                  amount=cny(transfer.upfront_received)))
    reports = transfer.standing_reports
    if reports and "signed_on" not in problems and (signed_on != transfer.signed_on
                                                    or months != transfer.reporting_months):
        problems.add("reporting_months" if signed_on == transfer.signed_on else "signed_on",
                     ngettext("Royalty reports stand for the periods counted from the signing "
                              "every %(num)d month: reverse them first, or keep both.",
                              "Royalty reports stand for the periods counted from the signing "
                              "every %(num)d months: reverse them first, or keep both.",
                              transfer.reporting_months))
    elif (reports and "ends_on" not in problems and ends_on is not None
          and ends_on < reports[-1].period_start):
        problems.add("ends_on", _("The report of %(period)s stands: the deal ran then.",
                                  period=reports[-1].title))
