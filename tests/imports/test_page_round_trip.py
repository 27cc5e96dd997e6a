"""Issue 13's round trip through the portfolio's list pages: each importable kind downloaded
"for re-import" from its list page (`?import_file=KIND.csv|xlsx`, tracker/imports/page_files.py),
imported into an EMPTY database, downloaded again from the pages there: the same files. The
pages' own downloads (`?export=`) are for people, in columns the import cannot read; these
are the import's. A filtered page gives the records its filters select, which import again;
whoever may not import is offered nothing, and the URL answers 403."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.factories import make_enterprise, make_user
from tests.imports import test_empty_database
from tests.imports.helpers import run
from tests.imports.test_empty_database import (
    ORDER,
    _populate,
    empty_network,
    import_in_order,
)
from tracker.accounts.models import Role
from tracker.export.columns import as_written
from tracker.imports import export, services
from tracker.imports.models import ImportState

# Each kind's list page; the projects list gives their milestones too, the companies' their
# incentive grants.
PAGES = {"enterprises": "/enterprises/", "institutes": "/institutes/", "users": "/admin/users/",
         "centres": "/centres/", "needs": "/needs/", "projects": "/projects/",
         "milestones": "/projects/", "contracts": "/contracts/", "funding": "/funding/",
         "companies": "/companies/", "incentive_grants": "/companies/",
         "achievements": "/achievements/", "ip_deals": "/transfers/"}
# Two enterprises' centres of one name: the centres import finds each by its enterprise too.
CENTRES = [["name", "enterprise", "city"], ["联合创新中心", "Valve Works", "无锡"],
           ["联合创新中心", "913200000000000013", "苏州"]]
# One need with the days it was recorded and matched (issue 13), one dated by its import.
NEEDS = [["title", "enterprise", "centre", "institute_code", "intended_investment", "state",
          "recorded_on", "matched_on"],
         ["Quieter pumps", "Valve Works", "联合创新中心", "IMP-RB", "800000", "matched",
          "2016-03-15", "2016-09-01"],
         ["Quieter pumps", "913200000000000013", "联合创新中心", "IMP-RB", "1200000",
          "matched", "", ""]]


def _network():
    admin = _populate()
    make_enterprise(name="Valve Works", uscc="913200000000000026")
    for kind, rows in (("centres", CENTRES), ("needs", NEEDS)):
        result = run(admin, kind, rows)
        assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    return admin


def _download(client, kind: str, fmt: str = "csv", **args) -> bytes:
    response = client.get(PAGES[kind], query_string={**args, "import_file": f"{kind}.{fmt}"})
    assert response.status_code == 200, kind
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="{kind}-for-import-'), kind
    return response.data


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def test_every_kind_downloaded_from_its_page_round_trips_through_an_empty_database(
        app, client, tmp_path):
    admin = _network()
    login(client, admin)
    exported = {kind: _download(client, kind) for kind in PAGES}
    assert set(exported) == set(export.ROWS)  # every kind that imports has its page
    # An HQ admin sees every record: each page gives the whole export.
    assert exported == {kind: export.export_csv(kind) for kind in PAGES}
    assert all(len(_rows(data)) > 1 for data in exported.values()), exported
    assert ",matched,2016-03-15,2016-09-01" in exported["needs"].decode()
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        login(client, importer)
        again = {kind: _download(client, kind) for kind in PAGES}
    assert {k: v.decode() for k, v in again.items()} == {
        k: v.decode() for k, v in exported.items()}


def test_the_xlsx_holds_the_csvs_rows_and_imports_again_unchanged(client):
    admin = _network()
    login(client, admin)
    for kind in PAGES:
        book = load_workbook(io.BytesIO(_download(client, kind, "xlsx")), read_only=True)
        cells = [["" if v is None else v for v in row]
                 for row in book.worksheets[0].iter_rows(values_only=True)]
        # The CSV's text as the import reads it: without the apostrophe that neutralises a
        # formula there (test_formula_cells.py), which a typed cell needs not.
        assert cells == [[as_written(v) for v in row]
                         for row in _rows(_download(client, kind))], kind
        again = services.run_import(admin, kind, f"{kind}.xlsx",
                                    io.BytesIO(_download(client, kind, "xlsx")))
        assert (again.state, again.created, again.updated) == (ImportState.DONE, 0, 0), (
            kind, again.errors)


def test_a_text_that_reads_like_a_formula_stays_text_in_the_xlsx(client):
    """A name someone typed starting with "=" is a text cell, not a formula the spreadsheet
    would run (and the import, reading the values a sheet shows, would read back empty)."""
    admin = _network()
    make_enterprise(name='=HYPERLINK("http://example.com","Valve")')
    login(client, admin)
    data = _download(client, "enterprises", "xlsx")
    named = [cell for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows()
             for cell in row if str(cell.value).startswith("=HYPERLINK")]
    assert [cell.data_type for cell in named] == ["s"], named
    shown = load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    assert any(cell.value == '=HYPERLINK("http://example.com","Valve")'
               for row in shown.iter_rows() for cell in row)
    again = services.run_import(admin, "enterprises", "enterprises.xlsx", io.BytesIO(data))
    assert (again.state, again.created, again.updated) == (ImportState.DONE, 0, 0), again.errors


def test_a_filtered_page_gives_the_records_its_filters_select(app, client, tmp_path,
                                                              monkeypatch):
    admin = _network()
    login(client, admin)
    phase = {"phase": "investment_decision"}
    shown = [row[0] for row in _rows(client.get("/projects/", query_string={
        **phase, "export": "csv"}).data)[1:]]
    projects = _rows(_download(client, "projects", **phase))
    assert [row[0] for row in projects[1:]] == shown == ["TEST-2019-0042"]
    milestones = _rows(_download(client, "milestones", **phase))
    assert {row[0] for row in milestones[1:]} == set(shown)
    assert len(milestones) < len(_rows(export.export_csv("milestones")))
    # The filtered files import into an empty database after what they name, and download
    # there again the same.
    exported = {kind: _download(client, kind) for kind in PAGES}
    exported |= {"projects": _download(client, "projects", **phase),
                 "milestones": _download(client, "milestones", **phase)}
    monkeypatch.setattr(test_empty_database, "ORDER",
                        ORDER[:ORDER.index("milestones") + 1])
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        login(client, importer)
        assert _download(client, "projects") == exported["projects"]
        assert _download(client, "milestones") == exported["milestones"]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.PROJECT_MANAGER])
def test_whoever_may_not_import_is_offered_nothing_and_refused(client, role):
    _network()
    login(client, make_user(role))
    for kind, page in PAGES.items():
        shown = client.get(page)
        if shown.status_code != 200:
            continue  # a page they may not open at all
        assert "import_file=" not in shown.get_data(as_text=True), page
        assert client.get(page, query_string={"import_file": f"{kind}.csv"}).status_code == 403


def test_an_hq_admin_is_offered_each_pages_kinds(client):
    _network()
    login(client, make_user(Role.HQ_ADMIN))
    for kind, page in PAGES.items():
        body = client.get(page, query_string={"q": ""}).get_data(as_text=True)
        assert f"import_file={kind}.csv" in body and f"import_file={kind}.xlsx" in body, page
        assert "Download for re-import" in body
