"""A dry run's page offers to import the file it checked, for real, without uploading it again
(issue 13, F37, found by a newcomer): the button re-posts nothing but its CSRF token, queues the
kept file as a new run, once, and only for who may import; the dry run says what would be done,
on its page and on the command line."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import jobs
from tracker.imports.models import ImportRun, ImportState
from tracker.organisations.models import Institute

GOOD = [["Code", "Name", "Field", "Type"], ["WEB-1", "Web institute", "Materials", "joint"]]


def _dry_run(client) -> ImportRun:
    page = post(client, "/admin/import/", {
        "kind": "institutes", "dry_run": "y",
        "file": (io.BytesIO(csv_bytes(GOOD)), "institutes.csv")},
        content_type="multipart/form-data")
    assert page.status_code == 302, page.get_data(as_text=True)
    assert jobs.work() == 1
    return db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()))


def test_a_checked_dry_run_is_imported_from_its_page_once(client):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    checked = _dry_run(client)
    assert checked.state is ImportState.CHECKED
    page = client.get(f"/admin/import/{checked.id}").get_data(as_text=True)
    assert "Would be created" in page and "Import this file" in page
    answer = post(client, f"/admin/import/{checked.id}/import", {})
    assert answer.status_code == 302
    real = db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert (real.id != checked.id, real.dry_run, real.filename, real.state) == (
        True, False, "institutes.csv", ImportState.QUEUED)
    assert jobs.work() == 1
    db.session.refresh(real)
    assert (real.state, real.created) == (ImportState.DONE, 1)
    assert db.session.scalar(select(Institute.code)) == "WEB-1"
    # Once: the dry run no longer holds the file, nor offers the button.
    assert "Import this file" not in client.get(
        f"/admin/import/{checked.id}").get_data(as_text=True)
    # Sent again (Back, a second click): said to have been sent once, and nothing queued.
    again = post(client, f"/admin/import/{checked.id}/import", {}, follow_redirects=True)
    assert "This form had already been sent: it was saved once, here." in again.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 2
    assert jobs.work() == 0


def test_without_the_right_to_import_there_is_no_button_and_no_import(client):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    checked = _dry_run(client)
    post(client, "/logout")
    login(client, make_user(Role.OBSERVER))
    assert post(client, f"/admin/import/{checked.id}/import", {}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 1


def test_the_command_line_dry_run_says_what_would_be_done(app, tmp_path):
    make_hq()
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD))
    result = app.test_cli_runner().invoke(args=[
        "import", "institutes", str(good), "--dry-run", "--lang", "en",
        "--as", "only-admin@example.cn"])
    assert result.exit_code == 0
    assert "1 would be created, 0 would be updated, 0 unchanged" in result.output


def test_a_dry_run_says_what_each_updated_row_would_change_as_the_history_says_it(client):
    """Not only "Would be updated WEB-1" (newcomer's finding): the fields, before and after,
    in the reader's language, though nothing was written."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    _dry_run(client)
    post(client, f"/admin/import/{_dry_run(client).id}/import", {})
    assert jobs.work() == 1
    changed = [GOOD[0], ["WEB-1", "Web institute", "Semiconductors", "joint"]]
    page = post(client, "/admin/import/", {
        "kind": "institutes", "dry_run": "y",
        "file": (io.BytesIO(csv_bytes(changed)), "institutes.csv")},
        content_type="multipart/form-data")
    assert page.status_code == 302 and jobs.work() == 1
    checked = db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert (checked.state, checked.updated) == (ImportState.CHECKED, 1)
    assert db.session.scalar(select(Institute.field)) == "Materials"  # nothing written
    page = client.get(f"/admin/import/{checked.id}").get_data(as_text=True)
    assert "Would be updated" in page and "Materials → Semiconductors" in page
    assert "Institute changed" in page
    admin.locale = "zh_CN"
    db.session.commit()
    page = client.get(f"/admin/import/{checked.id}").get_data(as_text=True)
    assert "Materials → Semiconductors" in page and "Institute" not in page
