"""Every reversal is written by tracker/reversals.py: a ledger entry's by `reverse` (or `begin`
with the ledger's own order), a reversal record's by `record`. These tests fail when a domain
writes one by hand again: checks the reason and the date itself, locks in its reverse_*
function, or builds a reversal record with anything but what `record` states."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.source import TRACKER, modules, nodes
from tracker.companies.reversal_models import Reversal
from tracker.db import Base

pytestmark = pytest.mark.no_db  # reads the source only: run once (pyproject.toml)

ROOT = TRACKER
WRITER = ROOT / "reversals.py"


def _modules() -> list[Path]:
    return [path for path in modules() if path != WRITER]


def _record_kinds() -> set[str]:
    """The names of the reversal records' classes (every model that is a `Reversal`)."""
    return {m.class_.__name__ for m in Base.registry.mappers if issubclass(m.class_, Reversal)}


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_no_domain_checks_a_reversal_itself():
    offenders = [_where(path, node) for path in _modules() for node in nodes(path)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and node.func.attr == "check" and getattr(node.func.value, "id", "")
                 == "reversals"]
    assert offenders == [], "reverse through reversals.reverse or reversals.record"


def test_no_reverse_function_locks_by_hand():
    offenders = []
    for path in _modules():
        for function in nodes(path):
            if (isinstance(function, ast.FunctionDef) and function.name.startswith("reverse")
                    and "with_for_update" in ast.unparse(function)):
                offenders.append(_where(path, function))
    assert offenders == [], "reversals.begin locks `under` (reverse, record)"


def test_every_reversal_record_is_built_with_what_record_states():
    kinds = _record_kinds()
    assert {"RoundReversal", "ExitReversal", "ConversionReversal", "RoyaltyReportReversal",
            "AnnuityPaymentReversal", "ExerciseReversal", "LeavingReversal"} <= kinds
    built, offenders = set(), []
    for path in _modules():
        for node in nodes(path):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in kinds:
                built.add(node.func.id)
                if not any(k.arg is None and getattr(k.value, "id", "") == "stated"
                           for k in node.keywords):
                    offenders.append(_where(path, node))
    assert offenders == [], "build the record in the `make` given to reversals.record"
    assert built == kinds  # each is built somewhere: the test sees them


def test_every_reversal_form_is_drawn_by_reversal_page():
    """A reverse* view is only what differs (what is loaded, the facts, the words): its form
    is posted and its page drawn by `tracker.web.corrections.reversal_page`."""
    views, offenders = [], []
    for path in _modules():
        for function in nodes(path):
            if (isinstance(function, ast.FunctionDef) and function.name.startswith("reverse")
                    and any(isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "route"
                            for d in function.decorator_list)):
                views.append(_where(path, function))
                if "reversal_page(" not in ast.unparse(function):
                    offenders.append(_where(path, function))
    assert len(views) >= 14  # the payments', disbursements', entries', records' reversals
    assert offenders == [], "answer through tracker.web.corrections.reversal_page"


# Reverse views that load their record otherwise, and why (none now: an annuity's payment
# was, until its refusal said its right or achievement withdrawn first, `reverse_refusal`).
LOADED_OTHERWISE: dict[str, str] = {}


def _loaded_by_hand(prefix: str, loader: str) -> tuple[list[str], set[str], int]:
    """The `prefix*` views (routes) that do not load their record through `loader` or answer
    404, 403 or the refusal themselves (`abort`, `offered`), those exempt that exist, and how
    many views were read."""
    offenders, exempt, views = [], set(), 0
    for path in _modules():
        for function in nodes(path):
            if not (isinstance(function, ast.FunctionDef) and function.name.startswith(prefix)
                    and any(isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "route"
                            for d in function.decorator_list)):
                continue
            views += 1
            name = f"{path.relative_to(ROOT)}:{function.name}"
            calls = {getattr(c.func, "id", getattr(c.func, "attr", "")) for c in ast.walk(function)
                     if isinstance(c, ast.Call)}
            if name in LOADED_OTHERWISE:
                exempt.add(name)
            elif loader not in calls or calls & {"abort", "offered"}:
                offenders.append(_where(path, function))
    return offenders, exempt, views


