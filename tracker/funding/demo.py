"""Demo data: the committee's agreement for the demo's allocation-investment project, with two
tranches released at gates 1 and 2 and a city and a district matching HQ 1:1:1."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker import db
from tracker.dates import today
from tracker.funding import refusals, services
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectType

if TYPE_CHECKING:
    from tracker.accounts.models import User


def seed_agreement(committee: User) -> int:
    """1 when the agreement was created, 0 when it was there already (or no such project)."""
    project = db.session.scalar(select(Project).where(
        Project.type == ProjectType.ALLOCATION_INVESTMENT, Project.phase != Phase.DRAFT)
        .order_by(Project.id).limit(1))
    if project is None or refusals.agreement_of(project) is not None:
        return 0
    agreement = services.record_agreement(
        committee, project, committed=Decimal("5000000"),
        qualifying_round_min=Decimal("30000000"), signed_on=today(),
        conversion_deadline=today() + timedelta(days=3 * 365),
        co_funders=[("苏州市", Decimal("1")), ("吴中区", Decimal("1"))])
    services.add_tranche(committee, agreement, amount=Decimal("2000000"), gate=1)
    services.add_tranche(committee, agreement, amount=Decimal("3000000"), gate=2)
    return 1
