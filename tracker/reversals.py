"""What every reversing entry needs, whatever the ledger (payments, disbursements, share
entries): a reason, and a date from the original's to today. Before that date the original
still counts; from it, the pair nets to nothing."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Invalid


def check(field: str, original: date, on: date, reason: str) -> str:
    """The reason, trimmed; `Invalid` when it is empty or `on` is out of place."""
    if not reason.strip():
        raise Invalid("reason", _("Say why the record is reversed."))
    if on < original:
        raise Invalid(field, _("A reversal is dated on or after what it reverses (%(date)s).",
                               date=day(original)))
    if on > today():
        raise Invalid(field, _("%(date)s is in the future.", date=day(on)))
    return reason.strip()
