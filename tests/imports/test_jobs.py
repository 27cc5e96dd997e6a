"""Uploads run as background jobs: the request only queues the file in its run's row; a worker
claims it (never two the same), carries it out in the uploader's language and clears the file;
the page's Cancel stops a run that waits."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import event, func, select

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tests.imports.test_pages import BAD, GOOD
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import jobs
from tracker.imports.models import NOT_TAKEN_AFTER_SECONDS, ImportRun, ImportState
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
    # Before a row is read it says so, not "0 rows read, 0 would be created" (issue 13).
    assert "<dt>已读行数</dt><dd>尚无：后台任务接手后才读取文件。</dd>" in page, page
    assert "<dt>将新建</dt>" not in page and "<dt>未变</dt>" not in page
    assert jobs.work() == 1
    # a worker sleeps between polls holding no transaction (on SQLite, no write lock that
    # would make every page wait and answer 503)
    assert not db.session().in_transaction()
    assert jobs.work() == 0  # claimed once: a second worker finds nothing
    assert not db.session().in_transaction()
    db.session.refresh(run)
    assert (run.state, run.upload) == (ImportState.FAILED, None)
    assert run.errors[0][:2] == [3, "Type"]  # as the file headed it
    assert run.errors[0][2].startswith("不是可选值之一")  # the uploader's language
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
    # The same cancel sent again is said to have been sent once; the run stays cancelled.
    again = post(client, f"/admin/import/{run.id}/cancel", follow_redirects=True)
    assert "This form had already been sent: it was saved once, here." in again.get_data(
        as_text=True)
    db.session.refresh(run)
    assert run.state is ImportState.CANCELLED


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


def test_an_import_made_in_chinese_reads_in_english_to_an_english_reader(client):
    """The problems are kept as said, not as text: the Chinese uploader reads them in Chinese,
    an English-reading admin in English (the header, a WTForms message, ours with a date and
    an enum label among them), on the page and in the CSV of errors."""
    from datetime import timedelta

    from flask_babel import force_locale

    from tests.imports.helpers import run as run_import
    from tests.imports.test_projects import HEADER, _row, _setting
    from tracker.dates import today

    admin, _pm = _setting()
    future = today() + timedelta(days=40)
    with force_locale("zh_CN"):
        run = run_import(admin, "projects", [
            HEADER, _row(start="2020-03-01", end="2019-12-31",
                         passed=f"1: {future.isoformat()}"),
            _row(code="TEST-2019-0044", title="Next", type="nonsense"),
            _row(code="TEST-2019-0045", title="", trl_now="12")])
    db.session.commit()
    assert run.state is ImportState.FAILED
    with force_locale("zh_CN"):
        chinese = run.errors
    with force_locale("en"):
        english = run.errors
    assert len(chinese) == len(english) >= 5, english
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for (row, column, message), (row_zh, column_zh, message_zh) in zip(english, chinese,
                                                                       strict=True):
        assert row == row_zh
        # the column as the file headed it (in English), whoever reads it
        assert column == column_zh and not cjk.search(message), (column, message)
        assert cjk.search(message_zh), (column_zh, message_zh)
    messages = " ".join(m for _r, _c, m in english)
    assert "This field is required." in messages  # the title: the form's own check
    assert "The end date is before the start date." in messages  # the service's
    assert f"{future:%b} {future.day}, {future.year} is in the future" in messages
    reader = make_user(Role.HQ_ADMIN, locale="en")
    login(client, reader)
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "The end date is before the start date." in page
    assert "结束日期" not in page
    errors_csv = client.get(f"/admin/import/{run.id}/errors.csv").get_data(as_text=True)
    assert "The end date is before the start date." in errors_csv


def test_a_problem_stored_as_text_reads_as_it_was_written(app):
    """Runs stored before messages were kept as said still read, as they were written."""
    admin = make_user(Role.HQ_ADMIN)
    old = ImportRun(kind="institutes", filename="old.csv", actor_id=admin.id, errors=[],
                    changes=[])
    old.said_errors = [[2, "类型", "不是可选值之一：nonsense。"]]
    assert old.errors == [[2, "类型", "不是可选值之一：nonsense。"]]


def test_an_import_no_worker_takes_says_the_scheduler_must_run(client, clock):
    """The newcomer's walk: with no scheduler running, the page said "waiting" for ever. After
    a minute unclaimed it says the import has not started and what must run."""
    make_hq()
    login(client, make_user(Role.HQ_ADMIN))
    queued_at = clock.set(db.utcnow())
    run = _queue(client, BAD)
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "Waiting for a worker to take it." in page and "flask scheduler run" not in page
    clock.set(queued_at + timedelta(seconds=NOT_TAKEN_AFTER_SECONDS + 1))
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "The import has not started" in page
    assert "flask scheduler run" in page and "make run" in page
    assert 'http-equiv="refresh"' in page  # a scheduler started now takes it: keep following
    assert jobs.work() == 1
    db.session.refresh(run)
    assert "The import has not started" not in client.get(
        f"/admin/import/{run.id}").get_data(as_text=True)


def test_a_running_job_leaves_its_run_alone_for_its_progress_and_cancel(app, engine):
    """On PostgreSQL a running job's progress reports and the page's Cancel write its run's
    row through connections of their own while the import's transaction is open, so that
    transaction must not write the row before the import ends: it did (the run's state, start
    and total, flushed at the start), and a real upload of 10,000 projects hung at its first
    report of 50 rows, the report waiting for the import's transaction and the import for the
    report, its Cancel waiting with them (found by an HQ admin's check on PostgreSQL, issue
    13). Both imports are watched: one kind's and the companies file's with its grants."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    institutes = [GOOD[0]] + [[f"JOB-{n}", f"Institute {n}", "Materials", "joint"]
                              for n in range(120)]
    grants = [["company", "person", "kind", "shares", "granted_on", "vesting_start"]] + [
        ["No such company", f"Person {n}", "shares", "100", "2021-01-01", "2021-01-01"]
        for n in range(60)]
    written: list[str] = []

    def watch(conn, cursor, statement: str, *args) -> None:
        if statement.lstrip().upper().startswith("UPDATE IMPORT_RUNS"):
            written.append(statement)

    class Watching(jobs.SessionReporter):
        """Each report: what the import's transaction had written of the run until then."""

        def __init__(self, run_id: int) -> None:
            super().__init__(None, run_id)
            self.seen: list[list[str]] = []

        def progress(self, done: int, total: int | None) -> None:
            self.seen.append(list(written))

    for kind, upload, grants_file in (
            ("institutes", csv_bytes(institutes), None),
            ("companies", csv_bytes([["name", "project_codes"]]),
             ("grants.csv", csv_bytes(grants)))):
        run = jobs.queue(admin, kind, f"{kind}.csv", upload, dry_run=False, locale="en",
                         grants=grants_file)
        claimed = jobs.claim_next()
        assert claimed.id == run.id
        reporter = Watching(run.id)
        written.clear()
        event.listen(engine, "before_cursor_execute", watch)
        try:
            jobs.carry_out(claimed, reporter, db.session.flush)
        finally:
            event.remove(engine, "before_cursor_execute", watch)
        assert reporter.seen and reporter.seen[0] == [], (kind, reporter.seen[0])
        assert all(seen == [] for seen in reporter.seen), kind
        db.session.refresh(run)
        assert run.state in (ImportState.DONE, ImportState.FAILED), kind
        assert run.done_rows == run.total_rows == len(institutes if grants_file is None
                                                      else grants) - 1, kind
