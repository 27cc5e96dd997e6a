"""An imported project's team is the team it had, asserted by the HQ admin who imports it: each
place is confirmed on import by that admin (the audit record names the import), on the bulk
path and the row-by-row path alike, so the members count as the team as in a project built in
the tracker: a stake that bars them from its panels, the project and its company open to them,
a decision's facts that name them."""

from __future__ import annotations

from sqlalchemy import select

from tests.companies import helpers as companies
from tests.conftest import login
from tests.imports.helpers import csv_bytes, run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.companies.models import Company
from tracker.gates.models import GateDecision
from tracker.imports import jobs
from tracker.imports.models import ImportState
from tracker.projects.models import Project


def _member() -> User:
    return db.session.scalar(select(User).where(User.email == "member@import.cn"))


def test_an_imported_member_has_the_stake_and_the_access_of_a_confirmed_one(client):
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(
        phase="spin_off", passed="1: 2019-05-20; 2: 2020-06-01; 3: 2021-03-01")])
    assert result.state is ImportState.DONE, result.errors
    project, member = db.session.scalar(select(Project)), _member()
    assert project.stake_of(member) == "team"
    assert db.session.scalar(select(User.id).where(project.has_stake(User),
                                                   User.id == member.id)) == member.id
    # Each imported decision was taken on the facts of a project with its team.
    assert {tuple(d.snapshot["project"]["team"])
            for d in db.session.scalars(select(GateDecision))} == {(member.id,)}
    company = companies.make_company(project)
    assert company.can_view(member)
    login(client, member)
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert client.get(f"/companies/{company.id}").status_code == 200
    assert db.session.get(Company, company.id).can_view(member)


def test_a_member_a_drafts_changed_row_adds_is_confirmed_by_the_import():
    admin, _pm = _setting()
    draft = _row(code="", title="A draft", phase="draft", passed="", members="")
    assert run(admin, "projects", [HEADER, draft]).state is ImportState.DONE
    draft[HEADER.index("Team members' e-mails")] = "member@import.cn"
    again = run(admin, "projects", [HEADER, draft])
    assert (again.state, again.updated) == (ImportState.DONE, 1), again.errors
    project, member = db.session.scalar(select(Project)), _member()
    assert project.member_ids == {member.id}
    assert project.members[0].confirmed_by_id == admin.id
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "project.member_confirm"))
    assert record.changes == {"members": [None, [member.id]], "import": [None, again.id]}
    # The same file again changes nothing.
    third = run(admin, "projects", [HEADER, draft])
    assert (third.state, third.unchanged) == (ImportState.DONE, 1), third.errors


def test_the_upload_pages_job_confirms_the_team_as_the_command_line_does():
    admin, _pm = _setting()
    jobs.queue(admin, "projects", "p.csv", csv_bytes([HEADER, _row()]), dry_run=False,
               locale="en")
    db.session.commit()
    assert jobs.work() == 1
    project, member = db.session.scalar(select(Project)), _member()
    assert project.member_ids == {member.id}
    assert project.members[0].confirmed_by_id == admin.id
