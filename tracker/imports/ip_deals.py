"""A row of the IP deals import: a transfer or licence of an achievement, the deal form of the
achievement's page saved by `save_transfer` as that page saves it; then each royalty report by
`record_report` and each receipt of income by `record_income`, as the deal's page records
them, by the importing HQ admin (HQ admins and the investment committee record deals).

A deal is found again by its achievement, licensee, kind and signing date. Its terms have an
edit page, so a changed row updates them as that page would (the article 45 minimum checked
again). Reports and receipts are never edited (one recorded by mistake is reversed on the
deal's page): a re-import changes nothing, those the file adds are recorded (the reports
first, each the next period's, then the receipts, each split among the contributors by the
shares in force the day it was received: the achievement's today, or those the receipt says
for history from before they changed), and a recorded one the file changes or drops is
refused. A report or receipt reversed comes in as its cell writes it (`reversal_lines`): a
report's reversal after the receipts against it are reversed (`Ledger`).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.achievements import deal_corrections, deals
from tracker.achievements.deal_models import (
    IncomeReceipt,
    ReceiptFor,
    RoyaltyReport,
    RoyaltyReportReversal,
    Transfer,
    TransferKind,
)
from tracker.achievements.forms import IncomeForm, ReportForm, TransferForm
from tracker.achievements.models import Achievement
from tracker.achievements.services import ContributorLine
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.imports import cells, ip_columns, ledger_lines, reversal_lines
from tracker.imports.achievements import contributors
from tracker.imports.adapters import Adapter, _rows
from tracker.imports.cells import CellError, iso_date, read, unreadable
from tracker.imports.column_types import Column
from tracker.imports.reversal_lines import Reversal
from tracker.organisations.models import Enterprise

TERMS = ("enterprise_id", "kind", "signed_on", "ends_on", "upfront", "upfront_due_on",
         "royalty_pct", "royalty_base", "minimum_royalty", "reporting_months", "report_days",
         "payment_days", "contributor_pct", "override_reason")
_PAYS = Column("receipts", "", choices=ReceiptFor)

Report = tuple[date, Decimal]  # received on, base reported
# The contributors' shares a receipt is split by: (user id or None, name ("" for a user),
# share), when other than the achievement's today.
Shares = tuple[tuple[int | None, str, Decimal], ...]
# received on, amount, what it pays, the report's number (from 1) or None, costs, note, and
# the shares it is split by (None: the achievement's today; the text as written until read)
Receipt = tuple[date, Decimal, ReceiptFor, int | None, Decimal, str, Shares | str | None]
# A receipt's shares separated by commas (`ledger_lines.COMMAS`: 62,5 is a share refused) or 、.
_SHARES = re.compile(rf"、|{ledger_lines.COMMAS.pattern}")


def _achievement(project_id: object, title: object) -> Achievement | None:
    if not project_id:
        return None
    return db.session.scalar(select(Achievement).where(
        Achievement.titled(project_id, str(title or ""))))


def reports(text: str) -> list[Report | Reversal]:
    """'2024-04-10: 1200000; 2024-07-08: 900000' read by the report form, as its page reads
    it: one report a period, in order; 'reversal | 2 | 2024-07-20 | wrong base' as the
    reversal of the second (`reversal_lines`), after which its period is owed again."""
    return reversal_lines.entries(text, "reports", _report)


def _report(part: str) -> Report:
    received, base = cells.pair(part, "reports", _(
        "Write each report as the date received and the base reported, e.g. 2024-04-10: "
        "1200000."))
    form = ReportForm(formdata=MultiDict({
        "received_on": iso_date(received),
        "base_amount": cells.money(base, ip_columns.IP_DEALS, "reports")}))
    if not form.validate():
        raise CellError(ledger_lines.form_errors(form), "reports")
    return (form.received_on.data, form.base_amount.data)


def receipts(text: str) -> list[Receipt]:
    """'2024-02-01 | 500000 | upfront; 2024-05-02 | 60000 | royalty | 1 | 2000' read by the
    income form, as its page reads it; a seventh piece, the contributors' shares in force that
    day, is read with the project (`split_by`)."""
    return reversal_lines.entries(text, "receipts", _receipt)


def _receipt(part: str) -> Receipt:
    pieces = cells.pieces(part)
    if not 3 <= len(pieces) <= 7:
        raise CellError(_("Write each receipt as date received | amount | what it pays | "
                          "report number | costs | note | the contributors' shares that day "
                          "(the last four if any)."), "receipts")
    received, amount, pays, report, costs, note, shares = pieces + [""] * (7 - len(pieces))
    if report and not report.isdigit():
        raise CellError(_("A royalty names its report by its number in the reports column (1 "
                          "is the first)."), "receipts")
    form = IncomeForm(formdata=MultiDict({
        "received_on": iso_date(received),
        "amount": cells.money(amount, ip_columns.IP_DEALS, "receipts"),
        "costs": cells.money(costs, ip_columns.IP_DEALS, "receipts"), "note": note,
        "pays": ledger_lines.choice(_PAYS, pays, "receipts")}))
    if not form.validate():
        raise CellError(ledger_lines.form_errors(form), "receipts")
    return (form.received_on.data, form.amount.data, ReceiptFor(form.pays.data),
            int(report) if report else None, form.costs.data or Decimal("0"),
            (form.note.data or "").strip(), shares or None)


def split_by(receipt: Receipt, achievement: Achievement) -> Receipt:
    """The receipt with its shares read (by e-mail or name, as the contributors column reads
    them): None when they are the achievement's today, as a receipt the page records."""
    text = None if isinstance(receipt, Reversal) else receipt[6]
    if not isinstance(text, str):
        return receipt
    rows = contributors(text, achievement.project, "receipts", _SHARES)
    try:
        shares = tuple((user_id, name, Decimal(share)) for user_id, name, share in rows)
    except InvalidOperation:
        raise CellError(_("Write each contributor's share as a number, e.g. "
                          "li@example.cn: 60, Wang Wu: 40."), "receipts") from None
    return (*receipt[:6], None if shares == present_shares(achievement) else shares)


