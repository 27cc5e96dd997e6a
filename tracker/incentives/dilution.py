"""The cap table issued and fully diluted. Pure functions of the ledger's table and the grants:
no session, no Flask.

The incentive pool's shares are issued (the pool holds them on the ledger, as a holding
platform does), so the fully diluted total is the issued total: what changes is who the shares
are counted to. Each person is counted their options granted and neither exercised nor
forfeited as if exercised; the pool only what it has not promised (its unallocated shares).
Worked example (tests/incentives/test_dilution.py): team 6,000,000, investor 2,000,000, pool
2,000,000; 100,000 shares granted to Bob (moved to him), 400,000 options to Alice of which
100,000 exercised. Issued: team 60 %, investor 20 %, pool 18 %, Alice 1 %, Bob 1 %. Fully
diluted: team 60 %, investor 20 %, pool 15 % (1,500,000 unallocated), Alice 4 %, Bob 1 %.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker import money
from tracker.companies.ledger import CapTable
from tracker.companies.models import Shareholder
from tracker.incentives.models import ZERO, IncentiveGrant


@dataclass(frozen=True)
class DilutedRow:
    holder: Shareholder
    issued: Decimal  # shares held on the ledger
    issued_pct: Decimal
    options: Decimal  # + options outstanding to a person, - promised by the pool
    diluted: Decimal
    diluted_pct: Decimal


@dataclass(frozen=True)
class DilutedTable:
    on: date
    issued: Decimal
    rows: list[DilutedRow]

    @property
    def diluted(self) -> Decimal:
        return sum((r.diluted for r in self.rows), ZERO)

    @property
    def options(self) -> Decimal:
        """The options column's total: a person's options are promised by a pool, so each
        counts once up and once down and the column adds up to nothing (which is why the
        fully diluted total is the issued total). Its footer says this, not `outstanding`."""
        return sum((r.options for r in self.rows), ZERO)

    @property
    def outstanding(self) -> Decimal:
        """Options granted and neither exercised nor forfeited: the persons' side of the
        column, said beside the table."""
        return sum((r.options for r in self.rows if r.options > 0), ZERO)

    @property
    def issued_pct(self) -> Decimal:
        return sum((r.issued_pct for r in self.rows), ZERO)

    @property
    def diluted_pct(self) -> Decimal:
        return sum((r.diluted_pct for r in self.rows), ZERO)


def fully_diluted(table: CapTable, grants: list[IncentiveGrant]) -> DilutedTable:
    options: dict[int, Decimal] = defaultdict(lambda: ZERO)
    holders = {h.holder.id: h.holder for h in table.rows}
    for grant in grants:
        outstanding = grant.outstanding_options(table.on)
        if outstanding:
            options[grant.holder_id] += outstanding
            options[grant.pool_id] -= outstanding
            holders.setdefault(grant.holder_id, grant.holder)
            holders.setdefault(grant.pool_id, grant.pool)
    issued = {h.holder.id: h.shares for h in table.rows}
    pcts = {h.holder.id: h.pct for h in table.rows}
    ids = sorted(holders, key=lambda i: (-(issued.get(i, ZERO) + options[i]),
                                         holders[i].shown_name))
    diluted = [issued.get(i, ZERO) + options[i] for i in ids]
    diluted_pcts = money.apportioned(diluted, table.issued)
    return DilutedTable(on=table.on, issued=table.issued, rows=[
        DilutedRow(holders[i], issued.get(i, ZERO), pcts.get(i, ZERO), options[i], shares, pct)
        for i, shares, pct in zip(ids, diluted, diluted_pcts, strict=True)])


@dataclass(frozen=True)
class PoolLine:
    """A pool on the table's date: held on the ledger, promised to options outstanding then,
    and the difference, its unallocated shares (its fully diluted row)."""

    holder: Shareholder
    held: Decimal
    promised: Decimal

    @property
    def unallocated(self) -> Decimal:
        return self.held - self.promised


def pools(table: DilutedTable, holders: list[Shareholder]) -> list[PoolLine]:
    """Each pool's line read from the fully diluted table, so that the pool's figures are of
    the table's date as every other figure beside them."""
    rows = {r.holder.id: r for r in table.rows}
    return [PoolLine(pool, rows[pool.id].issued, -rows[pool.id].options) if pool.id in rows
            else PoolLine(pool, ZERO, ZERO) for pool in holders]
