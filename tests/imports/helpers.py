"""Running an import from rows written in a test."""

from __future__ import annotations

import csv
import io

from tests.factories import make_hq, make_user, uscc_for
from tracker.accounts.models import Role
from tracker.imports import services


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def run(actor, kind: str, rows: list[list[str]], **kwargs):
    return services.run_import(actor, kind, f"{kind}.csv", io.BytesIO(csv_bytes(rows)),
                               **kwargs)


def another_company(row: list[str], n: int) -> list[str]:
    """A companies row for another company (its own name and credit code): a file gives
    each company once, and a second row of one is refused as given twice."""
    return [f"{row[0]} {n}", uscc_for(900 + n), *row[2:]]


def hq_admin_on_a_path(request, monkeypatch, adapter: type):
    """An HQ admin of a new headquarters, for a fixture parametrised over an import's two
    paths: "row by row" takes `adapter`'s bulk path away."""
    make_hq()
    if request.param == "row by row":
        monkeypatch.setattr(adapter, "batch", lambda self, actor: None)
    return make_user(Role.HQ_ADMIN)
