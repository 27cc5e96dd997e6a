"""Which state of an enterprise's technology need may follow which: the rule as data, like
tracker/projects/lifecycle.py. `tracker.organisations.services.save_need` asks `check` before
a need moves, and the need form offers only the states `choices` gives.

    collected -> analysed -> matched
    matched -> analysed (the match fell through: it is matched anew)
    collected, analysed or matched -> closed (given up)
    a signed research contract makes a collected, analysed or matched need contracted, and
    nothing else does (`tracker/needs/contracted.py`: what the figures count as contracted)
    contracted and closed are final

A new need is recorded in the state it has reached (as an import brings it in).
"""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.organisations.models import NeedState, TechnologyNeed

NEXT: dict[NeedState, tuple[NeedState, ...]] = {
    NeedState.COLLECTED: (NeedState.ANALYSED, NeedState.CLOSED),
    NeedState.ANALYSED: (NeedState.MATCHED, NeedState.CLOSED),
    NeedState.MATCHED: (NeedState.ANALYSED, NeedState.CLOSED),
    NeedState.CONTRACTED: (),
    NeedState.CLOSED: (),
}
# The states a signed research contract turns into contracted.
CONTRACTABLE = frozenset({NeedState.COLLECTED, NeedState.ANALYSED, NeedState.MATCHED})


def choices(current: NeedState | None) -> list[NeedState]:
    """The states a need in `current` may be saved in: its own and those that may follow it
    (every state for a new need)."""
    if current is None:
        return list(NeedState)
    return [current, *NEXT[current]]


def check(current: NeedState | None, target: NeedState) -> str | None:
    """Why a need in `current` may not move to `target` (None: it may)."""
    if target in choices(current):
        return None
    if target is NeedState.CONTRACTED and current in CONTRACTABLE:
        return _("A need becomes contracted when a research contract is signed on a project "
                 "made from it: record the contract on that project.")
    following = NEXT[current]
    if not following:
        return _("The need is %(state)s: its state no longer changes.", state=label(current))
    return _("A need %(state)s moves to %(allowed)s, not to %(target)s.", state=label(current),
             allowed=" / ".join(label(s) for s in following), target=label(target))


def carried_on(need: TechnologyNeed, stated: NeedState) -> bool:
    """Whether a contract carried `need` on from `stated`: a contracted need given a state a
    contract contracts from (a needs file written before its contract, imported again) is
    given nothing new (issue 13)."""
    return need.state is NeedState.CONTRACTED and stated in CONTRACTABLE


def final_refusal(need: TechnologyNeed) -> str | None:
    """Why a contracted or closed need changes no more (final): neither moved nor its record
    edited, by its page's forms or an import (`services.save_need`), said before those forms
    are offered; None while it is live."""
    if NEXT[need.state]:
        return None
    return _("This need has been %(state)s since %(date)s: it no longer changes. %(instead)s",
             state=state_of(need), date=since(need), instead=instead(need))


def state_of(need: TechnologyNeed) -> str:
    """The need's state as a refusal says it, in the middle of a sentence."""
    return str(label(need.state)).lower()


def since(need: TechnologyNeed) -> str:
    return on_day(need.state_since)


def instead(need: TechnologyNeed) -> str:
    """What HQ can do with a need in its state."""
    return {
        NeedState.COLLECTED: _("Analyse it first."),
        NeedState.ANALYSED: _("Match it to an institute first."),
        NeedState.MATCHED: _("If the match fell through, move it back to analysed."),
        NeedState.CONTRACTED: _("A contracted need is final: its project carries it on."),
        NeedState.CLOSED: _("A closed need is final: if the enterprise asks again, record it "
                            "as a new need."),
    }[need.state]
