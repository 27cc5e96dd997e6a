"""A document's content as an A4 PDF, the same bytes every time for the same content.

Why reportlab: it embeds a subset of a TrueType font taken from the system (Debian's
fonts-wqy-microhei, a .ttc it reads by index), with a ToUnicode map so the text can be read back
and searched; it needs nothing from the network at run time and no system library beyond the
font; and its invariant mode fixes what would change between runs (creation date, document id).
The metadata (title, author, producer) come from the content too. Nothing here reads the clock,
the database or a random source: `render(content)` is a pure function of its argument and of
the font file.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from flask import current_app
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "TrackerDocumentFont"
# How a content is laid out, stored in it ("layout") so that a document issued before a change
# of the layout is still made again byte for byte from its record. 1: every paragraph broken
# anywhere (as Chinese is), the signature free to fall alone on the last page. 2: text without
# Chinese broken between words only, and the signature kept with what comes before it.
LAYOUT = 2
RED = colors.HexColor("#c00000")  # the red letterhead of official papers (红头)
MARGIN = 22 * mm
# Room a section's heading needs below it (itself and the first lines of what follows) not to
# be left alone at the foot of a page.
HEADING_ROOM = 35 * mm


class FontMissing(RuntimeError):
    """The Chinese font the documents are set in is not installed."""


def _font() -> str:
    """The configured system font (DOCUMENT_FONT, a .ttf, or a .ttc with DOCUMENT_FONT_INDEX),
    registered once per process under a name of its own path and index."""
    path = Path(current_app.config["DOCUMENT_FONT"])
    index = current_app.config["DOCUMENT_FONT_INDEX"]
    name = f"{FONT}-{hashlib.sha256(f'{path}:{index}'.encode()).hexdigest()[:12]}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    if not path.is_file():
        raise FontMissing(str(path))
    pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    return name


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "body": base,
        "letterhead": ParagraphStyle("letterhead", parent=base, fontSize=22, leading=30,
                                     alignment=TA_CENTER, textColor=RED),
        "number": ParagraphStyle("number", parent=base, fontSize=10.5, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26,
                                alignment=TA_CENTER, spaceBefore=6, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12.5, leading=19,
                                  spaceBefore=10, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def _has_cjk(text: str) -> bool:
    """Whether `text` holds a Chinese (or Japanese, Korean) character or punctuation."""
    return any("\u2e80" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\uff00" <= c <= "\uffef"
               for c in text)


def _p(text: Any, style: ParagraphStyle, layout: int = LAYOUT) -> Paragraph:
    """A paragraph of plain text: escaped (HQ's wording is text, not markup), line breaks
    kept. Chinese is broken between any two characters; other text between words (a word
    longer than its column alone is cut)."""
    text = str(text)
    if layout >= 2 and not _has_cjk(text):
        style = ParagraphStyle(f"{style.name}-words", parent=style, wordWrap=None)
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _grid(rows: list[list[Any]], style: ParagraphStyle, widths: list[float] | None = None,
          header: bool = True, total: bool = False, layout: int = LAYOUT) -> Table:
    table = Table([[_p(cell, style, layout) for cell in row] for row in rows], colWidths=widths,
                  repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    if total:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f6f6f6")))
    table.setStyle(TableStyle(commands))
    return table


def _widths(section: dict[str, Any], width: float) -> list[float]:
    """The section's own shares of the width, else a first column (what each row is about)
    wider than the others, which share the rest."""
    if section.get("widths"):
        return [width * share for share in section["widths"]]
    columns = len(section["columns"])
    first = 0.28 if columns == 2 else 0.34
    return [width * first] + [width * (1 - first) / (columns - 1)] * (columns - 1)


def _story(content: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list:
    layout = content.get("layout", 1)
    width = A4[0] - 2 * MARGIN
    story: list = [
        _p(content["letterhead"], styles["letterhead"], layout),
        HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=2, spaceAfter=6),
        _p(content["number_line"], styles["number"], layout),
        _p(content["title"], styles["title"], layout),
    ]
    if content.get("opening"):
        story += [_p(content["opening"], styles["body"], layout), Spacer(1, 6)]
    story.append(_grid([list(pair) for pair in content["fields"]], styles["cell"],
                       widths=[width * 0.28, width * 0.72], header=False, layout=layout))
    sections = content["sections"]
    tail: list = []  # layout 2: what the signature is kept with, on the same page
    for number, section in enumerate(sections, start=1):
        last = layout >= 2 and number == len(sections)
        heading = _p(section["heading"], styles["heading"], layout)
        part = [heading]
        if section.get("text") is not None:
            part.append(_p(section["text"] or "—", styles["body"], layout))
        if section.get("columns"):
            rows = [section["columns"], *section["rows"]]
            widths, total = _widths(section, width), bool(section.get("total"))
            if last and len(rows) > 3:
                # The last two rows go with the signature: it never stands alone on a page.
                part.append(_grid(rows[:-2], styles["cell"], widths=widths, layout=layout))
                tail.append(_grid(rows[-2:], styles["cell"], widths=widths, header=False,
                                  total=total, layout=layout))
            else:
                part.append(_grid(rows, styles["cell"], total=total, widths=widths,
                                  layout=layout))
        if layout < 2:
            story.append(KeepTogether(part[:2]) if len(part) > 1 else part[0])
            story += part[2:]
        elif last and not tail:
            tail = part  # a text section: with the signature
        else:
            # A heading is never left at the foot of a page: a new page when little is left,
            # and a long table then runs on over the pages, its header repeated.
            story += [CondPageBreak(HEADING_ROOM), *part]
    signature: list = [Spacer(1, 14)]
    if content.get("closing"):
        signature += [_p(content["closing"], styles["body"], layout), Spacer(1, 10)]
    signature += [_p(content["issuer"], styles["right"], layout),
                  _p(content["date"], styles["right"], layout)]
    if layout < 2:
        return story + signature
    return [*story, KeepTogether([*tail, *signature])]


def _numbered_canvas(content: dict[str, Any], font: str) -> type[canvas.Canvas]:
    """A canvas that holds its pages back until the last, then writes on each its header (the
    document number and the final-version mark) and "page n of N"."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._frame(number, total)
                super().showPage()
            super().save()

        def _frame(self, number: int, total: int) -> None:
            page_width, page_height = A4
            self.saveState()
            self.setFont(font, 9)
            self.setFillColor(colors.black)
            self.drawString(MARGIN, page_height - 12 * mm, content["number"])
            self.setFillColor(RED)
            self.drawRightString(page_width - MARGIN, page_height - 12 * mm,
                                 content["final_mark"])
            self.setStrokeColor(RED)
            self.rect(page_width - MARGIN - self.stringWidth(content["final_mark"], font, 9)
                      - 2 * mm, page_height - 13.5 * mm,
                      self.stringWidth(content["final_mark"], font, 9) + 4 * mm, 5.5 * mm)
            self.setFillColor(colors.black)
            self.drawCentredString(page_width / 2, 10 * mm,
                                   content["page_label"] % {"page": number, "pages": total})
            self.restoreState()

    return NumberedCanvas


def render(content: dict[str, Any]) -> bytes:
    """The PDF of `content` (built by `tracker.documents.content`)."""
    font = _font()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, invariant=1, title=f"{content['title']} {content['number']}",
        author=content["issuer"], subject=content["subject"], creator="tracker",
        producer="tracker", lang="zh-CN" if content["language"] == "zh_CN" else "en",
        initialFontName=font)
    document.build(_story(content, _styles(font)),
                   canvasmaker=_numbered_canvas(content, font))
    return out.getvalue()
