"""A transfer or licence recorded by mistake and voided counts in no figure that counted it:
the dashboard's deals (and every list its figures link to), /transfers/ and its file, the
annual report, a contributor's statement and the data export read what they read before it
was recorded (tests/reports/world.py), while each of them counted it before it was voided.
Its receipt, of 2025, reversed in 2026, leaves no trace in either year's income."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit
from tests.reports.test_every_figure_counts import ANNUAL_DEALS, _annual_links, _check
from tests.test_edits import tab
from tracker import db
from tracker.achievements import deal_corrections
from tracker.achievements import deals as ip_deals
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement
from tracker.errors import Invalid, Refused
from tracker.imports.export import export_csv


def _figures(client) -> dict:
    """Every figure that counts X2's deals, as the pages and files show them."""
    page = client.get("/dashboard").get_data(as_text=True)
    deals = page.split('id="deals"')[1].split("</table>")[0]
    annual = client.get("/reports/annual?year=2026").get_data(as_text=True)
    listed = client.get("/transfers/?export=csv").get_data(as_text=True)
    statement = client.get(f"/ip/statements/named/{_li().id}").get_data(as_text=True)
    return {
        "dashboard": re.findall(r'<td class="num"><a href="[^"]+">([^<]+)</a></td>', deals),
        "annual": {label: [text for _href, text in _annual_links(annual, label)]
                   for label in ANNUAL_DEALS},
        "transfers": list(csv.reader(io.StringIO(listed))),
        "statement": re.findall(r"CN¥[\d,.-]+", statement.split("<main", 1)[1]),
        "export": export_csv("ip_deals").decode().count("\n"),
    }


def _x2() -> Achievement:
    return db.session.scalar(select(Achievement).where(Achievement.title == "X2"))


def _li():
    return _x2().contributors[0]


def test_a_voided_deal_drops_out_of_every_figure_that_counted_it(net, client):
    admin = net["admin"]
    login(client, admin)
    before = _figures(client)
    x2 = _x2()
    enterprise = db.session.scalar(select(Transfer.enterprise_id).where(
        Transfer.achievement_id == x2.id))
    deal = ip_deals.save_transfer(
        admin, x2, None, enterprise_id=enterprise, kind="non_exclusive_licence",
        signed_on=date(2025, 11, 15), ends_on=None, upfront=D("70000"), royalty_pct=None,
        royalty_base=None, minimum_royalty=None, reporting_months=0, report_days=None,
        payment_days=None, contributor_pct=D("60"), override_reason="", ip_deal_id=None)
    receipt = ip_deals.record_income(admin, deal, received_on=date(2025, 12, 1),
                                     amount=D("70000"), costs=None, pays="upfront",
                                     report_id=None)
    _commit()
    counted = _figures(client)
    assert all(counted[key] != before[key] for key in before), counted
    with pytest.raises(Refused, match="reverse it first"):  # its receipt stands
        deal_corrections.void_transfer(admin, deal, "Entered twice")
    deal_corrections.reverse_income(admin, receipt, date(2026, 1, 10), "Entered twice")
    _commit()
    with pytest.raises(Invalid):  # no reason, no void
        deal_corrections.void_transfer(admin, deal, "  ")
    assert not db.session.get(Transfer, deal.id).is_void
    deal_corrections.void_transfer(admin, deal, "Entered twice")
    _commit()
    assert _figures(client) == before
    assert _check(client, "/dashboard") == []  # and each figure is what its list counts


def test_a_deal_is_voided_on_its_page_once_nothing_stands_under_it(net, client):
    """The deal's page says what to reverse first, linking to it; once reversed it offers the
    void, which asks a reason (kept, 400 without) and leaves the deal marked, changing no
    more (its forms gone, its edit refused) and its achievement free to be withdrawn."""
    admin = net["admin"]
    login(client, admin)
    deal = db.session.scalar(select(Transfer).where(Transfer.achievement_id == _x2().id))
    page = client.get(f"/transfers/{deal.id}").get_data(as_text=True)
    [receipt] = deal.receipts
    assert f"/ip-income/{receipt.id}/reverse" in page.split("To void it", 1)[1]
    assert client.get(f"/transfers/{deal.id}/void").status_code == 409
    deal_corrections.reverse_income(admin, receipt, date(2026, 1, 10), "Another licence's")
    _commit()
    page = client.get(f"/transfers/{deal.id}").get_data(as_text=True)
    assert f"/transfers/{deal.id}/void" in page
    path = f"/transfers/{deal.id}/void"
    assert post(client, path, {**tab(client, path), "reason": ""}).status_code == 400
    done = post(client, path, {**tab(client, path), "reason": "Never signed"})
    assert done.status_code == 302, done.get_data(as_text=True)
    page = client.get(f"/transfers/{deal.id}").get_data(as_text=True)
    assert "Voided" in page and "Never signed" in page
    assert "/income" not in page and f"/transfers/{deal.id}/edit" not in page
    assert client.get(f"/transfers/{deal.id}/edit").status_code == 409
    history = client.get(f"/history/ip_transfers/{deal.id}").get_data(as_text=True)
    assert "Transfer or licence voided" in history and "Never signed" in history
