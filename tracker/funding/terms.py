"""The rules on an allocation-investment agreement's own terms, checked when the committee
records it (`services.record_agreement`) and when it corrects it (`amendments.save_agreement`),
so a corrected agreement is held to every rule a new one is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Problems
from tracker.partners import services as partners


def check_terms(problems: Problems, *, committed: Decimal | None, discount_pct: Decimal | None,
                qualifying_round_min: Decimal | None, signed_on: date | None,
                conversion_deadline: date | None, hq_ratio: Decimal | None,
                co_funders: list[tuple[str, Decimal | None]]) -> None:
    """The rules on an agreement's own terms, for a new agreement and a corrected one
    (`tracker.funding.amendments`). A value None is one its field has refused already."""
    if committed is None or committed <= 0:
        problems.add("committed", _("The amount must be more than zero: %(amount)s was given.",
                                    amount=cny(committed or Decimal("0"))))
    if discount_pct is not None and not 0 <= discount_pct < 100:
        problems.add("discount_pct", _("A discount is from 0 up to (not including) 100%%; "
                                       "%(n)s was given.", n=discount_pct))
    if qualifying_round_min is None or qualifying_round_min < 0:
        problems.add("qualifying_round_min", _("The amount cannot be negative."))
    if signed_on is not None and signed_on > today():
        problems.add("signed_on", _("%(date)s is in the future.", date=day(signed_on)))
    if (signed_on is not None and conversion_deadline is not None
            and conversion_deadline <= signed_on):
        problems.add("conversion_deadline", _("The conversion deadline comes after the "
                                              "signing date."))
    if hq_ratio is None or hq_ratio <= 0:
        problems.add("hq_ratio", _("A ratio is more than zero."))
    partners.check_co_funders(problems, co_funders)
