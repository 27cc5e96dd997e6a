"""Every header an import template ever had is still read (issue 13): a template downloaded
before a header was renamed imports as it did. The Chinese of three headers changed while
their English stayed, and files headed so were refused as having unknown columns:
结束或暂停时所在阶段 (now 结束或暂缓时所在阶段: HOLD is 暂缓, 3a394241), 关口通过日期
(阶段门通过日期: a gate is 阶段门, 91f57f51) and 分期拨付 (拨付批次, 08d19483). A former
translation is kept as a `column_types.Former` alias; a former English header as a lazy
string alias (Field, read as "Field as described").

`PUBLISHED` is every header of every kind's columns in both languages at every commit of the
history that touched the import or the catalogue (git rev-list, each commit's
`Column("key", _l("Header"))` in tracker/imports, the enterprises' recognitions' labels, which
head their columns (tracker/organisations/models.py RECOGNITIONS), and each header's msgstr in
the catalogue of that commit), by the column that reads it now (the institutes' `region` is
`region_id`), kept in published_headers.json beside this module. A
header renamed from now on is added here beside the old one: the last test asks it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask_babel import force_locale

from tests.imports.helpers import csv_bytes
from tracker.imports import headings, reading
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS

LANGUAGES = ("zh_CN", "en")

# {kind: {column key now: [every header it had, in either language]}}
PUBLISHED = json.loads((Path(__file__).parent / "published_headers.json").read_text("utf-8"))

EVERY = [(kind, key, header) for kind, columns in PUBLISHED.items()
         for key, headers in columns.items() for header in headers]


def _read(kind: str, header: str) -> reading.Table:
    """A file of `kind` headed by `header` alone, and one row."""
    return reading.read(KINDS[kind], f"{kind}.csv", io.BytesIO(csv_bytes([[header], ["x"]])),
                        LANGUAGES)


def test_every_header_ever_published_is_still_read_as_its_column(app):
    with app.test_request_context("/"):
        unread = [(kind, key, header) for kind, key, header in EVERY
                  for table in [_read(kind, header)]
                  if table.unknown or list(table.columns.values()) != [key]]
    assert unread == []


@pytest.mark.parametrize(("kind", "key", "former", "now"), [
    ("projects", "ended_in", "结束或暂停时所在阶段", "结束或暂缓时所在阶段"),
    ("projects", "gates_passed_on", "关口通过日期", "阶段门通过日期"),
    ("funding", "tranches", "分期拨付", "拨付批次"),
])
def test_a_former_chinese_header_is_named_with_the_one_the_template_has(app, kind, key, former,
                                                                      now):
    """A problem names the column as the file headed it, then as the template heads it; its
    notes say the former header in Chinese only (its English is the header's own)."""
    column = KINDS[kind].column(key)
    with app.test_request_context("/"), headings.headed(KINDS[kind], {key: former}):
        with force_locale("zh_CN"):
            assert headings.named(KINDS[kind], key) == f"{former}（{now}）"
            assert column.headers_before("zh_CN") == [former]
        assert column.headers_before("en") == []


def test_every_header_and_former_header_now_is_published_above(app):
    """A header renamed (its English or its Chinese) fails here until it is added to
    PUBLISHED, where the old one stays and must still be read. A column added since is
    listed when someone adds it, and checked from then on."""
    with app.test_request_context("/"):
        now = [(kind.name, column.key, header) for kind in KINDS.values()
               for column in kind.columns if column.key in PUBLISHED.get(kind.name, {})
               for lang in LANGUAGES
               for header in (header_in(column.header, lang), *column.headers_before(lang))]
    assert [entry for entry in now if entry not in EVERY] == []
