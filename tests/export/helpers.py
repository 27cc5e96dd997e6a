"""Reading an export back the way a spreadsheet user's tools would: the csv module, openpyxl."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.test_query_counts import HARNESS, counting
from tracker import db


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset") == "utf-8"
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "no byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.get_data())).active


def xlsx_rows(response) -> list[list]:
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


def export_statements(client, engine, path: str) -> list[str]:
    """The statements one export runs, its body read to the end inside the count."""
    db.session.expire_all()
    with counting(engine) as statements:
        response = client.get(path)
        assert response.status_code == 200, path
        response.get_data()
    return [s for s in statements if not s.startswith(HARNESS)]
