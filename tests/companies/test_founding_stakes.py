"""HQ's founding stake, taken for IP or a nominal sum (F14, issue 12, found by a newcomer): it
carries no price in the ledger, so its cost is what was recorded (nothing here) and its value
is unknown until a round prices it. The dashboard valued it at ¥0 with cost ¥0; now every
company figure says "No round yet" and a multiple of "—" (never 0 nor infinite), alike on the
company list and its file, the company's page and the dashboard (`companies/holdings.py` and
`ledger.portfolio_line`, one statement of each figure).

Counted by hand: F1 (HQ 300,000 founding shares for IP, no round); F2 (HQ 200,000 founding
shares, then round A at 5.00 in which HQ put nothing: value 1,000,000.00, cost 0.00, multiple
—); F3 (HQ 100,000 founding shares, round A at 2.00 in which HQ bought 50,000 for 100,000.00:
value 300,000.00, cost 100,000.00, multiple 3.00).

Issue 9 (a newcomer's walk): F3's multiple of 3.00 put the value of all 150,000 HQ shares over
the cost of the 50,000 bought in the round. F3's founding shares now record what was paid
for them (the IP valued at 100,000.00, `ShareEntry.paid`): cost 200,000.00, multiple 1.50.
F2's 200,000 founding shares record no cost: its multiple is not given (partial cost), and
the totals' multiple leaves it out: 300,000 / 200,000 = 1.50, one stake left out."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from tests.conftest import login
from tests.factories import _commit, make_project, make_user, uscc_for
from tests.reports.world import _entry
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import holdings, ledger
from tracker.companies.models import (
    Acquisition,
    Company,
    FinancingRound,
    HolderType,
    RoundInvestment,
    Shareholder,
)
from tracker.projects.lifecycle import Phase

TODAY = date(2026, 11, 20)


def _company(name, n, hq_shares, admin, round_price=None, hq_bought=None, hq_paid=None):
    project = make_project(phase=Phase.SPIN_OFF)
    company = Company(name=name, uscc=uscc_for(98000 + n), registered_on=date(2026, 3, 1))
    company.projects = [project]
    team, hq = (Shareholder(name="Team", kind=HolderType.TEAM),
                Shareholder(name="HQ", kind=HolderType.HQ))
    investor = Shareholder(name="Fund", kind=HolderType.INVESTOR)
    company.holders = [team, hq, investor]
    db.session.add(company)
    db.session.flush()
    _entry(company, team, "700000", date(2026, 3, 1), admin)
    _entry(company, hq, hq_shares, date(2026, 3, 1), admin, Acquisition.IP).paid = (
        D(hq_paid) if hq_paid is not None else None)
    if round_price is not None:
        price = D(round_price)
        before = D("700000") + D(hq_shares)
        round_ = FinancingRound(company_id=company.id, name="A", on_date=date(2026, 6, 1),
                                pre_money=before * price, amount=D("100000") * price,
                                shares_before=before, price_per_share=price,
                                recorded_by_id=admin.id)
        db.session.add(round_)
        db.session.flush()
        bought = D(hq_bought or 0)
        db.session.add(RoundInvestment(
            round_id=round_.id, amount=(D("100000") - bought) * price, lead=True,
            entry_id=_entry(company, investor, str(D("100000") - bought), round_.on_date,
                            admin, round_=round_).id))
        if bought:
            db.session.add(RoundInvestment(
                round_id=round_.id, amount=bought * price,
                entry_id=_entry(company, hq, str(bought), round_.on_date, admin,
                                round_=round_).id))
    db.session.flush()
    return company


def _world():
    admin = make_user(Role.HQ_ADMIN)
    f1 = _company("F1", 1, "300000", admin)
    f2 = _company("F2", 2, "200000", admin, round_price="5")
    f3 = _company("F3", 3, "100000", admin, round_price="2", hq_bought="50000",
                  hq_paid="100000")
    _commit()
    return admin, f1, f2, f3


def test_each_line_and_the_totals_say_no_round_yet_and_no_multiple(clock):
    clock.set(TODAY)
    admin, f1, f2, f3 = _world()
    one, two, three = (ledger.portfolio_line(c, TODAY) for c in (f1, f2, f3))
    assert (one.no_round_yet, one.value, one.cost, one.multiple) == (True, None, D("0"), None)
    assert (two.no_round_yet, two.value, two.cost, two.multiple, two.partial_cost) == (
        False, D("1000000.00"), D("0"), None, True)
    assert (three.value, three.cost, three.multiple, three.partial_cost) == (
        D("300000.00"), D("200000.00"), D("1.50"), False)
    totals = holdings.totals(db.session.execute(holdings.listed(admin, TODAY)))
    assert (totals.with_hq_stake, totals.valued, totals.unvalued) == (3, 2, 1)
    assert (totals.hq_value, totals.hq_cost) == (D("1300000.00"), D("200000.00"))
    # F3's 300,000 over the 200,000 HQ paid for its shares; F2 (no cost for its founding
    # shares) left out of both, counted apart.
    assert (totals.multiple, totals.partial) == (D("1.50"), 1) and not totals.no_round_yet
    # F1 alone: nothing priced, nothing paid.
    alone = holdings.totals(db.session.execute(
        select(holdings.lines(TODAY)).where(holdings.lines(TODAY).c.company_id == f1.id)))
    assert (alone.no_round_yet, alone.hq_value, alone.multiple) == (True, D("0"), None)


def _cells(page: str, name: str) -> list[str]:
    row = re.search(rf"<tr>(?:(?!</tr>).)*>{name}</a>.*?</tr>", page, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def test_the_list_its_file_the_company_page_and_the_dashboard_agree(client, clock):
    clock.set(TODAY)
    admin, f1, f2, f3 = _world()
    login(client, admin)
    page = client.get("/companies/").get_data(as_text=True)
    # Company, status, shares, HQ's stake, institute's, price, value, realised, cost, multiple
    assert _cells(page, "F1")[6:10] == ["No round yet", "CN¥0.00", "CN¥0.00", "—"]
    assert _cells(page, "F2")[6:10] == ["CN¥1,000,000.00", "CN¥0.00", "CN¥0.00",
                                        "Partial cost"]
    # One formatter for a multiple, on the list as on the company's page (it read "3").
    assert _cells(page, "F3")[6:10] == ["CN¥300,000.00", "CN¥0.00", "CN¥200,000.00", "1.50×"]
    text = client.get("/companies/?export=csv").get_data(as_text=True)
    rows = {r[0]: r for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
    # A money column holds money or nothing: the page says "No round yet", the file is empty.
    assert rows["F1"][6:10] == ["", "0.00", "0.00", ""]
    assert rows["F2"][6:10] == ["1000000.00", "0.00", "0.00", ""]
    assert rows["F3"][6:10] == ["300000.00", "0.00", "200000.00", "1.50"]
    # The stakes as the page writes them: 0.00 beside 25.00, never 0 (issue 9, T22).
    for name in ("F1", "F2", "F3"):
        assert [c.rstrip("%") for c in _cells(page, name)[3:5]] == rows[name][3:5]
        assert all(re.fullmatch(r"\d+\.\d\d", c) for c in rows[name][3:5]), rows[name]
    shown = client.get(f"/companies/{f1.id}").get_data(as_text=True)
    assert "No round yet" in shown and "CN¥0.00" in shown
    shown = client.get(f"/companies/{f2.id}").get_data(as_text=True)
    assert re.search(r"Value of HQ's stake</dt><dd>CN¥1,000,000.00 ", shown)
    assert re.search(r"Multiple</dt><dd>Partial cost <span[^>]*>200,000 of HQ's 200,000 shares "
                     r"carry no recorded cost", shown)
    shown = client.get(f"/companies/{f3.id}").get_data(as_text=True)
    assert re.search(r"Multiple</dt><dd>1.50×</dd>", shown)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r"HQ stakes at the last round price</th><td[^>]*><a[^>]*>"
                     r"CN¥1,300,000.00<", dashboard)
    assert re.search(r"no round has priced yet \(not valued\)</th><td[^>]*><a[^>]*>1<",
                     dashboard)
    assert re.search(r"over what HQ paid for them\)</th><td[^>]*><a[^>]*>1.50×</a> <small[^>]*>"
                     r"1 stake left out", dashboard)


def test_a_network_of_founding_stakes_alone_says_no_round_yet(client, clock):
    clock.set(TODAY)
    admin = make_user(Role.HQ_ADMIN)
    _company("F1", 1, "300000", admin)
    _commit()
    login(client, admin)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r"HQ stakes at the last round price</th><td[^>]*><a[^>]*>No round yet<",
                     dashboard)
    assert re.search(r"over what HQ paid for them\)</th><td[^>]*><a[^>]*>—<", dashboard)
    page = client.get("/companies/").get_data(as_text=True)
    foot = page[page.index("<tfoot"):page.index("</tfoot>")]
    assert "No round yet" in foot
