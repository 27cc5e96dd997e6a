"""A header as another system's template writes it is read as the column's (issue 13): a
required-marker (标题*, Title *, ＊标题), a colon after it (标题：), spaces around it, brackets
and signs of either width ((%) or （%）), in every column of every kind, in either language.
They were refused as "No such column"."""

from __future__ import annotations

import io

import pytest

from tests.imports.helpers import csv_bytes
from tracker.imports import reading
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS

LANGUAGES = ("zh_CN", "en")

WIDE = str.maketrans("()%:", "（）％：")
NARROW = str.maketrans("（）％：", "()%:")

VARIANTS = {
    "starred": lambda h: f"{h}*",
    "starred after a space": lambda h: f"{h} *",
    "full-width star": lambda h: f"{h}＊",
    "star before": lambda h: f"*{h}",
    "full-width star before": lambda h: f"＊{h}",
    "colon": lambda h: f"{h}:",
    "full-width colon": lambda h: f"{h}：",
    "spaces around": lambda h: f"  {h}\t",
    "star and colon": lambda h: f"{h}*：",
    "full-width brackets": lambda h: h.translate(WIDE),
    "half-width brackets": lambda h: h.translate(NARROW),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_every_header_is_read_as_a_template_marks_it(app, kind, variant):
    written = VARIANTS[variant]
    with app.test_request_context("/"):
        for lang in LANGUAGES:
            headers = [written(header_in(c.header, lang)) for c in kind.columns]
            table = reading.read(kind, "file.csv", io.BytesIO(csv_bytes([headers])),
                                 LANGUAGES)
            assert table.unknown == [], (lang, table.unknown)
            assert list(table.columns.values()) == [c.key for c in kind.columns], lang


def test_a_header_is_not_read_for_another_after_its_marks(app):
    """Only the marks go: a header that says something else is still refused."""
    kind = KINDS["institutes"]
    with app.test_request_context("/"):
        table = reading.read(kind, "file.csv", io.BytesIO(csv_bytes([["Code*", "Codes*"]])),
                             LANGUAGES)
    assert list(table.columns.values()) == ["code"]
    assert table.unknown == [(1, "Codes*")]
