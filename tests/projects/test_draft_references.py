"""A draft is named by its provisional reference, the PM's own number ("Draft 1", 草稿 1), never
by the row's id (issue 9 point 2): every page that names it, in both languages, for the PM who
writes it, the director who signs it and HQ. The draft below is the PM's first, made after
other PMs' projects, so its id is not 1."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.approvals.test_chain import _draft
from tests.conftest import login
from tests.export.helpers import csv_rows
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.projects import codes, drafts
from tracker.projects import services as projects


def _pages(project, request_id):
    return [("/", project.pm), ("/projects/", project.pm), (f"/projects/{project.id}", project.pm),
            (f"/projects/{project.id}/edit", None),
            (f"/history/projects/{project.id}", project.pm),
            (f"/approvals/{request_id}", "director"), ("/", "director"),
            ("/projects/", "hq"), (f"/projects/{project.id}", "hq")]


@pytest.mark.parametrize("locale, word", [("en", "Draft"), ("zh_CN", "草稿")])
def test_every_page_names_a_draft_by_the_pms_number_not_its_id(client, locale, word):
    for _ in range(3):
        make_project()  # other PMs' projects: the ids the old reference showed
    project, director = _draft()
    second = make_project(pm=project.pm, title="Second draft")
    assert (project.draft_number, second.draft_number) == (1, 2) and project.id > 2
    request = projects.submit_proposal(project.pm, project)  # waits at the institute: a draft
    hq = make_user(Role.HQ_ADMIN)
    for user in (project.pm, director, hq):
        user.locale = locale
    _commit()
    people = {"director": director, "hq": hq}
    seen = set()
    for path, who in _pages(project, request.id):
        client.get("/logout")
        login(client, people.get(who) or project.pm)
        page = client.get(path).get_data(as_text=True)
        by_id = re.findall(rf"(?:Draft|草稿)\s*#?\s*{project.id}\b", page)
        assert not by_id, f"{path} as {who or 'pm'} names the draft by its id: {by_id}"
        if f"{word} 1" in page:
            seen.add(path)
    # The draft's own pages name it, in the page's language.
    assert {"/projects/", f"/projects/{project.id}", f"/approvals/{request.id}"} <= seen
    login(client, project.pm)
    rows = csv_rows(client.get("/projects/?export=csv"))
    assert [f"{word} 2", "Second draft"] in [r[:2] for r in rows]
    assert all(str(project.id) != r[0] for r in rows)
    db.session.rollback()



def test_a_draft_number_taken_meanwhile_is_given_again_and_the_schema_keeps_it_unique(
        app, monkeypatch):
    """Two drafts of one PM made at once read the same highest number; the second's flush
    meets the unique index and is numbered again after the first (issue 9, small 9). Here
    the highest number read first is stale on purpose (0: before the PM's first draft)."""
    first = make_project(title="First draft")
    assert first.code is None and first.draft_number == 1
    read, reads = drafts._highest, []

    def stale_first(session, cls, pm_id):
        reads.append(pm_id)
        return 0 if len(reads) == 1 else read(session, cls, pm_id)

    monkeypatch.setattr(drafts, "_highest", stale_first)
    second = make_project(pm=first.pm, title="Made at the same time")
    _commit()
    assert second.draft_number == 2 and len(reads) == 2  # numbered twice: 1 was taken
    assert [line.category for line in second.budget_lines] == ["Equipment"]
    assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "project.create", AuditRecord.object_id == second.id)) == 1
    with pytest.raises(IntegrityError), db.session.begin_nested():
        second.draft_number = 1
        db.session.flush()
    db.session.rollback()
    codes.assign_code(first.pm, first)  # a project under way keeps its number, unindexed
    db.session.flush()
    third = make_project(pm=first.pm)
    assert third.draft_number == 3