def present_shares(achievement: Achievement) -> Shares:
    return tuple((c.user_id, "" if c.user_id else c.name, c.share_pct)
                 for c in achievement.contributors)


def receipt_shares(receipt: IncomeReceipt, achievement: Achievement) -> Shares | None:
    """The shares a receipt was split by, when other than the achievement's today."""
    shares = tuple((s.user_id, "" if s.user_id else s.name, s.share_pct)
                   for s in receipt.shares)
    return None if receipt.is_reversal or shares == present_shares(achievement) else shares


def report_sequence(transfer: Transfer) -> list[RoyaltyReport | RoyaltyReportReversal]:
    """The deal's reports and their reversals in the order they can have been recorded: each
    report in turn, after the reversals of the standing reports it follows again (a report is
    of the period after the latest standing one, and only the latest is reversed)."""
    found: list = []
    standing: list[RoyaltyReport] = []
    for report in sorted(transfer.reports, key=lambda r: r.id):
        while (standing and standing[-1].reversal is not None
               and standing[-1].period_end >= report.period_start):
            found.append(standing.pop().reversal)
        found.append(report)
        standing.append(report)
    while standing and standing[-1].reversal is not None:
        found.append(standing.pop().reversal)
    return found + [r.reversal for r in transfer.reports
                    if r.reversal is not None and r.reversal not in found]


def recorded_reports(transfer: Transfer) -> list[Report | Reversal]:
    """Every report, and each reversal of one, as the column writes them."""
    sequence = report_sequence(transfer)
    numbers = {id(r): n for n, r in enumerate(sequence, start=1)}
    return [Reversal(numbers[id(r.report)], r.on_date, r.reason)
            if isinstance(r, RoyaltyReportReversal) else (r.received_on, r.base_amount)
            for r in sequence]


def recorded_receipts(transfer: Transfer) -> list[Receipt]:
    """Every receipt, reversals too (negative), as the column writes them."""
    numbers = {r.id: n for n, r in enumerate(report_sequence(transfer), start=1)
               if isinstance(r, RoyaltyReport)}
    return reversal_lines.recorded(transfer.receipts, lambda r: (
        r.received_on, r.amount, r.pays, numbers.get(r.report_id), r.costs, r.note,
        receipt_shares(r, transfer.achievement)))


