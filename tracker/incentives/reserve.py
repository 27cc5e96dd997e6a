"""The incentive pool's shares that back options outstanding: the one rule every movement out
of a pool obeys (a transfer, a reversal of what the pool was issued or given, a round or a
conversion reversed), as a grant beyond the pool is refused. The pool holds these shares on
the ledger but has promised them; only its unallocated shares may leave it.

Kept apart from `tracker.incentives.services`, which records grants through
`tracker.companies.services`: the companies' ledger services read the promises here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import ngettext
from sqlalchemy import select

from tracker import db
from tracker.companies import ledger
from tracker.companies.models import Company, HolderType, Shareholder
from tracker.dates import today
from tracker.display.formatting import day, number, plural
from tracker.display.said import listed
from tracker.errors import Refused
from tracker.incentives.models import ZERO, GrantKind, IncentiveGrant


def outstanding_from(pool: Shareholder, *, leaving_out: int | None = None
                     ) -> list[IncentiveGrant]:
    """The pool's grants of options neither exercised, forfeited nor lapsed in full today."""
    if pool.kind is not HolderType.INCENTIVE_POOL:
        return []
    on = today()
    return [g for g in db.session.scalars(select(IncentiveGrant).where(
                IncentiveGrant.pool_id == pool.id,
                IncentiveGrant.kind == GrantKind.OPTIONS).order_by(IncentiveGrant.granted_on,
                                                                   IncentiveGrant.id))
            if g.id != leaving_out and _open(g, on) > 0]


def _open(record: IncentiveGrant, on: date) -> Decimal:
    return record.shares - record.forfeited - record.exercised() - record.lapsing(on)


def promised(pool: Shareholder, *, leaving_out: int | None = None) -> Decimal:
    """Options granted from `pool` and neither exercised, forfeited nor lapsed: shares the
    pool still holds but has promised."""
    on = today()
    return sum((_open(g, on) for g in outstanding_from(pool, leaving_out=leaving_out)), ZERO)


def people(pool: Shareholder) -> str:
    """Whom the pool's reserved shares are promised to, for a refusal: 'Alice, Bob' (Chinese:
    李强、赵磊), as `formatting.years` lists."""
    return listed(dict.fromkeys(g.person_name for g in outstanding_from(pool)))


def transferable(company: Company, pool: Shareholder, on: date) -> Decimal:
    """What may leave the pool on `on`: the fewest shares it holds from then on, less what
    it has promised."""
    return ledger.lowest_balance_from(company, pool.id, on) - promised(pool)


def reserved_sentence(company: Company, pool: Shareholder, on: date) -> str:
    """Why a movement out of the pool is refused, with the numbers and the people."""
    held = ledger.lowest_balance_from(company, pool.id, on)
    reserved = promised(pool)
    return ngettext(
        "%(pool)s holds %(held)s share from %(date)s on, of which %(reserved)s back options "
        "outstanding (granted to %(people)s): at most %(left)s can leave the pool.",
        "%(pool)s holds %(held)s shares from %(date)s on, of which %(reserved)s back options "
        "outstanding (granted to %(people)s): at most %(left)s can leave the pool.",
        plural(held), pool=pool.shown_name, held=number(held), date=day(on),
        reserved=number(reserved), people=people(pool), left=number(max(held - reserved, ZERO)))


def no_pool_below_promised(company: Company, on: date) -> None:
    """After a reversal from `on` on (flushed), every pool still holds, on that date and every
    later one, the shares its options outstanding are promised."""
    for pool in company.holders:
        if pool.kind is HolderType.INCENTIVE_POOL and transferable(company, pool, on) < 0:
            held = ledger.lowest_balance_from(company, pool.id, on)
            raise Refused(ngettext(
                "%(pool)s would hold %(held)s share from %(date)s on, fewer than the "
                "%(reserved)s that back options outstanding (granted to %(people)s): the pool's "
                "shares promised to them stay with it.",
                "%(pool)s would hold %(held)s shares from %(date)s on, fewer than the "
                "%(reserved)s that back options outstanding (granted to %(people)s): the pool's "
                "shares promised to them stay with it.", plural(held), pool=pool.shown_name,
                held=number(held),
                date=day(on), reserved=number(promised(pool)), people=people(pool)))
