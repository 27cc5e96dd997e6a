"""The confirmation step of a recording of money or equity, as text to show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Preview:
    """What a recording of money or equity would write, described (as text, in the reader's
    language) from the database as the service itself left it in a savepoint that is then
    rolled back (`tracker.web.actions.submit(..., preview=)`): the confirmation step shows the
    service's own result, not a second copy of its maths."""

    facts: list[tuple[str, str]] = field(default_factory=list)
    # (holder, shares before, % before, shares after, % after)
    stakes: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
