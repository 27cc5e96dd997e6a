"""A unit is said once: a table header or a fact's term says "(%)" or "(CNY)" only where its
cells do not (a form's input, an import's column, a file's cell, which hold bare numbers);
above cells that write "25.00%" or "CN¥1,200.00" themselves it said it twice (found by a
newcomer: "Stake (%)" above "25.00%", then "Upfront payment (CNY)" above "CN¥5,000.00"). A
list's file says the unit in its header (`tracker.export.columns.headers`, tested in
tests/export/test_units_and_blanks.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests import source
from tracker.display.words import FIELDS

pytestmark = pytest.mark.no_db  # reads the source and templates only

ROOT = Path(__file__).resolve().parent.parent

# Each unit: the kinds of list column whose cells say it, the words a header says it in, and
# the filter (a template) or function (Python) that writes a cell with it.
UNITS = {"pct": ({"PCT"}, re.compile(r"\(%\)"), "pct"),
         "money": ({"MONEY", "PRICE"}, re.compile(r"\(CNY[,)]"), "money")}


def _kind(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
            node.value.id == "Kind"):
        return node.attr
    return None


def _said(node: ast.AST | None) -> str:
    """The text of a gettext call's message: _l("Budget (CNY)") -> "Budget (CNY)"."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        return str(node.args[0].value)
    return ""


@pytest.mark.parametrize("unit", UNITS)
def test_no_list_column_says_its_unit_in_its_header(unit):
    """A list's column of Kind.PCT writes "%" in each cell, of Kind.MONEY or PRICE "CN¥"
    (`formatting.pct`, `formatting.money`, and the XLSX file's header): its header on the
    page does not say it too."""
    kinds, says, _ = UNITS[unit]
    twice = []
    for path in source.modules():
        for node in source.nodes(path):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Column"
                    and {_kind(a) for a in [*node.args, *(k.value for k in node.keywords)]}
                    & kinds and says.search(header := _said(node.args[0] if node.args else None))):
                twice.append(f"{path.relative_to(ROOT)}:{node.lineno} {header}")
    assert not twice


@pytest.mark.parametrize("unit", UNITS)
def test_no_fact_built_in_python_says_its_unit_beside_a_value_that_says_it(unit):
    """A page's facts built by a view, (term, value) pairs such as (_("Fee"), money(fee)):
    the term says no unit the value writes."""
    _, says, writer = UNITS[unit]
    twice = []
    for path in source.modules():
        for node in source.nodes(path):
            if (isinstance(node, ast.Tuple) and len(node.elts) == 2
                    and says.search(term := _said(node.elts[0]))
                    and isinstance(node.elts[1], ast.Call)
                    and getattr(node.elts[1].func, "id", None) == writer):
                twice.append(f"{path.relative_to(ROOT)}:{node.lineno} {term}")
    assert not twice


def test_no_history_label_says_a_unit_its_value_writes():
    """A record's history writes an amount as money ("CN¥1,000.00") and a percentage with its
    sign (`tracker.display.history.shown`): the field's label (words.FIELDS) says neither."""
    twice = [f"{key}: {label}" for key, label in FIELDS.items()
             if UNITS["money"][1].search(str(label))]
    assert not twice


def _in_jinja(says: re.Pattern) -> str:
    """The unit's words as a template writes them: "%" as "%%" in a gettext call."""
    return says.pattern.replace("%", "%%")


def _twice_in(text: str, says: re.Pattern, writer: str) -> list[str]:
    """A term or header saying the unit above the cell the filter writes: a fact (dt then dd)
    on one line, or a table whose header says it and whose cells are written by `writer`."""
    unit = _in_jinja(says)
    fact = re.compile(rf"<dt>[^<]*{unit}[^<]*</dt>\s*<dd>[^\n]*\|{writer}")
    header = re.compile(rf"<th[^>]*>[^<]*{unit}[^<]*</th>")
    found = [m.group(0)[:80] for m in fact.finditer(text)]
    for table in re.findall(r"<table.*?</table>", text, re.S):
        if f"|{writer}" in table:
            found += [m.group(0) for m in header.finditer(table)]
    return found


@pytest.mark.parametrize("unit", UNITS)
def test_no_page_says_a_unit_above_a_value_that_says_it(unit):
    _, says, writer = UNITS[unit]
    twice = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        twice += [f"{path.relative_to(ROOT)}: {m}" for m in _twice_in(text, says, writer)]
    assert not twice


def test_the_template_check_finds_what_it_looks_for():
    """The template walk finds a unit said twice in a fact and in a table, and none above
    inputs (a form's table of amounts, whose cells are bare numbers)."""
    _, says, writer = UNITS["money"]
    fact = "<dt>{{ _('Fee (CNY)') }}</dt><dd>{{ a.fee|money }}</dd>"
    table = ("<table><thead><tr><th>{{ _('Fee (CNY)') }}</th></tr></thead>"
             "<tbody><tr><td>{{ a.fee|money }}</td></tr></tbody></table>")
    form = ("<table><thead><tr><th>{{ _('Fee (CNY)') }}</th></tr></thead>"
            "<tbody><tr><td>{{ field() }}</td></tr></tbody></table><p>{{ total|money }}</p>")
    assert len(_twice_in(fact, says, writer)) == 1
    assert len(_twice_in(table, says, writer)) == 1
    assert _twice_in(form, says, writer) == []
