"""How the code is laid out: small modules, imports at the top (no cycle hidden inside a
function), the web layer imported by nothing below it, every enum labelled."""

from __future__ import annotations

import ast
import enum
import importlib
from pathlib import Path

import pytest

from tests.source import TRACKER, modules, nodes, text, tree
from tracker.display.labels import LABELS

pytestmark = pytest.mark.no_db  # reads the source only: run once (pyproject.toml)

ROOT = TRACKER.parent
MAX_LINES = 400

# The only functions that may import: create_app wires every domain into the app, and the
# guards module joins the domains whose facts the lifecycle's guards read (each domain's
# services import the projects package, so the guards import them when asked). The pinyin
# of the choices' order imports pypinyin at a process's first Chinese list: a library, no
# cycle, whose word list costs 57 MB and 0.7 s that a command or a job never needs.
IMPORTING_FUNCTIONS = {
    ("tracker/__init__.py", "create_app"),
    ("tracker/projects/guards.py", "gate_checklist"),
    ("tracker/display/collation.py", "_pinyin"),
}
# Modules of the web layer, which may import tracker.web: views, forms, the pages views render
# (the project page, drawn for the logged-in user: tracker.web.permissions.acting_user) and the
# app factory.
WEB_LAYER = ("views.py", "admin_views.py", "mfa_views.py", "deal_views.py", "duty_views.py",
             "trl_views.py", "post_views.py", "void_views.py", "ip_deal_views.py",
             "correction_views.py", "page.py",
             "forms.py", "review_forms.py")


def _modules() -> tuple[Path, ...]:
    return modules()


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_module_is_over_400_lines():
    long = {_name(p): n for p in _modules()
            if (n := len(text(p).splitlines())) > MAX_LINES}
    assert long == {}


def test_only_create_app_and_the_guards_import_inside_a_function():
    found = set()
    for path in _modules():
        for node in nodes(path):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                    isinstance(inner, ast.Import | ast.ImportFrom) for inner in ast.walk(node)):
                found.add((_name(path), node.name))
    assert found == IMPORTING_FUNCTIONS


def test_nothing_below_the_web_layer_imports_it():
    offenders = []
    for path in _modules():
        if path.is_relative_to(TRACKER / "web") or path.name in WEB_LAYER or (
                path == TRACKER / "__init__.py"):
            continue
        for node in nodes(path):
            modules = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                       else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [(_name(path), m) for m in modules
                          if m == "tracker.web" or m.startswith("tracker.web.")]
    assert offenders == []


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports_at_load(path: Path, known: set[str]) -> set[str]:
    """The tracker modules `path` imports when it is loaded (not those under TYPE_CHECKING)."""
    found = set()
    for node in tree(path).body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known
                      else node.module for a in node.names}
    return {name for name in found if name in known and name != "tracker"}


def test_no_two_modules_import_each_other_even_through_others():
    known = {_module_name(p) for p in _modules()}
    graph = {_module_name(p): _imports_at_load(p, known) for p in _modules()}
    cycles, state = [], {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                cycles.append(" -> ".join([*path[path.index(imported):], imported]))
            elif imported not in state:
                visit(imported, [*path, imported])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_every_enum_of_the_models_has_a_label_for_each_value():
    unlabelled = []
    for path in _modules():
        module = importlib.import_module(_module_name(path))
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, enum.Enum)
                    and value.__module__ == module.__name__ and value is not _STEP):
                table = LABELS.get(value, {})
                unlabelled += [f"{value.__name__}.{m.name}" for m in value if m not in table]
    assert unlabelled == []


# The kinds of step of the lifecycle table are never shown: phases and decisions are.
_STEP = importlib.import_module("tracker.projects.lifecycle").Step
