"""When a gate decision is dated. The tracker dates each decision it records the moment it is
taken (`decisions.decide`), so its decisions are never in the future and follow one another in
the lifecycle's order (gate 2 after gate 1). A decision taken before the tracker and imported
gives its day (tracker/imports/projects.py), and that day must be one the tracker could have
given it: this module is the rule both read, so that an imported history reads as the
tracker's own would.

One more rule, for a decision whatever its source: the gates after the first close phases of
the research, which begins on the project's start date, so none of them is taken before it;
gate 1 approves the proposal, which may come before the work starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from tracker import db
from tracker.dates import today
from tracker.display.formatting import day as formatted


def problems(start: date | None, days: Iterable[tuple[int, date]],
             before: tuple[int, date] | None = None) -> list[tuple[int, str]]:
    """(gate, why) for each decision of `days` ((gate, day), in the order they were taken)
    that could not have been dated so: in the future, before the decision before it (`before`:
    the project's last one already recorded), or, past gate 1, before the start date."""
    found = []
    previous = before
    for gate, day in days:
        if day > today():
            found.append((gate, _("Gate %(gate)d: %(date)s is in the future; a decision is "
                                  "dated the day it was taken.", gate=gate,
                                  date=formatted(day))))
        elif previous is not None and day < previous[1]:
            found.append((gate, _("Gate %(gate)d: %(date)s is before the decision at gate "
                                  "%(before)d (%(then)s); gates are decided one after the "
                                  "other.", gate=gate, date=formatted(day), before=previous[0],
                                  then=formatted(previous[1]))))
        elif gate > 1 and start is not None and day < start:
            found.append((gate, _("Gate %(gate)d: %(date)s is before the project's start date "
                                  "(%(start)s); only gate 1, which approves the proposal, may "
                                  "come before it.", gate=gate, date=formatted(day),
                                  start=formatted(start))))
        previous = (gate, day)
    return found


def noon(day: date) -> datetime:
    """When a decision taken on `day`, a day and no hour, is dated: noon in the organisation's
    zone (its pages then say the day, `on_day`)."""
    zone = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    return datetime.combine(day, time(12), zone).astimezone(UTC)


def submitted(days: list[date]) -> datetime:
    """When a proposal imported with its decisions (taken on `days`) was submitted, as far as
    anyone knows: at the start of its first decision's day, so that its timeline reads in
    order; one imported with none (waiting for gate 1), now."""
    if not days:
        return db.utcnow()
    zone = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    return datetime.combine(days[0], time(0), zone).astimezone(UTC)
