"""A leaving recorded after exercises dated later than it (issue 16 T6, found by a newcomer):
the exercises stand, so the leaving must leave each of them possible. A leaver exercises only
what was vested on the day they left, and only within the exercise window leaving opens; a
leaving dated so that an exercise recorded would break either is refused beside its date,
naming the latest exercise (reverse it first: `reversals.reverse_exercise`). The same rule, the
other way round, bounds an exercise recorded after the leaving (`IncentiveGrant.exercisable`,
`window_closed`)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.display.formatting import day, number, plural
from tracker.incentives.models import IncentiveGrant


def exercises_refusal(record: IncentiveGrant, left_on: date, window: int) -> str | None:
    """Why leaving on `left_on` with an exercise window of `window` days contradicts the
    exercises recorded (those that stand); None when it does not."""
    if not record.exercises:
        return None
    latest = max(record.exercises, key=lambda e: (e.on_date, e.id))
    done, vested = record.exercised(), record.vested(left_on)
    if done > vested:
        return ngettext(
            "%(done)s option of this grant is exercised, on %(latest)s, but %(vested)s were "
            "vested on %(date)s: a leaver exercises only what was vested when they left. Check "
            "the leaving date, or reverse that exercise first.",
            "%(done)s options of this grant are exercised, the latest on %(latest)s, but "
            "%(vested)s were vested on %(date)s: a leaver exercises only what was vested when "
            "they left. Check the leaving date, or reverse that exercise first.", plural(done),
            done=number(done), latest=day(latest.on_date), vested=number(vested),
                 date=day(left_on))
    until = IncentiveGrant.window_end(left_on, window)
    if latest.on_date > until:
        return _("An exercise on %(latest)s is recorded: leaving on %(date)s, the exercise "
                 "window would have ended on %(until)s, before it. Check the leaving date, or "
                 "reverse that exercise first.", latest=day(latest.on_date), date=day(left_on),
                 until=day(until))
    return None
