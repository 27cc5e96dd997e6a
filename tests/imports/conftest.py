"""The network of the reversals' round trips (tests/imports/test_cross_kind_reversals.py and
test_reversal_round_trips.py), built once per module that asks for it."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data
from tests.imports.test_cross_kind_reversals import _network
from tests.imports.test_empty_database import _rows
from tests.imports.test_page_round_trip import _network as with_centres_and_needs
from tests.imports.test_projects import _setting
from tracker import db
from tracker.accounts.models import User
from tracker.companies.models import Company, Shareholder
from tracker.imports import export


@pytest.fixture(scope="module")
def network_ids(app, module_connection) -> tuple[int, int, int]:
    """The setting and the network up to its grants (`_network`), built once for the module:
    the ids of its HQ admin, its company and the company's incentive pool. Each test goes on
    from it in a savepoint rolled back after the test."""
    with shared_data(app, module_connection):
        admin, _pm = _setting()
        company, pool = _network(admin)
        return admin.id, company.id, pool.id


@pytest.fixture
def network(network_ids) -> tuple[User, Company, Shareholder]:
    """The module's network (`network_ids`) as the test's session loads it."""
    admin, company, pool = network_ids
    return (db.session.get(User, admin), db.session.get(Company, company),
            db.session.get(Shareholder, pool))


@pytest.fixture(scope="module")
def world(app, module_connection) -> dict:
    """The pages' round trip's network imported once for the module (`_populate` with its
    centres and needs: `test_page_round_trip._network`), its HQ admin's id and its export of
    every kind, each with rows (tests/imports/test_blank_cells.py and test_refusals_placed.py
    change its rows)."""
    with shared_data(app, module_connection):
        admin = with_centres_and_needs()
        return {"admin": admin.id,
                "files": {kind: _rows(export.export_csv(kind)) for kind in export.ROWS}}
