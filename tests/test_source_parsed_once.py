"""The tests that scan the app's source parse each file once a test process, through
tests/source.py: some twenty of them parsed every module of tracker/ again (1 to 2 s of CPU a
time), and a new scan written the old way would again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.source import nodes

pytestmark = pytest.mark.no_db  # reads the tests' source only: run once (pyproject.toml)

TESTS = Path(__file__).resolve().parent
READS = {"read_text", "read", "read_bytes"}


def files_parsed_by_hand(path: Path) -> list[int]:
    """The lines of `path` where a file's text is read and parsed there (`ast.parse` of a
    `read_text()`, `read()` or `read_bytes()`)."""
    return [node.lineno for node in nodes(path)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "parse" and getattr(node.func.value, "id", "") == "ast"
            and node.args and isinstance(node.args[0], ast.Call)
            and getattr(node.args[0].func, "attr", "") in READS]


def test_no_test_parses_a_file_itself():
    found = [f"{path.relative_to(TESTS.parent)}:{line}" for path in sorted(TESTS.rglob("*.py"))
             if path.name != "source.py" for line in files_parsed_by_hand(path)]
    assert found == [], "read it with tests.source.tree or nodes (parsed once a process)"


def test_the_scan_finds_a_file_parsed_by_hand(tmp_path):
    (tmp_path / "test_scan.py").write_text(
        "import ast\n"
        "def test_a(path):\n    tree = ast.parse(path.read_text(encoding='utf-8'))\n"
        "def test_b(name):\n    return ast.parse(open(name).read())\n"
        "def test_c(source):\n    return ast.parse(source)\n", encoding="utf-8")
    assert files_parsed_by_hand(tmp_path / "test_scan.py") == [3, 5]
