"""When a need recorded before the tracker was recorded and matched (issue 13): the days a
needs file gives a new need (Recorded on, Matched on) checked as a page checks a day, and the
moments the need keeps of them: noon that day in the organisation's zone, never after now, as
a contract's signing dates its need (`tracker.needs.contracted.follow`). The tracker dates a
need it records the moment it is recorded, and its match the moment it is decided; without
its days, a network's ten years of needs all read as recorded on the import's day.
`organisations.services.check_need` asks `check` for the form and both paths of the import
alike. A need on record keeps its moments: nothing in the tracker changes them, nor does an
import (`tracker.imports.needs.Needs.unchangeable` says so beside the column)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from tracker import db
from tracker.dates import out_of_range, today
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Problems
from tracker.gates.dating import noon
from tracker.organisations.models import NeedState

# The states of a need that was matched and keeps the moment (a match that fell through, back
# to analysed, keeps none: `stamp_state`).
MATCHED = frozenset({NeedState.MATCHED, NeedState.CONTRACTED, NeedState.CLOSED})
# The moment a new need entered its state, where the days given say it.
_SINCE = {NeedState.COLLECTED: "created_at", NeedState.MATCHED: "matched_at"}


def check(problems: Problems, state: NeedState | None, recorded_on: date | None,
          matched_on: date | None) -> dict[str, datetime]:
    """The problems of the days given a new need in `state` (None: collected), each beside its
    field, added to `problems`; the columns the need keeps of them, every one for every new
    need (the bulk import writes a batch's rows alike): a day not given is the moment it is
    recorded, as the tracker dates a need it records, and no match."""
    state = state or NeedState.COLLECTED
    for field, on in (("recorded_on", recorded_on), ("matched_on", matched_on)):
        if on is not None and (said := out_of_range(on)) is not None:
            problems.add(field, said)
        elif on is not None and on > today():
            problems.add(field, _("%(date)s is in the future: a need is dated the day it was "
                                  "recorded, and its match the day it was decided.",
                                  date=day(on)))
    if matched_on is not None and "matched_on" not in problems:
        if state not in MATCHED:
            problems.add("matched_on", _("The need is %(state)s, not matched: it has no day "
                                         "of its match.", state=str(label(state)).lower()))
        elif recorded_on is None:
            problems.add("matched_on", _("Give the day the need was recorded too: it was "
                                         "matched after it was recorded."))
        elif matched_on < recorded_on and "recorded_on" not in problems:
            problems.add("matched_on", _("%(matched)s is before the need was recorded "
                                         "(%(recorded)s): it was matched after.",
                                         matched=day(matched_on), recorded=day(recorded_on)))
    if "recorded_on" in problems or "matched_on" in problems:
        return {}
    now = db.utcnow()
    columns = {key: None if on is None else min(noon(on), now)
               for key, on in (("created_at", recorded_on), ("matched_at", matched_on))}
    columns["created_at"] = columns["created_at"] or now
    columns["state_since"] = columns.get(_SINCE.get(state, "")) or now
    return columns
