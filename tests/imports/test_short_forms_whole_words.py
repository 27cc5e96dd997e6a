"""A short form of a choice's label is cut where the label's words meet, never inside a word
(issue 13): any run of a Chinese label's characters that one choice fitted was read as that
choice, so 所所长 (a fragment of 研究所所长), 研究 (of 研究所), 术开发, 已豁 or 行中 read as a
real choice and a typo could silently become one. Chinese words are found by the labels' own
structure (`tracker.display.choice_names`); a fragment is refused beside its cell with the
choices listed, in the reader's language, and the words adopters write still read."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from tracker.accounts.models import Role
from tracker.display import choice_names
from tracker.display.labels import label
from tracker.imports import achievements, cells, ledger_lines, references, route_cells, row_forms
from tracker.imports.cells import CellError
from tracker.imports.columns import KINDS


def _column(kind: str, key: str):
    return next(c for c in KINDS[kind].columns if c.key == key)


# (column, a fragment every one of which the old rule read as a choice)
FRAGMENTS = [
    (ledger_lines.HOLDER_TYPE, "研究"),  # 研究所: one word
    (_column("contracts", "type"), "术开发"),  # 技术|开发
    (_column("milestones", "state"), "已豁"),  # 已|豁免
    (_column("milestones", "state"), "行中"),  # 进行|中
    (_column("projects", "phase"), "缓中"),  # 暂缓|中
    (_column("projects", "funding_source"), "所资金"),  # 自筹（总部|或|研究所|资金）
    (_column("ip_deals", "kind"), "占许可"),  # 独占|许可
    (achievements._KIND, "件著作权"),  # 软件|著作权
    (ledger_lines.PAID_WITH, "识产权"),  # 知识|产权
    (route_cells._CONDITION_STATE, "确认"),  # 已满足，待|确认: not without its 待
]


REFUSED = {"en": "Not one of the choices: %s. Write one of ",
           "zh_CN": "不是可选值之一：%s。请填写以下之一："}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize(("column", "text"), FRAGMENTS, ids=[t for _c, t in FRAGMENTS])
def test_a_fragment_of_a_label_is_refused_with_the_choices_listed(app, column, text, lang):
    with app.test_request_context("/"), force_locale(lang):
        with pytest.raises(CellError) as refused:
            cells.choice(column, text)
        message = str(refused.value)
        assert message.startswith(REFUSED[lang] % text), message
        for member in column.offered or column.choices:
            listed = gettext("%(code)s (%(label)s)", code=member.value, label=label(member))
            assert listed in message, message


def test_a_fragment_is_refused_beside_its_cell_in_an_import_row(app):
    """The same refusal reaches the row's errors, beside the column that wrote it."""
    with app.test_request_context("/"):
        _given, _found, errors = row_forms._convert(KINDS["enterprises"], {"size": "型企业"},
                                                   references.References())
    [(key, message)] = errors
    assert key == "size" and message.startswith("Not one of the choices: 型企业."), message


def test_a_label_is_cut_where_its_words_meet(app):
    """The rule's cuts, label by label: 所所长 is no short form of 研究所所长, whose words are
    研究所 (a label of the tracker's own) and 所长."""
    with app.test_request_context("/"):
        known = choice_names.tracker_words()
        assert choice_names.short_forms("研究所所长", known) == {"研究所", "所长"}
        assert choice_names.short_forms("研究所", known) == set()
        assert choice_names.short_forms("中型企业", known) == {"中型", "企业"}
        assert choice_names.short_forms("已豁免", known) == {"豁免"}
        assert choice_names.short_forms("进行中", known) == {"进行"}
        assert choice_names.short_forms("限制性股票", known) == {"限制", "限制性", "股票"}
        assert choice_names.short_forms("项目经理制重大项目", known) == {
            "项目经理", "项目经理制", "项目经理制重大", "重大项目", "项目"}
        assert choice_names.short_forms("自筹（总部或研究所资金）", known) >= {
            "自筹", "总部", "研究所资金"}
        assert not choice_names.short_forms("自筹（总部或研究所资金）", known) & {
            "所资金", "部或研究所资金", "研究"}
        # A role is granted by its code or whole label only, whatever its short forms.
        roles = choice_names.of_enum(Role)
        assert roles.read("所所长") == () and roles.read("研究") == ()
        assert roles.read("所长") == ("institute_director",)


# (column, as adopters write it, read as): the short forms kept, in both languages' cells.
KEPT = [
    (_column("projects", "funding_source"), "自筹", "own"),
    (_column("projects", "funding_source"), "纵向", "government"),
    (_column("projects", "funding_source"), "横向", "enterprise"),
    (_column("projects", "funding_source"), "企业", "enterprise"),
    (_column("projects", "funding_source"), "Own funds", "own"),
    (_column("enterprises", "size"), "中型", "medium"),
    (_column("enterprises", "size"), "小型", "small"),
    (_column("enterprises", "size"), "大型", "large"),
    (_column("enterprises", "size"), "Small", "small"),
    (_column("projects", "phase"), "暂缓", "on_hold"),
    (_column("projects", "phase"), "结题", "completed"),
    (_column("projects", "phase"), "hold", "on_hold"),
    (_column("projects", "type"), "重大项目", "pm_major"),
    (_column("milestones", "state"), "豁免", "waived"),
    (_column("milestones", "state"), "进行", "in_progress"),
    (_column("contracts", "type"), "开发", "development"),
    (_column("incentive_grants", "kind"), "限制性", "shares"),
    (_column("projects", "programme_level"), "国家", "national"),
    (ledger_lines.HOLDER_TYPE, "团队", "team"),
    (ledger_lines.HOLDER_TYPE, "激励池", "incentive_pool"),
    (ledger_lines.HOLDER_TYPE, "Incentive pool", "incentive_pool"),
    (ledger_lines.HOLDER_TYPE, "投资方", "investor"),
    (achievements._KIND, "软件", "software"),
    (route_cells._CONDITION_STATE, "已满足", "met"),
]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize(("column", "text", "value"), KEPT, ids=[t for _c, t, _v in KEPT])
def test_the_words_adopters_write_still_read(app, column, text, value, lang):
    with app.test_request_context("/"), force_locale(lang):
        assert cells.choice(column, text) == value
        # 评审专家 is still a short form of 总部评审专家, read nowhere a role is granted.
        assert choice_names.of_enum(Role).read("评审专家") == ("evaluator",)
