"""What each import column is said to hold (issue 13): the upload page, the XLSX template's
notes and the README's tables say the same text (`column_notes.how_to_fill`), in the reader's
language, and every ledger column that reads reversals says how one is written."""

from __future__ import annotations

import html
import io
import re
from functools import partial
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.conftest import login
from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.imports import (
    cap_tables,
    companies,
    company_events,
    contracts,
    funding_cells,
    ip_deals,
    ledger_lines,
)
from tracker.imports.cells import CellError
from tracker.imports.column_notes import how_to_fill, readme_table, reversal_note
from tracker.imports.columns import KINDS

README = Path(__file__).resolve().parents[2] / "README.md"

# Each ledger cell's reader, by kind and column: each one reads `reversal | N | date | reason`.
READERS = {
    ("contracts", "payments"): contracts.payments,
    ("funding", "disbursements"): funding_cells.disbursements,
    ("funding", "co_funder_payments"): funding_cells.co_funder_payments,
    ("companies", "holdings"): partial(cap_tables.holdings, on="2020-03-01", total=""),
    ("companies", "rounds"): companies.rounds,
    ("companies", "issues"): ledger_lines.issues,
    ("companies", "transfers"): ledger_lines.transfers,
    ("companies", "conversions"): company_events.conversions,
    ("companies", "reversed_exits"): company_events.reversed_exits,
    ("ip_deals", "reports"): ip_deals.reports,
    ("ip_deals", "receipts"): ip_deals.receipts,
}


def _reversible() -> set[tuple[str, str]]:
    return {(kind.name, c.key) for kind in KINDS.values() for c in kind.columns if c.reversible}


def test_the_readme_has_every_kinds_table_as_the_page_says_it():
    readme = README.read_text()
    missing = [kind.name for kind in KINDS.values() if readme_table(kind) not in readme]
    assert missing == [], "run `flask import-columns` and paste the tables into the README"


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_upload_page_says_every_column_the_import_reads(client, locale):
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = html.unescape(client.get("/admin/import/").get_data(as_text=True))
    text_of = html.unescape(re.sub(r"</?code>", "", client.get("/admin/import/").get_data(
        as_text=True)))
    with force_locale(locale):
        shown = {(kind.name, c.key): (str(c.header), c.shown, how_to_fill(c))
                 for kind in KINDS.values() for c in kind.columns}
        syntax = reversal_note()
    missing = [key for key, (header, code, text) in shown.items()
               if f"<td>{header} <code>{code}</code></td>" not in page
               or f"<td>{text}</td>" not in text_of]
    assert missing == []
    assert all(syntax in shown[key][2] for key in _reversible())
    assert ("冲销 | " in syntax) == (locale == "zh_CN")


def test_every_ledger_column_that_reads_reversals_says_how_and_no_other():
    assert _reversible() == set(READERS)
    for (kind, column), read in READERS.items():
        with pytest.raises(CellError, match="Write a reversal as reversal"):
            read("reversal | the first | 2024-08-01 | entered twice")
        with force_locale("en"):
            text = how_to_fill(KINDS[kind].column(column))
        assert "followed by reversal | its number in this cell" in text, (kind, column)


def test_the_xlsx_templates_notes_say_the_reversal_of_a_ledger_column(client):
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    book = load_workbook(io.BytesIO(client.get("/admin/import/templates/companies.xlsx").data),
                         read_only=True)
    notes = {row[0]: row[2] for row in book.worksheets[1].iter_rows(values_only=True)}
    with force_locale("zh_CN"):
        for column in KINDS["companies"].columns:
            assert (notes[str(column.header)] or "") == how_to_fill(column)
        assert reversal_note() in notes[str(KINDS["companies"].column("issues").header)]
