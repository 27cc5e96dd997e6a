"""The issue's worked example, exactly: conversion at a round, and the cap table after it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.companies import helpers
from tests.factories import _commit, make_user
from tracker import db, money
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import ledger
from tracker.companies.models import Acquisition, HolderType
from tracker.dates import today
from tracker.funding import services as funding
from tracker.funding.models import AgreementOutcome
from tracker.milestones.models import MilestoneState
from tracker.projects.models import ProjectType


def test_the_rounding_rules_give_the_examples_numbers():
    computed = money.convert(Decimal("10000000.00"), Decimal("12.00"), Decimal("20"))
    assert computed.price == Decimal("9.60")
    assert computed.shares == Decimal("1041666")
    # Rounded down, never up: 1,041,666.67 shares' worth buys 1,041,666.
    assert money.whole_shares(Decimal("10000000"), Decimal("9.6")) == 1041666
    assert money.price_per_share(Decimal("120000000"), Decimal("10000000")) == Decimal("12.0000")
    assert money.price_per_share(Decimal("100000000"), Decimal("3000000")) == Decimal("33.3333")
    assert money.percent(Decimal("1041666"), Decimal("13041666")) == Decimal("7.99")


def test_the_worked_example_end_to_end():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    project = helpers.invested_project(type=ProjectType.ALLOCATION_INVESTMENT)
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("10000000.00"),
        qualifying_round_min=Decimal("20000000.00"), discount_pct=Decimal("20"),
        signed_on=helpers.days_ago(500), conversion_deadline=today() + timedelta(days=365))
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=Decimal("10000000.00"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=Decimal("10000000.00"),
                                paid_on=helpers.days_ago(450))
    _commit()

    company = helpers.make_company(project)
    assert helpers.incorporate(company) == []
    financing = helpers.record_round(company)
    assert financing.shares_before == Decimal("10000000")
    assert financing.price_per_share == Decimal("12.00")
    assert financing.new_shares == Decimal("2000000")

    conversion = funding.convert(committee, agreement, financing)
    _commit()
    assert conversion.conversion_price == Decimal("9.60")
    assert conversion.shares == Decimal("1041666")
    assert (conversion.disbursed, conversion.round_price, conversion.discount_pct) == (
        Decimal("10000000.00"), Decimal("12.00"), Decimal("20"))
    assert agreement.outcome is AgreementOutcome.CONVERTED
    assert conversion.entry.acquired_by is Acquisition.CONVERSION
    assert conversion.entry.to_holder.kind is HolderType.HQ

    db.session.expire_all()  # read back what the database kept
    after = ledger.cap_table(company, financing.on_date)
    assert after.issued == Decimal("13041666")
    assert {h.holder.name: h.pct for h in after.rows} == {
        "R&D team": Decimal("53.67"), "Robotics institute": Decimal("15.34"),
        "Incentive pool": Decimal("7.67"), "Suzhou Venture Capital": Decimal("15.33"),
        "Test HQ": Decimal("7.99")}
    # Each rounded on its own they made 100.01 %; by largest remainder the tie of the two
    # equal holdings goes to the first listed, and the column adds up to 100.00 %.
    assert after.total_pct == Decimal("100.00")
    stakes = {s.holder.name: (s.before_pct, s.after_pct)
              for s in ledger.round_stakes(company, financing.id, financing.on_date)}
    assert stakes["R&D team"] == (Decimal("70.00"), Decimal("53.67"))
    assert stakes["Test HQ"] == (Decimal("0.00"), Decimal("7.99"))

    actions = set(db.session.scalars(select(AuditRecord.action)))
    assert {"funding.agree", "funding.tranche", "funding.disburse", "company.incorporate",
            "round.create", "shares.issue", "funding.convert", "funding.outcome"} <= actions
