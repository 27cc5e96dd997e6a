"""HQ's holdings in SQL (`companies.holdings`, what the dashboard and the portfolio's totals
add up) against the ledger's own reading of each company (`ledger.portfolio_line`, what the
portfolio's rows show), on the hand-counted network of tests/reports/world.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.reports import conftest as reports
from tests.reports import world
from tracker import db
from tracker.companies import holdings, ledger
from tracker.companies.models import Company

ZERO = Decimal("0")


# The network built once for the module (tests/reports/conftest.py), each test in a savepoint.
net_ids, net = reports.net_ids, reports.net


# Before K1's round A (no price yet), between it and K2's exit, and today.
@pytest.mark.parametrize("on", [date(2026, 4, 1), date(2026, 6, 1), world.TODAY])
def test_the_sql_adds_up_what_the_ledger_lines_show(net, on):
    lines = [ledger.portfolio_line(c, on) for c in db.session.scalars(select(Company))]
    found = holdings.totals(db.session.execute(holdings.listed(net["admin"], on)))
    assert found.companies == len(lines) == 2
    assert found.hq_value == sum((line.value or ZERO for line in lines), ZERO)
    assert found.hq_cost == sum((line.cost or ZERO for line in lines), ZERO)
    assert found.realised == sum((line.realised for line in lines), ZERO)
    assert (found.rounds, found.raised) == (sum(line.rounds for line in lines),
                                            sum((line.raised for line in lines), ZERO))
    assert found.exited == sum(line.exited for line in lines)
    assert found.with_hq_stake == sum(line.hq_stake for line in lines)


def test_on_the_day_before_k2s_exit_both_count_it(net):
    found = holdings.totals(db.session.execute(holdings.listed(net["admin"], date(2026, 4, 30))))
    # K1: 300,000 HQ shares, no round yet; K2: 125,000 (100,000 and 25,000 HQ bought in it)
    # at the Angel round's 40.00; what HQ paid is K2's Angel money (K1 had no round yet).
    assert (found.exited, found.with_hq_stake, found.hq_value) == (0, 2, Decimal("5000000.00"))
    assert (found.hq_cost, found.exited_cost) == (Decimal("1000000.00"), ZERO)


@pytest.mark.parametrize("who", ["admin", "observer", "director", "pm1", "pm2"])
def test_who_sees_which_company_agrees_with_can_view(net, who):
    user = net[who]
    rows = db.session.execute(holdings.listed(user, world.TODAY)).all()
    expected = {c.id for c in db.session.scalars(select(Company)) if c.can_view(user)}
    assert {row.company_id for row in rows} == expected
    assert expected  # each of them sees one company at least
