"""What recording a disbursement or a conversion would write, for the confirmation step: read
from the database as the service left it inside the dry run's savepoint."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.companies import ledger
from tracker.companies.models import Company
from tracker.companies.previews import holding_warnings, stake_rows
from tracker.display.formatting import money as cny
from tracker.display.formatting import number, pct, price
from tracker.display.preview import CONVERSION, Preview
from tracker.funding.models import Conversion, Disbursement


def disbursement(paid: Disbursement) -> Preview:
    tranche = paid.tranche
    agreement = tranche.agreement
    return Preview(facts=[
        (_("Paid now"), cny(paid.amount)),
        (_("Tranche %(n)d paid in all", n=tranche.number),
         _("%(paid)s of %(amount)s", paid=cny(tranche.disbursed), amount=cny(tranche.amount))),
        (_("Disbursed under the agreement"),
         _("%(paid)s of %(amount)s", paid=cny(agreement.disbursed),
           amount=cny(agreement.committed))),
        (_("Commitment still to pay"), cny(agreement.committed - agreement.disbursed))])


def conversion(converted: Conversion, company: Company, before: ledger.CapTable) -> Preview:
    on = converted.round.on_date
    figures = converted.computation
    return Preview(
        facts=[(_("Disbursed"), cny(figures.disbursed)),
               (_("Round price per share"), price(figures.round_price)),
               (_("Discount"), pct(figures.discount_pct)),
               (_("Conversion price per share"), price(figures.price)),
               (_("HQ's new shares"), number(figures.shares)),
               (_("Converted"), cny(figures.converted)),
               (_("Worth of the new shares at the conversion price"),
                cny(figures.shares_value)),
               (_("Fraction of a share not issued (stays with the company)"),
                cny(figures.fraction_unissued))],
        stakes=stake_rows(ledger.stake_changes(before, ledger.cap_table(company, on))),
        columns=CONVERSION,
        warnings=holding_warnings(company, on))
