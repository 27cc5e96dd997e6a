"""The confirmation step of an overspend: an expense that takes its budget line over the line's
amount is recorded only once the PM has seen by how much and confirmed it (as a disbursement
or a conversion is, `tracker.web.actions.submit(..., preview=)`); within the line, nothing to
confirm. Read from the database as the service left it inside the dry run's savepoint."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.display.formatting import money as cny
from tracker.display.preview import Preview
from tracker.spending import services
from tracker.spending.models import SpendingEntry


def overspend(entry: SpendingEntry, with_voucher: bool) -> Preview | None:
    line, spent = services.line_after(entry)
    if spent <= line.amount:
        return None
    warnings = [_("This expense takes the line “%(line)s” over its amount by %(over)s: confirm "
                  "that it was spent against this line, or choose another.",
                  line=line.name, over=cny(spent - line.amount))]
    if with_voucher:
        warnings.append(_("Choose the voucher again before confirming: a file is kept only "
                          "once the entry is recorded."))
    return Preview(facts=[(_("Budget line"), line.name),
                          (_("Amount of the line"), cny(line.amount)),
                          (_("Spent against it with this expense"), cny(spent)),
                          (_("Over the line by"), cny(spent - line.amount))],
                   warnings=warnings)
