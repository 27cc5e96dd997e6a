"""Every view answers a POST through tracker.web.actions, so a refusal reads the same on every
page: these tests fail when a view module handles a refusal itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.source import TRACKER, modules, nodes, text, tree
from tracker.web import actions

pytestmark = pytest.mark.no_db  # reads the source only: run once (pyproject.toml)

REFUSALS = {"Invalid", "Refused", "DomainError"}
ROOT = TRACKER


# A route registered on a blueprint, also one declared in another module (the corrections',
# voids' and IP deals' pages, the API's operations).
ROUTE = re.compile(r"^@\w+\.(route|get|post)\(|^@operation\(|\.add_url_rule\(", re.M)


def _view_modules() -> list[Path]:
    """Every module that declares a blueprint or registers a route."""
    return [path for path in modules()
            if "Blueprint(" in (source := text(path)) or ROUTE.search(source)]


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {getattr(kind, "id", getattr(kind, "attr", "")) for kind in kinds if kind is not None}


def test_the_view_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in _view_modules()}
    assert {"projects/views.py", "gates/admin_views.py", "accounts/views.py"} <= names
    # Routes on a blueprint another module declares: missed while only declarations counted.
    assert {"funding/void_views.py", "gates/correction_views.py", "companies/ip_deal_views.py",
            "web/api/writes.py", "web/api/reads.py"} <= names


def test_no_view_module_catches_a_refusal_itself():
    offenders = []
    for path in _view_modules():
        for node in nodes(path):
            if isinstance(node, ast.ExceptHandler) and _caught(node) & REFUSALS:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "answer through tracker.web.actions.submit or press instead"


def test_no_view_is_named_like_the_shared_helpers():
    shared = {name for name in vars(actions) if not name.startswith("_")
              and callable(getattr(actions, name)) and getattr(actions, name).__module__
              == actions.__name__}
    clashes = []
    for path in _view_modules():
        for node in tree(path).body:
            if isinstance(node, ast.FunctionDef) and node.name in shared:
                clashes.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert clashes == []


# A role read in a view's body is a permission worked out there: the model's `can_<verb>`
# predicate or the page's `requires` rule says it (a query listing the users who hold a role,
# for a form's choices, reads `role_grants`, not these).
ROLE_READS = {"is_hq_admin", "is_external_expert", "is_enterprise_contact", "is_limited",
              "has_role"}
# Left to change, with what should say it instead. A new one is not added here.
# (Emptied: the needs' intake, last, reads tracker/needs/intake.py.)
STILL_TO_FIX: set[tuple[str, str]] = set()


def test_no_view_body_reads_a_role():
    found = set()
    for path in _view_modules():
        for function in nodes(path):
            if isinstance(function, ast.FunctionDef) and any(
                    isinstance(node, ast.Attribute) and node.attr in ROLE_READS
                    for statement in function.body for node in ast.walk(statement)):
                found.add((str(path.relative_to(ROOT)), function.name))
    assert found - STILL_TO_FIX == set(), "ask the model's predicate or the page's rule"
    assert STILL_TO_FIX - found == set(), "fixed: remove it from STILL_TO_FIX"


def _only_returns_the_user(function: ast.FunctionDef) -> bool:
    body = [node for node in function.body if not (  # a docstring aside
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    return (len(body) == 1 and isinstance(body[0], ast.Return)
            and isinstance(call := body[0].value, ast.Call) and not call.args
            and getattr(call.func, "attr", getattr(call.func, "id", None))
            in {"acting_user", "_get_current_object"})


# Request hooks below the web layer, which may not import tracker.web (tests/test_layout.py):
# they hand Flask-Login's proxy to the account's wall and its pending sign-in step.
BELOW_THE_WEB = {ROOT / "accounts" / "walls.py", ROOT / "accounts" / "steps.py"}


def test_the_acting_user_is_got_in_one_place():
    """`tracker.web.permissions.acting_user` is the logged-in user: no module keeps its own
    `_user()`, `_me()` or `caller()` copy of it, unwraps Flask-Login's proxy itself, or hands
    the proxy to a service or a predicate as the user."""
    one = ROOT / "web" / "permissions.py"
    copies = []
    for path in modules():
        for node in nodes(path):
            if (isinstance(node, ast.FunctionDef) and _only_returns_the_user(node)
                    and not (path == one and node.name == "acting_user")):
                copies.append(f"{path.relative_to(ROOT)}:{node.name}")
            elif (isinstance(node, ast.Attribute) and node.attr == "_get_current_object"
                  and getattr(node.value, "id", None) == "current_user" and path != one):
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Call) and path not in BELOW_THE_WEB and any(
                    getattr(arg, "id", None) == "current_user" for arg in node.args):
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert copies == [], "call tracker.web.permissions.acting_user()"


# Where a 404 is not "that record is not there, or not yours to see" (which is
# `tracker.web.permissions.loaded`'s or `found`'s), and why each is different.
OWN_404 = {
    ("web/permissions.py", "found"): "the loader itself",
    ("pms/views.py", "step"): "an address naming no step of the register",
    ("reminders/views.py", "feed"): "a calendar feed's secret matching no one (no login)",
    ("assessment/views.py", "_year"): "a year outside the assessments' range",
    ("assessment/views.py", "drill_down"): "an indicator of another year than the address's",
    ("audit/views.py", "history"): "a kind that is no table; a deleted record's trail, read "
                                   "by AuditRecord.can_view_history, and one never recorded",
    ("gates/admin_views.py", "_template_or_404"): "a gate number that is none of the gates",
    ("imports/views.py", "template"): "a kind or format of template that is none",
    ("documents/views.py", "edit_template"): "a kind of document that is none",
    ("sso/views.py", "oidc_start"): "a way of signing in that is not configured",
    ("sso/views.py", "oidc_callback"): "a way of signing in that is not configured",
    ("sso/views.py", "cas_start"): "a way of signing in that is not configured",
    ("sso/views.py", "cas_callback"): "a way of signing in that is not configured",
    ("sso/views.py", "ldap_login"): "a way of signing in that is not configured",
    ("phones/views.py", "only_with_a_gateway"): "no text-message gateway configured",
    ("web/metrics.py", "scrape"): "the metrics, hidden from an address not let in",
}


def _aborts_404(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "abort"
            and bool(node.args) and getattr(node.args[0], "value", None) == 404)


def test_a_record_is_loaded_or_404_in_one_place():
    """A view loads the record its address names with `loaded(Model, id)` (or `found(record)`
    for one a query selected): 404 when it is not there and when the user may not see it,
    alike. Every other 404 says why it is different, above."""
    found = {}
    for path in modules():
        for function in nodes(path):
            if isinstance(function, ast.FunctionDef) and any(
                    _aborts_404(node) for node in ast.walk(function)):
                found[(str(path.relative_to(ROOT)), function.name)] = function.lineno
    assert set(found) - set(OWN_404) == set(), "load it with tracker.web.permissions.loaded"
    assert set(OWN_404) - set(found) == set(), "gone: remove it from OWN_404"


def test_an_api_operation_says_who_may_call_it_in_its_declaration():
    """Who may call an API operation at all is `operation(..., allowed=rule)` (its page's rule,
    as `requires` says it of a page), not a 403 in its body."""
    api = ROOT / "web" / "api"
    found = set()
    for path in sorted(api.rglob("*.py")):
        for function in nodes(path):
            if isinstance(function, ast.FunctionDef) and any(
                    isinstance(node, ast.Call) and getattr(node.func, "id", None) == "abort"
                    and getattr(node.args[0], "value", None) == 403
                    for node in ast.walk(function)):
                found.add(f"{path.relative_to(ROOT)}:{function.name}")
    assert found == {"web/api/spec.py:_guarded", "web/api/spec.py:guarded"}  # and its wrapper


def test_the_correction_page_is_drawn_in_one_place():
    """Every correction's, reversal's, withdrawal's and void's form is drawn by
    `tracker.web.corrections.correction_page`: no view renders its template itself."""
    drawn = [str(path.relative_to(ROOT)) for path in sorted(ROOT.rglob("*.py"))
             if "corrections/correct.html" in path.read_text(encoding="utf-8")]
    assert drawn == ["web/corrections.py"]
