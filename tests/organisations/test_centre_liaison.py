"""A joint innovation centre names its liaison: HQ admins pick them on the centre's form, among
HQ's staff and the contacts of the centre's enterprise; the centre's page says who they are,
and the trail keeps the change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_centre, make_enterprise, make_institute, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid
from tracker.organisations import services


def test_hq_names_a_centre_liaison_and_the_trail_keeps_it(client):
    centre = make_centre()
    liaison = make_user(Role.EVALUATOR, name="联络人 Liu")
    login(client, make_user(Role.HQ_ADMIN))
    form = client.get(f"/centres/{centre.id}/edit").get_data(as_text=True)
    assert 'name="liaison_id"' in form
    response = post(client, f"/centres/{centre.id}/edit", {
        "name": centre.name, "enterprise_id": str(centre.enterprise_id),
        "liaison_id": str(liaison.id), "version": str(centre.version)})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(centre)
    assert centre.liaison_id == liaison.id
    assert "联络人 Liu" in client.get(f"/centres/{centre.id}").get_data(as_text=True)
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "centre.update", AuditRecord.object_id == centre.id))
    assert record is not None and record.changes["liaison_id"] == [None, liaison.id]


def test_a_centre_is_saved_without_a_liaison(client):
    login(client, make_user(Role.HQ_ADMIN))
    centre = make_centre()
    response = post(client, "/centres/new", {
        "name": "无联络人中心", "enterprise_id": str(centre.enterprise_id), "liaison_id": "0"})
    assert response.status_code == 302


def _choices(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return page[page.index('name="liaison_id"'):].split("</select>")[0]


def test_the_picker_offers_hq_staff_and_enterprise_contacts_only(client):
    enterprise = make_enterprise(name="徐工集团")
    centre = make_centre(enterprise)
    offered = [make_user(Role.HQ_ADMIN, name="Admin Wang"),
               make_user(Role.EVALUATOR, name="Evaluator Liu"),
               make_user(Role.INVESTMENT_COMMITTEE, name="Committee Zhao")]
    contact = make_user(Role.ENTERPRISE_CONTACT, name="Contact Sun",
                        enterprise_id=enterprise.id)
    director = make_user(name="Director Qian")
    make_institute(director)
    not_offered = [make_user(Role.PROJECT_MANAGER, name="PM Zhou"),
                   make_user(Role.OBSERVER, name="Observer Wu"), director,
                   make_user(Role.EXTERNAL_EXPERT, name="Expert Zheng"),
                   make_user(name="Nobody Chen"),
                   make_user(Role.EVALUATOR, name="Former Feng", active=False)]
    login(client, offered[0])
    for path in ("/centres/new", f"/centres/{centre.id}/edit"):
        choices = _choices(client, path)
        for user in offered:
            assert user.name in choices, (path, user.name)
        assert "Contact Sun (徐工集团)" in choices
        for user in not_offered:
            assert user.name not in choices, (path, user.name)
    assert contact.id  # named with their enterprise above


def test_the_service_refuses_an_unsuitable_liaison_from_a_posted_form(client):
    enterprise, elsewhere = make_enterprise(), make_enterprise()
    centre = make_centre(enterprise)
    login(client, make_user(Role.HQ_ADMIN))
    pm = make_user(Role.PROJECT_MANAGER)
    foreign_contact = make_user(Role.ENTERPRISE_CONTACT, enterprise_id=elsewhere.id)
    for user in (pm, foreign_contact):
        response = post(client, f"/centres/{centre.id}/edit", {
            "name": centre.name, "enterprise_id": str(enterprise.id),
            "liaison_id": str(user.id), "version": str(centre.version)})
        assert response.status_code == 400  # not a choice the form offered
        db.session.refresh(centre)
        assert centre.liaison_id is None
    own_contact = make_user(Role.ENTERPRISE_CONTACT, enterprise_id=enterprise.id)
    response = post(client, f"/centres/{centre.id}/edit", {
        "name": centre.name, "enterprise_id": str(enterprise.id),
        "liaison_id": str(own_contact.id), "version": str(centre.version)})
    assert response.status_code == 302
    db.session.refresh(centre)
    assert centre.liaison_id == own_contact.id


def test_the_service_refuses_others_as_an_import_would_name_them(app):
    admin = make_user(Role.HQ_ADMIN)
    enterprise, other = make_enterprise(), make_enterprise()
    contact = make_user(Role.ENTERPRISE_CONTACT, enterprise_id=enterprise.id)
    for user in (make_user(Role.PROJECT_MANAGER), make_user(Role.OBSERVER),
                 make_user(Role.ENTERPRISE_CONTACT, enterprise_id=other.id),
                 make_user(Role.EVALUATOR, active=False)):
        with pytest.raises(Invalid) as refused:
            services.save_centre(admin, None, name="C", enterprise_id=enterprise.id,
                                 liaison_id=user.id)
        assert refused.value.field == "liaison_id"
        assert "HQ's staff or a contact of the centre's enterprise" in str(refused.value)
    centre = services.save_centre(admin, None, name="C", enterprise_id=enterprise.id,
                                  liaison_id=contact.id)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        services.save_centre(admin, centre, name="C", enterprise_id=other.id,
                             liaison_id=contact.id)
    assert refused.value.field == "liaison_id"
