"""Which period a royalty report form was for. The deal's page offers the report of the next
period owed and says which; the form carries that period's start (`ReportForm.period`), so a
form left open while someone else recorded that period's report (or reversed one, or changed
the deal's terms) is refused with what changed, never saved as the report of another period."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.achievements.deal_models import Transfer
from tracker.display.formatting import day
from tracker.display.formatting import money as cny


def seen(text: str | None) -> date | None:
    """The period start a form carried (an ISO date), or None when it carried none."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def moved_on(transfer: Transfer, seen_start: date | None,
             found: tuple[int, date, date] | None) -> str | None:
    """Why a report form for the period starting `seen_start` can no longer be saved, the
    next period owed being `found` (`deals.next_period`); None when it is still that period
    (or the form named none: an import, the API)."""
    if seen_start is None or (found is not None and found[1] == seen_start):
        return None
    taken = next((r for r in transfer.standing_reports if r.period_start == seen_start), None)
    now = (_("The next report owed is now that of %(start)s to %(end)s.",
             start=day(found[1]), end=day(found[2])) if found is not None
           else none_owed(transfer))
    if taken is not None:
        who = db.session.get(User, taken.recorded_by_id)
        said = _("The report of %(period)s was recorded meanwhile by %(name)s (received on "
                 "%(date)s, base %(base)s).", period=taken.title, name=who.name if who else "",
                 date=day(taken.received_on), base=cny(taken.base_amount))
    else:
        said = _("The period this form was for, from %(date)s, is no longer the one owed "
                 "(a report was reversed or the deal's terms changed meanwhile).",
                 date=day(seen_start))
    return " ".join((said, now, _("Nothing of yours was saved: check your figures against "
                                  "the deal's page before recording them.")))


def form_period(transfer_next: tuple[int, date, date] | None) -> str:
    """What the page's report form carries: the start of the period it offers."""
    return transfer_next[1].isoformat() if transfer_next is not None else ""



def none_owed(transfer: Transfer) -> str:
    """Why no royalty report is owed under the deal (`deals.next_period` found none), with
    what says so: it has no reporting period, or it ended and its last period is reported."""
    if not transfer.reporting_months:
        return _("This deal has no royalty reporting period: no royalty report is owed under "
                 "it. If its terms set one, correct the deal first.")
    last = transfer.standing_reports[-1].title if transfer.standing_reports else "—"
    return _("This deal ended on %(date)s and its periods up to then are reported (the last: "
             "%(period)s): no royalty report is owed under it. If it runs longer, correct its "
             "end date first.", date=day(transfer.ends_on), period=last)
