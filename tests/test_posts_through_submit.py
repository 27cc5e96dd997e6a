"""Every form POST answers through tracker.web.actions (`submit`, or `press` for a button), so
input refused, a refusal and a success read the same on every page (issue 11 point 1): a view
that commits and flashes by hand says a refusal its own way, or not at all (the recovery codes'
button, asked with two-step sign-in off, reached the app's error page instead of the account's
page with the reason above it). tests/test_views_shape.py checks that no view catches a
refusal; this checks that each POST goes through the one shape at all."""

from __future__ import annotations

import ast
import inspect
import textwrap

from werkzeug.local import LocalProxy

from tests.source import TRACKER, nodes
from tracker.web import actions

ROOT = TRACKER
SHAPES = {"submit", "press"}

# The POSTs that answer otherwise, and why. A new one is not added here lightly: a form that
# changes something goes through `submit`.
OWN_SHAPE = {
    "auth.login": "a failed attempt is recorded (the limiter and the lock-out count it) and "
                  "must be committed like a success; `submit` rolls a refusal back",
    "mfa.code": "the second step of a sign-in: a wrong code is recorded and committed, as at "
                "login",
    "sso.ldap_login": "a sign-in by the directory's password: a failed attempt is recorded and "
                      "committed, as at login",
    "phones.bind": "a wrong texted code is counted against the binding and committed",
    "phones.reset_password": "a wrong texted code is counted against the reset and committed",
    "auth.logout": "ends the session: nothing to refuse, nothing to say",
    "web.set_language": "the header's switch of language: no form, never refused, back to "
                        "the page it was pressed on",
    "notifications.read_one": "opening a notice (its button is its link): marked read, then "
                              "the page it is about, with nothing to say",
}


def _called(function: ast.FunctionDef) -> list[ast.expr]:
    return [n.func for n in ast.walk(function) if isinstance(n, ast.Call)]


def reaches_the_shape(function, seen: set | None = None) -> bool:
    """Whether `function` calls `submit` or `press`, itself or through the tracker's functions
    it calls (each name resolved in its module, as Python would)."""
    seen = set() if seen is None else seen
    if function in seen:
        return False
    seen.add(function)
    names = function.__globals__
    tree = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    for called in _called(tree):
        if isinstance(called, ast.Name):
            target = names.get(called.id)
        elif isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name):
            owner = names.get(called.value.id)  # a module, a class; never a request's proxy
            target = None if type(owner) is LocalProxy else getattr(owner, called.attr, None)
        else:
            continue
        if target in (actions.submit, actions.press):
            return True
        if (inspect.isfunction(target) and target.__module__.startswith("tracker.")
                and reaches_the_shape(inspect.unwrap(target), seen)):
            return True
    return False


def posts_answering_otherwise(app) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.endpoint.startswith("api."):
            continue  # the JSON API answers problems as JSON (tracker/web/api)
        if not reaches_the_shape(inspect.unwrap(app.view_functions[rule.endpoint])):
            found.add(rule.endpoint)
    return found


def test_every_form_post_answers_through_submit(app):
    found = posts_answering_otherwise(app)
    assert found - set(OWN_SHAPE) == set(), "answer through tracker.web.actions.submit or press"
    assert set(OWN_SHAPE) - found == set(), "goes through submit now: take it out of OWN_SHAPE"


def test_the_scan_sees_a_post_through_a_helper_and_one_by_hand(app):
    """A reversal's page answers through `reversal_page`, a correction's through
    `decision_correction`, both `submit` in tracker/web/corrections.py; the language switch
    answers by hand."""
    views = app.view_functions
    for endpoint in ("spending.reverse", "changes.correct", "projects.resume"):
        assert reaches_the_shape(inspect.unwrap(views[endpoint])), endpoint
    assert not reaches_the_shape(inspect.unwrap(views["web.set_language"]))


# The local helpers of a POST that stood beside `submit` (issue 11 point 1): gone, and their
# names with them, so that a reader meeting one does not look for a second shape.
OLD_HELPERS = {"_save_proposal", "_act", "_done", "_back_to_project", "_save"}


def test_no_view_module_defines_the_old_post_helpers():
    found = [f"{path.relative_to(ROOT)}:{node.name}"
             for path in sorted(ROOT.rglob("*views.py"))
             for node in nodes(path)
             if isinstance(node, ast.FunctionDef) and node.name in OLD_HELPERS]
    assert found == []
