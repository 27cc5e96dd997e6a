"""Transfers and licences of an achievement, their royalty reports and the income received,
split among the contributors. Each function checks the actor's permission, validates (every
problem at once), applies, audits and flushes; the view commits.

The one rule of article 45 for income lives in `distribution_problem`: the contributors' share
of the net income is at least the minimum the deal was recorded under (`contributor_min_pct`:
the setting `ip_income_contributor_min_pct`, 50 %, on that day), or the deal names why it is
less. A minimum raised since leaves the deals recorded before it as they were judged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db, money, voids
from tracker.accounts.models import User
from tracker.achievements import deal_rules, periods, report_period, withdrawals
from tracker.achievements.deal_models import (
    TRANSFER_KIND_LABELS,
    IncomeReceipt,
    IncomeShare,
    ReceiptFor,
    RoyaltyBase,
    RoyaltyReport,
    Transfer,
    TransferKind,
)
from tracker.achievements.models import Achievement
from tracker.achievements.services import ContributorLine
from tracker.achievements.services import contributor_rows as register_rows
from tracker.audit import services as audit
from tracker.companies.ip_models import IpDeal
from tracker.dates import today
from tracker.display.formatting import day, pct
from tracker.display.formatting import money as cny
from tracker.errors import Problems, Refused, require
from tracker.money import HUNDRED, ZERO
from tracker.organisations.models import Enterprise
from tracker.settings import catalogue
from tracker.settings import services as settings

REPORTING_MONTHS = (0, 1, 3, 6, 12)


def article_45_minimum() -> Decimal:
    """The minimum in force today: a deal recorded now is judged by it."""
    return Decimal(settings.get(catalogue.IP_INCOME_CONTRIBUTOR_MIN_PCT))


def minimum_of(transfer: Transfer | None) -> Decimal:
    """The minimum a deal is judged by: the one it was recorded under; today's for a new one."""
    return transfer.contributor_min_pct if transfer is not None else article_45_minimum()


def distribution_problem(contributor_pct: Decimal, override_reason: str,
                         minimum: Decimal) -> str | None:
    """What is wrong with giving the contributors `contributor_pct` of the net income: below
    the deal's `minimum` without a reason. None when it stands."""
    if contributor_pct < minimum and not override_reason.strip():
        return _("%(pct)s to the contributors is below the minimum of %(minimum)s the law on "
                 "transforming achievements (article 45) and the settings ask for. Raise it, or "
                 "give the reason for this deal's exception.", pct=pct(contributor_pct),
                 minimum=pct(minimum))
    return None


def save_refusal(achievement: Achievement, transfer: Transfer | None) -> str | None:
    """Why a deal of `achievement` is not recorded (`transfer` None) or changed now: the
    achievement was withdrawn, or the deal voided (meanwhile: its version moved on too)."""
    if (said := withdrawals.withdrawn_refusal(achievement)) is not None:
        return said
    return voids.refusal(transfer) if transfer is not None else None