def test_every_reversal_form_loads_its_record_with_reversible():
    """A reverse* view neither looks its record up, answers 404 or 403, nor applies its
    refusal itself: `tracker.web.corrections.reversible` does (404 when not the user's to see,
    403 when the record's `can_reverse` says they may not, its refusal before the form)."""
    offenders, exempt, views = _loaded_by_hand("reverse", "reversible")
    assert views >= 14
    assert offenders == [], "load through tracker.web.corrections.reversible"
    assert exempt == set(LOADED_OTHERWISE)  # each exemption names a view that still exists


def test_every_void_form_loads_its_record_with_correctable():
    """A void* view (a contract, a deal, an agreement, a tranche, an IP deal, a founders'
    table) is loaded as every correction's: `correctable` with the record's `can_void` (or
    `can_void_founders`) and its refusal, a `Blocker` linking to what is undone first."""
    offenders, _exempt, views = _loaded_by_hand("void", "correctable")
    assert views >= 6
    assert offenders == [], "load through tracker.web.corrections.correctable"


def test_every_page_says_a_reversal_with_one_macro():
    """What a page says of a reversal beside the record is one of two macros in
    macros/corrections.html: `reversal_state` for a ledger's entry (the reversing entry: what
    it reverses and why; the reversed one: from when; else the link to reverse it), seven
    templates wrote it (payments, disbursements, co-funders' and centres' payments, receipts,
    spending, share entries); `record_reversal` for a record reversed by a reversal record
    (a round, an exit, a royalty report, an exercise), written in four places, one in other
    colours."""
    templates = ROOT.parent / "templates"
    macro = templates / "macros" / "corrections.html"
    said = re.compile(r"{%-?\s*(el)?if \w+\.(reverses|reversal)\s*%}\s*<span class=\"tag")
    offenders = [str(path.relative_to(templates)) for path in sorted(templates.rglob("*.html"))
                 if path != macro and said.search(path.read_text(encoding="utf-8"))]
    assert offenders == [], "call macros/corrections.html's reversal_state or record_reversal"


# Views posting a form of the reason alone otherwise, and why.
REASON_ELSEWHERE = {
    "obligations/views.py:withdraw": "a report owed cancelled from its own page, whose form "
                                     "(`why_withdrawn`) is one of several the page shows",
    "projects/views.py:resume": "a button of the project's page, which it draws again",
    "projects/views.py:terminate": "a button of the project's page, which it draws again",
}


def test_every_reason_form_is_posted_by_reason_page():
    """A view whose form asks the reason alone (a void, a withdrawal, an instalment removed,
    an outcome withdrawn, a company detached) is only what differs (what is loaded, the facts,
    the words): its form is posted and its page drawn by `tracker.web.corrections.reason_page`.
    Found in session 29: fourteen views each wrote `submit(form, lambda: service(user, record,
    form.reason.data), ..., lambda: correction_page(...))`."""
    forms = {"WithdrawForm", "ReasonForm"}
    offenders, exempt = [], set()
    for path in _modules():
        if path == ROOT / "web" / "corrections.py":
            continue
        for function in nodes(path):
            if not isinstance(function, ast.FunctionDef):
                continue
            named = {n.targets[0].id for n in ast.walk(function)
                     if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                     and getattr(n.value.func, "id", "") in forms
                     and isinstance(n.targets[0], ast.Name)}
            if not any(isinstance(c, ast.Call) and getattr(c.func, "id", "") == "submit"
                       and c.args and getattr(c.args[0], "id", None) in named
                       for c in ast.walk(function)):
                continue
            name = f"{path.relative_to(ROOT).as_posix()}:{function.name}"
            (exempt.add if name in REASON_ELSEWHERE else offenders.append)(name)
    assert offenders == [], "post it through tracker.web.corrections.reason_page"
    assert exempt == set(REASON_ELSEWHERE)  # each exemption names a view that still exists
