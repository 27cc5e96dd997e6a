"""A spin-off's IP deal and the register's transfer (issue 9 point 6, issue 12's deal figures,
found by a newcomer): an assignment recorded on the company's page, 500,000 shares for the IP,
was on neither the achievement's page nor `/transfers/` nor the dashboard's deal figures, and
nothing said the register's transfer (what the institute earns and owes its contributors,
article 45) was missing. Each record now says whether the other exists and links to it or to
recording it, pre-filled from the company's deal; the figures count the register's transfers
only (one record per deal) and say how many spin-off deals are not in it yet."""

from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_enterprise, make_project
from tests.test_edits import tab
from tracker import db
from tracker.achievements import withdrawals
from tracker.achievements.deal_models import Transfer, TransferKind
from tracker.achievements.spinoff_deals import unrecorded
from tracker.companies import deal_voids
from tracker.companies.ip_models import IpDeal
from tracker.projects.lifecycle import Phase
from tracker.reports.dashboard import deal_figures
from tracker.reports.filters import Filters

NOT_IN = "Not in the register's transfers"
LEFT_OUT = "1 deal of a spin-off is not yet in the register's transfers"


def _recorded(client):
    """An assignment to the spin-off giving 500,000 shares for the IP, recorded on the
    company's page by an HQ admin (logged in): (company, achievement, enterprise, deal, the
    page the recording led to)."""
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    helpers.incorporate(company)
    achievement = helpers.register(project)
    enterprise = make_enterprise(name=company.name, uscc=company.uscc)
    login(client, helpers.manager())
    done = post(client, f"/companies/{company.id}/ip/new", {
        "achievement_id": str(achievement.id), "kind": "assignment", "licensee": company.name,
        "upfront": "", "royalty_pct": "", "signed_on": helpers.days_ago(30).isoformat(),
        "institute_shares": "150000", "institute_holder": "Robotics institute",
        "team_shares": "350000", "team_holder": "R&D team", "once": "spin-off-ip",
        "confirmed": "1"}, follow_redirects=True)
    assert done.status_code == 200, _text(done)
    deal = db.session.scalar(select(IpDeal).where(IpDeal.company_id == company.id))
    return company, achievement, enterprise, deal, _text(done)


def _text(response) -> str:
    """The page as read: quotes whether escaped or not."""
    return html.unescape(response.get_data(as_text=True))


def _selected(page: str, name: str) -> str:
    select_ = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select_).group(1)


def _value(page: str, name: str) -> str:
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', field).group(1)


def test_a_spin_offs_deal_says_it_is_not_in_the_register_wherever_it_is_shown(client):
    company, achievement, _enterprise, deal, company_page = _recorded(client)
    record = f"/achievements/{achievement.id}/transfers/new?ip_deal={deal.id}"
    assert "Assignment of the IP recorded. It is not yet in the register's transfers" \
        in company_page
    assert NOT_IN in company_page and record in company_page
    page = _text(client.get(f"/achievements/{achievement.id}"))
    assert company.name in page and NOT_IN in page and record in page
    listed = _text(client.get("/transfers/"))
    assert LEFT_OUT in listed
    shown = _text(client.get("/transfers/?spinoff=unrecorded"))
    assert record in shown and company.name in shown
    dashboard = _text(client.get("/dashboard"))
    assert LEFT_OUT in dashboard
    assert deal_figures(Filters(), date.today().year)["deals"] == 0


def test_the_pre_filled_transfer_is_recorded_once_and_counted_once(client):
    company, achievement, enterprise, deal, _page = _recorded(client)
    path = f"/achievements/{achievement.id}/transfers/new?ip_deal={deal.id}"
    form = _text(client.get(path))
    assert _selected(form, "kind") == TransferKind.EQUITY.value  # shares given for the IP
    assert _selected(form, "enterprise_id") == str(enterprise.id)  # by its credit code
    assert _selected(form, "ip_deal_id") == str(deal.id)
    assert _value(form, "signed_on") == deal.signed_on.isoformat()
    done = post(client, path, {
        **tab(client, path), "enterprise_id": str(enterprise.id), "kind": "equity",
        "signed_on": deal.signed_on.isoformat(), "ends_on": "", "upfront": "",
        "upfront_due_on": "", "royalty_pct": "", "royalty_base": "", "minimum_royalty": "",
        "reporting_months": "0", "report_days": "30", "payment_days": "30",
        "contributor_pct": _value(form, "contributor_pct"), "override_reason": "",
        "ip_deal_id": str(deal.id)})
    assert done.status_code == 302, _text(done)
    transfer = db.session.scalar(select(Transfer).where(Transfer.ip_deal_id == deal.id))
    assert transfer.kind is TransferKind.EQUITY and transfer.enterprise_id == enterprise.id
    assert deal_figures(Filters(), date.today().year)["deals"] == 1
    assert unrecorded(Filters()) == []
    page = _text(client.get(f"/achievements/{achievement.id}"))
    assert f"/transfers/{transfer.id}" in page and NOT_IN not in page
    assert NOT_IN not in _text(client.get(f"/companies/{company.id}"))
    assert "not yet in the register" not in _text(client.get("/transfers/"))
    # Recorded, the deal is no longer offered to pre-fill another transfer.
    again = _text(client.get(path))
    assert _selected(again, "ip_deal_id") == "0"


def test_a_voided_company_deal_drops_out_of_the_count(client):
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    helpers.incorporate(company)
    deal = helpers.license_ip(company, project)  # an exclusive licence, no shares
    assert unrecorded(Filters()) == [deal]
    login(client, helpers.manager())
    form = client.get(f"/achievements/{deal.achievement_id}/transfers/new?ip_deal={deal.id}")
    assert _selected(_text(form), "kind") == TransferKind.EXCLUSIVE.value
    listed = _text(client.get("/transfers/"))
    assert LEFT_OUT in listed
    deal_voids.void_ip_deal(helpers.manager(), deal, "Recorded on the wrong company.")
    db.session.commit()
    assert unrecorded(Filters()) == []
    page = _text(client.get(f"/achievements/{deal.achievement_id}"))
    assert NOT_IN not in page
    assert "not yet in the register" not in _text(client.get("/transfers/"))


def test_a_withdrawn_achievement_s_deal_is_not_offered_to_record(client):
    """Nothing more is recorded for a withdrawn achievement (`transfers.new` refuses it): the
    company's and the achievement's pages ask `spinoff_deals.may_record` before offering it."""
    company, achievement, _enterprise, deal, _page = _recorded(client)
    record = f"/achievements/{achievement.id}/transfers/new?ip_deal={deal.id}"
    withdrawals.withdraw_achievement(helpers.manager(), achievement, "Recorded by mistake.")
    db.session.commit()
    for path in (f"/companies/{company.id}", f"/achievements/{achievement.id}"):
        page = _text(client.get(path))
        assert record not in page, path
    assert client.get(record).status_code == 409
