"""A record is audited when something changed (or it was created), in one place:
`audit.record_if_changed` (and a correction's terms, with its reason or refused as unchanged,
in `corrections.corrected`), not in an `if changes:` block before each `audit.record` (issue 11:
no logic written twice)."""

from __future__ import annotations

import ast
import re

import pytest

from tests.source import TRACKER, modules, nodes

pytestmark = pytest.mark.no_db  # reads the source only

ROOT = TRACKER
# Where the test is more than "anything changed", and why (none left: a creation recorded
# whatever its values says so with `always=`).
OWN_TEST: dict[tuple[str, str], str] = {}


def _audits(statement: ast.stmt) -> bool:
    return any(isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record"
               and getattr(node.func.value, "id", None) == "audit"
               for node in ast.walk(statement))


def _names_changes(test: ast.expr) -> bool:
    return any(isinstance(node, ast.Name) and "change" in node.id for node in ast.walk(test))


def test_audited_if_changed_in_one_place():
    found = set()
    for path in modules():
        for function in nodes(path):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if (isinstance(node, ast.If) and not node.orelse and _names_changes(node.test)
                        and any(_audits(statement) for statement in node.body)):
                    found.add((str(path.relative_to(ROOT)), function.name))
    assert found - set(OWN_TEST) == set(), "audit.record_if_changed says it once"
    assert set(OWN_TEST) - found == set(), "gone: remove it from OWN_TEST"


def _returns_when_unchanged(statement: ast.stmt) -> bool:
    """`if not changes: return ...`: the audit of what follows skipped when nothing changed."""
    return (isinstance(statement, ast.If) and isinstance(statement.test, ast.UnaryOp)
            and isinstance(statement.test.op, ast.Not) and _names_changes(statement.test)
            and any(isinstance(node, ast.Return) for node in statement.body))


def test_a_row_of_choices_is_audited_if_changed_in_one_place():
    """The reminder preferences and the notification settings each returned early when nothing
    changed and recorded the rest themselves: `audit.choices_saved` says it once."""
    found = set()
    for path in modules():
        for function in nodes(path):
            if isinstance(function, ast.FunctionDef) and any(
                    _returns_when_unchanged(statement) and any(
                        _audits(later) for later in function.body[i + 1:])
                    for i, statement in enumerate(function.body)):
                found.add((str(path.relative_to(ROOT)), function.name))
    assert found == set(), "audit.choices_saved says it once"


def _action_names(node: ast.IfExp) -> list[str] | None:
    """The two audit action names (`kind.verb`) an expression chooses between, if it does."""
    names = [branch.value for branch in (node.body, node.orelse)
             if isinstance(branch, ast.Constant) and isinstance(branch.value, str)
             and re.fullmatch(r"[a-z_]+\.[a-z_]+", branch.value)]
    return names if len(names) == 2 else None


def test_create_or_update_is_named_in_one_place():
    """A form's record saved, created or changed: `audit.saved` makes `<kind>.create` and
    `<kind>.update` (`audit.action`), never a service choosing between two names of its kind,
    one a creation, by hand: not `.create`/`.update`, nor a kind named before `saved` made the
    names (an indicator's `_create`/`_update`: `audit.STORED_NAMES`), nor a creation that says
    more (a centre agreement's `.renew`/`.create`: `saved(created=...)`)."""
    found = set()
    for path in modules():
        for node in nodes(path):
            if (isinstance(node, ast.IfExp) and (names := _action_names(node))
                    and len({name.split(".")[0] for name in names}) == 1
                    and any(re.search(r"[._]create$", name) for name in names)):
                found.add(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == set(), "audit.saved names them"
