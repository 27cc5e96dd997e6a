"""What a company's exit does to its incentive grants (issue 16, F39), in words: the rule
itself is `IncentiveGrant.exit_by` (no option is exercised after a standing exit; the options
unvested on its date lapse, unless it accelerates them)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from tracker.display.formatting import day, number
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
    if record.lapsed_on is not None and not record.company.standing_exits:
        # The lapse counted the options not exercised from the exercises standing then: an
        # exercise recorded after it, even dated in the window, would be counted twice.
        return _("The options %(name)s did not exercise lapsed on %(date)s, counted from the "
                 "exercises recorded then: no exercise is recorded after it.",
                 name=record.person_name, date=day(record.lapsed_on))
    return exit_sentence(record)


def exercise_form_refusal(record: IncentiveGrant, on: date) -> str | None:
    """Why the exercise form is not drawn on `on` (409 instead): no exercise can be recorded
    at all (`exercise_refusal`), or none is exercisable on any day up to `on` (vesting only
    grows, so the last day an exercise could be dated, `on` or the end of the window after
    leaving, says it). None when the form is drawn."""
    if (said := exercise_refusal(record)) is not None:
        return said
    last = min(on, record.exercise_until) if record.exercise_until else on
    if last < record.granted_on or record.exercisable(last) > 0:
        return None
    return _("No option of this grant can be exercised: %(vested)s of the %(granted)s are "
             "vested on %(date)s and %(done)s exercised.", vested=number(record.vested(last)),
             granted=number(record.shares), date=day(last), done=number(record.exercised(last)))