def save_transfer(actor: User, achievement: Achievement, transfer: Transfer | None, *,
                  enterprise_id: int | None, kind: str | None, signed_on: date | None,
                  ends_on: date | None, upfront: Decimal | None, royalty_pct: Decimal | None,
                  royalty_base: str | None, minimum_royalty: Decimal | None,
                  reporting_months: int | None, report_days: int | None,
                  payment_days: int | None, contributor_pct: Decimal | None,
                  override_reason: str, ip_deal_id: int | None,
                  upfront_due_on: date | None = None) -> Transfer:
    """Record a transfer or licence of `achievement` (`transfer` None) or change one."""
    require(Transfer.can_record(actor, achievement), lambda: save_refusal(achievement, transfer))
    problems = Problems()
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise is None:
        problems.add("enterprise_id", _("Choose the licensee or assignee."))
    try:
        kind = TransferKind(kind)
    except ValueError:
        problems.add("kind", _("Choose the kind of deal."))
    if signed_on is None:
        problems.add("signed_on", _("Give the date it was signed."))
    elif ends_on is not None and ends_on <= signed_on:
        problems.add("ends_on", _("A deal ends after it is signed."))
    if upfront_due_on is not None and not (upfront or 0) > 0:
        problems.add("upfront_due_on", _("Only an upfront payment falls due: give its amount."))
    elif upfront_due_on is not None and signed_on is not None and upfront_due_on < signed_on:
        problems.add("upfront_due_on", _("An upfront payment falls due once the deal is signed "
                                         "(%(date)s).", date=day(signed_on)))
    for field, value in (("upfront", upfront), ("minimum_royalty", minimum_royalty)):
        if value is not None and value < 0:
            problems.add(field, _("The amount cannot be negative."))
    royalty_pct = royalty_pct if royalty_pct is not None else ZERO
    if not ZERO <= royalty_pct <= HUNDRED:
        problems.add("royalty_pct", _("A rate is between 0 and 100%%; %(n)s was given.",
                                      n=royalty_pct))
    base = RoyaltyBase(royalty_base) if royalty_base in set(RoyaltyBase) else None
    if royalty_pct > 0 and base is None:
        problems.add("royalty_base", _("Say what the royalty is a percentage of."))
    months = reporting_months or 0
    if months not in REPORTING_MONTHS:
        problems.add("reporting_months", _("Choose a reporting period."))
    if (royalty_pct > 0 or (minimum_royalty or 0) > 0) and not months:
        problems.add("reporting_months", _("A royalty is reported periodically: choose how often."))
    for field, value in (("report_days", report_days), ("payment_days", payment_days)):
        if value is not None and not 0 <= value <= 366:
            problems.add(field, _("Between 0 and 366 days."))
    reason = (override_reason or "").strip()
    if contributor_pct is None or not ZERO <= contributor_pct <= HUNDRED:
        problems.add("contributor_pct", _("The contributors' share is between 0 and 100%."))
    elif (said := distribution_problem(contributor_pct, reason,
                                       minimum_of(transfer))) is not None:
        problems.add("override_reason", said)
    deal = db.session.get(IpDeal, ip_deal_id) if ip_deal_id else None
    if ip_deal_id:
        taken = db.session.scalar(select(Transfer.id).where(
            Transfer.ip_deal_id == ip_deal_id, Transfer.id != (transfer.id if transfer else 0),
            Transfer.standing()))
        if deal is None or deal.is_void or not deal.of(achievement):
            problems.add("ip_deal_id", _("Choose one of the spin-off deals of this "
                                         "achievement."))
        elif taken:
            problems.add("ip_deal_id", _("Another transfer already records that deal."))
    if "ip_deal_id" not in problems and (
            said := deal_rules.equity_problem(kind, enterprise, deal)) is not None:
        problems.add("ip_deal_id", said)
    if signed_on is not None and "signed_on" not in problems and (
            said := deal_rules.signing_problem(achievement, signed_on)):
        problems.add("signed_on", said)
    if transfer is not None:
        deal_rules.keeps_what_was_recorded(
            problems, transfer, enterprise_id=enterprise_id, kind=kind, signed_on=signed_on,
            ends_on=ends_on, upfront=upfront, royalty_pct=royalty_pct, base=base,
            minimum_royalty=minimum_royalty, months=months, contributor_pct=contributor_pct)
    if isinstance(kind, TransferKind) and signed_on is not None and (
            other := _in_the_way(achievement, transfer, kind, signed_on, ends_on)):
        problems.add("kind", _("%(kind)s to “%(enterprise)s”, %(theirs)s, is in force while "
                               "this deal would be, %(ours)s, and leaves no room for it: end "
                               "that deal first, or date this one after it ends.",
                               kind=TRANSFER_KIND_LABELS[other.kind],
                               enterprise=other.enterprise.shown("name"),
                               theirs=_term(other.signed_on, _end(other.kind, other.ends_on)),
                               ours=_term(signed_on, _end(kind, ends_on))))
    problems.raise_any()
    creating = transfer is None
    if creating:
        transfer = Transfer(achievement_id=achievement.id, recorded_by_id=actor.id,
                            contributor_min_pct=article_45_minimum())
    transfer.enterprise_id, transfer.kind, transfer.signed_on = enterprise_id, kind, signed_on
    transfer.ends_on, transfer.upfront = ends_on, upfront or ZERO
    transfer.upfront_due_on = upfront_due_on
    transfer.royalty_pct, transfer.royalty_base = royalty_pct, base
    transfer.minimum_royalty, transfer.reporting_months = minimum_royalty or ZERO, months
    transfer.report_days = 30 if report_days is None else report_days
    transfer.payment_days = 30 if payment_days is None else payment_days
    transfer.contributor_pct, transfer.override_reason = contributor_pct, reason
    transfer.ip_deal_id = ip_deal_id or None
    changes = audit.pending_changes(transfer)
    db.session.add(transfer)
    audit.saved(actor, "transfer", transfer, creating, changes)
    db.session.flush()
    return transfer


# Deals that leave no room for another while in force: an exclusive licence (no other
# licensee), and for good an assignment or a contribution for equity (the institute no longer
# holds what it would license).
SOLE = {TransferKind.EXCLUSIVE, TransferKind.TRANSFER, TransferKind.EQUITY}
FOR_GOOD = {TransferKind.TRANSFER, TransferKind.EQUITY}


def _end(kind: TransferKind, ends_on: date | None) -> date | None:
    """When a deal stops being in force: an assignment or a contribution for equity never."""
    return None if kind in FOR_GOOD else ends_on