class IpDeals(Adapter):
    refused_in = "project_id"
    kind, model, form_class = ip_columns.IP_DEALS, Transfer, TransferForm
    fields = TERMS

    def find(self, values):
        achievement = _achievement(values.get("project_id"), values.get("achievement"))
        try:
            kind = TransferKind(values.get("kind"))
            signed_on = date.fromisoformat(str(values.get("signed_on") or ""))
        except ValueError:
            return None
        if achievement is None or not values.get("enterprise_id"):
            return None
        return db.session.scalar(select(Transfer).where(
            Transfer.achievement_id == achievement.id,
            Transfer.enterprise_id == values["enterprise_id"], Transfer.kind == kind,
            Transfer.signed_on == signed_on).order_by(Transfer.id).limit(1))

    def name(self, values):
        return " · ".join(str(values.get(k) or "") for k in ("project_id", "achievement",
                                                             "enterprise_id"))

    def current(self, obj):
        return {**super().current(obj), "achievement_id": obj.achievement_id,
                "reports": recorded_reports(obj), "receipts": recorded_receipts(obj)}

    def form_data(self, obj):
        if obj is None:
            return None
        return {**{f: getattr(obj, f) for f in TERMS}, "ip_deal_id": obj.ip_deal_id or 0}

    def form(self, formdata, obj, refs):
        return TransferForm(formdata=formdata, data=self.form_data(obj),
                            enterprises=_rows(Enterprise, refs, "enterprise_id"),
                            ip_deals=[obj.ip_deal] if obj is not None and obj.ip_deal else [])

    def values(self, form, given):
        text = {k: (v[0] if v else "") for k, v in given.items()}
        if unreadable("project_id"):  # said beside it; its achievement is not looked for
            return None
        achievement = _achievement(int(text.get("project_id") or 0), text.get("achievement"))
        if achievement is None:
            raise CellError(_("The project has no achievement called %(title)s.",
                              title=text["achievement"]) if text.get("achievement")
                            else _("This field is required."), "achievement")
        values = {f: getattr(form, f).data for f in TERMS}
        values["override_reason"] = values["override_reason"] or ""
        values["royalty_base"] = values["royalty_base"] or None
        values["achievement_id"] = achievement.id
        values["reports"] = read("reports", reports, text["reports"]) if "reports" in text else None
        values["receipts"] = (read("receipts", lambda cell: [
            split_by(r, achievement) for r in receipts(cell)], text["receipts"])
            if "receipts" in text else None)
        return values

    def save(self, actor, obj, values):
        values = dict(values)
        achievement = db.session.get(Achievement, values.pop("achievement_id"))
        wanted_reports, wanted_receipts = values.pop("reports"), values.pop("receipts")
        if obj is None:
            _not_redated(achievement, values, wanted_reports, wanted_receipts)
        transfer = deals.save_transfer(actor, achievement, obj,
                                       ip_deal_id=obj.ip_deal_id if obj is not None else None,
                                       **values)
        problems = Problems()  # every problem of the row at once, each in its column
        recorded = recorded_reports(transfer)
        wanted_reports = recorded if wanted_reports is None else wanted_reports
        if wanted_reports[:len(recorded)] != recorded:
            problems.add("reports", _("A recorded royalty report is not removed or changed by "
                                      "an import: reverse it on the deal's page."))
        paid = recorded_receipts(transfer)
        wanted_receipts = paid if wanted_receipts is None else wanted_receipts
        if wanted_receipts[:len(paid)] != paid:
            problems.add("receipts", _("A recorded receipt is not removed or changed by an "
                                       "import: reverse it on the deal's page."))
        problems.raise_any()
        Ledger(actor, transfer, wanted_receipts, len(paid), problems).record(
            wanted_reports[len(recorded):], receipts=not unreadable("reports"))
        problems.raise_any()
        return transfer


def _not_redated(achievement: Achievement, values: dict, reports_: list | None,
                 receipts_: list | None) -> None:
    """A row whose signing date finds no deal, while its achievement, licensee and kind find
    the one deal whose reports and receipts it gives, or whose every other term it repeats,
    changes that deal's signing date, which finds a deal again: refused beside the date, the
    deal named, rather than recorded as a second deal (issue 13)."""
    same = list(db.session.scalars(select(Transfer).where(
        Transfer.achievement_id == achievement.id,
        Transfer.enterprise_id == values["enterprise_id"],
        Transfer.kind == values["kind"])))
    if len(same) != 1:
        return
    deal = same[0]
    recorded = (recorded_reports(deal), recorded_receipts(deal))
    given = (reports_ or [], receipts_ or [])
    ledger_given = any(recorded) and all(
        g[:len(r)] == r for g, r in zip(given, recorded, strict=True))
    if ledger_given or all(values[f] == getattr(deal, f) for f in TERMS if f != "signed_on"):
        raise Invalid("signed_on", _(
            "The %(kind)s of %(achievement)s to %(licensee)s is recorded as signed on "
            "%(recorded)s: this row changes its signing date, by which an import finds the "
            "deal, so it would record a second deal. Change the date on the deal's page, then "
            "import the file again.", kind=label(deal.kind), achievement=achievement.title,
            licensee=deal.enterprise.shown("name"), recorded=day(deal.signed_on)))


