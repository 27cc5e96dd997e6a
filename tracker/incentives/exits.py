"""What a company's exit does to its incentive grants (issue 16, F39), in words: the rule
itself is `IncentiveGrant.exit_by` (no option is exercised after a standing exit; the options
unvested on its date lapse, unless it accelerates them)."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.incentives.models import GrantKind, IncentiveGrant


def exit_sentence(record: IncentiveGrant) -> str | None:
    """What the company's exit did to the grant, for the refusal and the grant's page; None
    while the company has not exited."""
    exits = record.company.standing_exits
    if not exits:
        return None
    exit_ = exits[0]
    if exit_.accelerate:
        return _("%(company)s exited on %(date)s (%(kind)s): its share ledger is closed and no "
                 "option is exercised after an exit. The exit made the unvested options vest "
                 "in full.", company=record.company.name, date=day(exit_.on_date),
                 kind=label(exit_.kind))
    return _("%(company)s exited on %(date)s (%(kind)s): its share ledger is closed and no "
             "option is exercised after an exit. The options unvested then lapsed at the exit.",
             company=record.company.name, date=day(exit_.on_date), kind=label(exit_.kind))


def exercise_refusal(record: IncentiveGrant) -> str | None:
    """Why no exercise of the grant is recorded, whatever its date (the service refuses, and
    its page offers no form); None when one can be."""
    if record.kind is not GrantKind.OPTIONS:
        return _("A grant of shares has nothing to exercise: the shares are the person's "
                 "already.")
    return exit_sentence(record)
