"""A joint innovation centre names its liaison: HQ admins pick them on the centre's form, the
centre's page says who they are, and the trail keeps the change."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_centre, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord


def test_hq_names_a_centre_liaison_and_the_trail_keeps_it(client):
    centre = make_centre()
    liaison = make_user(name="联络人 Liu")
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
