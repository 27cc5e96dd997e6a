"""The confirmation step of a recording of money or equity, as text to show."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class StakeColumns:
    """The headings of a preview's stakes table, named for what it records: before and after
    a round is not before and after a grant (本轮前 would call a grant a round)."""

    shares_before: str
    stake_before: str
    shares_after: str
    stake_after: str


ROUND = StakeColumns(_l("Shares before"), _l("Stake before"), _l("Shares after"),
                     _l("Stake after"))
CAP_TABLE = StakeColumns(_l("Shares before recording"), _l("Stake before recording"),
                         _l("Shares after recording"), _l("Stake after recording"))
CONVERSION = StakeColumns(_l("Shares before the conversion"),
                          _l("Stake before the conversion"), _l("Shares after the conversion"),
                          _l("Stake after the conversion"))
GRANT = StakeColumns(_l("Shares before the grant"), _l("Stake before the grant"),
                     _l("Shares after the grant"), _l("Stake after the grant"))


@dataclass
class Preview:
    """What a recording of money or equity would write, described (as text, in the reader's
    language) from the database as the service itself left it in a savepoint that is then
    rolled back (`tracker.web.actions.submit(..., preview=)`): the confirmation step shows the
    service's own result, not a second copy of its maths."""

    facts: list[tuple[str, str]] = field(default_factory=list)
    # (holder, shares before, % before, shares after, % after)
    stakes: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    columns: StakeColumns | None = None  # required with stakes: what "before" is before
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.stakes and self.columns is None:
            raise ValueError("a preview's stakes need their columns (ROUND, GRANT, ...)")