class Ledger:
    """A deal's new reports and receipts recorded as their pages record them, in the order
    they can have happened: the reports in order, and before a report's reversal the receipts
    (and their reversals) against it, which must stand no more; then the other receipts."""

    def __init__(self, actor, transfer: Transfer, receipts_: list, recorded: int,
                 problems: Problems) -> None:
        self.actor, self.transfer, self.problems = actor, transfer, problems
        self.receipts, self.waiting = receipts_, list(range(recorded, len(receipts_)))
        self.reports = report_sequence(transfer)  # as the reports column numbers them
        self.made = list(transfer.receipts)  # as the receipts column numbers them

    def record(self, new_reports: list, receipts: bool = True) -> None:
        """`receipts`: False when the reports column could not be read (a royalty names its
        report): the receipts are not checked then."""
        if not receipts:
            self.waiting = []
        for entry in new_reports:
            if isinstance(entry, Reversal):
                self._reverse(entry)
            else:
                self.reports.append(self._report(*entry))
        if not self.problems:
            self._receipts(len(self.waiting))

    def _report(self, received_on: date, base: Decimal) -> RoyaltyReport | None:
        try:
            return deals.record_report(self.actor, self.transfer, received_on=received_on,
                                       base_amount=base)
        except Invalid as error:
            self.problems.found += error.renamed(lambda _field: "reports")
        except (Refused, Forbidden) as error:
            self.problems.add("reports", _("The report received on %(date)s: %(problem)s",
                                           date=day(received_on), problem=error.message))
        return None

    def _reverse(self, entry: Reversal) -> None:
        against = [n for n, at in enumerate(self.waiting) if self._pays(at) == entry.of]
        if against:
            self._receipts(against[-1] + 1)
        report = self.reports[entry.of - 1] if entry.of <= len(self.reports) else None
        reversal = None
        if report is not None:
            try:
                reversal = deal_corrections.reverse_report(self.actor, report, entry.on,
                                                           entry.reason)
            except Invalid as error:
                self.problems.found += error.renamed(lambda _field: "reports")
            except (Refused, Forbidden) as error:
                self.problems.add("reports", _("The report received on %(date)s: %(problem)s",
                                               date=day(report.received_on),
                                               problem=error.message))
        self.reports.append(reversal)

    def _pays(self, at: int) -> int | None:
        """The number of the report the receipt at `at` (or the one it reverses) pays."""
        entry = self.receipts[at]
        return self._pays(entry.of - 1) if isinstance(entry, Reversal) else entry[3]

    def _receipts(self, count: int) -> None:
        """The next `count` receipts waiting, each recorded or reversed in turn."""
        taken, self.waiting = self.waiting[:count], self.waiting[count:]
        db.session.expire(self.transfer, ["reports"])
        reversal_lines.record([self.receipts[at] for at in taken], self.made, "receipts",
                              self._add, lambda receipt, r: deal_corrections.reverse_income(
                                  self.actor, receipt, r.on, r.reason), self.problems)

    def _add(self, entry: Receipt) -> IncomeReceipt | None:
        received_on, amount, pays, number, costs, note, shares = entry
        report = (self.reports[number - 1] if number is not None
                  and 1 <= number <= len(self.reports) else None)
        if amount < 0:
            self.problems.add("receipts", reversal_lines.negative())
        elif number is not None and not isinstance(report, RoyaltyReport):
            self.problems.add("receipts", _("The deal has no report %(n)d.", n=number))
        else:
            try:
                return deals.record_income(
                    self.actor, self.transfer, received_on=received_on, amount=amount,
                    costs=costs, pays=pays.value, report_id=report.id if report else None,
                    note=note, shares=None if shares is None else [
                        ContributorLine(user_id=u, name=n, share_pct=p) for u, n, p in shares])
            except Invalid as error:
                self.problems.found += error.renamed(lambda _field: "receipts")
            except (Refused, Forbidden) as error:
                self.problems.add("receipts", error.message)
        return None
