"""A needs file, then the contracts of the projects made from those needs, then the same
needs file again (issue 13): the contracts make the needs contracted, dated by the earliest
signing, and the needs file again changes nothing (the state a need had before its contract
is nothing new), by both paths of the contracts import."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.factories import make_enterprise, make_user
from tests.imports.helpers import run
from tests.imports.test_contracts import COLUMNS
from tests.imports.test_contracts import _row as _contract
from tests.imports.test_milestones import _project
from tests.imports.test_projects import _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.imports.contracts_bulk import BulkContracts
from tracker.imports.models import ImportState
from tracker.needs import timing
from tracker.organisations.models import Enterprise, NeedState, TechnologyNeed

NEEDS = ["Title", "Enterprise credit code or name", "Matched to institute (code)", "State"]
# Noon of the signing day in the organisation's zone (Asia/Shanghai): 04:00 UTC.
SIGNED = datetime(2019, 6, 1, 4, tzinfo=UTC)
INTAKE = datetime(2019, 1, 1, 4, tzinfo=UTC)


def _records() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord))


def _need_of_a_project(admin, state: str, created_at: datetime | None = None):
    """A need imported in `state` (recorded on `created_at`, as an intake date would say), the
    need of the imported project; the rows of the needs file."""
    project = _project(admin)
    make_enterprise(name="Pump Works")
    needs = [NEEDS, ["Quieter pumps", "Pump Works", "IMP-RB", state]]
    assert run(admin, "needs", needs).state is ImportState.DONE
    need = db.session.scalar(select(TechnologyNeed))
    need.created_at = created_at or need.created_at
    project.need_id = need.id
    db.session.flush()
    return project, need, needs


@pytest.fixture(params=["row by row", "bulk"])
def path(request, monkeypatch):
    if request.param == "row by row":
        monkeypatch.setattr(BulkContracts, "batch", lambda self, actor: None)
    return request.param


@pytest.mark.parametrize("state", ["matched", "contracted"])
def test_needs_then_contracts_then_needs_again_changes_nothing(path, state):
    admin, _pm = _setting()
    project, need, needs = _need_of_a_project(admin, state, INTAKE)
    # Two contracts, the later signed first in the file: the earliest signing dates the need.
    contracts = run(admin, "contracts", [
        COLUMNS, _contract(project.code, number="RB-2", signed="2019-06-20", payments=""),
        _contract(project.code, number="RB-1")])
    assert contracts.state is ImportState.DONE, contracts.errors
    db.session.expire_all()
    assert (need.state, need.contracted_at) == (NeedState.CONTRACTED, SIGNED)
    assert timing.of(need).to_contract == 151  # 2019-01-01 to 2019-06-01

    records = _records()
    again = run(admin, "needs", needs)
    assert (again.state, again.updated, again.unchanged) == (ImportState.DONE, 0, 1), (
        again.errors)
    assert _records() == records + 1  # the run's own record
    db.session.expire_all()
    assert (need.state, need.contracted_at) == (NeedState.CONTRACTED, SIGNED)


def test_the_needs_list_median_is_of_the_signing(client):
    admin, _pm = _setting()
    project, _need, _rows = _need_of_a_project(admin, "matched", INTAKE)
    assert run(admin, "contracts", [COLUMNS, _contract(project.code)]).state is ImportState.DONE
    login(client, make_user(Role.OBSERVER))
    page = client.get("/needs/?q=Quieter").get_data(as_text=True)
    assert "to contract, median: 151 days (1 need)." in page


def test_a_contract_recorded_on_its_page_dates_its_need_by_the_signing():
    """The page's service (`record_contract`) is the rule the import follows."""
    admin, _pm = _setting()
    project, need, _rows = _need_of_a_project(admin, "analysed")
    pump_works = db.session.scalar(select(Enterprise).where(Enterprise.name == "Pump Works"))
    contracts.record_contract(admin, project, enterprise_id=pump_works.id, title="Pumps",
                              type=ContractType.DEVELOPMENT, amount=Decimal("100000"),
                              signed_on=date(2019, 6, 1), instalments=[])
    db.session.expire_all()
    assert need.contracted_at == need.state_since == SIGNED


def test_a_contract_imported_again_with_its_signing_corrected_dates_the_need_again(path):
    """A second import corrects the contract's signing date as its edit page does
    (`save_contract`), and the need follows it (`contracted.follow`), later as well."""
    admin, _pm = _setting()
    project, need, _rows = _need_of_a_project(admin, "matched", INTAKE)
    assert run(admin, "contracts", [COLUMNS, _contract(project.code)]).state is ImportState.DONE
    again = run(admin, "contracts", [COLUMNS, _contract(project.code, signed="2019-06-20")])
    assert (again.state, again.updated) == (ImportState.DONE, 1), again.errors
    db.session.expire_all()
    assert need.contracted_at == need.state_since == datetime(2019, 6, 20, 4, tzinfo=UTC)
