"""Two payments on the same tranche at once, on PostgreSQL with two connections: the second
sees the first and is refused, so the tranche is never overpaid."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import PG_URL
from tests.factories import make_project, make_user
from tests.gates.test_concurrency import real_commits  # noqa: F401  (a fixture)
from tracker import db
from tracker.accounts.models import Role, User
from tracker.dates import today
from tracker.errors import Invalid
from tracker.funding import services as funding
from tracker.funding.models import Disbursement, Tranche
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase

pytestmark = pytest.mark.skipif(not PG_URL, reason="two connections need PostgreSQL")


def test_two_payments_at_once_never_overpay_the_tranche(app, real_commits):  # noqa: F811
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("10000000"), qualifying_round_min=Decimal("0"),
        signed_on=today(), conversion_deadline=today() + timedelta(days=100))
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=Decimal("10000000"),
                                  milestone_id=milestone.id)
    db.session.commit()
    tranche_id, committee_id = tranche.id, committee.id
    db.session.remove()

    both_loaded = threading.Barrier(2)
    results: list[str] = []

    def pay() -> None:
        with app.app_context():
            try:
                loaded = db.session.get(Tranche, tranche_id)
                actor = db.session.get(User, committee_id)
                assert funding.not_payable(loaded) is None  # both pages saw it unpaid
                both_loaded.wait(timeout=10)
                funding.record_disbursement(actor, loaded, amount=Decimal("6000000"),
                                            paid_on=today())
                db.session.commit()
                results.append("paid")
            except Invalid as invalid:
                db.session.rollback()
                results.append(invalid.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert results[0] == "paid" and "would exceed it" in results[1], results
    total = db.session.scalar(select(func.sum(Disbursement.amount)))
    assert total == Decimal("6000000")
