"""The audit trail: written with the change, in the same transaction, and never rewritten."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.companies.helpers import make_milestone
from tests.conftest import PG_URL, csrf_token, login, post
from tests.factories import make_enterprise, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.db import utcnow
from tracker.milestones.models import MilestoneState
from tracker.organisations import services
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectMember

HISTORY_LINK = re.compile(r'href="(/history/[a-z_]+/\d+)"')


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord))


def test_a_change_and_its_record_share_one_transaction():
    admin = make_user(Role.HQ_ADMIN)
    enterprise = make_enterprise(name="Before")
    before = _count()
    services.save_enterprise(admin, enterprise, name="After", uscc=enterprise.uscc, city="",
                             industry="")
    assert _count() == before + 1
    db.session.rollback()
    assert _count() == before
    assert db.session.get(type(enterprise), enterprise.id).name == "Before"


def test_the_record_keeps_who_what_when_and_from_where(client):
    admin = make_user(Role.HQ_ADMIN)
    enterprise = make_enterprise(city="Wuxi")
    login(client, admin)
    post(client, f"/enterprises/{enterprise.id}/edit",
         {"name": enterprise.name, "uscc": enterprise.uscc, "city": "Changzhou", "industry": ""},
         environ_base={"REMOTE_ADDR": "10.1.2.3"})
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "enterprise.update").order_by(AuditRecord.id)).all()[-1]
    assert record.actor_id == admin.id
    assert record.ip_address == "10.1.2.3"
    assert record.at.tzinfo is not None
    assert record.changes == {"city": ["Wuxi", "Changzhou"], "industry": ["Machinery", ""]}


def test_the_orm_refuses_to_update_or_delete_a_record():
    admin = make_user(Role.HQ_ADMIN)
    services.save_enterprise(admin, None, name="New", uscc=None, city="", industry="")
    db.session.commit()
    record = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()[-1]
    record_id = record.id
    record.action = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditRecord, record_id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.skipif(not PG_URL, reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_to_update_a_record_even_in_plain_sql():
    admin = make_user(Role.HQ_ADMIN)
    services.save_enterprise(admin, None, name="New", uscc=None, city="", industry="")
    db.session.flush()
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(update(AuditRecord).values(action="forged"))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_records"))


def test_no_code_in_the_app_updates_or_deletes_audit_rows():
    from pathlib import Path

    for path in Path("tracker").rglob("*.py"):
        source = path.read_text()
        assert "update(AuditRecord" not in source and "delete(AuditRecord" not in source, path


def _denials() -> list[AuditRecord]:
    return db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "access.denied").order_by(AuditRecord.id)).all()


def test_every_refusal_is_audited_with_who_what_and_from_where(client):
    pm = make_user(Role.PROJECT_MANAGER)
    login(client, pm)
    # a page the view refuses, and an action a service refuses (only the PM submits)
    assert client.get("/audit/", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 403
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    project.members.append(ProjectMember(user_id=pm.id, confirmed_at=utcnow()))
    milestone = make_milestone(project, MilestoneState.IN_PROGRESS)
    assert post(client, f"/milestones/{milestone.id}/submit").status_code == 403
    assert milestone.state is MilestoneState.IN_PROGRESS
    first, second = _denials()[-2:]
    assert (first.actor_id, first.object_type, first.object_id) == (pm.id, "users", pm.id)
    assert first.changes["path"] == [None, "/audit/"]
    assert first.changes["method"] == [None, "GET"]
    assert first.ip_address == "10.9.8.7"
    assert second.changes["path"] == [None, f"/milestones/{milestone.id}/submit"]
    assert second.changes["method"] == [None, "POST"]


def test_every_object_the_trail_names_has_a_history_page(client):
    """A sign-in with an e-mail nobody has, a draft withdrawn since: the trail never links to a
    page that answers 404."""
    client.post("/login", data={"email": "nobody-here@example.org", "password": "x" * 12,
                                "csrf_token": csrf_token(client)})
    project = make_project(title="Soon withdrawn")
    login(client, project.pm)
    assert post(client, f"/projects/{project.id}/withdraw").status_code == 302
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN))
    trail = client.get("/audit/?action=user.login_failed").get_data(as_text=True)
    assert "nobody-here@example.org" in trail and "users #0" not in trail
    links = set(HISTORY_LINK.findall(client.get("/audit/").get_data(as_text=True)))
    assert f"/history/projects/{project.id}" in links
    for link in sorted(links):
        assert client.get(link).status_code == 200, link
    page = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "no longer exists" in page and "Draft withdrawn" in page
    assert "History of Soon withdrawn" in page  # named as its records named it
    assert client.get("/history/projects/987654").status_code == 404  # never existed


def test_the_history_of_a_deleted_object_is_for_readers_of_the_whole_trail(client):
    project = make_project()
    pm = project.pm
    login(client, pm)
    assert post(client, f"/projects/{project.id}/withdraw").status_code == 302
    assert client.get(f"/history/projects/{project.id}").status_code == 404


def test_the_trail_names_records_whose_key_is_not_an_id(client):
    """A user's reminder preferences are keyed by the user (a calendar year by the year): the
    trail looked them up by an `id` column they don't have, and answered 500."""
    from tracker.reminders import preferences

    admin = make_user(Role.HQ_ADMIN)
    preferences.regenerate_feed_token(admin)
    db.session.commit()
    login(client, admin)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert "reminder" in page.get_data(as_text=True).lower()
