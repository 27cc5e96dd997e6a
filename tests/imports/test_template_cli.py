"""`flask import-template KIND FILE` writes exactly what the upload page offers for KIND (issue
13 point 1: each kind's columns downloadable as a template), CSV or XLSX by FILE's extension,
headers in the language asked: one function makes both (`sheets.template`)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.imports.columns import KINDS


def _sheets(data: bytes) -> list[list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_command_writes_what_the_page_offers_in_either_format(app, client, tmp_path, lang):
    login(client, make_user(Role.HQ_ADMIN, locale=lang))
    runner = app.test_cli_runner()
    for kind in KINDS:
        for fmt in ("csv", "xlsx"):
            file = tmp_path / f"{kind}-template.{fmt.upper() if kind == 'needs' else fmt}"
            result = runner.invoke(args=["import-template", kind, str(file), "--lang", lang])
            assert result.exit_code == 0, result.output
            offered = client.get(f"/admin/import/templates/{kind}.{fmt}").data
            if fmt == "csv":
                assert file.read_bytes() == offered, kind
            else:  # the same sheets, cell for cell (the file's own metadata dates it)
                assert _sheets(file.read_bytes()) == _sheets(offered), kind


def test_the_headers_are_in_the_language_asked(app, tmp_path):
    file = tmp_path / "institutes.csv"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-template", "institutes", str(file), "--lang", "zh_CN"]
                         ).exit_code == 0
    assert file.read_text(encoding="utf-8-sig").startswith("代码,名称,")
    assert runner.invoke(args=["import-template", "institutes", str(file), "--lang", "en"]
                         ).exit_code == 0
    assert file.read_text(encoding="utf-8-sig").startswith("Code,Name,")


def test_a_file_neither_csv_nor_xlsx_is_refused_before_anything_is_written(app, tmp_path):
    file = tmp_path / "institutes.ods"
    result = app.test_cli_runner().invoke(args=["import-template", "institutes", str(file)])
    assert result.exit_code == 2 and "end it in .csv or .xlsx" in result.output
    assert not file.exists()
