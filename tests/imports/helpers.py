"""Running an import from rows written in a test."""

from __future__ import annotations

import csv
import io

from tracker.imports import services


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def run(actor, kind: str, rows: list[list[str]], **kwargs):
    return services.run_import(actor, kind, f"{kind}.csv", io.BytesIO(csv_bytes(rows)),
                               **kwargs)
