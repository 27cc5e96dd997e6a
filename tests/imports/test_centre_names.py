"""Joint innovation centres are found again by their enterprise and name: two enterprises may
have centres of the same name (the centres' pages allow it). The import found a centre by its
name alone, so a row naming a second enterprise's centre of a name on file updated the first
(moving it to the second enterprise), and two such rows in one file were refused as given
twice; on both the row-by-row and the bulk path."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_centre, make_enterprise
from tests.imports.helpers import hq_admin_on_a_path, run
from tracker import db
from tracker.imports.models import ImportState
from tracker.imports.reference_bulk import BulkCentres
from tracker.organisations.models import JointInnovationCentre

HEADER = ["name", "enterprise", "city"]


@pytest.fixture(params=["bulk", "row by row"])
def admin(request, monkeypatch):
    return hq_admin_on_a_path(request, monkeypatch, BulkCentres)


def _centres() -> list[tuple[str, str, str]]:
    return [(c.name, c.enterprise.name, c.city) for c in db.session.scalars(
        select(JointInnovationCentre).order_by(JointInnovationCentre.id))]


def test_two_enterprises_centres_of_one_name_are_two_centres(admin):
    make_enterprise(name="Valve Works")
    make_enterprise(name="Pump Works")
    rows = [HEADER, ["联合创新中心", "Valve Works", "无锡"], ["联合创新中心", "Pump Works", "苏州"]]
    result = run(admin, "centres", rows)
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    assert _centres() == [("联合创新中心", "Valve Works", "无锡"),
                          ("联合创新中心", "Pump Works", "苏州")]
    again = run(admin, "centres", rows)
    assert (again.state, again.created, again.updated) == (ImportState.DONE, 0, 0), again.errors


def test_a_centre_of_a_name_another_enterprise_has_on_file_is_a_new_one(admin):
    valve = make_enterprise(name="Valve Works")
    make_enterprise(name="Pump Works")
    make_centre(valve, name="联合创新中心", city="无锡")
    result = run(admin, "centres", [HEADER, ["联合创新中心", "Pump Works", "苏州"]])
    assert (result.state, result.created, result.updated) == (ImportState.DONE, 1, 0), (
        result.errors)
    assert _centres() == [("联合创新中心", "Valve Works", "无锡"),
                          ("联合创新中心", "Pump Works", "苏州")]
    # Its own enterprise's centre of that name is found again and updated.
    changed = run(admin, "centres", [HEADER, ["联合创新中心", "Valve Works", "江阴"]])
    assert (changed.state, changed.created, changed.updated) == (ImportState.DONE, 0, 1), (
        changed.errors)
    assert _centres()[0] == ("联合创新中心", "Valve Works", "江阴")
