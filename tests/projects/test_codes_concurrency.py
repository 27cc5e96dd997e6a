"""Official codes are given on submission, gap-free per HQ and year, even when PMs submit at the
same moment and one submission fails half-way (PostgreSQL, one connection per submitter)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.conftest import PG_URL
from tests.factories import install_gates, make_institute, make_project
from tests.gates import helpers
from tests.gates.test_concurrency import real_commits  # noqa: F401  (a fixture)
from tracker import db
from tracker.dates import today
from tracker.projects import services as projects
from tracker.projects.models import Project

pytestmark = pytest.mark.skipif(not PG_URL, reason="concurrent submitters need PostgreSQL")

SUBMITTERS = 8


def test_concurrent_submissions_get_gap_free_codes(app, real_commits):  # noqa: F811
    install_gates()
    institute = make_institute()
    drafts = [make_project(institute=institute) for _ in range(SUBMITTERS)]
    for draft in drafts:
        helpers.upload_deliverables(draft, 1)
    ids = [d.id for d in drafts]
    failing = ids[3]  # this one fails after it has drawn its number
    hq_code = institute.hq.code
    db.session.remove()

    start = threading.Barrier(SUBMITTERS)
    results: dict[int, str] = {}

    def submit(project_id: int) -> None:
        with app.app_context():
            try:
                project = db.session.get(Project, project_id)
                pm = project.pm
                start.wait(timeout=10)
                projects.submit_proposal(pm, project)
                if project_id == failing:
                    raise RuntimeError("the request died after drawing a number")
                db.session.commit()
                results[project_id] = "submitted"
            except Exception as error:  # noqa: BLE001  (the outcome is asserted below)
                db.session.rollback()
                results[project_id] = f"failed: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert [i for i, r in results.items() if r != "submitted"] == [failing], results
    rows = db.session.execute(select(Project.id, Project.code, Project.seq)
                              .where(Project.id.in_(ids))).all()
    codes = {row.id: row.code for row in rows}
    assert codes[failing] is None  # still a draft: its number went back
    seqs = sorted(row.seq for row in rows if row.id != failing)
    assert seqs == list(range(1, SUBMITTERS))  # no gap, no repeat
    year = today().year
    assert {codes[i] for i in ids if i != failing} == {
        f"{hq_code}-{year}-{n:04d}" for n in range(1, SUBMITTERS)}
