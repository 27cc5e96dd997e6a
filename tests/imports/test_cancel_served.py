"""The Cancel of a running upload, as served on PostgreSQL: the job runs in a worker of its own,
its progress and the page's Cancel go through connections of their own, and the import's
transaction held the audit trail's lock from its first batch to its end (now only at its end:
`tracker.audit.held`). The Cancel was asked in the request's transaction, whose audit record
waited for that lock: the job never saw it,
imported every row, and the Cancel then said "nothing of it is kept" (10,000 projects written;
found by an HQ admin's check, issue 13). The suite's requests share the test's transaction
and can't show it: this one goes to an app serving a copy of the demo organisation."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, EnglishClient, copy_database, drop_database, post
from tests.imports.helpers import csv_bytes
from tests.imports.test_pages import GOOD
from tests.test_language_walk import sign_in
from tracker import create_app, db
from tracker.imports import jobs
from tracker.imports.models import ImportRun, ImportState
from tracker.organisations.models import Institute

pytestmark = pytest.mark.skipif(not PG_URL, reason="a second connection writes while the "
                                                   "import's is open: PostgreSQL only")

ROWS = 1_100  # past the bulk path's first batch of 1,000, which took the trail's lock


@pytest.fixture(scope="module")
def served(demo_template: str) -> Iterator[Flask]:
    url = make_url(PG_URL).set(database=f"{make_url(PG_URL).database}_cancel")
    url = copy_database(demo_template, url.render_as_string(hide_password=False))
    app = create_app("test", DATABASE_URL=url)
    app.testing = False
    app.test_client_class = EnglishClient
    yield app
    app.extensions["engine"].dispose()
    drop_database(url)


class Waiting(jobs.Reporter):
    """The job's own reporter, which tells the test when its first batch is written and waits a
    while for the page's Cancel at its reports (the job checks at every 50 rows)."""

    def __init__(self, engine, run_id: int) -> None:
        super().__init__(engine, run_id)
        self.locked = threading.Event()

    def progress(self, done: int, total: int | None) -> None:
        super().progress(done, total)
        if done > 1_000:
            self.locked.set()

    def cancelled(self) -> bool:
        deadline = time.monotonic() + (20 if self.locked.is_set() else 0)
        while not (asked := super().cancelled()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return asked


def test_a_running_upload_cancelled_from_its_page_keeps_nothing_and_says_so(served):
    db.session.remove()
    db.session.configure(bind=served.extensions["engine"])
    client = sign_in(served, "admin@demo.jitri.cn", "en")
    db.session.remove()
    rows = [GOOD[0]] + [[f"JOB-{n}", f"Institute {n}", "Materials", "joint"]
                        for n in range(ROWS)]
    response = post(client, "/admin/import/", {
        "kind": "institutes", "file": (io.BytesIO(csv_bytes(rows)), "many.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db.session.remove()
    reporter = Waiting(served.extensions["engine"], run_id)

    def work() -> None:
        with served.app_context():
            jobs.carry_out(jobs.claim_next(), reporter, db.session.commit)
            db.session.remove()

    worker = threading.Thread(target=work)
    worker.start()
    assert reporter.locked.wait(120), "the job made no report past its first batch"
    cancelled = post(client, f"/admin/import/{run_id}/cancel")
    worker.join(120)
    assert not worker.is_alive()
    assert cancelled.status_code == 302, cancelled.get_data(as_text=True)
    page = client.get(f"/admin/import/{run_id}").get_data(as_text=True)
    assert f"Import #{run_id} was cancelled: nothing was written." in page, page
    run = db.session.get(ImportRun, run_id)
    assert (run.state, run.cancel_requested) == (ImportState.CANCELLED, True)
    assert db.session.scalar(select(func.count()).select_from(Institute).where(
        Institute.code.like("JOB-%"))) == 0
    db.session.remove()
