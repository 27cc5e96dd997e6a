"""A short English word used in two senses gets one Chinese translation, so one of its uses
reads wrong: a partner's government "Level" read 审批层级 (an approval's level), the heading of
a partner's list of agreements read 协议数 (a count). Each sense has a word of its own; the
table below keeps the words that remain in the one sense their translation fits."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import login
from tests.factories import _commit, make_user
from tracker.accounts.models import Role
from tracker.centres.status import STATUS_LABELS, CentreStatus
from tracker.display.history import field_label
from tracker.partners import services as partners
from tracker.partners.models import GovernmentLevel, PartnerKind

ROOT = Path(__file__).resolve().parents[1]

# msgid -> (its Chinese, the only source files that may say it): a use anywhere else is a
# second sense that needs a word of its own.
ONE_SENSE = {
    "Level": ("审批层级", {"templates/approvals/_history.html", "templates/approvals/levels.html",
                         "tracker/display/approval_words.py"}),
    "Term": ("协议期", {"templates/centres/_panel.html", "templates/partners/show.html",
                      "tracker/centres/views.py"}),
    "Outcome": ("处置结果", {"templates/funding/list.html", "templates/funding/show.html",
                         "templates/reports/dashboard.html", "tracker/display/words.py",
                         "tracker/funding/forms.py", "tracker/funding/views.py"}),
    "Failed": ("发送失败", {"tracker/reminders/models.py"}),
    "Open": ("未销项", {"tracker/gates/condition_models.py"}),
    # a PM's record in the register is 档案; a TRL record, a post... are 记录, with words of
    # their own ("Correct the TRL record")
    "Correct the record": ("更正档案", {"templates/pms/record_form.html"}),
}


def _users_of(msgid: str) -> set[str]:
    files = subprocess.run(["git", "ls-files", "tracker/*.py", "templates/*.html"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    said = re.compile(r"""\b_l?\(\s*["']""" + re.escape(msgid) + """["']""")
    return {f for f in files if said.search((ROOT / f).read_text(encoding="utf-8"))}


def _main(page: str) -> str:
    """The page without its menu (whose "Approval levels" reads 审批层级)."""
    return page[page.index("<main"):]


@pytest.mark.parametrize("msgid", sorted(ONE_SENSE))
def test_a_word_of_one_sense_is_said_only_where_its_chinese_fits(app, msgid):
    chinese, allowed = ONE_SENSE[msgid]
    with app.test_request_context(), force_locale("zh_CN"):
        assert gettext(msgid) == chinese
    assert _users_of(msgid) == allowed


def test_each_sense_reads_right_in_chinese(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert str(STATUS_LABELS[CentreStatus.ACTIVE]) == "运营中"
        assert field_label("level", "partners") == "政府层级"
        assert field_label("level", "approval_levels") == "审批层级"
        assert field_label("outcome", "gate_decisions") == "决定"
        assert field_label("outcome", "funding_agreements") == "处置结果"


def test_a_partner_reads_its_government_level_and_its_agreements(client):
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    partner = partners.save_partner(admin, None, name="相城区", name_en="Xiangcheng District",
                                    kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.CITY,
                                    uscc=None, city="苏州市", city_en=None, note="")
    partners.save_partner(admin, partner, name="相城区", name_en="Xiangcheng District",
                          kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.DISTRICT,
                          uscc=None, city="苏州市", city_en=None, note="")
    _commit()
    login(client, admin)
    for path in ("/partners/", f"/partners/{partner.id}/edit"):
        main = _main(client.get(path).get_data(as_text=True))
        assert "政府层级" in main and "审批层级" not in main, path
    page = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert '<h2 id="agreements">协议</h2>' in page
    history = _main(client.get(f"/history/partners/{partner.id}").get_data(as_text=True))
    assert "政府层级" in history and "审批层级" not in history
    admin.locale = "en"
    _commit()
    assert "Government level" in client.get("/partners/").get_data(as_text=True)
    assert '<h2 id="agreements">Agreements</h2>' in client.get(
        f"/partners/{partner.id}").get_data(as_text=True)


# --- one concept, one Chinese word (issue 9, F20: a contributor read 完成人 on one page and
# 贡献人 on another, a royalty rate 提成比例 beside 提成费率). A concept: the English words that
# name it, its Chinese word, which every message naming it says, and which no message that does
# not name it says (there it would be a second sense), and the other words it was given.
CONCEPTS = {
    "contributor": (r"\bcontributors?\b", "完成人", ("贡献人", "贡献者")),
    "royalty rate": (r"\broyalty rate\b", "提成费率", ("提成比例", "提成率")),
    "evaluator": (r"\bevaluators?\b", "评审专家", ()),
    "reviewer": (r"\breviewers?\b", "评审人", ()),  # a milestone's (evidence is 审核, checked)
    "licensee": (r"\blicensees?\b", "被许可方", ("被许可人",)),
    "upfront payment": (r"\bupfront\b", "入门费", ("首付款",)),
    "lock-up": (r"\block(?:ed)?[- ]ups?\b", "锁定期", ("限售期",)),
    # a contract's instalment read 付款节点 on its page and 分期款 in its history's field
    "instalment": (r"\binstalments?\b", "付款节点", ("分期",)),
    "tranche": (r"\btranches?\b", "批次", ("分期",)),
}
# Messages that say a concept's Chinese word without its English one, each with why.
SAID_WITHOUT_ITS_ENGLISH = {
    # a panel's members are evaluators, and so are those who judged a must-meet criterion
    "评审专家": {"Panel member", "Experts on the panel: at least",
             "Must-meet criterion not met: %(text)s (by %(names)s). %(advice)s"},
    # an import's run and a reminder's run are batches too (导入批次, 提醒批次), said whole
    "批次": {"Imported in", "Occurrence"},
}


def _catalogue() -> list[tuple[str, str]]:
    from babel.messages.pofile import read_po

    with open(ROOT / "tracker/translations/zh/LC_MESSAGES/messages.po", "rb") as po:
        return [(m.id if isinstance(m.id, str) else m.id[0],
                 m.string if isinstance(m.string, str) else m.string[0])
                for m in read_po(po) if m.id]


def _english(msgid: str) -> str:
    """The words of a message, without its placeholders (%(evaluator)s names a person)."""
    return re.sub(r"%\(\w+\)[sd]", "", msgid)


@pytest.mark.no_db
@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_a_concept_has_one_chinese_word(concept):
    english, word, others = CONCEPTS[concept]
    named = re.compile(english, re.IGNORECASE)
    catalogue = _catalogue()
    missing = [msgid for msgid, zh in catalogue if named.search(_english(msgid)) and word not in zh]
    assert missing == [], f"say {word} for {concept}"
    elsewhere = [msgid for msgid, zh in catalogue if word in zh
                 and not named.search(_english(msgid))
                 and msgid not in SAID_WITHOUT_ITS_ENGLISH.get(word, set())]
    assert elsewhere == [], f"{word} says {concept}: these mean something else"
    assert [msgid for msgid, zh in catalogue if any(other in zh for other in others)] == []


@pytest.mark.no_db
def test_the_concept_check_finds_a_second_word():
    english, word, others = CONCEPTS["contributor"]
    assert "贡献人" in others and not re.search(english, _english("Royalty of %(contributor)s"))


def test_the_audit_filters_name_each_kind_once_in_each_language(app):
    """The audit trail's filters list each action and kind of record under a name of its own:
    two kinds read 评审标准 (a gate template's criterion and a review's), two 预算科目."""
    from collections import Counter

    from tracker.display.words import ACTIONS, OBJECTS

    for locale in ("en", "zh_CN"):
        with app.test_request_context(), force_locale(locale):
            for names in (ACTIONS, OBJECTS):
                said = Counter(str(name) for name in names.values())
                assert [name for name, n in said.items() if n > 1] == [], locale


# --- a corrected record's history names its fields as the correction's form does (a PM
# interview's "outcome" read 面试结论 on its form and 处置结果 in its history, a TRL's "level"
# 审批层级). Each form: its table, and the trail's key for a field named otherwise.
CORRECTION_FORMS = {
    "tracker.projects.forms:TrlCorrectionForm": ("trl_records", {"file": "file_id"}),
    "tracker.milestones.forms:PostCorrectionForm": ("progress_updates", {}),
    "tracker.assessment.forms:EvidenceCorrectionForm": ("assessment_evidence", {}),
    "tracker.pms.forms:InterviewCorrectionForm": ("pm_interviews", {"panel_ids": "panel"}),
    "tracker.contracts.forms:TermsCorrectionForm": ("research_contracts", {}),
    "tracker.contracts.forms:RegistrationCorrectionForm": (
        "research_contracts", {"number": "registration_number", "value": "registered_value"}),
}
# What a form's label adds that the history's value already says (its unit, that it may be
# left out), and the fields that are no column the correction changes (files are said by the
# history as added or withdrawn, the reason as the reason).
UNIT = re.compile(r"\s*[(（](?:CNY|optional|元|可选)[)）]$")
NOT_COLUMNS = {"seen_at", "version", "once", "csrf_token", "reason", "files", "withdrawn_files"}


@pytest.mark.parametrize("where", sorted(CORRECTION_FORMS))
@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_corrected_records_history_names_its_fields_as_its_form_does(app, where, locale):
    module, name = where.split(":")
    table, keys = CORRECTION_FORMS[where]
    with app.test_request_context(), force_locale(locale):
        form = getattr(importlib.import_module(module), name)(meta={"csrf": False})
        differ = {f.name: (UNIT.sub("", str(f.label.text)),
                           field_label(keys.get(f.name, f.name), table))
                  for f in form if f.name not in NOT_COLUMNS}
    assert differ and {n: said for n, said in differ.items() if said[0] != said[1]} == {}
