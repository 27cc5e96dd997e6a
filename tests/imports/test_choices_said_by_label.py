"""The notes of a choice column name each choice by its label in the reader's language and its
code (issue 13): the Chinese help listed planned, in_progress, submitted, accepted, waived, and
a Chinese reader had to guess which was 已验收. Now 已验收（accepted）, Accepted (accepted): in
the column's notes (`column_notes.how_to_fill`), on the upload page, in the XLSX template's
notes sheet and in the README's tables (which `test_column_notes` holds to the same text)."""

from __future__ import annotations

import html
import io

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.conftest import login
from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.display.labels import label
from tracker.imports.column_notes import how_to_fill
from tracker.imports.columns import KINDS

CHOICE_COLUMNS = [(kind.name, column) for kind in KINDS.values() for column in kind.columns
                  if column.choices is not None]
# A choice as each language writes it beside its code.
BESIDE = {"zh_CN": "{label}（{code}）", "en": "{label} ({code})"}


def _said(column, lang: str, code=str) -> list[str]:
    with force_locale(lang):
        return [BESIDE[lang].format(label=label(member), code=code(member.value))
                for member in column.offered or column.choices]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_choice_column_names_each_choice_by_its_label_and_code(app, lang):
    with app.test_request_context("/"):
        missing = []
        for kind, column in CHOICE_COLUMNS:
            with force_locale(lang):
                text = how_to_fill(column)
            missing += [(kind, column.key, said) for said in _said(column, lang)
                        if said not in text]
    assert missing == []


def test_the_milestone_state_in_chinese(app):
    with app.test_request_context("/"), force_locale("zh_CN"):
        text = how_to_fill(KINDS["milestones"].column("state"))
    assert "已计划（planned）、进行中（in_progress）、已提交（submitted）、已验收（accepted）、" \
           "已豁免（waived）" in text, text


def test_the_upload_page_in_chinese_names_them_by_label(client):
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = html.unescape(client.get("/admin/import/").get_data(as_text=True))
    missing = [said for _kind, column in CHOICE_COLUMNS
               for said in _said(column, "zh_CN", "<code>{}</code>".format) if said not in page]
    assert missing == []


def test_the_xlsx_templates_notes_in_chinese_name_them_by_label(client):
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    book = load_workbook(io.BytesIO(client.get("/admin/import/templates/milestones.xlsx").data),
                         read_only=True)
    notes = {row[0]: row[2] for row in book.worksheets[1].iter_rows(values_only=True)}
    assert "已验收（accepted）" in notes["状态"], notes
