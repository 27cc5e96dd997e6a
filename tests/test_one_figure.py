"""A figure shown on two pages is computed in one place, with the rounding rule of
tracker/money.py, and so reads the same on both (issue 9, point 10; issue 12: trust the
numbers)."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.companies import ledger
from tracker.companies.models import Acquisition, HolderType
from tracker.companies.services import IssueLine
from tracker.dates import today

D = Decimal
# 15.565 % for HQ and 24.435 % for the institute: rounded one by one both would go up (15.57,
# 24.44) and the table would add up to 100.01 %; largest remainder gives the hundredth to the
# earlier row of the tie, the institute, so HQ's stake reads 15.56 % wherever it is shown.
TABLE = [IssueLine("R&D team", HolderType.TEAM, D("60000"), Acquisition.CASH),
         IssueLine("Robotics institute", HolderType.INSTITUTE, D("24435"), Acquisition.CASH),
         IssueLine("JITRI", HolderType.HQ, D("15565"), Acquisition.CASH)]


def _company():
    company = helpers.make_company(helpers.invested_project())
    helpers.incorporate(company, lines=TABLE)
    return company


def test_hq_stake_reads_the_same_in_the_cap_table_the_history_and_the_portfolio(client):
    company = _company()
    table = ledger.cap_table(company, today())
    assert {h.holder.name: h.pct for h in table.rows}["JITRI"] == D("15.56")
    assert table.pct_of(HolderType.HQ) == D("15.56")
    assert ledger.portfolio_line(company, today()).hq_pct == D("15.56")
    assert ledger.stake_history(company)[-1][1][HolderType.HQ] == D("15.56")
    login(client, make_user(Role.HQ_ADMIN))
    for page in (client.get("/companies/"), client.get(f"/companies/{company.id}")):
        text = page.get_data(as_text=True)
        assert "15.56%" in text and "15.57%" not in text


def test_a_round_post_money_is_its_shares_at_its_price(client):
    company = _company()
    # 1,000,003 over 100,000 shares is 10.0000 a share (rounded to 0.0001): 1,000,000 buys
    # 100,000 shares, and the 200,000 shares after the round are worth 2,000,000.00, not the
    # 2,000,003.00 of pre-money plus amount.
    data = {"name": "Seed", "on_date": helpers.days_ago(1).isoformat(),
            "pre_money": "1000003", "amount": "1000000", "investors-0-name": "Fund",
            "investors-0-kind": "investor", "investors-0-amount": "1000000",
            "investors-0-lead": "y"}
    login(client, make_user(Role.HQ_ADMIN))
    preview = post(client, f"/companies/{company.id}/rounds/new", data).get_data(as_text=True)
    assert "Post-money valuation</dt><dd>CN¥2,000,000.00" in preview
    assert "2,000,003" not in preview
    assert post(client, f"/companies/{company.id}/rounds/new",
                dict(data, confirmed="1")).status_code == 302
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "200,000 shares × CN¥10.00 = CN¥2,000,000.00" in page


def test_the_conversion_preview_counts_what_the_dashboard_counts_as_converted(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    login(client, committee)
    agreement, _company = helpers.worked_example(helpers.invested_project())
    dashboard = client.get("/dashboard").get_data(as_text=True)
    converted = re.search(r"Converted to equity<span class=\"figure\">(?:<a [^>]*>)?([^<]+)<",
                          dashboard)
    assert converted.group(1) == "CN¥10,000,000.00"
    # the preview shows the same figure (tests/test_previews.py), from the same computation
    assert agreement.conversion.computation.converted == D("10000000.00")
    assert agreement.conversion.computation.shares_value == D("9999993.60")
    assert agreement.conversion.computation.fraction_unissued == D("6.40")


def test_a_round_says_what_its_whole_shares_leave_over_in_both_languages(client):
    """The newcomer's Series A: 10,000,000 shares at 120,000,000 pre-money, 12.00 a share;
    8,000,000 buys 666,666 shares (7,999,992.00) and 2,000,000 buys 166,666 (1,999,992.00):
    CN¥16.00 of the 10,000,000 raised buys no whole share, said on the confirmation and on
    the round's page, as a conversion says its fraction."""
    company = helpers.make_company(helpers.invested_project())
    helpers.incorporate(company)
    data = {"name": "Series A", "on_date": helpers.days_ago(1).isoformat(),
            "pre_money": "120000000", "amount": "10000000",
            "investors-0-name": "Suzhou Venture Capital", "investors-0-kind": "investor",
            "investors-0-amount": "8000000", "investors-0-lead": "y",
            "investors-1-name": "Wuxi Fund", "investors-1-kind": "investor",
            "investors-1-amount": "2000000"}
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    preview = post(client, f"/companies/{company.id}/rounds/new", data).get_data(as_text=True)
    said = "Fraction of a share not issued (stays with the company)</dt><dd>CN¥16.00"
    assert said in preview
    assert post(client, f"/companies/{company.id}/rounds/new",
                dict(data, confirmed="1")).status_code == 302
    assert said in client.get(f"/companies/{company.id}").get_data(as_text=True)
    post(client, "/language", {"locale": "zh_CN", "next": "/"})
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "不足一股部分，不发行（留在公司）</dt><dd>¥16.00" in page