def _term(signed_on: date, end: date | None) -> str:
    """A deal's time in force, as a refusal names it (its own dates, never another's)."""
    if end is None:
        return _("from %(start)s, with no end", start=day(signed_on))
    return _("from %(start)s to %(end)s", start=day(signed_on), end=day(end))


def _in_the_way(achievement: Achievement, transfer: Transfer | None, kind: TransferKind,
                signed_on: date, ends_on: date | None) -> Transfer | None:
    """Another deal of `achievement` in force while this one would be, where one of the two
    leaves no room for the other."""
    others = db.session.scalars(
        select(Transfer).where(Transfer.achievement_id == achievement.id,
                               Transfer.id != (transfer.id if transfer else 0),
                               Transfer.standing())
        .order_by(Transfer.signed_on, Transfer.id))
    end = _end(kind, ends_on)
    for other in others:
        if kind not in SOLE and other.kind not in SOLE:
            continue
        other_end = _end(other.kind, other.ends_on)
        if (other_end is None or signed_on < other_end) and (end is None
                                                             or other.signed_on < end):
            return other
    return None


def next_period(transfer: Transfer) -> tuple[int, date, date] | None:
    """The number, start and end of the first period not yet reported; None when the deal has
    no reports, or it ended before that period began. A reversed report counts for nothing:
    its period is owed again (only the latest report is reversed, so the periods reported are
    always the first ones: `deal_corrections.reverse_report`)."""
    if not transfer.reporting_months:
        return None
    number = len(transfer.standing_reports) + 1
    start, end = periods.period(transfer.signed_on, transfer.reporting_months, number)
    if transfer.ends_on is not None and start > transfer.ends_on:
        return None
    return number, start, end


def report_not_yet(transfer: Transfer) -> str | None:
    """Why no report can be recorded today (none is owed, or the next period has not ended),
    for the service's refusal and the deal's page in place of the form; None when one can."""
    if (said := voids.refusal(transfer)) is not None:
        return said
    found = next_period(transfer)
    if found is None:
        return report_period.none_owed(transfer)
    if found[2] >= today():
        return _("The next period ends on %(date)s: its report is recorded once it has ended.",
                 date=day(found[2]))
    return None


def record_report(actor: User, transfer: Transfer, *, received_on: date | None,
                  base_amount: Decimal | None, period_start: date | None = None
                  ) -> RoyaltyReport:
    """The licensee's report of the next period: the royalty owed is the rate on the base,
    to the fen, and at least the minimum; due `payment_days` after the report. A form names
    the period it showed (`period_start`): refused when that is no longer the one owed."""
    # One standing report a period: counted under the deal's lock, so that two reports sent
    # at once can't both take the same period.
    require(Transfer.can_manage(actor),
            lambda: report_period.moved_on(transfer, period_start, next_period(transfer)),
            lock=lambda: db.lock(transfer, "reports"))
    if (said := report_not_yet(transfer)) is not None:
        raise Refused(said)
    _number, start, end = next_period(transfer)
    problems = Problems()
    if received_on is None:
        problems.add("received_on", _("Give the date the report was received."))
    elif received_on <= end:
        problems.add("received_on", _("The report of %(start)s to %(end)s is received after "
                                      "its period ends.", start=day(start), end=day(end)))
    if base_amount is None or base_amount < 0:
        problems.add("base_amount", _("The base is zero or more."))
    problems.raise_any()
    royalty = max(money.pro_rata(base_amount, transfer.royalty_pct, HUNDRED),
                  transfer.minimum_royalty)
    report = RoyaltyReport(period_start=start, period_end=end, received_on=received_on,
                           base_amount=base_amount, royalty_due=royalty,
                           payment_due_on=received_on + timedelta(days=transfer.payment_days),
                           recorded_by_id=actor.id)
    transfer.reports.append(report)
    audit.record(actor, "royalty_report.create", report)
    db.session.flush()
    return report


