"""HQ's pages of the expert pool: add, edit, list and search, in both languages, audited;
nobody else opens them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.experts.helpers import make_expert
from tests.factories import make_institute, make_user
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.experts.models import Expert, ExpertTitle

NEW = {"name": "Chen Hua", "professional_title": "senior", "unit": "Nanjing University",
       "unit_institute_id": "0", "unit_enterprise_id": "0",
       "expertise": "Robotics, machine vision；Control", "email": "Chen@NJU.example.cn",
       "phone": "+86 25 1234 5678", "active": "y"}


@pytest.fixture
def admin(client):
    user = make_user(Role.HQ_ADMIN)
    login(client, user)
    return user


def _records(expert) -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "experts", AuditRecord.object_id == expert.id)
        .order_by(AuditRecord.id)))


def test_hq_adds_an_expert_and_the_addition_is_audited(client, admin):
    response = post(client, "/admin/experts/new", NEW)
    assert response.status_code == 302
    expert = db.session.scalar(select(Expert).where(Expert.name == "Chen Hua"))
    assert (expert.professional_title, expert.fields, expert.email) == (
        ExpertTitle.SENIOR, ["Robotics", "machine vision", "Control"], "chen@nju.example.cn")
    assert [r.action for r in _records(expert)] == ["expert.create"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nanjing University" in page and "Robotics, machine vision, Control" in page


def test_every_problem_of_the_form_is_said_at_once(client, admin):
    institute = make_institute()
    response = post(client, "/admin/experts/new", {
        **NEW, "name": "", "unit": "", "email": "not-an-address",
        "unit_institute_id": str(institute.id), "unit_enterprise_id": "0"})
    assert response.status_code == 400
    assert db.session.scalar(select(Expert)) is None


def test_hq_edits_an_expert_and_the_history_says_what_changed(client, admin):
    expert = make_expert(unit="Southeast University", name="Liu Yang")
    page = client.get(f"/admin/experts/{expert.id}/edit").get_data(as_text=True)
    assert "Southeast University" in page
    import re
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"',
                        page)
    form = {**NEW, "name": "Liu Yang", "unit": "Tongji University",
            "professional_title": "associate_senior",
            "version": (version.group(1) or version.group(2)) if version else ""}
    assert post(client, f"/admin/experts/{expert.id}/edit", form).status_code == 302
    db.session.refresh(expert)
    assert expert.unit == "Tongji University"
    assert [r.action for r in _records(expert)] == ["expert.update"]
    history = client.get(f"/history/experts/{expert.id}").get_data(as_text=True)
    assert "Expert changed" in history and "Tongji University" in history


def test_the_list_searches_name_unit_and_field_and_filters_by_title(client, admin):
    make_expert(unit="Nanjing University", name="Zhang Wei", expertise="Batteries",
                title=ExpertTitle.SENIOR)
    make_expert(unit="Fudan University", name="Wang Fang", expertise="Polymers",
                title=ExpertTitle.INTERMEDIATE)
    make_expert(unit="Zhejiang University", name="Retired Li", active=False)
    everyone = client.get("/admin/experts/").get_data(as_text=True)
    assert "Zhang Wei" in everyone and "Wang Fang" in everyone and "Retired Li" not in everyone
    by_field = client.get("/admin/experts/?q=polymer").get_data(as_text=True)
    assert "Wang Fang" in by_field and "Zhang Wei" not in by_field
    by_unit = client.get("/admin/experts/?q=nanjing").get_data(as_text=True)
    assert "Zhang Wei" in by_unit and "Wang Fang" not in by_unit
    senior = client.get("/admin/experts/?title=associate_senior").get_data(as_text=True)
    assert "Zhang Wei" in senior and "Wang Fang" not in senior
    assert "Retired Li" in client.get("/admin/experts/?all=1").get_data(as_text=True)


def test_the_pool_reads_in_chinese(client, admin):
    make_expert(name="赵敏", title=ExpertTitle.ASSOCIATE_SENIOR)
    admin.locale = "zh_CN"
    db.session.commit()
    page = client.get("/admin/experts/").get_data(as_text=True)
    assert "专家库" in page and "副高级" in page and "赵敏" in page
    assert "职称" in client.get("/admin/experts/new").get_data(as_text=True)


def test_hq_gives_an_expert_from_outside_a_limited_account(client, admin):
    expert = make_expert(account=False, email="guest@uni.example.cn")
    response = post(client, f"/admin/experts/{expert.id}/account",
                    {"password": "a-long-Fresh-passw0rd-2026", "user_id": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(expert)
    user = expert.user
    assert user.email == "guest@uni.example.cn" and user.roles == {Role.EXTERNAL_EXPERT}
    assert user.must_change_password
    assert "expert.account" in [r.action for r in _records(expert)]


def test_the_users_page_never_grants_the_external_role_nor_adds_others_to_it(admin):
    from tracker.accounts import services as accounts
    from tracker.errors import Invalid

    expert = make_expert()
    with pytest.raises(Invalid, match="no other role"):
        accounts.update_user(admin, expert.user, email=expert.user.email, name="x",
                             roles=["evaluator"], locale=None, institute_id=None,
                             enterprise_id=None, active=True)
    db.session.rollback()
    with pytest.raises(Invalid, match="Unknown role"):
        accounts.create_user(admin, email="new@example.cn", name="New",
                             password="a-long-Fresh-passw0rd-2026", roles=["external_expert"])
    db.session.rollback()
    accounts.update_user(admin, expert.user, email=expert.user.email, name="Renamed",
                         roles=[], locale=None, institute_id=None, enterprise_id=None,
                         active=True)
    assert db.session.get(User, expert.user_id).roles == {Role.EXTERNAL_EXPERT}


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.PROJECT_MANAGER, Role.OBSERVER])
def test_only_hq_admins_open_the_pool(client, role):
    expert = make_expert()
    login(client, make_user(role))
    for path in ("/admin/experts/", f"/admin/experts/{expert.id}", "/admin/experts/new",
                 f"/admin/experts/{expert.id}/edit"):
        assert client.get(path).status_code == 403, path
