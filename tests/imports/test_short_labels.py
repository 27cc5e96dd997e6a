"""A choice written as people shorten its label is read as that choice (issue 13): 中型 for
中型企业, 评审专家 for 总部评审专家, Medium for Medium enterprise, 纵向 for 纵向（政府科技计划）,
in every choice column of every kind and in both languages, case and spaces aside; all were
refused as "Not one of the choices". One rule gives every enum its short forms from its
labels (`tracker.display.choice_names`); a short form several choices share is refused,
naming them; one that drops a negation is no short form."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import make_user, uscc_for
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role, User
from tracker.display import choice_names
from tracker.display.labels import LABELS
from tracker.imports import (
    achievements,
    cells,
    column_notes,
    company_events,
    ip_deals,
    ledger_lines,
    references,
    route_cells,
    row_forms,
)
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.organisations.models import Enterprise, EnterpriseSize

# (kind, column, as written, read as): what a spreadsheet from before the tracker says.
WRITTEN = [
    ("institutes", "type", "独立", "independent"),
    ("enterprises", "size", "中型", "medium"),
    ("enterprises", "size", " 大型 ", "large"),
    ("enterprises", "size", "medium", "medium"),
    ("users", "locale", "中文", "zh_CN"),
    ("needs", "state", "对接", "matched"),
    ("needs", "state", "签约", "contracted"),
    ("projects", "type", "重大项目", "pm_major"),
    ("projects", "type", "PM major", "pm_major"),
    ("projects", "funding_source", "纵向", "government"),
    ("projects", "funding_source", "横向", "enterprise"),
    ("projects", "funding_source", "自筹", "own"),
    ("projects", "funding_source", "Own funds", "own"),
    ("projects", "programme_level", "国家", "national"),
    ("projects", "phase", "结题", "completed"),
    ("projects", "ended_in", "合同", "contract_research"),
    ("milestones", "phase", "Investment", "investment_decision"),
    ("milestones", "state", "验收", "accepted"),
    ("milestones", "state", "进行", "in_progress"),
    ("contracts", "type", "开发", "development"),
    ("contracts", "type", "咨询", "consulting"),
    ("funding", "outcome", "转股", "converted"),
    ("funding", "outcome", "归还", "repaid"),
    ("incentive_grants", "kind", "Restricted", "shares"),
    ("incentive_grants", "kind", "限制性", "shares"),
    ("ip_deals", "kind", "独占", "exclusive_licence"),
    ("ip_deals", "kind", "普通", "non_exclusive_licence"),
    ("ip_deals", "royalty_base", "净额", "net_sales"),
    ("ip_deals", "royalty_base", "Gross", "gross_sales"),
]


@pytest.mark.parametrize(("kind", "key", "text", "value"), WRITTEN,
                         ids=[f"{k}.{c}:{t.strip()}" for k, c, t, _v in WRITTEN])
def test_every_choice_column_reads_the_short_forms_people_write(app, kind, key, text, value):
    with app.test_request_context("/"):
        given, _found, errors = row_forms._convert(KINDS[kind], {key: text},
                                                  references.References())
    assert errors == []
    assert given[key] == (value if isinstance(value, list) else [value])


# The choices read inside a ledger's or a register's cells (companies, achievements, deals,
# conditions), by the one function every column reads a choice by.
IN_CELLS = [
    ("companies", ledger_lines.HOLDER_TYPE, "研发", "team"),
    ("companies", ledger_lines.HOLDER_TYPE, "国有基金", "state_fund"),
    ("companies", ledger_lines.PAID_WITH, "知识产权", "ip"),
    ("companies", company_events.EXIT_KIND, "清算", "dissolution"),
    ("achievements", achievements._KIND, "软件", "software"),
    ("achievements", achievements._PATENT, "实用新型", "utility_model"),
    ("achievements", achievements._STATUS, "已授权", "granted"),
    ("achievements", achievements._WHERE, "美国", "US"),
    ("ip_deals", ip_deals._PAYS, "提成", "royalty"),
    ("projects", route_cells._CONDITION_STATE, "已满足", "met"),
]


@pytest.mark.parametrize(("kind", "column", "text", "value"), IN_CELLS,
                         ids=[f"{k}:{t}" for k, _c, t, _v in IN_CELLS])
def test_a_choice_inside_a_cell_reads_its_short_forms(app, kind, column, text, value):
    with app.test_request_context("/"):
        assert cells.choice(column, text) == value


CHOICES = sorted({c.choices for k in KINDS.values() for c in k.columns if c.choices}
                 | {c.choices for _k, c, _t, _v in IN_CELLS}, key=lambda e: e.__name__)


@pytest.mark.parametrize("enum_cls", CHOICES, ids=[e.__name__ for e in CHOICES])
def test_every_label_and_value_still_reads_as_its_own_choice(app, enum_cls):
    """A whole label beats a short form: a label that is another's short form (Submitted,
    Submitted late) is its own choice."""
    with app.test_request_context("/"):
        names = choice_names.of_enum(enum_cls)
        for member in enum_cls:
            assert names.read(member.value) == (member.value,)
            for locale in ("zh_CN", "en"):
                with force_locale(locale):
                    assert names.read(str(LABELS[enum_cls][member])) == (member.value,)


@pytest.mark.parametrize(("kind", "key", "text", "named"), [
    ("ip_deals", "royalty_base", "销售", ["net_sales (Net sales)", "gross_sales (Gross sales)"]),
    ("contracts", "type", "Technical", ["service (Technical service)",
                                        "consulting (Technical consulting)"]),
    ("projects", "phase", "公司", ["spin_off (Spin-off)", "spun_off (Spun off)"]),
])
def test_a_short_form_several_choices_share_is_refused_naming_them(app, kind, key, text,
                                                                   named):
    with app.test_request_context("/"):
        _given, _found, errors = row_forms._convert(KINDS[kind], {key: text},
                                                   references.References())
    [(column, message)] = errors
    assert column == key and message.startswith(f"{text} is short for several choices")
    assert all(choice in message for choice in named), message


@pytest.mark.parametrize(("kind", "key", "text"), [
    ("projects", "phase", "获立项"),  # 未获立项 without its negation
    ("ip_deals", "kind", "licence"),  # Exclusive licence or Non-exclusive licence
    ("projects", "phase", "on"),  # On hold: a joining word alone
    ("enterprises", "size", "中"),  # one character is too short to tell
])
def test_no_short_form_drops_a_negation_or_says_too_little(app, kind, key, text):
    with app.test_request_context("/"):
        _given, _found, errors = row_forms._convert(KINDS[kind], {key: text},
                                                   references.References())
    assert [column for column, _message in errors] == [key]


def test_an_hq_admins_spreadsheet_of_short_labels_imports():
    """The file of the report: enterprises by size 中型 and 大型, a user as 评审专家."""
    admin = make_user(Role.HQ_ADMIN)
    enterprises = run(admin, "enterprises", [
        ["名称", "统一社会信用代码", "企业规模*"],
        ["常州精密", uscc_for(801), "中型"], ["无锡重工", uscc_for(802), "大型"]])
    assert (enterprises.state, enterprises.created) == (ImportState.DONE, 2), enterprises.errors
    assert dict(db.session.execute(select(Enterprise.name, Enterprise.size)).tuples().all()) == {
        "常州精密": EnterpriseSize.MEDIUM, "无锡重工": EnterpriseSize.LARGE}
    with force_locale("zh_CN"):
        whole = str(LABELS[Role][Role.EVALUATOR])
    users = run(admin, "users", [["电子邮箱", "姓名", "角色"],
                                 ["expert@import.cn", "王评审", whole]])
    assert users.state is ImportState.DONE, users.errors
    user = db.session.scalar(select(User).where(User.email == "expert@import.cn"))
    assert [g.role for g in user.role_grants] == [Role.EVALUATOR]


@pytest.mark.parametrize("member", list(Role), ids=[m.value for m in Role])
def test_a_role_is_granted_by_its_code_or_whole_label_only(app, member):
    """A users file's roles grant rights: a short form read as a role (管理员, "admin", 经理,
    研究所: each one choice's) made a person an HQ administrator or a director no one named.
    The roles column reads codes and whole labels only, and its notes say so."""
    column = next(c for c in KINDS["users"].columns if c.key == "roles")
    with app.test_request_context("/"):
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                whole = str(LABELS[Role][member])
            forms = choice_names.short_forms(whole)
            for text in [member.value, whole]:
                _given, _found, errors = row_forms._convert(KINDS["users"], {"roles": text},
                                                           references.References())
                if member in (column.offered or Role):
                    assert errors == [], (text, errors)
            for text in forms:
                if choice_names.of_enum(Role).read(text, shortened=False):
                    continue  # another role's whole label or code
                _given, _found, errors = row_forms._convert(KINDS["users"], {"roles": text},
                                                           references.References())
                assert [key for key, _message in errors] == ["roles"], (text, errors)
        assert "shortened label is not read here" in column_notes.how_to_fill(
            column, str, str)
