"""What recording a disbursement or a conversion would write, for the confirmation step: read
from the database as the service left it inside the dry run's savepoint."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker import money
from tracker.companies import ledger
from tracker.companies.models import Company
from tracker.companies.previews import holding_warnings, stake_rows
from tracker.display.formatting import money as cny
from tracker.display.formatting import number, pct, price
from tracker.display.preview import Preview
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
    value = money.value_of(converted.shares, converted.conversion_price)
    return Preview(
        facts=[(_("Disbursed"), cny(converted.disbursed)),
               (_("Round price per share"), price(converted.round_price)),
               (_("Discount"), pct(converted.discount_pct)),
               (_("Conversion price per share"), price(converted.conversion_price)),
               (_("HQ's new shares"), number(converted.shares)),
               (_("Converted"), cny(value)),
               (_("Not converted (less than one share)"), cny(converted.disbursed - value))],
        stakes=stake_rows(ledger.stake_changes(before, ledger.cap_table(company, on))),
        warnings=holding_warnings(company, on))
