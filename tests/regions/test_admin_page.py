"""/admin/regions/: HQ admins add, rename, move and retire their headquarters' regions, each
change audited and a save on a stale page refused; a region no institute is in is deleted, one
in use is not (retire it instead: its institutes keep it); nobody else may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_hq, make_institute, make_region, make_user
from tests.techfields.test_fields import _version  # the form's version, as a page shows it
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
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
