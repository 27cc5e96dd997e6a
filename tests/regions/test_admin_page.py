"""/admin/regions/: HQ admins add, rename, move and retire their headquarters' regions, each
change audited and a save on a stale page refused; a region no institute is in is deleted, one
in use is not (retire it instead: its institutes keep it); nobody else may, and another
headquarters' region is not there for them."""

from __future__ import annotations

import ast
import inspect

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_hq, make_institute, make_region, make_user
from tests.regions.test_regions import _other_hq_region
from tests.source import nodes
from tests.techfields.test_fields import _version  # the form's version, as a page shows it
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.db import Base
from tracker.regions.models import Region


@pytest.fixture
def admin():
    return make_user(Role.HQ_ADMIN)


def _actions(region_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "regions", AuditRecord.object_id == region_id)
        .order_by(AuditRecord.id)))


def test_an_admin_adds_renames_and_retires_a_region_audited(client, admin):
    hq = make_hq()
    make_region("south")
    login(client, admin)
    response = post(client, "/admin/regions/new", {"code": " Pudong ", "name": "浦东新区",
                                                    "name_en": "Pudong", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    region = db.session.scalar(select(Region).where(Region.code == "pudong"))
    assert (region.hq_id, region.name, region.name_en, region.active) == (
        hq.id, "浦东新区", "Pudong", True)
    assert region.position > make_region("south").position  # after the others
    page = client.get(f"/admin/regions/{region.id}/edit").get_data(as_text=True)
    response = post(client, f"/admin/regions/{region.id}/edit", {
        "code": "pudong", "name": "浦东新区", "name_en": "Pudong New Area", "position": "1",
        "version": _version(page)})  # "active" left unticked: retired
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(region)
    assert (region.name_en, region.position, region.active) == ("Pudong New Area", 1, False)
    assert _actions(region.id) == ["region.create", "region.update"]
    listed = client.get("/admin/regions/").get_data(as_text=True)
    assert "Pudong New Area" in listed and "Southern Jiangsu" in listed
    history = client.get(f"/history/regions/{region.id}").get_data(as_text=True)
    assert "Region changed" in history


def test_two_regions_of_the_headquarters_never_share_a_code_or_a_name(client, admin):
    make_region("south")
    login(client, admin)
    response = post(client, "/admin/regions/new", {"code": "SOUTH", "name": "苏南",
                                                   "active": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Another region of the headquarters already has this code." in page
    assert "Another region of the headquarters already has this name." in page


def test_a_save_on_a_stale_page_is_refused(client, admin):
    region = make_region("south")
    login(client, admin)
    stale = _version(client.get(f"/admin/regions/{region.id}/edit").get_data(as_text=True))
    fresh = _version(client.get(f"/admin/regions/{region.id}/edit").get_data(as_text=True))
    assert post(client, f"/admin/regions/{region.id}/edit", {
        "code": "south", "name": "苏南", "name_en": "South", "active": "y",
        "version": fresh}).status_code == 302
    response = post(client, f"/admin/regions/{region.id}/edit", {
        "code": "south", "name": "苏南", "name_en": "Southern", "active": "y",
        "version": stale})
    assert response.status_code == 409


def test_a_region_in_use_is_not_deleted_and_an_unused_one_is(client, admin):
    used, unused = make_region("north"), make_region("outside")
    make_institute(region=used)
    login(client, admin)
    listed = client.get("/admin/regions/").get_data(as_text=True)
    assert f"/admin/regions/{unused.id}/delete" in listed
    assert f"/admin/regions/{used.id}/delete" not in listed  # offered only when possible
    response = post(client, f"/admin/regions/{used.id}/delete", {})
    assert response.status_code == 409
    assert "Institutes are in this region: retire it instead" in response.get_data(as_text=True)
    assert db.session.get(Region, used.id) is not None
    unused_id = unused.id
    assert post(client, f"/admin/regions/{unused_id}/delete", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Region, unused_id) is None
    assert _actions(unused_id) == ["region.delete"]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.EVALUATOR, Role.INSTITUTE_DIRECTOR])
def test_nobody_but_hq_admins_keeps_the_list(client, role):
    region = make_region("south")
    login(client, make_user(role))
    assert client.get("/admin/regions/").status_code == 403
    assert post(client, "/admin/regions/new", {"code": "x", "name": "x"}).status_code == 403
    assert post(client, f"/admin/regions/{region.id}/delete", {}).status_code == 403
    assert db.session.get(Region, region.id) is not None


def test_another_headquarters_region_is_not_there_on_any_route(client, admin):
    """The page keeps the headquarters' list (`the_hq`): a region of another headquarters on
    record is 404 on every route that names one, GET and POST, and stays as it was."""
    mine, theirs = make_region("south"), _other_hq_region()
    login(client, admin)
    assert client.get(f"/admin/regions/{mine.id}/edit").status_code == 200
    assert client.get(f"/admin/regions/{theirs.id}/edit").status_code == 404
    assert post(client, f"/admin/regions/{theirs.id}/edit", {
        "code": "pudong", "name": "浦东新区", "active": "y",
        "version": str(theirs.version)}).status_code == 404
    assert post(client, f"/admin/regions/{theirs.id}/delete", {}).status_code == 404
    db.session.expire_all()
    kept = db.session.get(Region, theirs.id)
    assert (kept.code, kept.name) == ("shanghai", "上海市")
    assert _actions(theirs.id) == []
    assert f"/admin/regions/{theirs.id}/" not in client.get("/admin/regions/").get_data(
        as_text=True)


def test_no_admin_page_loads_a_headquarters_record_by_id_alone(app):
    """The class of the defect above: an /admin/ page that loads a record belonging to a
    headquarters (a model with `hq_id`) by its id alone reaches every headquarters' records;
    it loads it among its own headquarters' (`found` over a query that says which)."""
    own_hq = {mapper.class_.__name__ for mapper in Base.registry.mappers
              if "hq_id" in mapper.class_.__table__.columns}
    assert {"Region", "Institute", "Project"} <= own_hq
    pages = {inspect.getsourcefile(inspect.unwrap(app.view_functions[rule.endpoint]))
             for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/")}
    assert any(page.endswith("regions/views.py") for page in pages)
    offenders = [f"{page}:{node.lineno}" for page in sorted(pages) for node in nodes(page)
                 if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "loaded"
                 and node.args and getattr(node.args[0], "id", None) in own_hq]
    assert offenders == []
