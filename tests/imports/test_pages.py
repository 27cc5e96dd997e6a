"""The upload page: HQ admins only; a refused file shows its errors by row and column and
offers them as a CSV; a good one lands on its result; both languages."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import jobs
from tracker.organisations.models import Institute

GOOD = [["Code", "Name", "Field", "Type"], ["WEB-1", "Web institute", "Materials", "joint"]]
BAD = [*GOOD, ["WEB-2", "Second", "Materials", "nonsense"]]


def _upload(client, rows, dry_run=False):
    """Upload, see the run wait for a worker, let the worker carry it out, see the result."""
    data = {"kind": "institutes", "file": (io.BytesIO(csv_bytes(rows)), "institutes.csv")}
    if dry_run:
        data["dry_run"] = "y"
    queued = post(client, "/admin/import/", data, content_type="multipart/form-data")
    assert queued.status_code == 302, queued.get_data(as_text=True)
    waiting = client.get(queued.headers["Location"]).get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and ("Cancel" in waiting or "取消" in waiting)
    assert jobs.work() == 1
    return client.get(queued.headers["Location"])


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.OBSERVER, Role.EVALUATOR])
def test_only_hq_admins_open_the_import_pages(client, role):
    login(client, make_user(role))
    assert client.get("/admin/import/").status_code == 403
    assert client.get("/admin/import/templates/users.csv").status_code == 403


def test_a_refused_file_lists_its_errors_and_offers_them_as_csv(client):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN))
    page = _upload(client, BAD)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Refused: nothing written" in text
    assert "Not one of the choices: nonsense. Write one of independent" in text
    # said as what it is: a failure, never "finished" or "completed"
    assert re.search(r'class="flash flash-error" role="status">Import #\d+ failed', text)
    assert "flash-success" not in text
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0
    run_path = page.request.path
    errors = client.get(f"{run_path}/errors.csv").get_data(as_text=True)
    assert "3,Type,\"Not one of the choices: nonsense. Write one of" in errors


def test_a_good_file_is_imported_and_a_dry_run_first_writes_nothing(client):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN))
    checked = _upload(client, GOOD, dry_run=True).get_data(as_text=True)
    assert "Checked (dry run): nothing written" in checked and "WEB-1" in checked
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0
    done = _upload(client, GOOD).get_data(as_text=True)
    assert "Imported" in done
    assert re.search(r'flash-success" role="status">Import #\d+ completed: 1 created, 0 updated',
                     done)
    assert db.session.scalar(select(Institute.code)) == "WEB-1"


def test_in_chinese_the_errors_name_the_header_the_file_wrote(client):
    """The file headed it Type: its reader looks for Type, not 类型 (test_headers_as_written)."""
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    text = _upload(client, BAD).get_data(as_text=True)
    assert "未通过：未写入任何数据" in text
    assert "<td>Type</td>" in text and "不是可选值之一：nonsense。" in text


def test_the_upload_form_names_its_size_limit(client, app):
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/admin/import/").get_data(as_text=True)
    assert f"At most {app.config['MAX_UPLOAD_MB']} MB a file." in page


def test_the_same_file_uploaded_again_is_a_new_run(client):
    """A file refused, the data it names fixed, the same file again: a new run, not "already
    sent" (a creating form sent again with the same content is otherwise the first sending)."""
    make_hq()
    login(client, make_user(Role.HQ_ADMIN))
    first, again = _upload(client, BAD), _upload(client, BAD)  # each carried out by the worker
    assert first.request.path != again.request.path


def test_an_observer_follows_the_trail_to_a_run_s_history_but_not_to_its_rows(client, app):
    """The whole trail links each import to its history; an observer reads the trail, so the
    link answers them (it was a 404), while the run's page with the file's rows stays HQ's."""
    make_hq()
    login(client, make_user(Role.HQ_ADMIN))
    run_path = _upload(client, GOOD).request.path
    run_id = int(run_path.rstrip("/").rsplit("/", 1)[1])
    observer = app.test_client()
    login(observer, make_user(Role.OBSERVER))
    trail = observer.get("/audit/?action=import.run").get_data(as_text=True)
    assert f"/history/import_runs/{run_id}" in trail
    history = observer.get(f"/history/import_runs/{run_id}")
    assert history.status_code == 200
    assert f'href="{run_path}"' not in history.get_data(as_text=True)
    assert observer.get(run_path).status_code in (403, 404)


def test_each_row_s_change_is_said_in_the_sense_of_an_import(client):
    """'updated' was the milestone history's word (更新进展, a progress update); an import run
    says what a row did to its record, and what a dry run's row would do."""
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    dry = _upload(client, GOOD, dry_run=True).get_data(as_text=True)
    assert "<td>将新建</td>" in dry and "已创建" not in dry
    _upload(client, GOOD)
    changed = [GOOD[0], ["WEB-1", "Web institute, renamed", "Materials", "joint"]]
    done = _upload(client, changed).get_data(as_text=True)
    assert "<td>已修改</td>" in done and "更新进展" not in done
