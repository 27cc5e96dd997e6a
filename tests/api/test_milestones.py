"""Projects and milestones through the API: the pages' visibility and filters, cursor pages,
and progress and submission through the pages' services, behind ETag / If-Match."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.api.helpers import bearer, token_for
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers as gates
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.milestones import services
from tracker.milestones.models import Milestone, MilestoneState

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _project(**kw):
    project = make_project(**kw)
    gates.go(gates.submit(project))
    return project


def _plan(project, due: date, title="Prototype") -> Milestone:
    milestone = services.plan_milestone(project.pm, project, phase=project.phase, title=title,
                                        deliverable="", due_date=due, weight=Decimal("1"))
    _commit()
    return milestone


def test_one_rule_two_doors_for_projects_and_milestones(client):
    pm, other = make_user(Role.PROJECT_MANAGER), make_user(Role.PROJECT_MANAGER)
    mine, theirs = _project(pm=pm), _project(pm=other)
    milestone = _plan(theirs, date(2026, 6, 30))
    secret = token_for(pm)
    ids = [p["id"] for p in client.get("/api/v1/projects", headers=bearer(secret)).json["items"]]
    assert ids == [mine.id]
    assert client.get(f"/api/v1/projects/{theirs.id}", headers=bearer(secret)).status_code == 404
    assert client.get(f"/api/v1/milestones/{milestone.id}",
                      headers=bearer(secret)).status_code == 404
    hq = token_for(make_user(Role.HQ_ADMIN))
    found = client.get(f"/api/v1/projects?manager={other.name}", headers=bearer(hq)).json
    assert [p["id"] for p in found["items"]] == [theirs.id]


def test_lists_page_by_cursor_without_repeating_or_skipping(client):
    hq = token_for(make_user(Role.HQ_ADMIN))
    made = sorted(_project().id for _ in range(5))
    seen, cursor = [], None
    while True:
        query = "/api/v1/projects?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(query, headers=bearer(hq)).json
        seen += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert [i for i in seen if i in made] == made
    refused = client.get("/api/v1/projects?cursor=bm9wZQ", headers=bearer(hq))
    assert refused.status_code == 400 and refused.json["errors"][0]["field"] == "cursor"


def test_the_overdue_list_is_the_pages_list(client):
    project = _project()
    late = _plan(project, today() - timedelta(days=10), "Late")
    _plan(project, today() + timedelta(days=10), "Not yet")
    secret = token_for(project.pm)
    rows = client.get("/api/v1/milestones/overdue", headers=bearer(secret)).json["items"]
    assert [(r["milestone_id"], r["days_late"]) for r in rows] == [(late.id, 10)]
    assert client.get("/api/v1/milestones/overdue?late=30",
                      headers=bearer(secret)).json["items"] == []
    bad = client.get("/api/v1/milestones/overdue?late=5", headers=bearer(secret))
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == "late"


def test_progress_with_evidence_then_submission_behind_if_match(client):
    project = _project()
    milestone = _plan(project, date(2026, 6, 30))
    secret = token_for(project.pm)
    path = f"/api/v1/milestones/{milestone.id}"
    etag = client.get(path, headers=bearer(secret)).headers["ETag"]
    data = {"percent": "60", "note": "Bench test", "files": [(io.BytesIO(PNG), "photo.png")]}
    assert client.post(f"{path}/progress", headers=bearer(secret), data=data).status_code == 428
    posted = client.post(f"{path}/progress", headers=bearer(secret, **{"If-Match": etag}),
                         data={"percent": "60", "note": "Bench test",
                               "files": [(io.BytesIO(PNG), "photo.png")]})
    assert posted.status_code == 200, posted.json
    assert posted.json["evidence"] == ["photo.png"]
    assert posted.json["milestone"]["state"] == "in_progress"
    assert posted.headers["ETag"] != etag
    stale = client.post(f"{path}/submit", headers=bearer(secret, **{"If-Match": etag}))
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    fresh = client.get(path, headers=bearer(secret)).headers["ETag"]
    submitted = client.post(f"{path}/submit", headers=bearer(secret, **{"If-Match": fresh}))
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"
    assert db.session.get(Milestone, milestone.id).state is MilestoneState.SUBMITTED
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "milestones", AuditRecord.object_id == milestone.id,
        AuditRecord.action.in_(("milestone.update", "milestone.submit")))).all()
    assert len(records) == 2 and all("token" in r.changes for r in records)


def test_the_services_refusals_and_validation_are_problems(client):
    project = _project()
    milestone = _plan(project, date(2026, 6, 30))
    secret = token_for(project.pm)
    path = f"/api/v1/milestones/{milestone.id}"
    etag = client.get(path, headers=bearer(secret)).headers["ETag"]
    refused = client.post(f"{path}/submit", headers=bearer(secret, **{"If-Match": etag}))
    assert refused.status_code == 409 and "cannot be submitted" in refused.json["detail"]
    invalid = client.post(f"{path}/progress", headers=bearer(secret, **{"If-Match": etag}),
                          data={"percent": "140"})
    assert invalid.status_code == 400 and invalid.json["errors"][0]["field"] == "percent"
    bad_file = client.post(f"{path}/progress", headers=bearer(secret, **{"If-Match": etag}),
                           data={"percent": "10", "files": [(io.BytesIO(b"MZ"), "x.exe")]})
    assert bad_file.status_code == 400 and bad_file.json["errors"][0]["field"] == "files"
    stranger = token_for(make_user(Role.PROJECT_MANAGER))
    assert client.post(f"{path}/submit", headers=bearer(stranger, **{"If-Match": etag})
                       ).status_code == 404


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["At most 100.", "At most 10,000 characters.", "Unknown field",
            "x.exe: Files of this type are not accepted", "Some input was refused"]),
    ("zh-CN", ["不超过 100。", "最多 10,000 个字符。", "未知字段", "x.exe：不接受此类型的文件",
               "部分输入被拒绝"]),
])
def test_every_problem_of_a_request_is_listed_in_the_callers_language(client, language, words):
    project = _project()
    milestone = _plan(project, date(2026, 6, 30))
    secret = token_for(project.pm)
    path = f"/api/v1/milestones/{milestone.id}"
    etag = client.get(path, headers=bearer(secret)).headers["ETag"]
    response = client.post(
        f"{path}/progress",
        headers=bearer(secret, **{"If-Match": etag, "Accept-Language": language}),
        data={"percent": "140", "note": "x" * 10001, "colour": "red",
              "files": [(io.BytesIO(PNG), "photo.png"), (io.BytesIO(b"MZ"), "x.exe")]})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problems = response.json["errors"]
    assert [p["field"] for p in problems] == ["percent", "note", "colour", "files"]
    text = str(response.json)
    assert all(word in text for word in words), text
    assert "Input should" not in text  # none of pydantic's own English
    assert db.session.get(Milestone, milestone.id).updates == []


def test_every_refused_filter_is_listed_in_the_callers_language(client):
    secret = token_for(make_user(Role.HQ_ADMIN))
    response = client.get("/api/v1/institutes?limit=0&type=castle",
                          headers=bearer(secret, **{"Accept-Language": "zh"}))
    assert response.status_code == 400
    assert response.json["errors"] == [
        {"field": "limit", "detail": "不少于 1。"},
        {"field": "type", "detail": "请从以下选项中选择其一：independent、joint、affiliated。"}]
