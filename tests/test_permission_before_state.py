"""Permission before state (the newcomer's walk: a reversal's page answered someone who may
not reverse at all 409 "already reversed"): who may not act on a record is told 403 whatever
the record's state; only who may act hears why its state forbids it (409). A table over the
reversal routes, each on a record already reversed, asked by someone who sees the record but
may not reverse it, by GET and by POST."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, make_project, make_user
from tracker.accounts.models import Role
from tracker.contracts import services as contracts
from tracker.dates import today
from tracker.db import utcnow
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectMember
from tracker.spending import services as spending


def _reversed_payment(project):
    contract = record(project)
    paid = contracts.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5),
                                    Decimal("1000"))
    contracts.reverse_payment(project.pm, paid, date(2026, 3, 6), "Booked twice")
    _commit()
    return f"/payments/{paid.id}/reverse"


def _reversed_spending(project):
    entry = spending.record_spending(project.pm, project,
                                     budget_line_id=project.budget_lines[0].id,
                                     spent_on=today(), amount=Decimal("250"),
                                     description="Test bench parts")
    spending.reverse_spending(project.pm, entry, today(), "Wrong project")
    _commit()
    return f"/spending/{entry.id}/reverse"


@pytest.mark.parametrize("reversed_", [_reversed_payment, _reversed_spending])
@pytest.mark.parametrize("role", [Role.OBSERVER, Role.HQ_ADMIN, Role.PROJECT_MANAGER])
def test_who_may_not_reverse_hears_403_before_already_reversed(client, reversed_, role):
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    path = reversed_(project)
    who = make_user(role)
    if role is Role.PROJECT_MANAGER:  # a PM in the team, not the project's PM: sees it
        project.members.append(ProjectMember(user_id=who.id, confirmed_at=utcnow()))
        _commit()
    may = (role is Role.HQ_ADMIN and path.startswith("/payments/"))  # HQ records payments
    login(client, who)
    for response in (client.get(path),
                     post(client, path, {"on_date": today().isoformat(), "reason": "again"})):
        if may:
            assert response.status_code == 409
            assert "already" in response.get_data(as_text=True)
        else:
            assert response.status_code in (403, 404), response.get_data(as_text=True)[:300]
    pm = client.application.test_client()  # who may reverse hears the state
    login(pm, project.pm)
    assert pm.get(path).status_code == 409

