"""A run's page and the list of recent imports show a start only for a run that started: a
waiting run, or one cancelled before a worker took it, shows when it was uploaded, never a
"Started" time (issue 13 point 4, a hand check)."""

from __future__ import annotations

import re

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tests.imports.test_pages import GOOD
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import jobs
from tracker.imports.models import ImportRun, ImportState


def _queued(admin) -> ImportRun:
    run = jobs.queue(admin, "institutes", "i.csv", csv_bytes(GOOD), dry_run=False, locale="en")
    db.session.commit()
    return run


def _listed_start(client, run) -> str:
    page = client.get("/admin/import/").get_data(as_text=True)
    row = re.search(rf'/admin/import/{run.id}".*?</tr>', page, re.S)
    return row.group(0).rsplit("<td>", 1)[-1]


def test_a_run_that_never_started_shows_no_start(client):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    waiting = _queued(admin)
    page = client.get(f"/admin/import/{waiting.id}").get_data(as_text=True)
    assert "<dt>Started</dt>" not in page and "<dt>Uploaded</dt>" in page
    assert _listed_start(client, waiting).startswith("—")
    post(client, f"/admin/import/{waiting.id}/cancel")
    db.session.expire_all()
    assert db.session.get(ImportRun, waiting.id).state is ImportState.CANCELLED
    page = client.get(f"/admin/import/{waiting.id}").get_data(as_text=True)
    assert "<dt>Started</dt>" not in page and "<dt>Uploaded</dt>" in page
    assert _listed_start(client, waiting).startswith("—")


def test_a_run_a_worker_took_shows_its_start(client):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    run = _queued(admin)
    assert jobs.work() == 1
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "<dt>Started</dt>" in page and "<dt>Uploaded</dt>" not in page
    assert not _listed_start(client, run).startswith("—")
