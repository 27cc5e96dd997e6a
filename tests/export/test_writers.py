"""The file writers on their own: types, the header's language, formula injection."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from tracker.export.columns import Column, Kind, as_written, neutralised
from tracker.export.writers import write_csv, write_xlsx
from tracker.projects.lifecycle import Phase

COLUMNS = [
    Column(_l("Title"), lambda r: r["title"]),
    Column(_l("Phase"), lambda r: r["phase"], Kind.LABEL),
    Column(_l("Budget"), lambda r: r["money"], Kind.MONEY, 18),
    Column(_l("Due"), lambda r: r["due"], Kind.DATE),
    Column(_l("When"), lambda r: r["at"], Kind.INSTANT),
    Column(_l("Days late"), lambda r: r["n"], Kind.INT),
]
ROW = {"title": "碳化硅衬底", "phase": Phase.CONTRACT_RESEARCH, "money": Decimal("1234567.5"),
       "due": date(2026, 3, 1), "at": datetime(2026, 3, 1, 16, 30, tzinfo=UTC), "n": 7}


def _xlsx(rows, locale="en"):
    out = io.BytesIO()
    with force_locale(locale):
        write_xlsx(COLUMNS, rows, out, title="Projects")
    out.seek(0)
    return load_workbook(out).active


def test_xlsx_cells_are_typed(app):
    with app.test_request_context():
        sheet = _xlsx([ROW])
    header, row = list(sheet.iter_rows())
    assert [c.value for c in header] == ["Title", "Phase", "Budget (CNY)", "Due", "When",
                                         "Days late"]
    assert all(c.font.bold for c in header)
    title, phase, money, due, at, late = row
    assert title.value == "碳化硅衬底"
    assert phase.value == "Contract research"
    assert money.value == 1234567.5 and money.data_type == "n"
    assert money.number_format == "#,##0.00"
    assert due.value == datetime(2026, 3, 1) and due.is_date
    assert at.value == datetime(2026, 3, 2, 0, 30)  # Asia/Shanghai, the organisation's zone
    assert late.value == 7
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 18


def test_headers_and_labels_in_the_users_language(app):
    with app.test_request_context():
        sheet = _xlsx([ROW], "zh_CN")
        with force_locale("zh_CN"):
            text = b"".join(write_csv(COLUMNS, [ROW])).decode("utf-8-sig")
    header = [c.value for c in next(sheet.iter_rows())]
    assert "预算（元）" in header and "阶段" in header, header
    assert header == next(csv.reader(io.StringIO(text)))
    assert "合同科研" in text


def test_csv_has_a_bom_and_plain_values(app):
    with app.test_request_context():
        body = b"".join(write_csv(COLUMNS, [ROW]))
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1] == ["碳化硅衬底", "Contract research", "1234567.50", "2026-03-01",
                       "2026-03-02 00:30:00", "7"]


def test_formula_injection_is_neutralised_in_both_files(app):
    nasty = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "a=b"]
    rows = [dict(ROW, title=t, money=Decimal("-5")) for t in nasty]
    with app.test_request_context():
        sheet = _xlsx(rows)
        body = b"".join(write_csv(COLUMNS, rows)).decode("utf-8-sig")
    cells = [row[0] for row in list(sheet.iter_rows())[1:]]
    # XLSX: string cells, which no spreadsheet evaluates, holding the text as it is (a leading
    # apostrophe there is a character the reader sees: issue 9, F45).
    # (Without lxml, openpyxl's XML keeps no carriage return: it is read as a line feed.)
    assert ([c.value.replace("\r", "\n") for c in cells]
            == [t.replace("\r", "\n") for t in nasty])
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.value.startswith("'") for c in cells)
    titles = [r[0] for r in list(csv.reader(io.StringIO(body)))[1:]]
    assert titles == [neutralised(t) for t in nasty]
    assert titles == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\t=1",
                      "'\r=1", "a=b"]
    # Numbers are numbers: a negative amount is not text and not neutralised.
    assert list(sheet.iter_rows())[1][2].value == -5


def test_a_negative_whole_number_is_a_number_and_an_apostrophe_is_doubled(app):
    """A count or a change that is whole and negative (an assessment's change over last year:
    -5) is written as -5, not as the text '-5 the old writer made of every int; a text that
    starts with an apostrophe gets a second, so the file says which apostrophe neutralises
    (the import reads it back, `as_written`)."""
    rows = [dict(ROW, title="'quoted", n=-5), dict(ROW, title="'=1", n=-3)]
    with app.test_request_context():
        body = b"".join(write_csv(COLUMNS, rows)).decode("utf-8-sig")
    written = [(r[0], r[5]) for r in list(csv.reader(io.StringIO(body)))[1:]]
    assert written == [("''quoted", "-5"), ("''=1", "-3")]
    assert [as_written(title) for title, _n in written] == ["'quoted", "'=1"]


def test_a_large_csv_comes_in_chunks(app):
    with app.test_request_context():
        chunks = list(write_csv(COLUMNS, [ROW] * 1200))
    assert len(chunks) == 3


def test_a_number_is_written_as_the_page_shows_it(app):
    """A day count stored in tenths, 14.0, read 14 on the page and 14.0 in the file (found by
    a newcomer in the needs export); shares stored with decimals likewise."""
    days = Column(_l("Days to match"), lambda r: r, Kind.NUMBER)
    with app.test_request_context():
        assert [days.cell(Decimal(v)) for v in ("14.0", "1000000.00", "2.50")] == [
            14, 1000000, Decimal("2.5")]
        assert [days.shown(Decimal(v)) for v in ("14.0", "2.50")] == ["14", "2.5"]
        body = b"".join(write_csv([days], [Decimal("14.0"), Decimal("2.50")]))
        sheet = _xlsx_of([days], [Decimal("14.0")])
    assert body.decode("utf-8-sig").splitlines()[1:] == ["14", "2.5"]
    assert sheet.cell(2, 1).value == 14 and sheet.cell(2, 1).data_type == "n"


def _xlsx_of(columns, rows):
    out = io.BytesIO()
    write_xlsx(columns, rows, out, title="Needs")
    out.seek(0)
    return load_workbook(out).active


def test_a_percentage_a_price_and_a_ratio_are_written_with_the_pages_decimals(app):
    """An institute's stake of nothing was written 0 beside HQ's 25.00 (issue 9, T22); a
    price stored whole read 12 where the page says 12.00; a multiple of thirds ran to 28
    decimals where the page shows three."""
    stake = Column(_l("Stake"), lambda r: r, Kind.PCT)
    price = Column(_l("Price"), lambda r: r, Kind.PRICE)
    multiple = Column(_l("Multiple"), lambda r: r, Kind.NUMBER)
    with app.test_request_context():
        cases = [(stake, [0, Decimal("25"), Decimal("33.3333")]),
                 (price, [Decimal("12"), Decimal("1.23456789"), Decimal("100.0000")]),
                 (multiple, [Decimal(7) / Decimal(3), Decimal("13.00"), Decimal("0.5")])]
        for column, values in cases:
            body = b"".join(write_csv([column], values)).decode("utf-8-sig")
            written = body.splitlines()[1:]
            # The page writes a price with its currency (CN¥12.00); the file the number alone.
            assert written == [column.shown(v).replace(",", "").rstrip("%").removeprefix("CN¥")
                               for v in values]
