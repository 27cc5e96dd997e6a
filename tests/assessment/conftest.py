"""What the assessment's tests share: two institutes with their directors, a contract of the
second one's, and a year with a computed and an evidence indicator: built once per test module
that asks for it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import shared_data
from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tests.shared import ids_of, loaded
from tracker.accounts.models import Role
from tracker.assessment import services
from tracker.assessment.models import Measure
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType

D = Decimal
YEAR = 2025
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(scope="module")
def world_ids(app, module_connection) -> dict:
    """`_world()`, built once per test module: each test goes on from it in its own savepoint."""
    with shared_data(app, module_connection):
        return ids_of(_world())


@pytest.fixture
def world(world_ids) -> dict:
    return loaded(world_ids)


def _world() -> dict:
    admin = make_user(Role.HQ_ADMIN)
    director, other_director = make_user(), make_user()
    ours = make_institute(director, code="OURS", name="Ours")
    theirs = make_institute(other_director, code="THEIRS", name="Theirs")
    project = make_project(institute=theirs, start_date=date(2025, 1, 1))
    contract = contracts.record_contract(
        project.pm, project, enterprise_id=make_enterprise().id, title="Sensor development",
        type=ContractType.DEVELOPMENT, amount=D("800000"), signed_on=date(2025, 4, 1),
        instalments=[(date(2025, 4, 1), D("800000"))])
    contracts.record_payment(project.pm, contract.instalments[0], date(2025, 5, 1), D("500000"))
    signed = services.save_indicator(admin, None, year=YEAR, measure=Measure.CONTRACTS_SIGNED,
                                     name="合同签约额", name_en="Contracts signed",
                                     weight=D(60), target=D("1000000"))
    evidence = services.save_indicator(admin, None, year=YEAR, measure=Measure.EVIDENCE,
                                       name="系统外服务收入", name_en="Service income outside",
                                       weight=D(40), target=D("100000"))
    _commit()
    return dict(admin=admin, director=director, other_director=other_director, ours=ours,
                theirs=theirs, signed=signed, evidence=evidence, project=project)


