"""Two pieces of logic every kind of record shares, each written once (issue 11: no logic
twice): a void (`tracker.voids.void`: what depends on the record refused by its kind's
`void_refusal`, the reason, the marks, the audit record) and the refusal of an edit or a
correction that changes nothing (`tracker.corrections.changed`, `unchanged`: one message).
These tests fail when a domain writes either by hand again."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.source import TRACKER, modules, nodes, text

pytestmark = pytest.mark.no_db  # reads the source only: run once (pyproject.toml)

VOIDS = TRACKER / "voids.py"
CORRECTIONS = TRACKER / "corrections.py"
MARKS = {"voided_at", "void_reason", "voided_by_id", "voided_by"}


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(TRACKER)}:{node.lineno}"


def test_a_record_is_marked_voided_in_one_place():
    offenders = [_where(path, node) for path in modules() if path != VOIDS
                 for node in nodes(path) if isinstance(node, ast.Assign | ast.AugAssign)
                 for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                 for each in ast.walk(target)
                 if isinstance(each, ast.Attribute) and each.attr in MARKS]
    assert offenders == [], "void or withdraw through tracker.voids.void"


def test_no_service_refuses_a_void_by_its_blocker_itself():
    """A void's service hands its `void_refusal` to `voids.void` (`refusal=`), which reads it
    after the ledger entries under the record are read again (`stale=`) and refuses in its
    words; five services did each step themselves."""
    offenders = [_where(path, node) for path in modules() if path != VOIDS
                 for node in nodes(path)
                 if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Refused"
                 and node.args and isinstance(node.args[0], ast.Attribute)
                 and node.args[0].attr == "text"]
    # The page's refusal too: `Blocker.refused` builds both (session 29: the service's lost
    # the links to what to undo first, the page's kept them).
    assert offenders == [], "pass the void_refusal to tracker.voids.void (refusal=...)"


def test_no_view_derives_the_refusal_of_a_voided_record():
    """A form on a voided or withdrawn record is refused by `voids.refusal` (or its kind's
    refusal, which asks it first) passed to `correctable`/`reversible`/`offered`; three views
    wrote `voided(x) if x.is_void else None` themselves."""
    offenders = [_where(path, node) for path in modules()
                 if path.name == "views.py" or path.name.endswith("_views.py")
                 for node in nodes(path)
                 if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "voided"]
    assert offenders == [], "pass voids.refusal (or the kind's ..._refusal) to the loader"


def test_a_withdrawn_record_is_said_in_one_place():
    """An achievement or a right withdrawn was said in two sentences, one naming it
    (`withdrawals.withdrawn_refusal`, on its deals' and annuities' forms) and one not
    (`voids.voided`, on its own forms): `voids.voided` says it, naming it, for both."""
    said = [path.relative_to(TRACKER) for path in modules()
            if "withdrawn on %(date)s (%(reason)s)" in text(path)]
    assert said == [Path("voids.py")]


def _reads_void(test: ast.expr) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "is_void" for n in ast.walk(test))


def _says_voided(body: list[ast.stmt] | ast.expr) -> bool:
    return any(isinstance(n, ast.Call) and getattr(n.func, "attr", getattr(n.func, "id", ""))
               == "voided" for part in (body if isinstance(body, list) else [body])
               for n in ast.walk(part))


# A kind's refusal saying in its own words that the record was voided or withdrawn.
OWN_WORDS = re.compile(r"This [a-zA-Z ]{1,30} was (withdrawn|voided|taken off)")


def test_a_voided_record_is_refused_by_the_one_rule():
    """Why nothing more is done with a voided or withdrawn record is `voids.refusal(record)`,
    asked first (a kind's advice, where the money or the right file goes, is said after its
    sentence). Found in session 28: 22 refusals read `x.is_void` and said `voids.voided(x)`
    themselves, and six said it in words of their own ("This post was withdrawn: it stays as
    it was, marked so.", "This deliverable was taken off on ..."): the rule written out again,
    in seven wordings."""
    asked = [_where(path, node) for path in modules() if path != VOIDS
             for node in nodes(path)
             if isinstance(node, ast.If | ast.IfExp) and _reads_void(node.test)
             and _says_voided(node.body)]
    said = [path.relative_to(TRACKER).as_posix() for path in modules()
            if path != VOIDS and OWN_WORDS.search(text(path))]
    assert asked == [], "if (said := voids.refusal(record)) is not None: return said"
    assert said == [], "say voids.refusal's sentence, then the kind's advice"


def test_nothing_changed_is_said_in_one_place():
    said = [path.relative_to(TRACKER) for path in modules()
            if "Nothing was changed: change what you meant" in text(path)]
    assert said == [Path("corrections.py")]


def test_no_service_compares_pending_changes_to_refuse_as_unchanged():
    """Whether an edit or a correction changed a record's values is `corrections.changed`'s
    question: a service that reads `pending_changes` and raises `unchanged` itself is the
    second shape of it (four were found, each with its own condition)."""
    offenders = []
    for path in modules():
        if path == CORRECTIONS:
            continue
        for function in nodes(path):
            if not isinstance(function, ast.FunctionDef):
                continue
            called = {getattr(c.func, "attr", getattr(c.func, "id", ""))
                      for c in ast.walk(function) if isinstance(c, ast.Call)}
            if {"pending_changes", "unchanged"} <= called:
                offenders.append(_where(path, function))
    assert offenders == [], "ask tracker.corrections.changed (new=... for a form that creates)"


# Who raises `unchanged`: `corrections.changed`, and the one check of every edit form (a save
# that wrote no audit record changed nothing).
RAISE_UNCHANGED = {CORRECTIONS, TRACKER / "web" / "actions.py"}


def test_only_changed_refuses_a_correction_as_unchanged():
    """A correction whose record is not written in place (a gate decision superseded by a new
    one, a scorecard or a declaration rewritten, a deliverable's file replaced) hands what it
    would change to `corrections.changed` (`corrections.differences` of the record's values as
    compared); found in session 29: the gate decision, the scorecard, the declaration and the
    deliverable each compared their values their own way and raised `unchanged` themselves."""
    offenders = [_where(path, node) for path in modules() if path not in RAISE_UNCHANGED
                 for node in nodes(path)
                 if isinstance(node, ast.Call)
                 and getattr(node.func, "attr", getattr(node.func, "id", "")) == "unchanged"]
    assert offenders == [], "corrections.changed(record, changes=corrections.differences(...))"
