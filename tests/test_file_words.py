"""Files said plainly: a size in the unit that reads best (never "0.0 KB"), the upload limit
named in the form and in the refusal, an export named with its date once."""

from __future__ import annotations

import io

import pytest

from tests.companies import helpers as companies
from tests.conftest import login, post
from tests.factories import make_project, make_user
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.display.formatting import size
from tracker.projects.lifecycle import Phase


@pytest.mark.no_db
def test_sizes_read_in_bytes_kb_and_mb(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [size(n) for n in (0, 40, 1023, 1536, 20 * 1024 * 1024)] == [
            "0 bytes", "40 bytes", "1,023 bytes", "1.5 KB", "20.0 MB"]


def test_a_file_too_large_is_refused_naming_the_limit(client, app, monkeypatch):
    login(client, make_user(Role.HQ_ADMIN))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    answer = post(client, "/admin/import/", {
        "kind": "institutes", "file": (io.BytesIO(b"x" * 5000), "big.csv")},
        content_type="multipart/form-data")
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert f"larger than {app.config['MAX_POST_MB']} MB" in page
    assert f"each file up to {app.config['MAX_UPLOAD_MB']} MB" in page


def test_an_export_names_its_date_once(client):
    company = companies.make_company(make_project(phase=Phase.INVESTMENT_DECISION))
    login(client, make_user(Role.HQ_ADMIN))
    on = today().isoformat()
    for path, name in ((f"/companies/?on={on}&export=csv", f"portfolio-on-{on}.csv"),
                       (f"/companies/{company.id}?on={on}&export=csv",
                        f"cap-table-{company.id}-on-{on}.csv")):
        disposition = client.get(path).headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{name}"', disposition
