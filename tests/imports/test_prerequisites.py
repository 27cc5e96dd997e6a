"""A kind says what must be recorded before its file is read (`Kind.needs`: the headquarters
for institutes and projects, the gate templates for projects, whose imported decisions' reviews
copy them), and a file of it is refused before it is read while that is missing, saying what:
on the command line with the command that records it, on the upload page (409, nothing
queued) and by a run (issue 13, adoption: `flask import` held its own list of the kinds
needing the headquarters, and a projects file before the gate templates had each row refused
by the gate the first decision reached)."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import install_gates, make_hq, make_user
from tests.imports.helpers import csv_bytes, run
from tracker import db
from tracker.accounts.models import Role
from tracker.imports.column_types import Need
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportRun, ImportState

NOT_A_FILE = b"\x00\x01 not a spreadsheet \xff"  # read, it would be refused as unreadable
NO_HQ = ("There is no headquarters yet: the tracker's administrator creates it first, on the "
         "server.")
NO_GATES = "No template is configured yet for gate 1, gate 2, gate 3, gate 4: ask an HQ admin."
RUN = "Run `flask hq create CODE --name-zh NAME`."


def test_the_kinds_say_what_they_need():
    needing = {name: kind.needs for name, kind in KINDS.items() if kind.needs}
    assert needing == {"institutes": (Need.HQ,), "projects": (Need.HQ, Need.GATE_TEMPLATES)}


@pytest.mark.parametrize(("kind", "said"), [("institutes", [NO_HQ]),
                                            ("projects", [NO_HQ, NO_GATES])])
def test_the_command_line_says_what_is_missing_before_reading(app, tmp_path, kind, said):
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    file = tmp_path / f"{kind}.csv"
    file.write_bytes(NOT_A_FILE)
    result = app.test_cli_runner().invoke(args=["import", kind, str(file), "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"Error: {' '.join(said)} {RUN}" in result.output
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_a_projects_file_before_the_gate_templates_is_refused_in_chinese_too(app, tmp_path):
    make_hq()
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    file = tmp_path / "projects.csv"
    file.write_bytes(NOT_A_FILE)
    result = app.test_cli_runner().invoke(args=["import", "projects", str(file),
                                                "--lang", "zh_CN"])
    assert result.exit_code == 1, result.output
    assert ("阶段门 1、阶段门 2、阶段门 3、阶段门 4 尚未配置模板，请联系总部管理员。 "
            "请运行 `flask hq create CODE --name-zh NAME`。") in result.output


def test_a_run_says_it_before_reading_and_reads_once_it_is_recorded(app):
    admin = make_user(Role.HQ_ADMIN)
    make_hq()
    refused = run(admin, "projects", [["not", "read"]])
    assert (refused.state, refused.errors) == (ImportState.FAILED, [[1, "", NO_GATES]])
    install_gates()
    read = run(admin, "projects", [["not", "read"]])
    assert read.state is ImportState.FAILED and read.errors[0][2] != NO_GATES


def test_the_upload_page_refuses_it_and_queues_nothing(app, client):
    admin = make_user(Role.HQ_ADMIN)
    db.session.commit()
    login(client, admin)
    response = post(client, "/admin/import/", {
        "kind": "institutes", "file": (io.BytesIO(csv_bytes([["Code"], ["X"]])), "i.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 409
    assert "There is no headquarters yet" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 0



def test_the_upload_page_says_beside_each_kind_what_it_still_needs(app, client):
    """Said before anyone uploads (tests/test_offered_when_possible.py's rule), in the
    sentence the upload would be refused with, beside the kinds that need it only."""
    admin = make_user(Role.HQ_ADMIN)
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/import/").get_data(as_text=True)
    notes = [(kind, html.unescape(note)) for kind, note in re.findall(
        r"<summary>([^<]*)</summary>\s*<p class=\"notice\">([^<]*)</p>", page)]
    assert notes == [("Institutes", NO_HQ), ("Projects", f"{NO_HQ} {NO_GATES}")]
    make_hq()
    install_gates()
    db.session.commit()
    assert 'class="notice"' not in client.get("/admin/import/").get_data(as_text=True)
