"""The range of each number of a gate template and of its criteria, and the sentence that says
it, one rule: what the template's form takes (tracker/gates/forms.py, so that a phone offers
digits and a number out of range is refused beside its field), what the service checks for
every caller (tracker/gates/configuration.py) and what the tables' CHECKs hold
(tracker/gates/models.py). None: no upper bound but the column's (the form's LARGEST)."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l


class Bound(NamedTuple):
    least: int
    most: int | None
    said: Any  # a lazy gettext string


BOUNDS: dict[str, Bound] = {
    "pass_threshold": Bound(0, 100, _l("The pass threshold is a percentage from 0 to 100.")),
    "min_trl": Bound(1, 9, _l("A TRL is from 1 to 9; leave it empty for no minimum.")),
    "quorum": Bound(1, None, _l("The quorum is at least one scorecard.")),
    "review_days": Bound(1, None, _l("The review period is at least one day.")),
    "min_experts": Bound(0, None, _l("Give a number of experts of 0 or more.")),
    "min_outside_units": Bound(0, None, _l("Give a number of units of 0 or more.")),
    "weight": Bound(0, None, _l("Give a weight of 0 or more.")),
    "scale_max": Bound(1, None, _l("A should-meet criterion is scored from 0 to at least 1.")),
}


def within(name: str, value) -> bool:
    """Whether `value` is within the bounds of the template's number `name` (`BOUNDS`)."""
    least, most, _ = BOUNDS[name]
    return value is not None and least <= value and (most is None or value <= most)


def said(name: str) -> str:
    """The sentence of the number `name`'s bounds, in the reader's language."""
    return str(BOUNDS[name].said)
