"""Every correction carries a reason (issue 9 point 5): a correction of a decision, a
reversal of a ledger entry, a voiding or a withdrawal of a record made by mistake takes the
reason it was made, as a parameter of its service (which refuses a blank one: the gate
decision's, found without one, in tests/gates/test_views.py; the others in their own tests).

The table is found, not typed: every service named as a correction is in it, so a new one
without a reason fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import tracker

# What a service that corrects a record is called.
CORRECTS = re.compile(r"^(correct|reverse|void|detach|withdraw|supersede|amend)_")

# Named like a correction, but no correction of a record made by mistake: a PM withdrawing
# their own draft before anyone acted on it, as an applicant withdraws (撤回) a request.
NOT_CORRECTIONS = {("tracker.projects.services", "withdraw_draft")}


def _services() -> list[tuple[str, str, inspect.Signature]]:
    found = []
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if module.name.rsplit(".", 1)[-1].endswith("views") or "demo" in module.name:
            continue
        loaded = importlib.import_module(module.name)
        for name, function in vars(loaded).items():
            if not (inspect.isfunction(function) and function.__module__ == loaded.__name__
                    and CORRECTS.match(name)
                    and (loaded.__name__, name) not in NOT_CORRECTIONS):
                continue
            signature = inspect.signature(function)
            # A service takes the acting user first (style.md); `void_refusal` and the like,
            # which say why one can't be made, are predicates.
            if next(iter(signature.parameters), None) == "actor":
                found.append((loaded.__name__, name, signature))
    return found


def test_every_correction_service_takes_a_reason(app):
    with app.app_context():
        services = _services()
    found = {(module, name) for module, name, _ in services}
    # The table is the app's: the kinds of correction the tracker has are all found.
    assert {("tracker.gates.decisions", "correct_decision"),
            ("tracker.gates.corrections", "correct_scores"),
            ("tracker.contracts.services", "reverse_payment"),
            ("tracker.contracts.corrections", "void_contract"),
            ("tracker.companies.corrections", "detach_project"),
            ("tracker.projects.trl", "withdraw_trl")} <= found
    assert len(found) >= 25
    without = [f"{module}.{name}" for module, name, signature in services
               if "reason" not in signature.parameters]
    assert without == []


def test_the_gate_decision_reason_has_no_default(app):
    """A caller that forgets it is told at once, not refused at the form."""
    with app.app_context():
        services = {(m, n): s for m, n, s in _services()}
    reason = services[("tracker.gates.decisions", "correct_decision")].parameters["reason"]
    assert reason.default is inspect.Parameter.empty
