"""A users file's Language column is read as people write a language, and its note says the
languages by name (issue 13): the note said only "zh_CN or en", and zh, zh-Hans or en-US were
refused though 中文, 英文 and Chinese were read. One rule beside the names: a language tag is
read as the tracker's language of its language, whatever region or script it adds
(`choice_names.locale_of`); a language the tracker has not is refused, the form listing the
ones it has."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role, User
from tracker.imports.column_notes import how_to_fill
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState

# As written: the language read.
WRITTEN = {"中文": "zh_CN", "简体中文": "zh_CN", "Chinese": "zh_CN", "zh_CN": "zh_CN",
           "zh": "zh_CN", "ZH": "zh_CN", "zh-CN": "zh_CN", "zh-Hans": "zh_CN", "ｚｈ": "zh_CN",
           "English": "en", "英文": "en", "英语": "en", "en": "en", "EN": "en", "en-US": "en",
           "en_GB": "en"}


# Languages the tracker has not, and no language at all: refused beside the column.
REFUSED = ["de", "Deutsch", "cn", "zh_CN_x"]


def test_a_language_is_read_by_its_name_its_code_or_a_tag_of_it_and_nothing_else():
    admin = make_user(Role.HQ_ADMIN)
    header = ["E-mail", "Full name", "Language"]
    refused = run(admin, "users", [header, *([f"r{n}@example.cn", "R", text]
                                             for n, text in enumerate(REFUSED))], dry_run=True)
    assert [(row, column) for row, column, _m in refused.errors] == [
        (row, "Language") for row in range(2, 2 + len(REFUSED))]
    emails = {f"u{n}@example.cn": text for n, text in enumerate(WRITTEN)}
    rows = [header, *([email, f"User {n}", text] for n, (email, text) in enumerate(emails.items()))]
    result = run(admin, "users", rows)
    assert (result.state, result.created) == (ImportState.DONE, len(WRITTEN)), result.errors
    read = {u.email: u.locale for u in db.session.scalars(select(User)) if u.id != admin.id}
    assert {emails[email]: locale for email, locale in read.items()} == WRITTEN


@pytest.mark.parametrize(("lang", "said"), [
    ("zh_CN", ["简体中文（zh_CN）", "English（en）", "zh、en-US"]),
    ("en", ["简体中文 (zh_CN)", "English (en)", "zh, en-US"])])
def test_the_note_names_the_languages_and_what_is_read(app, lang, said):
    with app.test_request_context("/"), force_locale(lang):
        note = how_to_fill(KINDS["users"].column("locale"))
    assert all(words in note for words in said), note
