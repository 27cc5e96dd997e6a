"""A short form that drops 已 (or 中, 被) is refused only where another choice's label of its
column holds the words it keeps (issue 13): dropping 已 read 设立公司 as 已设立公司 (spun off),
though the phase before it is 公司设立 (spin-off), and 销项 as 已销项 (cleared), though an
open condition is 未销项. Taking 已 for a negation would refuse what adopters write (结题, 豁免,
验收, 对接, 签约, 转股, 归还), so such a form is still read where no other label holds its
words, and listed on the run as every short form is (`tracker.display.choice_names`).

The columns whose labels have such a marker, of every kind: projects' phases (and the phase a
project ended or was held in), milestones' states, needs' states, an agreement's outcome, a
condition's state (a projects file's conditions cell), a right's status (the achievements
file's rights cell). Contracts and companies have no state column: a contract's is its
payments, a company's is derived from its registration and exit."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tracker.display import choice_names
from tracker.display.labels import LABELS
from tracker.imports import achievements, cells, ip_deals, route_cells, row_forms, shortened
from tracker.imports.cells import CellError
from tracker.imports.columns import KINDS
from tracker.imports.company_events import EXIT_KIND
from tracker.imports.ledger_lines import HOLDER_TYPE, PAID_WITH
from tracker.imports.references import References


def _column(kind: str, key: str):
    return KINDS[kind].column(key)


# (kind, column, the short forms dropping a marker: what each is read as, None if refused)
READINGS = [
    ("projects", _column("projects", "phase"), {
        "设立公司": None, "结题": "completed", "终止": "terminated", "暂缓": "on_hold"}),
    ("projects", _column("projects", "ended_in"), {"设立公司": None}),
    ("milestones", _column("milestones", "state"), {
        "计划": "planned", "进行": "in_progress", "提交": "submitted", "验收": "accepted",
        "豁免": "waived"}),
    ("needs", _column("needs", "state"), {
        "征集": "collected", "分析": "analysed", "对接": "matched", "签约": "contracted",
        "关闭": "closed"}),
    ("funding", _column("funding", "outcome"), {"转股": "converted", "归还": "repaid"}),
    ("projects", route_cells._CONDITION_STATE, {"销项": None}),
    ("achievements", achievements._STATUS, {
        "失效": "lapsed", "驳回": "abandoned", "登记": "granted", "审查中": "filed"}),
]


def _read(column, text: str) -> str | None:
    try:
        return cells.choice(column, text)
    except CellError:
        return None


def test_a_form_dropping_a_marker_is_read_unless_another_label_holds_its_words(app):
    """Each read, and listed on the run under its column; each refused, not. Every column
    whose labels have a marker is in READINGS (a new one is checked here too)."""
    with app.test_request_context("/"), force_locale("en"), shortened.noting():
        assert _marked() == {column.choices for _kind, column, _forms in READINGS}
        read = {}
        for number, (kind, column, forms) in enumerate(READINGS, start=2):
            with shortened.row(number, KINDS[kind]):
                read.update({(kind, column.key, text): _read(column, text) for text in forms})
        listed = shortened.lines(shortened.taken())
    assert read == {(kind, column.key, text): value
                    for kind, column, forms in READINGS for text, value in forms.items()}
    assert "Phase: 结题 → Completed (row 2)" in listed
    assert "State: 验收 → Accepted (row 4)" in listed
    assert "Outcome after the deadline: 归还 → Repaid (row 6)" in listed
    assert len(listed) == len([v for *_f, forms in READINGS for v in forms.values() if v])
    assert not [line for line in listed if "设立公司" in line or "销项" in line]


SEVERAL = {"en": "%s is short for several choices: ", "zh_CN": "“%s”可指多个可选值："}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize(("column", "text", "named"), [
    (_column("projects", "phase"), "设立公司", ("spin_off", "spun_off")),
    (route_cells._CONDITION_STATE, "销项", ("open", "confirmed")),
], ids=["phase", "condition"])
def test_the_ambiguous_one_is_refused_naming_both_choices(app, column, text, named, lang):
    with app.test_request_context("/"), force_locale(lang):
        with pytest.raises(CellError) as refused:
            cells.choice(column, text)
        message = str(refused.value)
        assert message.startswith(SEVERAL[lang] % text), message
        for value in named:
            assert str(LABELS[column.choices][column.choices(value)]) in message, message


def test_the_ambiguous_phase_is_refused_beside_its_cell_in_a_projects_row(app):
    with app.test_request_context("/"):
        _given, _found, errors = row_forms._convert(KINDS["projects"], {"phase": "设立公司"},
                                                    References())
    assert [key for key, _message in errors] == ["phase"]


def _marked() -> set:
    """The choices labelled with 已, 中 or 被, of every choice column of every kind and every
    list cell's choice."""
    columns = [c for k in KINDS.values() for c in k.columns if c.choices] + [
        HOLDER_TYPE, PAID_WITH, EXIT_KIND,
        achievements._KIND, achievements._PATENT, achievements._STATUS, achievements._WHERE,
        ip_deals._PAYS, route_cells._CONDITION_STATE]
    known = choice_names.tracker_words()
    with force_locale("zh_CN"):
        return {c.choices for c in columns for member in c.choices
                if set(choice_names.words(str(LABELS[c.choices][member]), known)) & set("已中被")}
