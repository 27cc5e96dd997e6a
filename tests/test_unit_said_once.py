"""A unit is said once: a table header or a fact's term says "(%)" only where its cells do
not (a form's input, an import's column, whose cells hold bare numbers); above cells that
write "25.00%" themselves it said it twice (found by a newcomer: "Stake (%)" above "25.00%")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests import source

pytestmark = pytest.mark.no_db  # reads the source and templates only

ROOT = Path(__file__).resolve().parent.parent


def _says_pct(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "PCT" and (
        isinstance(node.value, ast.Name) and node.value.id == "Kind")


def _header(call: ast.Call) -> str:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call) and first.args and isinstance(first.args[0], ast.Constant):
        return str(first.args[0].value)
    return ""


def test_no_list_column_of_percentages_says_per_cent_in_its_header():
    """A list's column of Kind.PCT writes "%" in each cell (`formatting.pct`, and the XLSX
    file's number format): its header does not say "(%)" too."""
    twice = []
    for path in source.modules():
        for node in source.nodes(path):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Column"
                    and any(_says_pct(a) for a in [*node.args, *(k.value for k in node.keywords)])
                    and "(%)" in _header(node)):
                twice.append(f"{path.relative_to(ROOT)}:{node.lineno} {_header(node)}")
    assert not twice


# A term or header in a template that says "(%%)" (Jinja's escaped "%"), and its cell written
# by the `pct` filter: on one line for a fact (dt then dd), anywhere in the template for a
# table's header (its cells are rows below).
FACT = re.compile(r"<dt>[^<]*\(%%\)[^<]*</dt>\s*<dd>[^\n]*\|pct")
HEADER = re.compile(r"<th[^>]*>[^<]*\(%%\)[^<]*</th>")


def test_no_page_says_per_cent_above_a_percentage_that_says_it():
    twice = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        twice += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in FACT.finditer(text)]
        if "|pct" in text:
            twice += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in HEADER.finditer(text)]
    assert not twice
