"""A centre's status on a date, from its agreements and its last need: pure Python, no
session, tested as a table (tests/centres/test_status.py).

- expired: no term covers the date and the last one ended before it (a renewal recorded
  since brings the centre back);
- dormant: a term covers the date, but the centre has raised no need within the setting's
  number of months (`centre_dormant_months`), counted from its last need, or from the start
  of its first term when it has raised none;
- renewed: a term covers the date, and it renews an earlier one;
- active: a term covers the date, the first one;
- no agreement: none recorded yet, or none started by the date.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from flask_babel import lazy_gettext as _l


class CentreStatus(enum.StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    EXPIRED = "expired"
    RENEWED = "renewed"
    NO_AGREEMENT = "none"


STATUS_LABELS = {
    CentreStatus.ACTIVE: _l("In operation"),
    CentreStatus.DORMANT: _l("Dormant"),
    CentreStatus.EXPIRED: _l("Expired"),
    CentreStatus.RENEWED: _l("Renewed"),
    CentreStatus.NO_AGREEMENT: _l("No agreement in force"),
}


class Term(Protocol):
    starts_on: date
    ends_on: date
    renews_id: int | None


def months_before(on: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has fewer)."""
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    month += 1
    return date(year, month, min(on.day, calendar.monthrange(year, month)[1]))


def status_on(on: date, terms: Sequence[Term], last_need: date | None,
              dormant_months: int) -> CentreStatus:
    started = [t for t in terms if t.starts_on <= on]
    if not started:
        return CentreStatus.NO_AGREEMENT
    current = [t for t in started if t.ends_on >= on]
    if not current:
        return CentreStatus.EXPIRED
    since = last_need or min(t.starts_on for t in terms)
    if since < months_before(on, dormant_months):
        return CentreStatus.DORMANT
    term = max(current, key=lambda t: t.starts_on)
    return CentreStatus.RENEWED if term.renews_id is not None else CentreStatus.ACTIVE
