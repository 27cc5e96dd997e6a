"""Demo data: the demo centres' agreements. XCMG's first term, renewed, its new term ending in
six weeks (HQ's expiry reminder is on its way); Hengrui's term ended without a renewal
(expired); and a third centre, Novosense's, in its term with no need raised (dormant)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker import db
from tracker.centres import services
from tracker.centres.models import CentreAgreement
from tracker.dates import today
from tracker.organisations.models import Enterprise, JointInnovationCentre

if TYPE_CHECKING:
    from tracker.accounts.models import User

NOVOSENSE = ("纳芯微-产研院联合创新中心", "Novosense-JITRI Joint Innovation Centre")


def _years_before(on: date, years: int) -> date:
    return on.replace(year=on.year - years, day=min(on.day, 28))


def seed_centre_agreements(admin: User, centres: list[JointInnovationCentre],
                           enterprises: list[Enterprise]) -> int:
    """How many terms it recorded (none when the demo's centres have theirs already)."""
    if db.session.scalar(select(CentreAgreement.id).limit(1)) is not None:
        return 0
    now = today()
    xcmg, hengrui = centres[0], centres[1]
    novosense = db.session.scalar(select(JointInnovationCentre).where(
        JointInnovationCentre.name == NOVOSENSE[0]))
    if novosense is None:
        novosense = JointInnovationCentre(
            name=NOVOSENSE[0], name_en=NOVOSENSE[1], enterprise_id=enterprises[2].id,
            established_on=_years_before(now, 2), city="苏州", city_en="Suzhou")
        db.session.add(novosense)
        db.session.flush()
    ends = now + timedelta(days=42)
    first = services.record_agreement(
        admin, xcmg, signed_on=date(2019, 5, 1), starts_on=date(2019, 5, 10),
        ends_on=_years_before(ends, 3) - timedelta(days=1), committed=Decimal("3000000"))
    services.record_payment(admin, first, paid_on=date(2019, 6, 1), amount=Decimal("1500000"))
    services.record_payment(admin, first, paid_on=date(2020, 6, 1), amount=Decimal("1500000"))
    renewal = services.record_agreement(
        admin, xcmg, signed_on=_years_before(ends, 3) - timedelta(days=20),
        starts_on=_years_before(ends, 3), ends_on=ends, committed=Decimal("5000000"))
    services.record_payment(admin, renewal, paid_on=_years_before(ends, 3) + timedelta(days=30),
                            amount=Decimal("2000000"))
    lapsed = services.record_agreement(
        admin, hengrui, signed_on=date(2020, 7, 20), starts_on=date(2020, 8, 1),
        ends_on=date(2023, 7, 31), committed=Decimal("2000000"))
    services.record_payment(admin, lapsed, paid_on=date(2020, 9, 1), amount=Decimal("800000"))
    services.record_agreement(
        admin, novosense, signed_on=_years_before(now, 2), starts_on=_years_before(now, 2),
        ends_on=_years_before(now, -1), committed=Decimal("1000000"))
    return 4
