"""Every kind's template, as the upload page hands it out (CSV and XLSX, in the reader's
language), is what the README documents: the README's table of that kind lists exactly the
template's columns, in its order, by their English and their Chinese headers; the README has
a table for every kind the page offers and for no other; and the import reads each template
back, its Chinese headers as its English ones (issue 13, point 1)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.factories import install_gates, make_hq, make_user
from tracker.accounts.models import Role
from tracker.imports import services
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState

README = Path(__file__).resolve().parents[2] / "README.md"
# A kind's table: "`kind`: Title, found again by ..." and the table below it.
TABLE = re.compile(r"^`(\w+)`: [^\n]*\n(?:[^|\n][^\n]*\n)*\n?((?:\|[^\n]*\n)+)", re.M)


def _readme_tables() -> dict[str, list[tuple[str, str]]]:
    """Each documented kind's columns: (English header, Chinese header), in order."""
    tables = {}
    for kind, table in TABLE.findall(README.read_text()):
        lines = table.splitlines()
        if not lines[0].startswith("| column (key) | 中文表头 |"):
            continue
        cells = [re.split(r"(?<!\\)\|", line)[1:3] for line in lines[2:]]
        tables[kind] = [(re.sub(r" \(`\w+`\)$", "", en.strip()), zh.strip())
                        for en, zh in cells]
    return tables


def _template(client, kind: str, fmt: str) -> list[str]:
    response = client.get(f"/admin/import/templates/{kind}.{fmt}")
    assert response.status_code == 200, (kind, fmt)
    if fmt == "csv":
        return next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return [str(v) for v in next(book.worksheets[0].iter_rows(values_only=True))]


def test_the_readme_has_a_table_for_every_kind_the_upload_page_offers_and_no_other(client):
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/admin/import/").get_data(as_text=True)
    offered = set(re.findall(r"/admin/import/templates/(\w+)\.csv", page))
    assert offered == set(KINDS)
    assert set(_readme_tables()) == offered


@pytest.mark.parametrize(("locale", "side"), [("en", 0), ("zh_CN", 1)])
def test_the_readme_lists_exactly_each_templates_columns_in_its_order(client, locale, side):
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    documented = _readme_tables()
    differ = {}
    for kind in KINDS:
        csv_headers, xlsx_headers = _template(client, kind, "csv"), _template(client, kind, "xlsx")
        assert csv_headers == xlsx_headers, kind
        if [pair[side] for pair in documented[kind]] != csv_headers:
            differ[kind] = (csv_headers, [pair[side] for pair in documented[kind]])
    assert differ == {}, "run `flask import-columns` and paste the tables into the README"


@pytest.mark.parametrize(("locale", "fmt"), [("en", "csv"), ("zh_CN", "xlsx"),
                                             ("zh_CN", "csv"), ("en", "xlsx")])
def test_the_import_reads_every_template_back_in_either_language(client, locale, fmt):
    make_hq()
    install_gates()  # what a projects file needs (`Kind.needs`)
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    login(client, admin)
    for kind in KINDS:
        data = client.get(f"/admin/import/templates/{kind}.{fmt}").data
        result = services.run_import(admin, kind, f"{kind}.{fmt}", io.BytesIO(data),
                                     dry_run=True)
        assert (result.state, result.errors) == (ImportState.CHECKED, []), (kind, result.errors)
