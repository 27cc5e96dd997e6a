"""An XLSX workbook of one sheet, written as the Office Open XML it is, a row at a time.

openpyxl's write-only mode built an XML element per cell: at 10,000 rows of seven columns that
was most of an export's three seconds. Here each row is one formatted string and the sheet goes
straight into the zip, compressed as it is written; what the file holds is unchanged (typed
cells, money as numbers with two decimals, dates as dates, a bold frozen header, column
widths), and openpyxl reads it back in the tests.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

EPOCH = datetime(1899, 12, 30)  # day 0 of a spreadsheet's dates (1900 system)
# What XML 1.0 cannot hold at all; a carriage return is kept as a character reference (a
# parser would read a literal one as a line feed).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ROWS_PER_WRITE = 500

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
SHEET_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<sheetViews><sheetView workbookViewId="0">\
<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>\
</sheetView></sheetViews>\
<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>"""
SHEET_TAIL = "</sheetData></worksheet>"


def _styles(formats: list[str]) -> str:
    """Style 0 plain, 1 the bold header, 2 onwards one per number format."""
    numbers = "".join(f'<numFmt numFmtId="{164 + i}" formatCode={quoteattr(code)}/>'
                      for i, code in enumerate(formats))
    xfs = "".join(f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" '
                  f'applyNumberFormat="1"/>' for i in range(len(formats)))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<numFmts count="{len(formats)}">{numbers}</numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="{2 + len(formats)}">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            f'{xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
            'builtinId="0"/></cellStyles></styleSheet>')


@lru_cache(maxsize=4096)  # names and labels come again and again in a list
def _text(value: str) -> str:
    return escape(ILLEGAL.sub("", value)).replace("\r", "&#13;")


def _cell(ref: str, value: Any, style: str) -> str:
    """One cell's XML: a number (in the column's style), a date or an instant as a day
    number in a date style, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{style}><v>{format(value, "f")}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        days = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}"{style}><v>{days!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{style}><v>{(value - EPOCH.date()).days}</v></c>'
    text = _text(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def write(headers: list[str], widths: list[int], formats: list[str | None],
          cells: list[Callable[[Any], Any]], rows: Iterable[Any], out: IO[bytes],
          sheet_name: str) -> None:
    """The workbook into `out`: `headers` in bold and frozen, then a line per row of
    `rows`, the value of column i being `cells[i](row)`, in number format `formats[i]`."""
    codes = sorted({f for f in formats if f})
    styles = [f' s="{2 + codes.index(f)}"' if f else "" for f in formats]
    letters = [get_column_letter(i) for i in range(1, len(headers) + 1)]
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths, 1))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK.format(name=quoteattr(_text(sheet_name))))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _styles(codes))
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            header = "".join(f'<c r="{letter}1" s="1" t="inlineStr"><is><t>{_text(text)}</t>'
                             f"</is></c>" for letter, text in zip(letters, headers, strict=True))
            lines = [SHEET_HEAD.format(cols=cols), f'<row r="1">{header}</row>']
            columns = list(zip(letters, cells, styles, strict=True))
            for n, row in enumerate(rows, 2):
                lines.append(f'<row r="{n}">' + "".join(
                    _cell(f"{letter}{n}", cell(row), style)
                    for letter, cell, style in columns) + "</row>")
                if len(lines) >= ROWS_PER_WRITE:
                    sheet.write("".join(lines).encode("utf-8"))
                    lines.clear()
            lines.append(SHEET_TAIL)
            sheet.write("".join(lines).encode("utf-8"))
