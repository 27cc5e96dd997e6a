"""The app's own source as the tests that scan it read it: each module of tracker/ read, parsed
and walked once a test process, whichever of the tests asks first. Some twenty tests scan every
module (the layout, the views' shape, the predicates, the reversals ...); each parsed all of
them again, 1 to 2 s of CPU a time. The files do not change during a run."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import tracker

TRACKER = Path(tracker.__file__).resolve().parent


@cache
def modules() -> tuple[Path, ...]:
    """Every module of tracker/, sorted by path (absolute paths)."""
    return tuple(sorted(TRACKER.rglob("*.py")))


def text(path: Path) -> str:
    """The module's text."""
    return _text(Path(path).resolve())


def tree(path: Path) -> ast.Module:
    """The module's syntax tree: shared by every test that asks, so read it, never change it."""
    return _tree(Path(path).resolve())


def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of the module's tree, in the order of `ast.walk`."""
    return _nodes(Path(path).resolve())


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(_text(path), filename=str(path))


@cache
def _nodes(path: Path) -> tuple[ast.AST, ...]:
    return tuple(ast.walk(_tree(path)))
