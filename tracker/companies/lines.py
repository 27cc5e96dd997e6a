"""The lines of shares a form gives: the cap table at incorporation (a table of rows) or one
later issuance, and what is wrong with one, each problem beside its field (its row's, in a
table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.companies.models import Acquisition, HolderType
from tracker.display.formatting import number, plural
from tracker.errors import Problems, in_row


@dataclass(frozen=True)
class IssueLine:
    """A line of the cap table at incorporation, or one later issuance. `row`: its row in the
    form's table, so that each problem of the line is shown beside that row's field."""

    name: str
    kind: HolderType
    shares: Decimal
    acquired_by: Acquisition
    technology: str = ""
    lock_up_until: date | None = None
    row: int | None = None
    # What was paid for the shares, when known (CNY); last, so that a line written by position
    # (name, type, shares, paid with, technology, lock-up) keeps its meaning.
    paid: Decimal | None = None

    def field(self, rows: str, column: str) -> str:
        """Where a problem of `column` is shown: the row's own field of the list `rows`, or
        the form's own field `column` for a line given alone (a later issuance)."""
        if not rows:
            return column
        return in_row(rows, self.row, column)


# Ten trillion shares: no registered company comes near it; a typo of many digits does.
MAX_SHARES = Decimal("10000000000000")


def check_line(line: IssueLine, rows: str, problems: Problems) -> None:
    """Every problem of one line (`rows`: the list it is a row of, "" for a line alone)."""
    if not line.name.strip():
        problems.add(line.field(rows, "name"), _("Name each holder."))
    if line.shares > MAX_SHARES:
        problems.add(line.field(rows, "shares"), ngettext(
            "%(name)s: %(n)s share is more than any company issues.",
            "%(name)s: %(n)s shares is more than any company issues.", plural(line.shares),
            name=line.name, n=number(line.shares)))
    elif line.shares <= 0 or line.shares != line.shares.to_integral_value():
        problems.add(line.field(rows, "shares"), _(
            "%(name)s: shares are whole numbers above zero; %(n)s was given.", name=line.name,
            n=line.shares))
    if line.acquired_by is Acquisition.IP and not line.technology.strip():
        problems.add(line.field(rows, "technology"), _(
            "%(name)s: shares paid with IP name the technology contributed.", name=line.name))
    if line.acquired_by is Acquisition.CONVERSION:
        problems.add(line.field(rows, "acquired_by"), _(
            "Shares from a conversion are issued by the investment committee's conversion, "
            "not typed in."))
