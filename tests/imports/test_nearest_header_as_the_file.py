"""The header a refusal suggests ("did you mean …?") is written as the file heads its other
columns, whatever the reader's language (issue 13): in Chinese, in English, or by the
columns' keys, as an export heads them. A file exported by the tracker and edited by hand
(pm_emial) was offered nothing, its keys being no header suggested; a typo in English in a
file headed in Chinese was offered the English header, and the user fixing the file wrote
one column in another language than the others. Where the typo is nearer the header in
another of these, that one follows in brackets, so the user sees which column was meant."""

from __future__ import annotations

import io

from flask_babel import force_locale

from tests.imports.helpers import csv_bytes
from tracker.imports import header_problems, reading
from tracker.imports.columns import KINDS

LANGUAGES = ("zh_CN", "en")

# (kind, the file's header row, its unknown header, the reader's language, what is suggested)
CASES = [
    ("users", ["email", "name", "roles", "locale", "institute_cod"], "institute_cod", "en",
     "did you mean institute_code?"),
    ("projects", ["code", "title", "pm_emial", "institute_code"], "pm_emial", "zh_CN",
     "是否指“pm_email”？"),
    ("users", ["电子邮箱", "Ful name", "角色"], "Ful name", "en",
     "did you mean 姓名 (Full name)?"),
    ("users", ["电子邮箱", "Ful name", "角色"], "Ful name", "zh_CN", "是否指“姓名（Full name）”？"),
    ("enterprises", ["名称", "统一信用代码", "城市"], "统一信用代码", "en",
     "did you mean 统一社会信用代码?"),
    ("enterprises", ["Nmae", "Unified social credit code", "City"], "Nmae", "zh_CN",
     "是否指“Name”？"),
]


def _refusal(kind: str, header: list[str], unknown: str) -> str:
    table = reading.read(KINDS[kind], "file.csv", io.BytesIO(csv_bytes([header, ["x"]])),
                         LANGUAGES)
    [message] = [str(m) for _row, h, m in header_problems.errors(KINDS[kind], table)
                 if h == unknown]
    return message


def test_the_header_suggested_is_written_as_the_files_other_headers(app):
    said = {}
    for kind, header, unknown, lang, _suggested in CASES:
        with app.test_request_context("/"), force_locale(lang):
            said[(kind, unknown, lang)] = _refusal(kind, header, unknown)
    wrong = [(said[(kind, unknown, lang)], suggested)
             for kind, _h, unknown, lang, suggested in CASES
             if suggested not in said[(kind, unknown, lang)]]
    assert wrong == []
