"""Choices named by people are in alphabetical order as the reader reads them (found by a
newcomer: Chinese drop-downs and filter options came in the order of their characters' code
points, 北京 before 重庆 before 阿里): by pinyin on a Chinese page, each character read in its
word (重庆 is chóng qìng), and case aside on an English one; one function, `collation.ordered`,
orders every such list (institutes, enterprises, people, centres, partners)."""

from __future__ import annotations

import re

from flask_babel import force_locale

from tests.conftest import login
from tests.factories import make_enterprise, make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.display.collation import ordered, sort_key
from tracker.projects.lifecycle import Phase

NAMES = ["重庆研究所", "阿里研究所", "北京研究所", "ABC 材料研究所"]
KNOWN = {*NAMES, "安徽研究所"}


def test_chinese_by_pinyin_english_case_aside(app):
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            assert ordered(NAMES, str) == ["阿里研究所", "ABC 材料研究所", "北京研究所",
                                           "重庆研究所"]
            # a character read in its word: 银行 is yín háng, 行业 háng yè
            assert sort_key("银行")[0][:2] == ("yin2", "hang2")
        with force_locale("en"):
            assert ordered(["beta", "Alpha", "alpha 2", "Zhou", "de Groot"], str) == [
                "Alpha", "alpha 2", "beta", "de Groot", "Zhou"]
    # what the code points gave: 北 (U+5317), 重 (U+91CD), 阿 (U+963F)
    assert sorted(NAMES[:3]) == ["北京研究所", "重庆研究所", "阿里研究所"]


def _select(response, name: str) -> str:
    page = response.get_data(as_text=True)
    return re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", o).strip()
            for o in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def test_a_list_s_institute_filter_reads_in_pinyin_on_a_chinese_page(client):
    for name in NAMES:
        make_institute(name=name)
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    offered = [o for o in _options(client.get("/projects/").get_data(as_text=True),
                                   "institute") if o in NAMES]
    assert offered == ["阿里研究所", "ABC 材料研究所", "北京研究所", "重庆研究所"]


def test_a_filter_s_institutes_follow_their_names_and_the_reader(client, app):
    """The filter's institutes are ordered and drawn once a process for the same rows in
    each language (`collation.ordered_rows`, `tables.options`): a renamed institute moves to
    its new name's place, another reader's language orders its own way, and the chosen one
    is marked on its page only."""
    institutes = [make_institute(name=name) for name in NAMES]
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))

    def offered(path: str = "/projects/") -> list[str]:
        page = client.get(path).get_data(as_text=True)
        return [o for o in _options(page, "institute") if o in KNOWN]

    assert offered() == ["阿里研究所", "ABC 材料研究所", "北京研究所", "重庆研究所"]
    institutes[2].name = "安徽研究所"  # 北京 -> 安徽, an hui: after a li and ABC
    db.session.flush()
    assert offered() == ["阿里研究所", "ABC 材料研究所", "安徽研究所", "重庆研究所"]
    chosen = _select(client.get(f"/projects/?institute={institutes[0].id}"), "institute")
    assert f'<option value="{institutes[0].id}" selected>重庆研究所</option>' in chosen
    assert chosen.count(" selected") == 1
    assert " selected" not in _select(client.get("/projects/"), "institute")
    english = app.test_client()
    login(english, make_user(Role.HQ_ADMIN, locale="en"))
    page = english.get("/projects/").get_data(as_text=True)
    assert [o for o in _options(page, "institute") if o in KNOWN] == [
        "ABC 材料研究所", "安徽研究所", "重庆研究所", "阿里研究所"]  # by code point


def test_a_form_s_enterprises_read_in_the_reader_s_order(client):
    pm = make_user(Role.PROJECT_MANAGER, locale="zh_CN")
    project = make_project(pm=pm, phase=Phase.CONTRACT_RESEARCH)
    for name in ("重庆机械有限公司", "阿里材料有限公司", "北京泵业有限公司"):
        make_enterprise(name=name)
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    login(client, admin)
    page = client.get(f"/projects/{project.id}/contracts/new").get_data(as_text=True)
    offered = [o for o in _options(page, "enterprise_id") if o.endswith("有限公司")]
    assert offered == ["阿里材料有限公司", "北京泵业有限公司", "重庆机械有限公司"]
