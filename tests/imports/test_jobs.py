"""Uploads run as background jobs: the request only queues the file in its run's row; a worker
claims it (never two the same), carries it out in the uploader's language and clears the file;
the page's Cancel stops a run that waits."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tests.imports.test_pages import BAD, GOOD
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import jobs
from tracker.imports.models import ImportRun, ImportState
from tracker.organisations.models import Institute


def _queue(client, rows):
    data = {"kind": "institutes", "file": (io.BytesIO(csv_bytes(rows)), "institutes.csv")}
    response = post(client, "/admin/import/", data, content_type="multipart/form-data")
    assert response.status_code == 302
    return db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()))


def test_the_request_only_queues_and_a_worker_carries_it_out_once(client):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    run = _queue(client, BAD)
    # Nothing ran in the request: the file waits in the run's row for any worker.
    assert (run.state, run.upload) == (ImportState.QUEUED, csv_bytes(BAD))
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "等待运行" in page and 'http-equiv="refresh"' in page
    assert jobs.work() == 1
    assert jobs.work() == 0  # claimed once: a second worker finds nothing
    db.session.refresh(run)
    assert (run.state, run.upload) == (ImportState.FAILED, None)
    assert run.errors[0][:2] == [3, "类型"]  # in the uploader's language, not the worker's
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "http-equiv" not in page and "不是可选值之一：nonsense。" in page


def test_a_queued_run_cancelled_never_runs(client):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN))
    run = _queue(client, GOOD)
    response = post(client, f"/admin/import/{run.id}/cancel", follow_redirects=True)
    assert "is being cancelled" in response.get_data(as_text=True)
    db.session.refresh(run)
    assert (run.state, run.upload, run.cancel_requested) == (ImportState.CANCELLED, None, True)
    assert jobs.work() == 0
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0
    # the ended run's page says it as what it is: an error, never "completed"
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert re.search(r'class="flash flash-error" role="status">Import #\d+ was cancelled', page)
    assert "flash-success" not in page and "http-equiv" not in page
    again = post(client, f"/admin/import/{run.id}/cancel")
    assert again.status_code == 409


def test_a_cancel_while_running_keeps_nothing(app):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    rows = [GOOD[0]] + [[f"JOB-{n}", f"Institute {n}", "Materials", "joint"]
                        for n in range(120)]
    run = jobs.queue(admin, "institutes", "many.csv", csv_bytes(rows), dry_run=False,
                     locale="en")
    claimed = jobs.claim_next()
    assert (claimed.id, claimed.state) == (run.id, ImportState.RUNNING)

    class Cancelling(jobs.SessionReporter):
        """As the page's Cancel, read at the first progress report."""

        def cancelled(self) -> bool:
            return True

    jobs.carry_out(claimed, Cancelling(None, run.id), db.session.flush)
    assert (run.state, run.upload) == (ImportState.CANCELLED, None)
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0