def record_income(actor: User, transfer: Transfer, *, received_on: date | None,
                  amount: Decimal | None, costs: Decimal | None, pays: str | None,
                  report_id: int | None, note: str = "",
                  shares: list[ContributorLine] | None = None) -> IncomeReceipt:
    """Money received under the deal, paying what `pays` says (the upfront payment, the
    royalty of report `report_id`, or other income), split among the contributors as the
    deal and the achievement stand today (`money.income_split`), and kept so. `shares`: the
    contributors' shares in force on the day it was received, when they were others than
    today's (an import of history: its file says them, checked as the register checks a
    contributors' table), in the column "shares"."""
    # What a report or the upfront payment has received is summed under the deal's lock, so
    # that two receipts sent at once can't both take what is left.
    require(Transfer.can_manage(actor), lambda: voids.refusal(transfer),
            lock=lambda: db.lock(transfer, "receipts", "reports"))
    problems = Problems()
    if received_on is None:
        problems.add("received_on", _("Give the date it was received."))
    elif received_on < transfer.signed_on:
        problems.add("received_on", _("Money under the deal is received once it is signed "
                                      "(%(date)s).", date=day(transfer.signed_on)))
    if amount is None or amount <= 0:
        problems.add("amount", _("An amount received is more than zero."))
    costs = costs or ZERO
    if costs < 0 or (amount is not None and costs > amount):
        problems.add("costs", _("Costs are zero or more, and no more than the amount."))
    pays = ReceiptFor(pays) if pays in set(ReceiptFor) else None
    if pays is None:
        problems.add("pays", _("Say what it pays: the upfront payment, a royalty or other "
                               "income."))
    elif pays is ReceiptFor.UPFRONT and not transfer.upfront > 0:
        problems.add("pays", _("This deal has no upfront payment: record it as other income, "
                               "or give the deal its upfront amount first."))
    report = db.session.get(RoyaltyReport, report_id) if report_id else None
    if report is not None:
        db.session.expire(report, ["receipts", "reversal"])
    if pays is ReceiptFor.ROYALTY and (report is None or report.transfer_id != transfer.id
                                       or report.reversal is not None):
        problems.add("report_id", _("Choose, from this deal's reports that stand, the report "
                                    "whose royalty it pays."))
    elif pays is not ReceiptFor.ROYALTY and report_id:
        problems.add("report_id", _("Only a royalty is paid against a report: choose none, "
                                    "or say it pays a royalty."))
    # A receipt pays no more than is still owed on what it pays, net of reversals (a reversed
    # receipt no longer counts): beside the choice when nothing is left, else the amount.
    elif pays is ReceiptFor.ROYALTY and (left := report.royalty_due - report.paid) <= 0:
        problems.add("report_id", _("The royalty of the report of %(period)s (%(owed)s) has "
                                    "been received in full.", period=report.title,
                                    owed=cny(report.royalty_due)))
    elif pays is ReceiptFor.ROYALTY and amount is not None and amount > left:
        problems.add("amount", _("The report of %(period)s owes %(owed)s of royalty and has "
                                 "received %(paid)s: at most %(left)s more.",
                                 period=report.title, owed=cny(report.royalty_due),
                                 paid=cny(report.paid), left=cny(left)))
    if pays is ReceiptFor.UPFRONT and transfer.upfront > 0:
        left = transfer.upfront - transfer.upfront_received
        if left <= 0:
            problems.add("pays", _("The deal's upfront payment (%(owed)s) has been received "
                                   "in full: record this as a royalty or other income.",
                                   owed=cny(transfer.upfront)))
        elif amount is not None and amount > left:
            problems.add("amount", _("The deal's upfront payment is %(owed)s and %(paid)s of "
                                     "it was received: at most %(left)s more.",
                                     owed=cny(transfer.upfront),
                                     paid=cny(transfer.upfront_received), left=cny(left)))
    problems.raise_any()
    if (said := distribution_problem(transfer.contributor_pct, transfer.override_reason,
                                     transfer.contributor_min_pct)) is not None:
        raise Refused(said)
    contributors = transfer.achievement.contributors
    if shares is not None:
        contributors = register_rows(shares, problems)
        problems.raise_any()
    if (total := sum((c.share_pct for c in contributors), ZERO)) != HUNDRED:
        raise Refused(_("The contributors' shares of %(achievement)s add up to %(total)s, not "
                        "100%%: correct them on the achievement's page before income is split.",
                        achievement=transfer.achievement.title, total=pct(total)))
    pool, parts = money.income_split(amount - costs, transfer.contributor_pct,
                                     [c.share_pct for c in contributors])
    receipt = IncomeReceipt(received_on=received_on, amount=amount, costs=costs, pays=pays,
                            report_id=report.id if report else None, note=(note or "")[:200],
                            contributor_pct=transfer.contributor_pct, pool=pool,
                            recorded_by_id=actor.id)
    receipt.shares = [IncomeShare(position=i, user_id=c.user_id, name=c.name,
                                  share_pct=c.share_pct, amount=part)
                      for i, (c, part) in enumerate(zip(contributors, parts, strict=True))]
    transfer.receipts.append(receipt)
    audit.record(actor, "income.create", receipt, {
        **audit.pending_changes(receipt),
        "shares": [None, receipt.parts_recorded()]})
    db.session.flush()
    if report is not None:
        db.session.expire(report, ["receipts"])  # it pays the report: `paid` reads it
    return receipt


def report_due_text(transfer: Transfer) -> str | None:
    found = next_period(transfer)
    if found is None:
        return None
    number, start, end = found
    due = periods.report_due(transfer.signed_on, transfer.reporting_months, number,
                             transfer.report_days)
    return _("%(start)s to %(end)s, due %(due)s", start=day(start), end=day(end), due=day(due))
