"""The columns of a company's equity incentives (`/companies/<id>/incentives?on=`): its pools,
its grants and its cap table issued and fully diluted, every figure as of the page's date;
what the page's three tables show and their files hold (`?export=csv|xlsx`, `&table=grants`
or `&table=diluted` for the second and third)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.display.formatting import day
from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind
from tracker.incentives.dilution import DilutedTable
from tracker.incentives.models import GrantState, IncentiveGrant


@dataclass(frozen=True)
class GrantLine:
    """A grant as it stands on the page's date."""

    grant: IncentiveGrant
    on: date

    @property
    def state(self) -> GrantState:
        return self.grant.state(self.on)

    @property
    def left(self) -> bool:
        return self.grant.left_by(self.on)

    @property
    def fully_vested_on(self) -> date | None:
        """None once they had left before it (`IncentiveGrant.fully_vested_on`)."""
        return self.grant.fully_vested_on if self.left else self.grant.schedule.fully_vested_on

    @property
    def lapsed(self):
        """The vested options that lapsed at the end of the window after leaving, if so."""
        if self.state is not GrantState.LAPSED:
            return None
        return self.grant.lapsed if self.grant.lapsed_on else self.grant.lapsing(self.on)


POOL_COLUMNS = [
    Column(_l("Pool"), lambda line: line.holder.shown_name, width=24),
    Column(_l("Shares held"), lambda line: line.held, Kind.NUMBER, 14),
    Column(_l("Promised to options"), lambda line: line.promised, Kind.NUMBER, 14),
    Column(_l("Unallocated"), lambda line: line.unallocated, Kind.NUMBER, 14),
]

GRANT_COLUMNS = [
    Column(_l("Person"), lambda g: g.grant.person_name, width=16,
           link=lambda g: id_path("incentives.show", "grant_id", g.grant.id)),
    Column(_l("Kind of grant"), lambda g: g.grant.kind, Kind.LABEL, 14),
    Column(_l("Granted on"), lambda g: g.grant.granted_on, Kind.DATE, 12),
    Column(_l("Granted"), lambda g: g.grant.shares, Kind.NUMBER, 12),
    Column(_l("Vested"), lambda g: g.grant.vested(g.on), Kind.NUMBER, 12),
    Column(_l("Exercised"),
           lambda g: g.grant.exercised(g.on) if g.grant.kind == "options" else None,
           Kind.NUMBER, 12),
    Column(_l("Cliff"), lambda g: g.grant.schedule.cliff_on, Kind.DATE, 12),
    # A leaver's vesting stopped when they left: no date of full vesting to show (as of a
    # date before they left, the schedule's).
    Column(_l("Fully vested on"), lambda g: g.fully_vested_on, Kind.DATE, 14,
           blank=lambda g: _("Vesting stopped on %(date)s", date=day(g.grant.left_on))),
    Column(_l("Locked up until"), lambda g: g.grant.lock_up_until, Kind.DATE, 12),
    Column(_l("State"), lambda g: g.state, Kind.LABEL, 14,
           tone=lambda g: "bad" if g.state in (GrantState.LAPSED, GrantState.EXITED) else None),
    Column(_l("Left on"), lambda g: g.grant.left_on if g.left else None, Kind.DATE, 12),
    Column(_l("Forfeited"), lambda g: g.grant.forfeited if g.left else None, Kind.NUMBER, 12),
    Column(_l("Lapsed"), lambda g: g.lapsed, Kind.NUMBER, 12),
    Column(_l("Exercisable until"),
           lambda g: g.grant.exercise_until if g.left and g.lapsed is None else None,
           Kind.DATE, 12),
]

DILUTED_COLUMNS = [
    Column(_l("Holder"), lambda r: r.holder.shown_name, width=24),
    Column(_l("Holder type"), lambda r: r.holder.kind, Kind.LABEL, 16),
    # A holder with none reads "—" (an option holder who has exercised nothing, as a holder new
    # in a round on the company's page); the total's column adds up to 0 (`DilutedTable.options`).
    Column(_l("Issued shares"), lambda r: r.issued if r.issued or r.holder.kind is None else None,
           Kind.NUMBER, 14),
    Column(_l("Issued stake"),
           lambda r: r.issued_pct if r.issued or r.holder.kind is None else None, Kind.PCT, 10),
    Column(_l("Options outstanding"),
           lambda r: r.options if r.options or r.holder.kind is None else None, Kind.NUMBER, 14),
    Column(_l("Fully diluted shares"), lambda r: r.diluted, Kind.NUMBER, 14),
    Column(_l("Fully diluted stake"), lambda r: r.diluted_pct, Kind.PCT, 10),
]


def diluted_total(table: DilutedTable) -> SimpleNamespace:
    """The cap table's last row: its stakes only when some holder has shares on its date."""
    return SimpleNamespace(
        holder=SimpleNamespace(shown_name=_("Total"), kind=None), issued=table.issued,
        issued_pct=table.issued_pct if table.rows else None, options=table.options,
        diluted=table.diluted, diluted_pct=table.diluted_pct if table.rows else None)
