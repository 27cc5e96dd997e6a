"""The opening of a service that writes under a lock, written once (issue 11: no logic twice):
who may (`Forbidden`), then the lock, then when (`Refused`, the state read under the lock) is
`tracker.errors.require(may, refusal, lock=...)`. Found in session 29: 23 services wrote the
three steps by hand (`if not may: raise Forbidden()`, the lock, `if (said := refusal) is not
None: raise Refused(said)`), three of them as a `_may` of their module; this test fails when
one does again."""

from __future__ import annotations

import ast

import pytest

from tests.source import TRACKER, modules, tree

pytestmark = pytest.mark.no_db  # reads the source only: run once (pyproject.toml)


def _name(call: ast.Call) -> str:
    return getattr(call.func, "attr", getattr(call.func, "id", ""))


def _raises(stmt: ast.stmt, error: str) -> bool:
    """`if ...: raise error(...)`, its whole body."""
    return (isinstance(stmt, ast.If) and len(stmt.body) == 1 and not stmt.orelse
            and isinstance(stmt.body[0], ast.Raise) and isinstance(stmt.body[0].exc, ast.Call)
            and _name(stmt.body[0].exc) == error)


def _who(stmt: ast.stmt) -> bool:
    """Who may, by hand (`if not may: raise Forbidden()`) or by a `require...` helper."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _name(stmt.value).startswith("require")
    return _raises(stmt, "Forbidden") and isinstance(stmt.test, ast.UnaryOp)


def _call(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)


def test_no_service_writes_who_lock_when_by_hand():
    offenders = []
    for path in modules():
        for function in ast.walk(tree(path)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = function.body
            for i, stmt in enumerate(body):
                if not _who(stmt):
                    continue
                j = i + 1
                while j < len(body) and _call(body[j]):  # the lock: a call or two
                    j += 1
                if (i + 1 < j < len(body) - 1 and isinstance(body[j], ast.Assign)
                        and isinstance(body[j].value, ast.Call)
                        and isinstance(body[j + 1], ast.If)
                        and getattr(body[j + 1].test, "id", 1)
                        == getattr(body[j].targets[0], "id", 2)):
                    j += 1  # the refusal read into a name first (`reason = ...; if reason:`)
                if i + 1 < j < len(body) and _raises(body[j], "Refused"):
                    offenders.append(f"{path.relative_to(TRACKER)}:{function.lineno} "
                                     f"{function.name}")
    assert offenders == [], "require(may, lambda: refusal(...), lock=lambda: ...)"


def test_a_row_is_locked_and_read_again_in_one_place():
    """`tracker.db.lock(record, *again)` locks a row and reads again what it holds; found in
    session 29: fourteen services wrote `db.session.refresh(x, with_for_update=True)`, six of
    them followed by their own `expire` of what it holds."""
    offenders = [f"{path.relative_to(TRACKER)}:{node.lineno}" for path in modules()
                 if path != TRACKER / "db.py"
                 for node in ast.walk(tree(path))
                 if isinstance(node, ast.Call) and _name(node) == "refresh"
                 and any(k.arg == "with_for_update" for k in node.keywords)]
    assert offenders == [], "db.lock(record, *what_it_holds)"
