"""Issue 13: the companies file and the incentive grants file imported in one run, each
company's ledger replayed in date order across both files (`tracker/imports/replay.py`):
a whole network, its exit included, round trips through it into an empty database and the
same files again change nothing; all or nothing, each problem named by its file, row and
column in the importer's language; a dry run writes nothing; `flask import companies FILE
--grants FILE`, and the upload page with both files, a dry run first. What the two imports
one after the other refused and this run brings in: `test_reversal_round_trips.py` (a round,
and a transfer of the pool's shares passed on, after what the grants file records)."""

from __future__ import annotations

import io

from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.imports import test_incentive_grants
from tests.imports.helpers import csv_bytes, run
from tests.imports.test_cross_kind_reversals import _network
from tests.imports.test_empty_database import (
    ORDER,
    _populate,
    _rows,
    _without,
    empty_network,
)
from tests.imports.test_projects import _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.companies.models import Company, ShareEntry
from tracker.imports import export, jobs, replay, services
from tracker.imports.models import ImportRun, ImportState
from tracker.incentives.models import IncentiveGrant

FILES = ("companies.csv", "incentive_grants.csv")


def together(importer, companies: bytes, grants: bytes, **kwargs):
    return replay.run_import(importer, [(FILES[0], io.BytesIO(companies)),
                                        (FILES[1], io.BytesIO(grants))], **kwargs)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_network_with_its_exit_round_trips_through_one_run_and_again_changes_nothing(
        app, tmp_path):
    """The companies file with its exit and the grants file in one run, in place of the
    README's companies without exits, grants, companies again: the same files exported; the
    same run again creates and updates nothing and writes no audit record but its own."""
    admin = _populate()
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    rows = _rows(exported["companies"])
    assert rows[1][rows[0].index("exit")]  # the network's company exited
    with empty_network(app, tmp_path, admin) as importer:
        seen = set()
        for kind in ORDER:
            if kind in seen and kind in ("companies", "incentive_grants"):
                continue
            if kind == "companies":
                result = together(importer, exported["companies"],
                                  exported["incentive_grants"])
                seen.update(("companies", "incentive_grants"))
            else:
                rows = _rows(exported[kind])
                if kind == "institutes" and kind not in seen:
                    rows = _without(rows, "director_email")
                seen.add(kind)
                result = run(importer, kind, rows)
            assert result.state is ImportState.DONE, (kind, result.errors)
            db.session.commit()
        again = {kind: export.export_csv(kind) for kind in export.ROWS}
        audited = _count(AuditRecord)
        result = together(importer, exported["companies"], exported["incentive_grants"])
        assert result.state is ImportState.DONE, result.errors
        assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
        assert _count(AuditRecord) == audited + 1  # import.run
    assert {k: v.decode() for k, v in again.items()} == {
        k: v.decode() for k, v in exported.items()}


def _files(admin) -> tuple[list[list[str]], list[list[str]]]:
    company, _pool = _network(admin)
    return (_rows(export.export_csv("companies")),
            _rows(export.export_csv("incentive_grants")))


def _grant_zhou_jiu(grants: list[list[str]]) -> None:
    """A grant of shares the file adds (row `len(grants)`)."""
    new = list(test_incentive_grants.SHARES)
    new[1], new[6], new[7] = "Zhou Jiu", "2022-03-01", "2022-03-01"
    grants.append([dict(zip(test_incentive_grants.KEYS, new, strict=True)).get(key, "")
                   for key in grants[0]])


def test_a_refused_row_of_either_file_imports_nothing_and_is_named_by_its_file(app):
    """A later issue the companies row adds and a grant whose exercise is more than vested:
    both refused, each beside its file's column, in English and Chinese; nothing written."""
    admin, _pm = _setting()
    companies, grants = _files(admin)
    issues = companies[0].index("issues")
    companies[1][issues] = "; ".join(filter(None, [
        companies[1][issues], "Fund Q | investor | 0 | 2024-01-01"]))
    bad = list(test_incentive_grants.OPTIONS)
    bad[1], bad[6], bad[7] = "Chen Qi", "2022-03-01", "2022-03-01"
    bad[-2], bad[-1] = "2022-04-01 | 1000", ""
    grants.append([dict(zip(test_incentive_grants.KEYS, bad, strict=True)).get(key, "")
                   for key in grants[0]])
    before = (_count(ShareEntry), _count(IncentiveGrant), _count(AuditRecord))
    for locale, issue_column, exercise_column in (
            ("en", "companies.csv, Later share issues", "incentive_grants.csv, Exercises"),
            ("zh_CN", "companies.csv，后续发行股份", "incentive_grants.csv，行权记录")):
        with force_locale(locale):
            result = together(admin, csv_bytes(companies), csv_bytes(grants))
            errors = [(r, str(c)) for r, c, _m in result.errors]
        assert result.state is ImportState.FAILED
        assert errors == [(2, issue_column), (len(grants), exercise_column)], result.errors
        assert result.wrote_nothing
    assert (_count(ShareEntry), _count(IncentiveGrant), _count(AuditRecord) - 2) == before


