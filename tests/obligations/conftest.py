"""An allocation-investment agreement and a research contract of one project, to owe reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tests.reminders.conftest import (  # noqa: F401  (an SMTP server for the reminders)
    smtp,
    smtp_server,
)
from tracker.accounts.models import Role
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.funding import services as funding
from tracker.projects.lifecycle import Phase


@pytest.fixture
def director():
    return make_user(Role.INSTITUTE_DIRECTOR, name="Director Wang")


@pytest.fixture
def project(director):
    return make_project(institute=make_institute(director=director),
                        phase=Phase.INVESTMENT_DECISION)


@pytest.fixture
def committee():
    return make_user(Role.INVESTMENT_COMMITTEE)


@pytest.fixture
def hq():
    return make_user(Role.HQ_ADMIN)


@pytest.fixture
def agreement(project, committee):
    found = funding.record_agreement(
        committee, project, committed=Decimal("5000000"), qualifying_round_min=Decimal("1"),
        conversion_deadline=date(2029, 1, 1), signed_on=date(2026, 1, 15))
    _commit()
    return found


@pytest.fixture
def contract(project):
    found = contracts.record_contract(
        project.pm, project, enterprise_id=make_enterprise().id, title="Drive units",
        type=ContractType.DEVELOPMENT, amount=Decimal("800000"), signed_on=date(2026, 2, 1),
        instalments=[(date(2026, 3, 1), Decimal("800000"))])
    _commit()
    return found
