"""A project's technology need is named by its title, and needs are found again by their
enterprise and title: two enterprises may state needs of the same title. The title is read
among the needs of the row's partner enterprise; it found the first need of that title
anywhere, so a row naming the second enterprise's was refused ("stated by another enterprise
than the partner"), and a project linked to it in the tracker did not come back from its own
export, nor round trip into an empty database (which the round trip's network, with no
centre and no need, did not show)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from tests.factories import make_centre, make_enterprise, make_hq, make_user
from tests.imports.helpers import run
from tests.imports.test_empty_database import empty_network, import_in_order
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.organisations.models import TechnologyNeed
from tracker.projects.models import Project

PARTNER_AND_NEED = ["Partner enterprise credit code or name", "Technology need (title)"]
CENTRES = [["name", "enterprise", "city"], ["阀门中心", "Valve Works", "无锡"],
           ["泵业中心", "913200000000000013", "苏州"]]
NEEDS = [["title", "enterprise", "centre", "institute_code", "intended_investment", "state"],
         ["Quieter pumps", "Valve Works", "阀门中心", "IMP-RB", "800000", "matched"],
         ["Quieter pumps", "913200000000000013", "泵业中心", "IMP-RB", "1200000", "matched"]]


def _network():
    admin, _pm = _setting()
    make_enterprise(name="Valve Works", uscc="913200000000000026")
    make_enterprise(name="Pump Works", uscc="913200000000000013")
    for kind, rows in (("centres", CENTRES), ("needs", NEEDS)):
        result = run(admin, kind, rows)
        assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    return admin


def _pump_works_need() -> TechnologyNeed:
    return db.session.scalar(select(TechnologyNeed).where(
        TechnologyNeed.intended_investment == 1200000))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def test_a_title_two_enterprises_need_is_read_among_the_partners_needs():
    admin = _network()
    rows = [[*HEADER, *PARTNER_AND_NEED], [*_row(), "Pump Works", "Quieter pumps"]]
    result = run(admin, "projects", rows)
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert db.session.scalar(select(Project.need_id)) == _pump_works_need().id
    # Its own export read again finds the same need: nothing changes.
    again = run(admin, "projects", _rows(export.export_csv("projects")))
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors


def test_a_title_several_enterprises_need_without_a_partner_is_refused_beside_its_column():
    admin = _network()
    result = run(admin, "projects", [[*HEADER, PARTNER_AND_NEED[1]], [*_row(), "Quieter pumps"]])
    assert result.state is ImportState.FAILED
    assert result.errors == [[2, "Technology need (title)",
                              "Several enterprises have stated a technology need titled "
                              "Quieter pumps: name the project's partner enterprise, whose "
                              "need it is."]]
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_centres_needs_and_their_projects_round_trip_into_an_empty_database(app, tmp_path):
    admin = _network()
    result = run(admin, "projects", [[*HEADER, *PARTNER_AND_NEED],
                                     [*_row(), "Pump Works", "Quieter pumps"]])
    assert result.state is ImportState.DONE, result.errors
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert [len(_rows(exported[k])) for k in ("centres", "needs", "projects")] == [3, 3, 2]
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        again = {kind: export.export_csv(kind).decode() for kind in export.ROWS}
    assert again == {k: v.decode() for k, v in exported.items()}


def test_a_needs_centre_is_read_among_its_enterprises_centres():
    """The same for a need's centre, which must be its enterprise's: two enterprises' centres
    may share a name in the tracker; the name found the first centre of it anywhere."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    valves, pumps = make_enterprise(name="Valve Works"), make_enterprise(name="Pump Works")
    make_centre(enterprise=valves, name="联合创新中心")
    theirs = make_centre(enterprise=pumps, name="联合创新中心")
    result = run(admin, "needs", [["title", "enterprise", "centre", "state"],
                                  ["Quieter pumps", "Pump Works", "联合创新中心", "collected"]])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert db.session.scalar(select(TechnologyNeed.centre_id)) == theirs.id
    again = run(admin, "needs", _rows(export.export_csv("needs")))
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
