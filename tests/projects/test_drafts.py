"""Drafts: no official code until submitted, withdrawn by their PM or by HQ."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers
from tests.milestones.test_milestones import plan
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Refused
from tracker.milestones.models import Milestone
from tracker.projects import services as projects
from tracker.projects.models import Project
from tracker.reminders.models import Audience, OutboxMessage


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_the_pm_withdraws_their_draft_with_its_uploads_and_milestones():
    draft = make_project()
    helpers.upload_deliverables(draft, 1)
    plan(draft)
    project_id = draft.id
    with pytest.raises(Forbidden):
        projects.withdraw_draft(make_user(Role.PROJECT_MANAGER), draft)
    projects.withdraw_draft(draft.pm, draft)
    _commit()
    assert db.session.get(Project, project_id) is None
    assert db.session.scalar(select(Milestone).where(Milestone.project_id == project_id)) is None
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "project.withdraw", AuditRecord.object_id == project_id))
    assert record.changes["title"][0] == draft.title


def test_a_withdrawn_drafts_reminders_go_with_it():
    """The outbox has no foreign key to the project (migration 0032): withdrawing the draft
    deletes its queued reminders itself, and leaves the other projects' alone."""
    draft, other = make_project(), make_project()
    for project in (draft, other):
        db.session.add(OutboxMessage(
            rule="milestone_due", item_id=project.id, occurrence="2026-05-15-14d",
            recipient_id=project.pm_id, audience=Audience.OWNER, deadline=date(2026, 5, 15),
            fire_on=date(2026, 5, 1), project_id=project.id, locale="en", message_id="<m>"))
    _commit()
    draft_id = draft.id
    projects.withdraw_draft(draft.pm, draft)
    _commit()
    left = db.session.scalars(select(OutboxMessage.project_id)).all()
    assert draft_id not in left and other.id in left


def test_hq_withdraws_any_draft_but_no_one_withdraws_a_submitted_proposal():
    draft, submitted = make_project(), make_project()
    helpers.submit(submitted)
    admin = make_user(Role.HQ_ADMIN)
    projects.withdraw_draft(admin, draft)
    with pytest.raises(Refused, match="only a draft is withdrawn"):
        projects.withdraw_draft(admin, submitted)
    with pytest.raises(Refused, match="only a draft is withdrawn"):
        projects.withdraw_draft(submitted.pm, submitted)


def test_the_pm_withdraws_a_draft_from_its_page(client):
    from tests.conftest import login, post

    draft, other = make_project(), make_project()
    login(client, draft.pm)
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "Withdraw this draft" in page
    response = post(client, f"/projects/{draft.id}/withdraw")
    assert response.status_code == 302 and response.location.endswith("/projects/")
    assert db.session.get(Project, draft.id) is None
    assert post(client, f"/projects/{other.id}/withdraw").status_code == 404
