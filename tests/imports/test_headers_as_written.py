"""An import's problem names its column as the file headed it (`tracker.imports.headings`), on
the run's page, in its error file and on the command line, in either language: a file headed
研究领域 (the field's former header) was told of 领域（自述）, which it has no column of, and
a file headed in English read by a Chinese reader of 类型 where it said Type (issue 13). A
former header is followed by the column's header, which the template uses; a column headed
by its key is named by its header."""

from __future__ import annotations

import io

import pytest

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes, run
from tracker.accounts.models import Role
from tracker.imports import jobs

REQUIRED = "This field is required."


def _rows(field_header: str) -> list[list[str]]:
    """An institute whose field is left empty, under `field_header`."""
    return [["Code", "Name", field_header, "Type"], ["HDR-1", "Headed", "", "joint"]]


def _refused(client, rows) -> tuple[str, str]:
    """The run's page and its error file, the file uploaded and carried out."""
    data = {"kind": "institutes", "file": (io.BytesIO(csv_bytes(rows)), "institutes.csv")}
    queued = post(client, "/admin/import/", data, content_type="multipart/form-data")
    assert jobs.work() == 1
    page = client.get(queued.headers["Location"])
    errors = client.get(f"{page.request.path}/errors.csv").get_data(as_text=True)
    return page.get_data(as_text=True), errors


@pytest.mark.parametrize(("locale", "header", "named"), [
    ("en", "研究领域", "研究领域 (Field as described)"),
    ("en", "Field", "Field (Field as described)"),
    ("zh_CN", "Field", "Field（领域（自述））"),
    ("zh_CN", "研究领域", "研究领域（领域（自述））"),
    ("zh_CN", "Field as described", "Field as described"),
    ("en", "领域（自述）", "领域（自述）"),
])
def test_a_column_is_named_as_the_file_headed_it(client, locale, header, named):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page, errors = _refused(client, _rows(header))
    assert f"<td>{named}</td>" in page
    assert [line.split(",")[1] for line in errors.splitlines()[1:]] == [named]


def test_a_column_named_in_a_message_is_named_as_the_file_headed_it(app):
    """A problem naming another column (two rows giving one record) names it as the file did."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    row = ["HDR-1", "Headed", "Materials", "joint"]
    result = run(admin, "institutes", [["代码", "Name", "Field", "Type"], row, row])
    assert [(r, c) for r, c, _m in result.errors] == [(3, "代码")]
    assert "(the same 代码)" in result.errors[0][2]

