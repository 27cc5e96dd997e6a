"""Undoing what was recorded by mistake under a transfer or licence, as every ledger of the
tracker does (`tracker.reversals`): a receipt of income by a reversing receipt of the negated
amounts, a royalty report by a reversal record. Both stay on the deal's page, marked, and in
its history; nothing is edited or deleted.

A reversed receipt no longer counts anywhere its amounts are summed (the deal's income, a
report's royalty paid, the upfront received, the contributors' statements, the annual report),
from the reversal's date. A reversed report is no report: its period is owed again (the rule
`royalty_report` reminds of it), its royalty is no longer due (`royalty_payment`). Only the
deal's latest report is reversed, and only once nothing received stands against it, so the
reports that stand are always the first periods and every royalty paid has its report.

A deal recorded entirely by mistake (entered twice, never signed) is voided (`tracker.voids`)
once nothing recorded under it stands: it stays on its achievement's page and in the history,
marked, and counts in no figure; its spin-off deal, if it named one, is free to be named by
the right one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker import db, reversals, voids
from tracker.accounts.models import User
from tracker.achievements.deal_models import (
    IncomeReceipt,
    IncomeShare,
    RoyaltyReport,
    RoyaltyReportReversal,
    Transfer,
)
from tracker.display.formatting import day
from tracker.errors import Forbidden
from tracker.voids import Blocker


def income_refusal(receipt: IncomeReceipt) -> str | None:
    """Why the receipt can't be reversed (the service refuses, and its page offers no form);
    None when it can."""
    return reversals.refusal(receipt, "received_on")


def report_refusal(report: RoyaltyReport) -> str | None:
    """Why the report can't be reversed (already; income stands against it; a later one
    stands); None when it can."""
    if report.reversal is not None:
        return _("This report was reversed on %(date)s: its period is owed again. Record "
                 "the report of that period anew.", date=day(report.reversal.on_date))
    if report.stands_paid:
        return _("Income was received against this report: reverse that receipt first, then "
                 "the report.")
    if not report.is_latest:
        later = report.transfer.standing_reports[-1]
        return _("The report of %(start)s to %(end)s came after this one: reverse the latest "
                 "report first, the periods are reported in order.",
                 start=day(later.period_start), end=day(later.period_end))
    return None


def reverse_income(actor: User, receipt: IncomeReceipt, on: date | None,
                   reason: str) -> IncomeReceipt:
    """A receipt recorded by mistake is undone by a reversing receipt dated `on`: the amount,
    the costs, the contributors' pool and each contributor's part negated."""
    return reversals.reverse(
        actor, receipt, on, reason, when="received_on", refusal=income_refusal,
        under=receipt.transfer,
        negated=_negated, action="income.reverse",
        said=lambda reversal: {
            "shares": [None, reversal.parts_recorded()]})


def _negated(receipt: IncomeReceipt, linked: dict) -> IncomeReceipt:
    parts = [IncomeShare(position=s.position, user_id=s.user_id, name=s.name,
                         share_pct=s.share_pct, amount=-s.amount) for s in receipt.shares]
    reversal = IncomeReceipt(
        amount=-receipt.amount, costs=-receipt.costs, pays=receipt.pays,
        report_id=receipt.report_id, note=receipt.note, contributor_pct=receipt.contributor_pct,
        pool=-receipt.pool, shares=parts, **linked)
    receipt.transfer.receipts.append(reversal)
    return reversal


def reverse_report(actor: User, report: RoyaltyReport, on: date | None,
                   reason: str) -> RoyaltyReportReversal:
    """A royalty report recorded by mistake no longer counts from now on: its period is owed
    again. Refused while income received against it stands (reverse that first), or while a
    later period's report stands (reverse the latest first)."""
    transfer = report.transfer

    def fresh() -> None:  # what `report_refusal` reads besides the report
        db.session.expire(transfer, ["reports"])
        for receipt in report.receipts:
            db.session.expire(receipt, ["reversed_by"])

    return reversals.record(
        actor, report, on, reason, may=Transfer.can_manage(actor), under=transfer,
        stale=("reversal", "receipts"), fresh=fresh, refusal=report_refusal,
        when="received_on", action="royalty_report.reverse",
        make=lambda stated: (RoyaltyReportReversal(report=report, **stated), None))


def void_refusal(transfer: Transfer) -> Blocker | None:
    """Why the deal can't be voided (voided already; income received under it that stands;
    royalty reports that stand), linking to the first to reverse; None when nothing does."""
    if (said := voids.refusal(transfer)) is not None:
        return Blocker(said)
    if (said := voids.standing_first(transfer.receipts, lambda num, amount: ngettext(
            "A receipt of %(amount)s stands under this deal: reverse it first (with the "
            "reason), then void the deal.",
            "%(num)d receipts of %(amount)s in all stand under this deal: reverse them first "
            "(with the reason), then void the deal.", num, amount=amount),
            "transfers.reverse_income", "receipt_id", _("Reverse the receipt"))) is not None:
        return said
    if reports := transfer.standing_reports:
        return Blocker(ngettext(
            "A royalty report stands under this deal: reverse it first, then void the deal.",
            "%(num)d royalty reports stand under this deal: reverse them first, the latest "
            "first, then void the deal.", len(reports)),
            "transfers.reverse_report", {"report_id": reports[-1].id}, _("Reverse the report"))
    return None


def void_transfer(actor: User, transfer: Transfer, reason: str | None) -> Transfer:
    """A transfer or licence recorded by mistake counts no more: it stays, marked voided with
    the reason, on its achievement's page and in its history; the spin-off deal it named is
    named by none."""
    if not Transfer.can_manage(actor):
        raise Forbidden()
    db.lock(transfer, "receipts", "reports")

    def unnamed() -> dict[str, list[Any]]:  # the spin-off deal it named is named by none
        named, transfer.ip_deal_id = transfer.ip_deal_id, None
        return {} if named is None else {"ip_deal_id": [named, None]}

    return voids.void(actor, transfer, reason, "transfer.void",
                      _("Say why the transfer or licence is voided."), unnamed,
                      refusal=void_refusal)
