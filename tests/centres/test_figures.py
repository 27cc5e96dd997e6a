"""A centre's own figures against a small network counted by hand, and its status among them.

Centre A (XCMG's): four needs (one matched, one contracted, one collected, one closed), three of
them raised in 2026; two projects from its needs (a third, a draft, does not count), with
contracts of 1,000,000 + 500,000 on the first and 250,000 on the second; two terms (3,000,000
then 5,000,000 committed), paid 1,000,000 + 2,000,000 under the first and 500,000 under the
renewal. Centre B: one need, collected in 2025, no project; one term (1,000,000), nothing paid.
Centre C: nothing at all.

By hand, on 2026-11-26 with dormancy at six months:
  A: needs 4, matched 2, projects 2, contract value 1,750,000.00, committed 8,000,000.00,
     paid 3,500,000.00, outstanding 4,500,000.00, renewed (last need 2026-10-01)
  B: needs 1, matched 0, projects 0, contract value 0, committed 1,000,000.00, paid 0, dormant
     (its last need 2025-03-01, more than six months ago, its term running)
  C: absent: no agreement in force.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.factories import (
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tracker import db
from tracker.accounts.models import Role
from tracker.centres import services
from tracker.centres.figures import figures
from tracker.centres.status import CentreStatus
from tracker.contracts.models import ContractType, ResearchContract
from tracker.organisations.models import NeedState
from tracker.projects.lifecycle import Phase

D = Decimal
ON = date(2026, 11, 26)


def _contract(project, enterprise, amount: str) -> None:
    db.session.add(ResearchContract(
        project_id=project.id, enterprise_id=enterprise.id, title="Development",
        type=ContractType.DEVELOPMENT, amount=D(amount), signed_on=date(2026, 3, 1)))
    db.session.flush()


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def network():
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    xcmg, hengrui = make_enterprise(), make_enterprise()
    a, b, c = make_centre(xcmg), make_centre(hengrui), make_centre(hengrui)
    needs = [make_need(institute, xcmg, centre_id=a.id, state=state, created_at=_at(day))
             for state, day in ((NeedState.MATCHED, date(2026, 10, 1)),
                                (NeedState.CONTRACTED, date(2026, 2, 1)),
                                (NeedState.CLOSED, date(2025, 6, 1)))]
    needs.append(make_need(None, xcmg, centre_id=a.id, created_at=_at(date(2026, 7, 1))))
    make_need(None, hengrui, centre_id=b.id, created_at=_at(date(2025, 3, 1)))
    first = make_project(institute=institute, phase=Phase.CONTRACT_RESEARCH)
    second = make_project(institute=institute, phase=Phase.COMPLETED)
    draft = make_project(institute=institute)
    first.need_id, second.need_id, draft.need_id = needs[0].id, needs[1].id, needs[1].id
    _contract(first, xcmg, "1000000")
    _contract(first, xcmg, "500000")
    _contract(second, xcmg, "250000")
    _contract(draft, xcmg, "9000000")  # a draft's: not counted
    term = services.record_agreement(admin, a, signed_on=date(2023, 1, 1),
                                     starts_on=date(2023, 1, 1), ends_on=date(2025, 12, 31),
                                     committed=D("3000000"))
    services.record_payment(admin, term, paid_on=date(2023, 2, 1), amount=D("1000000"))
    services.record_payment(admin, term, paid_on=date(2024, 2, 1), amount=D("2000000"))
    renewal = services.record_agreement(admin, a, signed_on=date(2025, 12, 1),
                                        starts_on=date(2026, 1, 1), ends_on=date(2028, 12, 31),
                                        committed=D("5000000"))
    services.record_payment(admin, renewal, paid_on=date(2026, 2, 1), amount=D("500000"))
    services.record_agreement(admin, b, signed_on=date(2024, 6, 1), starts_on=date(2024, 7, 1),
                              ends_on=date(2027, 6, 30), committed=D("1000000"))
    return a, b, c


def test_figures_of_each_centre_as_counted_by_hand(app):
    a, b, c = network()
    found = figures(ON)
    fa, fb = found[a.id], found[b.id]
    assert (fa.needs_raised, fa.needs_matched, fa.projects) == (4, 2, 2)
    assert fa.contract_value == D("1750000.00")
    assert (fa.committed, fa.paid, fa.outstanding) == (D("8000000.00"), D("3500000.00"),
                                                       D("4500000.00"))
    assert fa.last_need == date(2026, 10, 1)
    assert fa.status is CentreStatus.RENEWED
    assert (fb.needs_raised, fb.needs_matched, fb.projects) == (1, 0, 0)
    assert (fb.contract_value, fb.committed, fb.paid) == (D("0"), D("1000000.00"), D("0"))
    assert fb.status is CentreStatus.DORMANT
    assert c.id not in found
    # One centre's page reads its own figures only, the same.
    assert figures(ON, [a.id])[a.id].contract_value == D("1750000.00")
    assert set(figures(ON, [b.id])) == {b.id}
