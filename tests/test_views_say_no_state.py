"""A view does not choose what to tell the user by reading a record's state: which sentence an
outcome gets ("Endorsed: it goes on to HQ." or "it waits for the other signatures") is a fact of
the domain that owns the state, said by a function beside its model or its refusals (issue 11
point 5: business facts in views move to their domain). Found when it was written: the
approval's signature, an evidence entry's review, a change asked, a contract's registration, an
import's end and a move of a milestone's date each chose their sentence in the view.

The scan: every conditional expression or `if` statement of a view module whose test reads
`.state`, an `.is_<x>` property, `.value` or an enum member (`RequestState.PASSED`) and whose
branches call gettext. A test on the user's input (a verdict in the URL, a field of the form)
is not caught: only a record's state is. Nor is a flag the view works out first and tests
after (`replacing = bool(obligation.submissions)`, as obligations' and centres' views did):
the reader catches those."""

from __future__ import annotations

import ast

import pytest

from tests.test_views_shape import ROOT, _view_modules

pytestmark = pytest.mark.no_db  # reads the source only: run once (pyproject.toml)

GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"}
# SQLAlchemy's operators, not a record's property.
NOT_STATE = {"is_", "is_not"}


def _reads_state(test: ast.expr) -> bool:
    for node in ast.walk(test):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in ("state", "value") or (node.attr.startswith("is_")
                                              and node.attr not in NOT_STATE):
            return True
        if isinstance(node.value, ast.Name) and node.value.id[:1].isupper() \
                and node.attr.isupper():  # an enum's member: ImportState.DONE
            return True
    return False


def _says(branches: list[ast.AST]) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id in GETTEXT
               for branch in branches for node in ast.walk(branch))


def state_said(source: str) -> list[str]:
    """`line: test` of each branch on a record's state that chooses a sentence."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.IfExp):
            branches = [node.body, node.orelse]
        elif isinstance(node, ast.If):
            branches = [*node.body, *node.orelse]
        else:
            continue
        if _reads_state(node.test) and _says(branches):
            found.append((node.lineno, ast.unparse(node.test)))
    return [f"{line}: {test}" for line, test in sorted(found)]


def test_no_view_chooses_its_sentence_by_a_records_state():
    found = {str(path.relative_to(ROOT)): said for path in _view_modules()
             if (said := state_said(path.read_text(encoding="utf-8")))}
    assert found == {}, "say it beside the model or its refusals, and call that from the view"


def test_the_scan_finds_the_shapes_it_was_written_for():
    """As they were in the views: an `if` returning the sentence, a conditional expression in a
    `done` lambda, a property; the user's own choice is not the record's state."""
    source = '''
def _after_sign(found):
    if found.state is RequestState.RETURNED:
        return _("Returned.")
    return _("Endorsed.")

done = lambda e: _("Accepted.") if e.state is EvidenceState.ACCEPTED else _("Returned.")
said = _("Corrected.") if contract.is_registered else _("Recorded.")
kind = EvidenceState.ACCEPTED if e.is_ok else EvidenceState.RETURNED
up = _("Moved up.") if request.form.get("direction") != "down" else _("Moved down.")
rows = query.where(User.active.is_(True)) if _("x") else None
'''
    assert state_said(source) == [
        "3: found.state is RequestState.RETURNED",
        "7: e.state is EvidenceState.ACCEPTED",
        "8: contract.is_registered"]
