"""Look before you commit money or equity: a round, a cap table, a conversion, an exit or a
disbursement is first shown as the service computes it, and nothing is written until the user
confirms."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies.models import FinancingRound, ShareEntry
from tracker.dates import today
from tracker.funding import services as funding
from tracker.funding.models import Conversion
from tracker.milestones.models import MilestoneState


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_round_is_shown_with_its_price_and_stakes_and_written_only_when_confirmed(client):
    company = helpers.make_company(helpers.invested_project())
    helpers.incorporate(company)
    login(client, make_user(Role.HQ_ADMIN))
    entries, audits = count(ShareEntry), count(AuditRecord)
    data = {"name": "Series A", "on_date": helpers.days_ago(1).isoformat(),
            "pre_money": "100000000", "amount": "20000000", "investors-0-name": "Fund",
            "investors-0-kind": "investor", "investors-0-amount": "20000000",
            "investors-0-lead": "y"}
    page = post(client, f"/companies/{company.id}/rounds/new", data)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Confirm and record" in text
    # The price per share, 1e8 / 1e7 shares: money, with its currency (tests/test_money_figures.py).
    assert "Price per share</dt><dd>CN¥10.00</dd>" in text
    assert "2,000,000" in text  # the fund's new shares
    assert "70.00%" in text and "58.33%" in text  # the team before and after
    assert count(FinancingRound) == 0 and count(ShareEntry) == entries
    assert count(AuditRecord) == audits  # not even the audit trail was written

    confirmed = post(client, f"/companies/{company.id}/rounds/new", dict(data, confirmed="1"))
    assert confirmed.status_code == 302
    assert count(FinancingRound) == 1


def test_a_cap_table_breaking_art_45_is_warned_about_before_it_is_written(client):
    company = helpers.make_company(helpers.invested_project())
    login(client, make_user(Role.HQ_ADMIN))
    rows = {"on_date": helpers.days_ago(20).isoformat(), "total_shares": "10000000",
            "holdings-0-name": "R&D team", "holdings-0-kind": "team",
            "holdings-0-shares": "6000000", "holdings-0-acquired_by": "cash",
            "holdings-1-name": "Robotics institute", "holdings-1-kind": "institute",
            "holdings-1-shares": "4000000", "holdings-1-acquired_by": "ip",
            "holdings-1-technology": helpers.TECHNOLOGY}
    page = post(client, f"/companies/{company.id}/incorporate", rows)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Confirm and record" in text
    assert "the law asks for at least 50" in text
    assert "60.00%" in text and "40.00%" in text
    assert count(ShareEntry) == 0


def test_a_conversion_shows_the_shares_and_the_unconverted_remainder_first(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    project = helpers.invested_project()
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("10000000.00"),
        qualifying_round_min=Decimal("20000000.00"), discount_pct=Decimal("20"),
        signed_on=helpers.days_ago(500), conversion_deadline=today() + timedelta(days=365))
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=Decimal("10000000.00"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=Decimal("10000000.00"),
                                paid_on=helpers.days_ago(450))
    company = helpers.make_company(project)
    helpers.incorporate(company)
    financing = helpers.record_round(company)  # 12.00 a share, 9.60 after the 20 % discount
    login(client, committee)
    page = post(client, f"/funding/{agreement.id}/convert", {"round_id": str(financing.id)})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Confirm and record" in text
    assert "1,041,666" in text  # floor(10,000,000 / 9.60)
    assert "CN¥6.40" in text  # 10,000,000 - 1,041,666 x 9.60: a fraction of a share
    # all the money disbursed is converted, as the dashboard counts it (test_one_figure.py)
    assert "Converted</dt><dd>CN¥10,000,000.00" in text
    assert count(Conversion) == 0 and agreement.is_open
    assert post(client, f"/funding/{agreement.id}/convert", {
        "round_id": str(financing.id), "confirmed": "1"}).status_code == 302
    assert count(Conversion) == 1
