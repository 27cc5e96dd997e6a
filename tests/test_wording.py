"""The words users read: one Chinese term for each thing across the catalogue, no developer
wording (file names of the source, configuration keys, library names) in a message, and dates
in messages formatted as the pages format them, never as ISO strings."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from tracker.dates import out_of_range
from tracker.display import formatting
from tracker.display.history import kind_of, shown
from tracker.display.history_names import model_of
from tracker.organisations.models import INSTITUTE_TYPE_LABELS, InstituteType
from tracker.web import corrections

pytestmark = pytest.mark.no_db  # reads the catalogue and templates only: run once (pyproject.toml)

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tracker/translations/zh/LC_MESSAGES/messages.po"

# The term the catalogue uses, and the ones it must not use for the same thing.
# 新立项项目: the annual report's "New projects" rows read 新立项项目 and 新立项目 in one table
# (a newcomer's walk). 暂缓: HOLD and on hold, as the pages say it (the import's notes and
# messages said 暂停); 道门: "立项评审（第 1 道门）" for gate 1, 阶段门 1 on the pages; 衍生公司:
# the spin-off company, said 衍生企业 in three messages (issue 13, an adopter's finding 10).
TERMS = {"阶段门": ("关口", "门径", "道门"), "总部": ("总院",), "新立项项目": ("新立项目",),
         "暂缓": ("暂停",), "衍生公司": ("衍生企业",)}
# What only a developer or the server's administrator knows.
DEVELOPER = re.compile(r"README|MAIL_SERVER|SECRET_KEY|chinesecalendar|\blibrary\b|pyotp|"
                       r"Flask|SQLAlchemy|WTForms", re.I)
# A gettext call with a date written as ISO among its arguments.
ISO_IN_MESSAGE = re.compile(r"\b_l?\((?:[^()]|\([^()]*\))*?\.isoformat\(\)", re.S)


def _messages():
    with CATALOGUE.open("rb") as f:
        return [m for m in read_po(f) if m.id]


def test_the_chinese_catalogue_uses_one_term_for_each_thing():
    found = {}
    for message in _messages():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for term, others in TERMS.items():
            for other in others:
                if any(other in (s or "") for s in strings):
                    found.setdefault(f"{other} (say {term})", []).append(message.id)
    assert found == {}


def test_no_message_speaks_to_developers():
    found = [m.id for m in _messages()
             if DEVELOPER.search(m.id if isinstance(m.id, str) else " ".join(m.id))]
    assert found == []


def test_no_message_is_given_an_iso_date():
    found = []
    for path in (ROOT / "tracker").rglob("*.py"):
        for call in ISO_IN_MESSAGE.findall(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}: {call[:60]}")
    assert found == []


@pytest.mark.parametrize("message,values,said", [
    # read "超出项目预算 ¥5.00 共 ¥1.00" ("in all"), and "¥6.00 中的 ¥3.00"
    ("%(over)s above the project's budget of %(budget)s", {"over": "¥1.00", "budget": "¥5.00"},
     "超出项目预算（¥5.00）¥1.00"),
    ("%(paid)s of %(amount)s", {"paid": "¥3.00", "amount": "¥6.00"}, "¥3.00（共 ¥6.00）")])
def test_an_amount_beside_its_whole_reads_as_chinese_writes_it(app, message, values, said):
    with app.test_request_context(), force_locale("zh_CN"):
        assert gettext(message, **values) == said


def test_the_reason_of_a_voiding_does_not_call_its_giver_the_withdrawer(app):
    """The reason asked of a record recorded by mistake, voided or withdrawn alike, names who
    gave it (it read 撤回人 on the form voiding a tranche)."""
    with app.test_request_context(), force_locale("zh_CN"):
        said = str(corrections.WITHDRAWN)
    assert "撤回人" not in said and "填写人" in said


def test_a_date_out_of_range_is_said_as_the_pages_say_dates(app):
    with app.test_request_context(), force_locale("zh_CN"):
        message = out_of_range(date(1, 1, 1))
    assert message and not re.search(r"\d{4}-\d{2}-\d{2}", message)
    assert "1990年1月1日" in message


def test_no_chinese_message_adds_a_unit_word_to_a_name_that_may_hold_it():
    """A name is shown as typed, so a unit word after it doubles when the name holds it: the
    round "A轮" read "A轮 轮融资". A name is quoted instead ("融资轮次“A轮”")."""
    found = []
    for message in _messages():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(re.search(r"%\((?:name|round)\)s\s*(?:轮|公司|项目)", s or "") for s in strings):
            found.append(message.id)
    assert found == []


# A number the message is given, glued to the Chinese around it: "评审组长Anna Evans在3位评审专家"
# beside the catalogue's 160 others that set it apart ("已提交 0 份评分表"), "最晚2026年" beside
# its forty "%(year)d 年".
GLUED_NUMBER = re.compile(r"[\u4e00-\u9fff]%\(\w+\)d|%\(\w+\)d[\u4e00-\u9fff]")


def test_a_chinese_message_sets_its_numbers_apart_from_its_words():
    found = [m.id for m in _messages()
             if any(GLUED_NUMBER.search(s or "") for s in (
                 m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert found == []


# A figure followed by a percent sign the template types: unformatted (40.00% beside a history
# saying 40 %, or 40 where the page says 40%). Percentages go through `pct` (computed, two
# decimals) or `whole_pct` (kept in whole per cent: a milestone's progress), as the history's.
PERCENT_TYPED = re.compile(r"\}\}\s*%|%\s*\{\{")


def test_every_percentage_on_a_page_is_formatted_as_the_history_formats_it():
    found = [f"{path.relative_to(ROOT)}: {line.strip()[:80]}"
             for path in (ROOT / "templates").rglob("*.html")
             for line in path.read_text(encoding="utf-8").splitlines()
             if PERCENT_TYPED.search(line)]
    assert found == []


def test_a_progress_percentage_reads_the_same_on_its_page_and_in_its_history(app):
    with app.test_request_context(), force_locale("en"):
        assert formatting.whole_pct(40) == "40%" and formatting.pct(Decimal("40")) == "40.00%"
        for table, key in (("progress_updates", "percent"), ("milestones", "percent_complete"),
                           ("progress_updates", "percent_complete")):
            assert shown(kind_of(model_of(table), key), 40, None) == "40%", (table, key)


def test_the_independent_institute_type_is_not_named_as_the_legal_entity_column(app):
    """An institute's page read "类型 独立法人" beside "独立法人 否": the type's label was the
    name of the yes/no column beside it (issue 13, an adopter's finding 9)."""
    with app.test_request_context(), force_locale("zh_CN"):
        assert str(INSTITUTE_TYPE_LABELS[InstituteType.INDEPENDENT]) != gettext(
            "A legal entity of its own")