def test_a_dry_run_of_both_files_says_what_it_would_do_and_writes_nothing():
    admin, _pm = _setting()
    companies, grants = _files(admin)
    _grant_zhou_jiu(grants)
    before = _count(IncentiveGrant)
    result = together(admin, csv_bytes(companies), csv_bytes(grants), dry_run=True)
    assert result.state is ImportState.CHECKED, result.errors
    assert (result.created, result.updated) == (1, 0)
    assert result.changes[0][:2] == [len(grants), "created"]
    assert _count(IncentiveGrant) == before


def test_the_command_line_takes_the_grants_file_with_the_companies_file(app, tmp_path):
    admin, _pm = _setting()
    companies, grants = _files(admin)
    paths = [tmp_path / name for name in FILES]
    for path, rows in zip(paths, (companies, grants), strict=True):
        path.write_bytes(csv_bytes(rows))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "companies", str(paths[0]), "--grants",
                                 str(paths[1]), "--lang", "en", "--as", admin.email])
    assert result.exit_code == 0, result.output
    assert f"0 created, 0 updated, {len(companies) + len(grants) - 2} unchanged" in (
        result.output)
    result = runner.invoke(args=["import", "funding", str(paths[0]), "--grants",
                                 str(paths[1]), "--as", admin.email])
    assert result.exit_code == 2 and "--grants goes with the companies file" in result.output
    assert _count(Company) == 1


def test_a_required_column_missing_from_either_file_is_named_with_its_file():
    admin, _pm = _setting()
    companies, grants = _files(admin)
    result = together(admin, csv_bytes(companies), csv_bytes(_without(grants, "person")))
    assert result.state is ImportState.FAILED
    assert result.errors == [[1, "incentive_grants.csv, Person", "This column is required."]]


def _upload(client, kind: str, companies, grants, **data):
    return post(client, "/admin/import/", {
        "kind": kind, "file": (io.BytesIO(csv_bytes(companies)), "companies.csv"),
        "grants": (io.BytesIO(csv_bytes(grants)), "grants.csv"), **data},
        content_type="multipart/form-data")


def test_the_upload_page_takes_the_grants_file_with_the_companies_file(client):
    """Both files queued in one run, checked by a dry run, then imported from its page: the
    new grant recorded once; with any other kind, the grants file is refused beside it."""
    admin, _pm = _setting()
    companies, grants = _files(admin)
    _grant_zhou_jiu(grants)
    before = _count(IncentiveGrant)
    login(client, admin)
    assert _upload(client, "companies", companies, grants, dry_run="y").status_code == 302
    checked = db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert (checked.state, checked.files) == (ImportState.QUEUED, "companies.csv + grants.csv")
    assert jobs.work() == 1
    db.session.refresh(checked)
    assert (checked.state, checked.created, checked.updated) == (ImportState.CHECKED, 1, 0)
    assert _count(IncentiveGrant) == before
    page = client.get(f"/admin/import/{checked.id}").get_data(as_text=True)
    assert "companies.csv + grants.csv" in page and "grants.csv · " in page
    assert post(client, f"/admin/import/{checked.id}/import", {}).status_code == 302
    assert jobs.work() == 1
    done = db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert (done.state, done.created, done.files) == (
        ImportState.DONE, 1, "companies.csv + grants.csv"), done.errors
    assert _count(IncentiveGrant) == before + 1
    refused = _upload(client, "funding", companies, grants)
    assert refused.status_code == 400
    assert "An incentive grants file goes with a companies file only." in refused.get_data(
        as_text=True)


def test_a_file_that_cannot_be_read_is_named_and_nothing_is_imported():
    """Either file of the run, or the file of a run of one kind, that is no CSV or XLSX:
    the run fails, naming the file (the run of both) and saying how to save it."""
    admin, _pm = _setting()
    companies, _grants = _files(admin)
    said = "This file cannot be read: save it as CSV (UTF-8) or XLSX."
    entries = db.session.scalar(select(func.count()).select_from(ShareEntry))
    both = replay.run_import(admin, [(FILES[0], io.BytesIO(csv_bytes(companies))),
                                     ("grants.xlsx", io.BytesIO(b"not a workbook"))])
    assert (both.state, both.errors) == (ImportState.FAILED, [[1, "grants.xlsx", said]])
    one = services.run_import(admin, "companies", "companies.pdf", io.BytesIO(b"%PDF-1.4"))
    assert (one.state, one.errors) == (ImportState.FAILED, [[1, "", said]])
    assert (one.filename, one.dry_run, one.changes) == ("companies.pdf", False, [])
    assert db.session.scalar(select(func.count()).select_from(ShareEntry)) == entries
