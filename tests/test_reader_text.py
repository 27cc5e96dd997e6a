"""Text the app puts together reads as the reader's language writes it (issue 9, point 8, the
newcomer's walk): a list joined by the one helper (`said.listed`: 、 in Chinese, ", " in
English), a label's colon and an aside's parentheses full-width in Chinese; an amount in a
message as the pages write it (¥1,234.00), an amount field's bounds too; a milestone's weight
said as a share of progress, not as money; a date that does not exist said so, with the day or
month it lacks, on a form and in every import; a whole number asked for as the forms ask for
it. Each in both languages.
(The language walk checks every page it reaches in Chinese for ASCII punctuation between
Chinese words: tests/test_language_walk.py.)"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tests.gates.test_panel_secrecy import NOTE, _decided
from tests.gates.test_score_history import _body
from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS
from tests.imports.test_milestones import _project as _imported_project
from tests.imports.test_projects import HEADER, _row, _setting
from tests.milestones.test_milestones import in_research
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import services as contracts
from tracker.display.formatting import aside, labelled, not_a_date
from tracker.display.said import listed, recording, say, stored
from tracker.errors import Invalid
from tracker.gates.services import missing_deliverables
from tracker.imports.models import ImportState
from tracker.partners.models import Partner, PartnerKind
from tracker.web.fields import MoneyField, Range
from tracker.web.forms import Form


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_lists_colons_and_asides_in_each_language(app):
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            assert listed(["研究报告", "测试报告"]) == "研究报告、测试报告"
            assert listed(["高新技术企业 2019、2022", "科技型中小企业 2025"], apart=True) == (
                "高新技术企业 2019、2022；科技型中小企业 2025")
            assert labelled("理由", "无") == "理由：无"
            assert "待发送" + aside(24) == "待发送（24）"
        with force_locale("en"):
            assert listed(["Research report", "Test report"]) == "Research report, Test report"
            assert listed(["a, b", "c"], apart=True) == "a, b; c"
            assert labelled("Reason", "none") == "Reason: none"
            assert "Pending" + aside(24) == "Pending (24)"
        assert listed([]) == ""


# A list a template writes item by item, its separator typed into the template (", " on a
# Chinese page, 、 on an English one) instead of the page's own: `between()` or `listed`.
TYPED_SEPARATOR = re.compile(r"loop\.last\s*%\}\s*(,|;|、|，|；)")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_no_template_types_a_lists_separator():
    typed = [f"{path.relative_to(TEMPLATES)}:{text[:found.start()].count(chr(10)) + 1}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for text in [path.read_text(encoding="utf-8")]
             for found in TYPED_SEPARATOR.finditer(text)]
    assert not typed, typed


@pytest.mark.parametrize("locale,said", [("en", "Nanjing University, Xuzhou Government"),
                                         ("zh_CN", "南京大学、徐州市人民政府")])
def test_a_list_written_item_by_item_takes_the_pages_separator(client, locale, said):
    """An institute's co-building partners on its page (a newcomer's walk found 、 between
    them in English)."""
    db.session.add_all([
        Partner(name="南京大学", name_en="Nanjing University", kind=PartnerKind.UNIVERSITY,
                city="", note=""),
        Partner(name="徐州市人民政府", name_en="Xuzhou Government",
                kind=PartnerKind.GOVERNMENT, city="", note="")])
    institute = make_institute()
    institute.partners = list(db.session.scalars(select(Partner).order_by(Partner.id)))
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    assert said in client.get(f"/institutes/{institute.id}").get_data(as_text=True)


def test_a_list_recorded_in_one_language_is_joined_again_in_the_readers(app):
    """An import's problems are written once and read in either language: a list in them is
    said again with the reader's separator, its parts in the reader's words."""
    with app.test_request_context("/"):
        with force_locale("en"), recording():
            kept = stored(listed([gettext("Log out"), gettext("Log out")]))
        with force_locale("zh_CN"):
            assert say(kept) == "退出登录、退出登录"
        with force_locale("en"):
            assert say(kept) == "Log out, Log out"


def test_the_checklist_lists_missing_deliverables_in_the_readers_language(app):
    project = in_research()
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            assert missing_deliverables(project, 2) == (
                "请先上传规定的交付材料：研究报告、测试报告。")
        with force_locale("en"):
            assert missing_deliverables(project, 2) == (
                "Upload the required deliverables first: Research report, Test report.")


@pytest.mark.parametrize("locale,said", [("zh_CN", "已声明存在利益冲突：" + NOTE),
                                         ("en", "Conflict declared: " + NOTE)])
def test_a_declared_conflict_is_followed_by_its_note_after_the_languages_colon(client, locale,
                                                                                 said):
    review, people, _panel = _decided()
    assert said in _body(client, people["hq"], locale, f"/reviews/{review.id}")


@pytest.mark.parametrize("locale,said", [
    ("zh_CN", "该付款节点仅剩 ¥400,000.00 未到账，¥400,000.01 超出了该金额。"),
    ("en", "Only CN¥400,000.00 of this instalment is outstanding; CN¥400,000.01 is more.")])
def test_an_overpayment_is_refused_with_its_amounts_as_the_pages_write_them(app, locale, said):
    project = make_project()
    contract = helpers.sign_contract(project, "800000.00")
    _commit()
    with app.test_request_context("/"), force_locale(locale):
        with pytest.raises(Invalid) as refused:
            contracts.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5),
                                     Decimal("400000.01"))
        assert [p.message for p in refused.value.each()] == [said]


def _signed_in_pm(client, locale: str):
    """A project in contract research, its PM signed in reading `locale`."""
    project = in_research()
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    return project


class _Amount(Form):
    amount = MoneyField(validators=[Range(min=Decimal("0.01"))])


@pytest.mark.parametrize("locale,said", [
    ("zh_CN", ["不少于 ¥0.01。", "金额过大：最多为 ¥999,999,999,999.99。"]),
    ("en", ["At least CN¥0.01.", "The amount is too large: at most CN¥999,999,999,999.99."])])
def test_an_amount_out_of_bounds_is_told_its_bound_as_an_amount(app, locale, said):
    found = []
    for value in ("0", "1e13"):
        with app.test_request_context(method="POST", data={"amount": value}), \
                force_locale(locale):
            form = _Amount()
            assert not form.validate()
            found += form.amount.errors
    assert found == said


WEIGHT_WORDS = {
    "en": {"help": "The milestone's share of the project's progress",
           "number": "Enter a number such as 3 or 62.5.", "most": "At most 9,999.99.",
           "places": "At most 2 decimal places."},
    "zh_CN": {"help": "该里程碑在项目进度中所占的份额",
              "number": "请输入数字，如 3 或 62.5。", "most": "不超过 9,999.99。",
              "places": "最多保留 2 位小数。"}}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_milestones_weight_is_a_share_of_progress_not_an_amount(client, locale):
    project = _signed_in_pm(client, locale)
    words = WEIGHT_WORDS[locale]
    address = f"/projects/{project.id}/milestones/new"
    assert words["help"] in client.get(address).get_data(as_text=True)
    for weight, said in (("heavy", "number"), ("10000", "most"), ("1.234", "places")):
        answer = post(client, address, {"phase": "contract_research", "title": "Pilot line",
                                        "due_date": "2026-08-31", "weight": weight})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400 and words[said] in page, (weight, said)
        assert "999,999,999,999.99" not in page and "fen" not in page and "分）" not in page
    assert post(client, address, {"phase": "contract_research", "title": "Pilot line",
                                  "due_date": "2026-08-31", "weight": "9999.99"}
                ).status_code == 302


DATE_WORDS = {
    "en": ["2027-02-30 is not a date: February 2027 has no day 30.",
           "2027-13-01 is not a date: a year has no month 13.",
           "soon is not a date: give it as YYYY-MM-DD."],
    "zh_CN": ["2027-02-30 不是日期：2027年2月没有 30 日。",
              "2027-13-01 不是日期：一年没有第 13 个月。",
              "soon 不是日期：请按 YYYY-MM-DD 格式填写。"]}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_date_that_does_not_exist_is_said_so(app, locale):
    with app.test_request_context("/"), force_locale(locale):
        assert [not_a_date(t) for t in ("2027-02-30", "2027-13-01", " soon ")] == (
            DATE_WORDS[locale])
        assert not_a_date("2028-02-30").endswith(("February 2028 has no day 30.",
                                                  "2028年2月没有 30 日。"))


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_forms_date_field_says_which_day_is_missing(client, locale):
    project = _signed_in_pm(client, locale)
    answer = post(client, f"/projects/{project.id}/milestones/new", {
        "phase": "contract_research", "title": "Pilot line", "due_date": "2027-02-30",
        "weight": "1"})
    assert answer.status_code == 400
    assert DATE_WORDS[locale][0] in answer.get_data(as_text=True)


def test_every_date_cell_of_an_import_says_which_day_is_missing(client):
    """A date in a form of the import (a milestone's due date), one read by the import itself
    (a project's start, a gate's date in 'Gates passed on'), in the run's language and the
    reader's."""
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(start="2019-02-29", passed="1: 2019-04-31")])
    assert result.state is ImportState.FAILED
    said = {column: message for _row_no, column, message in result.errors}
    assert said["Start date"] == "2019-02-29 is not a date: February 2019 has no day 29."
    assert said["Gates passed on"] == "2019-04-31 is not a date: April 2019 has no day 31."
    project = _imported_project(admin)
    rows = [COLUMNS, [project.code, "Bench test", "contract_research", "2027-02-30", "", "",
                      ""]]
    milestones = run(admin, "milestones", rows)
    assert [(c, m) for _r, c, m in milestones.errors] == [("Due date", DATE_WORDS["en"][0])]
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    assert "2019-02-29 不是日期：2019年2月没有 29 日。" in page
    assert "2019-04-31 不是日期：2019年4月没有 31 日。" in page
    page = client.get(f"/admin/import/{milestones.id}").get_data(as_text=True)
    assert DATE_WORDS["zh_CN"][0] in page and "不是有效的日期值" not in page


def test_an_imports_whole_number_is_asked_for_as_the_forms_ask(client):
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(trl_now="4.5")])
    assert result.state is ImportState.FAILED
    said = {column: message for _row_no, column, message in result.errors}
    assert said["TRL now"] == "Must be a whole number."
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    assert "须为整数。" in page and "不是有效的整数值" not in page
