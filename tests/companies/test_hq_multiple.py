"""HQ's return multiple is value over cost of the same shares (issue 9, a newcomer's walk as
the investment committee). HQ took 2,500,000 shares at incorporation for cash, and the page
said "HQ cost ¥0.00" for them (nothing recorded what was paid) while it valued them: after a
Series A at 12.00 a share (pre-money 120,000,000 on 10,000,000 shares; 8,000,000 from a fund,
2,000,000 from HQ for 166,666 shares) it put ¥31,999,992.00 (2,666,666 shares) over
¥2,000,000.00 (the round's money only) and said "16x", and the list said "16".

Counted by hand: with ¥2,500,000.00 recorded as paid at incorporation, the cost is
¥4,500,000.00 and the multiple 31,999,992 / 4,500,000 = 7.11; with nothing recorded, 2,500,000
of HQ's 2,666,666 shares carry no cost and no multiple is given ("Partial cost")."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import holdings, ledger
from tracker.companies.models import HolderType
from tracker.dates import today
from tracker.projects.lifecycle import Phase

HQ = "Jiangsu Industrial Technology Research Institute"


@pytest.mark.parametrize("paid,cost,multiple,shown", [
    ("2500000", D("4500000.00"), D("7.11"), "7.11×"),
    ("", D("2000000.00"), None, "Partial cost"),
])
def test_value_and_cost_are_over_the_same_shares(client, paid, cost, multiple, shown):
    admin = make_user(Role.INVESTMENT_COMMITTEE, locale="en")
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    login(client, admin)
    rows = {"on_date": helpers.days_ago(300).isoformat(), "total_shares": "10000000",
            "holdings-0-name": "R&D team", "holdings-0-kind": "team",
            "holdings-0-shares": "6500000", "holdings-0-acquired_by": "cash",
            "holdings-1-name": HQ, "holdings-1-kind": "hq", "holdings-1-shares": "2500000",
            "holdings-1-acquired_by": "cash", "holdings-1-paid": paid,
            "holdings-2-name": "Incentive pool", "holdings-2-kind": "incentive_pool",
            "holdings-2-shares": "1000000", "holdings-2-acquired_by": "cash"}
    preview = post(client, f"/companies/{company.id}/incorporate", rows)
    assert preview.status_code == 200
    assert post(client, f"/companies/{company.id}/incorporate",
                dict(rows, confirmed="1")).status_code == 302
    entry = next(e for e in company.entries if e.to_holder.kind is HolderType.HQ)
    assert entry.paid == (D(paid) if paid else None)
    round_ = {"name": "Series A", "on_date": helpers.days_ago(30).isoformat(),
              "pre_money": "120000000", "amount": "10000000",
              "investors-0-name": "Suzhou Venture Capital", "investors-0-kind": "investor",
              "investors-0-amount": "8000000", "investors-0-lead": "y",
              "investors-1-name": HQ, "investors-1-kind": "hq",
              "investors-1-amount": "2000000"}
    assert post(client, f"/companies/{company.id}/rounds/new",
                dict(round_, confirmed="1")).status_code == 302
    db.session.expire_all()

    line = ledger.portfolio_line(company, today())
    assert (line.hq_shares, line.value) == (D("2666666"), D("31999992.00"))
    assert (line.cost, line.multiple) == (cost, multiple)
    [row] = db.session.execute(holdings.listed(admin, today()).where(
        holdings.lines(today()).c.company_id == company.id)).all()
    totals = holdings.totals([row])
    assert (totals.hq_value, totals.hq_cost, totals.multiple, totals.partial) == (
        D("31999992.00"), cost, multiple, 0 if multiple else 1)

    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert re.search(rf"HQ cost</dt><dd>CN¥{cost:,}", page)
    assert f"Multiple</dt><dd>{shown}" in page
    assert "16.00×" not in page
    if not paid:
        assert "2,500,000 of HQ's 2,666,666 shares carry no recorded cost" in page
    listed = client.get("/companies/").get_data(as_text=True)
    name_row = re.search(rf"<tr>(?:(?!</tr>).)*>{re.escape(company.name)}</a>.*?</tr>",
                         listed, re.S).group(0)
    assert f">{shown}<" in name_row
