"""Every character a page can show has a glyph in the fonts a Debian desktop has.

An emoji bell rendered as an empty box in Debian's Chromium: no font on a plain Debian machine
(DejaVu, Liberation, WenQuanYi Micro Hei) draws U+1F514. Icons are inline SVG instead; this test
reads the templates and both catalogues and fails on any character those fonts lack, before a
user sees a box.
"""
from __future__ import annotations

import pathlib
import unicodedata

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.no_db  # reads the catalogue and the font only: run once (pyproject.toml)

ROOT = pathlib.Path(__file__).resolve().parent.parent
FONTS = [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", None),
]


def _covered() -> set[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    found = [(path, index) for path, index in FONTS if pathlib.Path(path).exists()]
    if not found:
        pytest.skip("neither WenQuanYi Micro Hei nor DejaVu Sans is installed (make fonts)")
    covered: set[int] = set()
    for path, index in found:
        font = TTFontFile(path, subfontIndex=index) if index is not None else TTFontFile(path)
        covered.update(font.charToGlyph)
    return covered


def _texts():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "tracker" / "translations").rglob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for text in (*ids, *strings):
                    if text:
                        yield f"{path.relative_to(ROOT)} {ids[0][:40]!r}", text


def test_every_character_shown_has_a_glyph():
    covered = _covered()
    missing = {}
    for where, text in _texts():
        for char in text:
            if ord(char) > 0x7F and not char.isspace() and ord(char) not in covered:
                missing.setdefault(f"U+{ord(char):04X} {unicodedata.name(char, '?')}", where)
    assert not missing, missing

