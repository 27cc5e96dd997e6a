"""HQ's list of technical fields: HQ keeps it (audited, a stale save refused, in both
languages), nobody else may; institutes, projects and needs are counted in a field of it, by
the choice made on their form or by the words they were described in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.organisations.models import Institute
from tracker.techfields import services
from tracker.techfields.models import TechnicalField


def _version(page: str) -> str:
    found = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    assert found, "the form carries the version it was filled from"
    return found.group(1) or found.group(2)


@pytest.fixture
def admin():
    return make_user(Role.HQ_ADMIN)


def test_hq_adds_a_field_and_renames_it_audited(client, admin):
    login(client, admin)
    response = post(client, "/admin/fields/new", {"code": "rb", "name": "机器人",
                                                   "name_en": "Robotics", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    field = db.session.scalar(select(TechnicalField).where(TechnicalField.code == "RB"))
    assert (field.name, field.name_en, field.active) == ("机器人", "Robotics", True)
    page = client.get(f"/admin/fields/{field.id}/edit").get_data(as_text=True)
    response = post(client, f"/admin/fields/{field.id}/edit", {
        "code": "RB", "name": "机器人", "name_en": "Robots and automation",
        "version": _version(page)})
    assert response.status_code == 302
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "technical_fields", AuditRecord.object_id == field.id)
        .order_by(AuditRecord.id)).all()
    assert actions == ["technical_field.create", "technical_field.update"]
    listed = client.get("/admin/fields/").get_data(as_text=True)
    assert "Robots and automation" in listed and "Not classified" in listed
    history = client.get(f"/history/technical_fields/{field.id}").get_data(as_text=True)
    assert "Technical field changed" in history


def test_a_save_on_a_stale_page_is_refused(client, admin):
    field = services.save_field(admin, None, code="AM", name="先进材料", name_en="Materials")
    db.session.commit()
    login(client, admin)
    stale = _version(client.get(f"/admin/fields/{field.id}/edit").get_data(as_text=True))
    services.save_field(admin, field, code="AM", name="先进材料", name_en="Advanced materials")
    db.session.commit()
    response = post(client, f"/admin/fields/{field.id}/edit", {
        "code": "AM", "name": "新材料", "name_en": "New materials", "version": stale})
    assert response.status_code == 409
    db.session.refresh(field)
    assert field.name == "先进材料" and field.name_en == "Advanced materials"


def test_every_problem_at_once_and_no_duplicates(client, admin):
    services.save_field(admin, None, code="AM", name="先进材料")
    db.session.commit()
    login(client, admin)
    response = post(client, "/admin/fields/new", {"code": "am", "name": " 先进材料 "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Another technical field already has this code." in page
    assert "Another technical field already has this name." in page


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.OBSERVER, Role.EVALUATOR])
def test_nobody_but_hq_admins_keeps_the_list(client, role):
    login(client, make_user(role))
    assert client.get("/admin/fields/").status_code == 403
    assert post(client, "/admin/fields/new", {"code": "X", "name": "X"}).status_code == 403


def test_the_list_reads_in_chinese(client, admin):
    admin.locale = "zh_CN"
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/fields/").get_data(as_text=True)
    assert "技术领域" in page and "未分类" in page


def test_a_record_is_counted_in_the_field_chosen_or_else_the_one_its_words_name(client, admin):
    robotics = services.save_field(admin, None, code="RB", name="机器人", name_en="Robotics")
    materials = services.save_field(admin, None, code="AM", name="先进材料")
    # By its words (an import, the API): either language, any case, or the code.
    assert services.classify(None, " robotics ") == robotics.id
    assert services.classify(None, "am") == materials.id
    assert services.classify(None, "Quantum") is None
    # The choice wins over the words.
    assert services.classify(materials.id, "Robotics") == materials.id
    project = make_project(field="ROBOTICS")
    assert project.field_id == robotics.id and project.field == "ROBOTICS"
    unknown = make_project(field="Quantum sensing")
    assert unknown.field_id is None
    db.session.commit()
    # The institute form offers the list; what is chosen is kept.
    login(client, admin)
    page = client.get("/institutes/new").get_data(as_text=True)
    assert "Technical field" in page and "Robotics" in page
    response = post(client, "/institutes/new", {
        "code": "RB2", "name": "机器人二所", "field": "工业机器人", "type": "independent",
        "field_id": str(robotics.id), "director_id": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    institute = db.session.scalar(select(Institute).where(Institute.code == "RB2"))
    assert institute.field_id == robotics.id and institute.field == "工业机器人"
    assert "Robotics" in client.get(f"/institutes/{institute.id}").get_data(as_text=True)


def test_a_retired_field_is_not_offered_but_stays_its_records(client, admin):
    old = services.save_field(admin, None, code="OLD", name="旧领域", name_en="Old field",
                              active=False)
    institute = make_institute(field="旧领域")
    institute.field_id = old.id
    db.session.commit()
    login(client, admin)
    assert "Old field" not in client.get("/institutes/new").get_data(as_text=True)
    assert "Old field" in client.get(f"/institutes/{institute.id}/edit").get_data(as_text=True)
