"""One JSON line per request and per job, with the request id; the 500 page shows the id;
/healthz says whether the scheduler ran recently and which files are missing on disk."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import click
import pytest
from flask import Flask

from tests.conftest import login
from tests.factories import make_project, make_user
from tracker import create_app, db, logs
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.files.models import StoredFile
from tracker.jobs.models import JobRun
from tracker.jobs.services import keep, recorded
from tracker.web import health


def _request_lines(caplog) -> list[dict]:
    return [json.loads(logs.JsonFormatter().format(r)) for r in caplog.records
            if r.name == "tracker.request"]


def test_every_request_has_an_id_and_one_json_line(client, caplog):
    user = make_user()
    login(client, user)
    with caplog.at_level(logging.INFO):
        made = client.get("/", buffered=True)
        kept = client.get("/", headers={"X-Request-ID": "nginx-5f2c9a1e77"}, buffered=True)
        forged = client.get("/", headers={"X-Request-ID": "bad id {forged}"}, buffered=True)
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert kept.headers["X-Request-ID"] == "nginx-5f2c9a1e77"  # the proxy's, honoured
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])  # not a log line's
    lines = _request_lines(caplog)
    assert [line["request_id"] for line in lines] == [
        r.headers["X-Request-ID"] for r in (made, kept, forged)]
    first = lines[0]
    assert {k: first[k] for k in ("method", "path", "status", "user_id", "level")} == {
        "method": "GET", "path": "/", "status": 200, "user_id": user.id, "level": "info"}
    assert first["duration_ms"] > 0


def test_the_calendar_feed_token_never_reaches_the_log(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/calendar/secret-feed-token-123.ics", buffered=True)
    assert "secret-feed-token-123" not in caplog.text
    assert _request_lines(caplog)[0]["path"] == "/calendar/*.ics"


def test_the_500_page_shows_the_request_id(tmp_path, caplog):
    app = create_app("test", DATABASE_URL=f"sqlite:///{tmp_path / 'e.db'}")

    @app.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    app.testing = False
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/fails", headers={
            "Accept-Language": "en", "X-Request-ID": "support-ticket-0042"}, buffered=True)
    assert response.status_code == 500
    assert "Request id: support-ticket-0042" in response.get_data(as_text=True)
    # The traceback's line and the request's line carry the same id.
    ids = {json.loads(logs.JsonFormatter().format(r)).get("request_id")
           for r in caplog.records if r.name.startswith("tracker")}
    assert ids == {"support-ticket-0042"}


def test_a_served_app_writes_json_lines_to_standard_output(tmp_path, capsys):
    logger = logging.getLogger("tracker")
    saved = logger.handlers[:], logger.propagate, logger.level
    try:
        app = create_app("test", DATABASE_URL=f"sqlite:///{tmp_path / 'o.db'}", TESTING=False)
        app.test_client().get("/login", headers={"X-Request-ID": "stdout-check-1"},
                              buffered=True)
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["logger"], x["status"], x["request_id"]) for x in lines
            if x["logger"] == "tracker.request"] == [("tracker.request", 200, "stdout-check-1")]


def test_a_command_writes_its_log_lines_to_standard_error(tmp_path, capsys):
    """`flask report annual --format json > file`: the file is the report alone (the
    development key's warning was its first line, and no JSON reader opened it)."""
    logger = logging.getLogger("tracker")
    saved = logger.handlers[:], logger.propagate, logger.level
    try:
        with click.Context(click.Command("report")):
            app = create_app("test", DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
                             TESTING=False)
        app.logger.warning("a warning while the command runs")
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])
    written = capsys.readouterr()
    assert "a warning while the command runs" not in written.out
    assert json.loads(written.err.splitlines()[-1])["message"] == "a warning while the command runs"


def test_a_job_run_is_one_line_and_its_row(app: Flask, caplog):
    @recorded("test-job")
    def works(app):
        pass

    @recorded("test-job")
    def fails_quietly(app):  # as the scheduler's jobs do: log the error, don't raise
        logging.getLogger("tracker.scheduler").error("the mail server said no\nsecond line")

    with caplog.at_level(logging.INFO):
        works(app)
    ok = db.session.get(JobRun, "test-job")
    assert ok.error is None and ok.last_ok_at == ok.finished_at
    line = json.loads(logs.JsonFormatter().format(
        next(r for r in caplog.records if r.name == "tracker.jobs")))
    assert (line["job"], line["outcome"]) == ("test-job", "ok") and "duration_ms" in line

    caplog.clear()
    with caplog.at_level(logging.INFO):
        fails_quietly(app)
    db.session.expire_all()
    failed = db.session.get(JobRun, "test-job")
    assert failed.error == "the mail server said no"
    assert failed.last_ok_at == ok.last_ok_at < failed.finished_at
    assert [r.getMessage() for r in caplog.records if r.name == "tracker.jobs"] == [
        re.search(r"job test-job failed in \d+ ms", caplog.text).group(0)]


def test_healthz_says_whether_the_scheduler_ran_recently(client, app):
    health.forget()
    body = client.get("/healthz").get_json()
    assert (body["status"], body["database"], body["scheduler"]) == (
        "degraded", "reachable", {"recent": False})  # it never ran
    now = utcnow()
    keep("reminders", now - timedelta(seconds=3), now, None)
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["scheduler"]["recent"] is True
    assert body["scheduler"]["reminders"]["ran_on"]
    stale = now - timedelta(minutes=2 * app.config["SCHEDULER_INTERVAL_MINUTES"] + 2)
    keep("reminders", stale, stale, None)
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["scheduler"]["recent"] is False


def _stored_file(project, tmp_path_name: str = "ab/missing.pdf") -> StoredFile:
    row = StoredFile(storage_name=tmp_path_name, original_name="report.pdf", extension="pdf",
                     content_type="application/pdf", size=10, sha256="0" * 64,
                     project_id=project.id, uploaded_by_id=project.pm_id)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize("path", ["/healthz", "file page"])
def test_a_file_listed_but_missing_on_disk_is_said_missing(app, client, path):
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm)
    stored = _stored_file(project)
    keep("reminders", utcnow(), utcnow(), None)
    health.forget()
    if path == "/healthz":
        body = client.get("/healthz").get_json()
        assert body["status"] == "degraded"
        assert body["files"] == {"missing": 1, "missing_ids": [stored.id]}
        return
    login(client, pm)
    page = client.get(f"/files/{stored.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "missing from the server&#39;s storage" in text
    assert "not yours to see" not in text
    outsider, browser = make_user(Role.PROJECT_MANAGER), app.test_client()
    login(browser, outsider)
    assert "not yours to see" in browser.get(f"/files/{stored.id}").get_data(as_text=True)


def test_health_counts_missing_files_at_most_every_few_minutes(client, monkeypatch):
    project = make_project()
    health.forget()
    assert client.get("/healthz").get_json()["files"]["missing"] == 0
    _stored_file(project, "cd/later.pdf")
    assert client.get("/healthz").get_json()["files"]["missing"] == 0  # counted a moment ago
    monkeypatch.setattr(health, "FILES_EVERY_SECONDS", 0)
    assert client.get("/healthz").get_json()["files"]["missing"] == 1

