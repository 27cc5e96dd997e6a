"""What every reversing entry needs, whatever the ledger (payments, disbursements, share
entries): a reason, and a date from the original's to today. Before that date the original
still counts; from it, the pair nets to nothing.

One writer (`reverse`) for every ledger whose entry is undone by an entry of the negated
amount linked to it (`reverses_id` / `reversed_by`): who may (the entry's `can_reverse`), the
lock, when (the ledger's refusal), the reason and date, the link, the audit record. What each
ledger negates and where the reversing entry goes stay in its domain (`negated`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from tracker import db
from tracker.audit import services as audit
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Forbidden, Problems, Refused

if TYPE_CHECKING:
    from tracker.accounts.models import User


def undone(entry: Any) -> bool:
    """A reversing entry, or one reversed already: neither is reversed (again)."""
    return entry.reverses_id is not None or entry.reversed_by is not None


def offered_to(user: Any, entries: Iterable[Any],
               refusal: Callable[[Any], str | None]) -> set[int]:
    """The ids of `entries` whose reversal a page offers `user`: theirs to reverse (each
    entry's `can_reverse`: who) and no state refusing it (`refusal`: when)."""
    return {e.id for e in entries if e.can_reverse(user) and refusal(e) is None}


def refusal(entry: Any, when: str) -> str | None:
    """Why a ledger entry is not reversed, with the dates (its date attribute is `when`): it
    is itself a reversal, or it was reversed already; None when it can be. One sentence for
    every ledger (payments, disbursements, spending, income, share entries)."""
    if entry.reverses_id is not None:
        return _("This entry is the reversal, on %(date)s, of the one of %(original)s: a "
                 "reversal is not reversed. If the original should count after all, record it "
                 "again.", date=day(getattr(entry, when)),
                 original=day(getattr(entry.reverses, when)))
    if entry.reversed_by is not None:
        return reversed_on(getattr(entry.reversed_by, when))
    return None


def reversed_on(on: date) -> str:
    """Why a record reversed on `on` is not reversed again: the same sentence for an entry
    reversed by a reversing entry (`refusal`) and for a round, an exit, a conversion or an
    exercise reversed by a reversal record (its `on_date`)."""
    return _("This entry was reversed on %(date)s: it no longer counts. If it should count "
             "after all, record it again.", date=day(on))


def check(field: str, original: date, on: date, reason: str) -> str:
    """The reason, trimmed; `Invalid` naming every problem at once (`Problems`) when it is
    empty or `on` is out of place."""
    problems = Problems()
    if not reason.strip():
        problems.add("reason", _("Say why the record is reversed."))
    if on is None:
        pass  # the form said so beside the field
    elif on < original:
        problems.add(field, _("A reversal is dated on or after what it reverses (%(date)s).",
                              date=day(original)))
    elif on > today():
        problems.add(field, _("%(date)s is in the future.", date=day(on)))
    problems.raise_any()
    return reason.strip()


def begin(entry: Any, under: Any, refusal: Callable[[Any], str | None], when: str,
          on: date | None, reason: str, *, stale: Sequence[str] | None = ("reversed_by",),
          fresh: Callable[[], None] | None = None, field: str = "on_date") -> str:
    """What every reversal does before it is written, once its writer has checked who may:
    the record(s) whose ledger holds `entry` locked (`under`, one or a tuple: of two reversals
    of one entry at once, the second waits and is refused), what says whether it was reversed
    meanwhile read again (`stale`: its attributes, None for all of them; `fresh`: what else
    the refusal reads), the state refusing it (`refusal`, raised as `Refused`), and the reason
    and the date checked against the original's date (its attribute, or path, `when`) by
    `check`, a problem with the date said beside `field`. The reason, trimmed."""
    for each in under if isinstance(under, tuple) else (under,):
        db.lock(each)
    if stale is None or stale:  # () reads nothing again; expire() takes none for all
        db.session.expire(entry, stale)
    if fresh is not None:
        fresh()
    if (said := refusal(entry)) is not None:
        raise Refused(said)
    return check(field, attrgetter(when)(entry), on, reason)


def stated(problems: Problems, reason: str | None, message: str | None = None) -> str:
    """The reason a correction gives, trimmed; said missing beside the form's `reason` field
    with the other problems when there is none."""
    if not (reason or "").strip():
        problems.add("reason", message or _("Say why the record is corrected."))
    return (reason or "").strip()


def reverse(actor: User, entry: Any, on: date, reason: str, *, when: str,
            under: Any, refusal: Callable[[Any], str | None],
            negated: Callable[[Any, dict[str, Any]], Any], action: str,
            about: Any = None, said: Callable[[Any], dict[str, list[Any]]] | None = None,
            forbidden: str = "") -> Any:
    """The reversal of `entry` (its date attribute is `when`) recorded by mistake, dated `on`:
    refused (`Forbidden`, saying `forbidden`) unless it is `actor`'s to reverse, then as
    `begin` says (`under` locked, the ledger's `refusal`, the reason and the date).
    `negated(entry, linked)` builds the reversing entry from `linked` (the date, the link to
    `entry`, the reason, who) and puts it on its ledger. Audited as `action`: on the
    reversing entry with its values and what `said(reversal)` adds; or, given `about` (the
    contract, the project), on that with what `said` says of the entry and the reversal's date
    and reason."""
    if not entry.can_reverse(actor):  # who, before the state
        raise Forbidden(forbidden)
    reason = begin(entry, under, refusal, when, on, reason)
    reversal = negated(entry, {when: on, "reverses_id": entry.id, "reason": reason,
                               "recorded_by_id": actor.id})
    more = said(reversal) if said is not None else {}
    if about is None:
        audit.record(actor, action, reversal, {**audit.pending_changes(reversal), **more})
    else:
        audit.record(actor, action, about, {**more, "on": [None, on.isoformat()],
                                            "reason": [None, reason]})
    db.session.flush()
    db.session.expire(entry, ["reversed_by"])  # read again: the reversal names it
    return reversal


def record(actor: User, original: Any, on: date | None, reason: str, *, may: bool,
           under: Any, refusal: Callable[[Any], str | None], when: str,
           make: Callable[[dict[str, Any]], tuple[Any, dict[str, list[Any]] | None]],
           action: str, about: Any = None, stale: Sequence[str] | None = ("reversal",),
           fresh: Callable[[], None] | None = None, field: str = "on_date",
           forbidden: str = "") -> Any:
    """The one writer of a reversal record (a round's, an exit's, a conversion's, a royalty
    report's, an annuity payment's, an exercise's, a leaving's): `original`, recorded by
    mistake, reversed from `on`. Refused (`Forbidden`, saying `forbidden`) unless `may` (who),
    then as `begin` says (`under` locked, `stale` and `fresh` read again, the `refusal`, the
    reason and the date against the original's `when`). `make(stated)` writes what the domain
    reverses with it (a round's investors' entries, what a leaving forfeited) and returns the
    record, built with `stated` (its date, the reason, who), and what its audit record says
    (None: the record's values). Audited as `action`, on the record or on `about`; flushed."""
    if not may:  # who, before the state
        raise Forbidden(forbidden)
    reason = begin(original, under, refusal, when, on, reason, stale=stale, fresh=fresh,
                   field=field)
    made, said = make({"on_date": on, "reason": reason, "recorded_by_id": actor.id})
    db.session.add(made)
    audit.record(actor, action, made if about is None else about, said)
    db.session.flush()
    return made


def dated(reversal: Any) -> dict[str, list[Any]]:
    """What the audit record of a reversal record says of it: from when, and why."""
    return {"on_date": [None, reversal.on_date.isoformat()], "reason": [None, reversal.reason]}
